"""Comments under an article: the list, the form, posting and reporting (filled in by the comments work)."""

from flask import Blueprint

bp = Blueprint("portal_comments", __name__)


def block(article):
    """What the article page shows of its comments: the visible ones, the rules, the form's state."""
    return None
