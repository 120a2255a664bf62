"""Portal pages: polls (being built)."""

from flask import Blueprint

bp = Blueprint("portal_polls", __name__)
