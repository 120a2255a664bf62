"""/quan-tri/can-bo: staff (personnel) records.

(Placeholder blueprint of issue 15; the pages are being built.)"""

from flask import Blueprint

bp = Blueprint("workspace_personnel", __name__)
