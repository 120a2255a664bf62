"""Feedback area of the public API (filled in by its issue)."""

blueprints = ()
