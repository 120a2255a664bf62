"""/quan-tri/don-vi: the tenant's unit tree (grassroots unions).

(Placeholder blueprint of issue 15; the pages are being built.)"""

from flask import Blueprint

bp = Blueprint("workspace_units", __name__)
