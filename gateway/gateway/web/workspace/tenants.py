"""/quan-tri/don-vi-thanh-vien: member organisations (tenants): list, create, edit, import with preview, merge.

(Placeholder blueprint of issue 15; the pages are being built.)"""

from flask import Blueprint

bp = Blueprint("workspace_tenants", __name__)
