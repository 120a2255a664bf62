"""/quan-tri/doan-vien: the member register (search, edit, deactivate) and the member import with its progress and credentials sheet.

(Placeholder blueprint of issue 15; the pages are being built.)"""

from flask import Blueprint

bp = Blueprint("workspace_members", __name__)
