"""/quan-tri/y-kien: opinion topics and opinions; /quan-tri/binh-luan: the comment queue and section comment settings.

(Placeholder blueprint of issue 15; the pages are being built.)"""

from flask import Blueprint

bp = Blueprint("workspace_moderation", __name__)
