"""The royalties service: royalty items from publication events, scoring within legal ranges, rate tables, monthly statements, approval, payment tracking."""
