"""/quan-tri/hoi-dap: the federation's question inbox (assign, answer, approve, publish, reject, transfer), its deadline settings; /quan-tri/ngay-nghi: the holiday calendar (platform administrator).

(Placeholder blueprint of issue 15; the pages are being built.)"""

from flask import Blueprint

bp = Blueprint("workspace_questions", __name__)
