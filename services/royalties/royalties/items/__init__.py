"""Royalty items: opened from content's publication events, scored by the paying desk, overdue after 60 days."""
