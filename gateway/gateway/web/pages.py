"""Web pages: the portal's admin console (a single page talking to /api/v1)."""

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)


@bp.route("/")
@bp.route("/activate")
@bp.route("/console")
def console():
    return render_template("console.html")
