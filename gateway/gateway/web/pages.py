"""The staff console (a single page talking to /api/v1) at ``/quan-tri/``; its old addresses redirect."""

from flask import Blueprint, redirect, render_template, request

bp = Blueprint("pages", __name__)


@bp.route("/quan-tri/")
def console():
    return render_template("console.html")


@bp.route("/quan-tri")
@bp.route("/console")
def old_console():
    return redirect("/quan-tri/", code=301)


@bp.route("/activate")
def old_activation():
    """Activation links handed out before the portal: the portal's activation page takes them."""
    token = request.args.get("token", "")
    return redirect("/kich-hoat" + (f"?{request.query_string.decode()}" if token else ""), code=301)
