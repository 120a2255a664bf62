"""Readers' comments on published articles: per-section settings, rate limits, reports
that hide a comment, moderation by the article tenant's staff."""
