"""/quan-tri/tai-khoan: user accounts and roles, invitations and activation links.

(Placeholder blueprint of issue 15; the pages are being built.)"""

from flask import Blueprint

bp = Blueprint("workspace_users", __name__)
