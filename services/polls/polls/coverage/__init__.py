"""The grassroots coverage tracker: how far each federation brings the portal to its grassroots unions."""
