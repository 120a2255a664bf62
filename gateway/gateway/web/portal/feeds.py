"""Portal pages: feeds (being built)."""

from flask import Blueprint

bp = Blueprint("portal_feeds", __name__)
