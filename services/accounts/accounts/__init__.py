"""The accounts service: tenants, units, users, roles, credentials, tokens, personnel records."""
