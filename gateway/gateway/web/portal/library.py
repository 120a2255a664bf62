"""Portal pages: library (being built)."""

from flask import Blueprint

bp = Blueprint("portal_library", __name__)
