"""Addresses handed out before the portal: activation links go to the portal's activation page."""

from flask import Blueprint, redirect, request

bp = Blueprint("pages", __name__)


@bp.route("/activate")
def old_activation():
    """Activation links handed out before the portal: the portal's activation page takes them."""
    token = request.args.get("token", "")
    return redirect("/kich-hoat" + (f"?{request.query_string.decode()}" if token else ""), code=301)
