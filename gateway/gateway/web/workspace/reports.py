"""/quan-tri/bao-cao: the June/December report of a federation, and the Propaganda Dept's overview and roll-up.

(Placeholder blueprint of issue 15; the pages are being built.)"""

from flask import Blueprint

bp = Blueprint("workspace_reports", __name__)
