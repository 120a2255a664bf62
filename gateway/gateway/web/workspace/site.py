"""/quan-tri/trang-thanh-phan: the component sub-site's menu and sections.

(Placeholder blueprint of issue 15; the pages are being built.)"""

from flask import Blueprint

bp = Blueprint("workspace_site", __name__)
