"""Portal pages: account (being built)."""

from flask import Blueprint

bp = Blueprint("portal_account", __name__)
