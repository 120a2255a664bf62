"""/quan-tri/thu-vien: the unit's media library (photos, videos, documents).

(Placeholder blueprint of issue 15; the pages are being built.)"""

from flask import Blueprint

bp = Blueprint("workspace_media", __name__)
