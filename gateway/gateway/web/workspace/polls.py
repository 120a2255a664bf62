"""/quan-tri/trung-cau: the poll builder, its life cycle, live results and exports.

(Placeholder blueprint of issue 15; the pages are being built.)"""

from flask import Blueprint

bp = Blueprint("workspace_polls", __name__)
