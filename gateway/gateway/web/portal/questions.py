"""Portal pages: questions (being built)."""

from flask import Blueprint

bp = Blueprint("portal_questions", __name__)
