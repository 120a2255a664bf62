"""The gateway: the platform's only public entry. No business rules, no database."""
