"""One module per area; each exposes flask-smorest blueprints under /api/v1."""
