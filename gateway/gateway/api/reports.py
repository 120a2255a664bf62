"""Reports area: the June/December (semiannual) reports of each tenant to the VGCL.

Paths (all under ``/api/v1/reports/semiannual``, signed in):

* ``GET ?tenant=&period=2026-H2`` — a tenant's report (default: own tenant, current half-year);
  a draft is compiled afresh, a submitted one shows its frozen figures. ``GET /status?tenant=&period=``
  — where it stands (deadline, status, when submitted) without compiling or opening it.
* ``GET /{id}``, ``PATCH /{id}`` (``{"evaluation"}``: the draft evaluation),
  ``POST /{id}/submit`` (``{"evaluation"?}``), ``GET /{id}/export?format=pdf|xlsx``.
* For the Propaganda & Education Dept's desk editors and platform admins:
  ``GET /overview?period=&status=`` — every reporting tenant's status and who has not
  submitted; ``GET /rollup?period=`` — the submitted figures per tenant and summed;
  ``GET /rollup/export?period=&format=xlsx|pdf``.
"""

import base64

from flask import Response
from flask.views import MethodView

from gateway.api.common import Blueprint, call, documented, files, forward, query_args
from gateway.auth import current_actor
from platform_shared.schemas import reports as api

semiannual = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1/reports/semiannual",
    description="Báo cáo 6 tháng (tháng 6 và tháng 12) của các đơn vị",
)
blueprints = (semiannual,)
SECURED = [{"bearer": []}]
EXPORT_TIMEOUT = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@semiannual.before_request
def _signed_in():
    current_actor()


def _file(exported):
    return Response(
        base64.b64decode(exported["content_b64"]),
        mimetype=exported["content_type"],
        headers={"Content-Disposition": f'attachment; filename="{exported["filename"]}"'},
    )


@semiannual.route("")
class Report(MethodView):
    @semiannual.arguments(api.ReportArgs(), location="query")
    @semiannual.alt_response(200, schema=api.ReportRead, success=True)
    @semiannual.doc(security=SECURED)
    @documented(semiannual, 401, 403, 404, 422, 503)
    def get(self, _args):
        """Báo cáo 6 tháng của một đơn vị (mặc định: đơn vị mình, kỳ hiện tại)."""
        return forward("polls", "get_semiannual_report", current_actor(), query_args())


@semiannual.route("/status")
class ReportStatus(MethodView):
    @semiannual.arguments(api.ReportArgs(), location="query")
    @semiannual.alt_response(200, schema=api.ReportStatusRead, success=True)
    @semiannual.doc(security=SECURED)
    @documented(semiannual, 401, 403, 404, 422, 503)
    def get(self, _args):
        """Tình trạng báo cáo của một đơn vị (không tổng hợp số liệu): hạn gửi, đã gửi chưa."""
        return forward("polls", "get_semiannual_report_status", current_actor(), query_args())


@semiannual.route("/overview")
class Overview(MethodView):
    @semiannual.arguments(api.OverviewArgs(), location="query")
    @semiannual.alt_response(200, schema=api.Overview, success=True)
    @semiannual.doc(security=SECURED)
    @documented(semiannual, 401, 403, 422, 503)
    def get(self, _args):
        """Tình hình gửi báo cáo của mọi đơn vị trong kỳ, danh sách đơn vị chưa gửi (Ban Tuyên giáo)."""
        return forward("polls", "semiannual_overview", current_actor(), query_args())


@semiannual.route("/rollup")
class Rollup(MethodView):
    @semiannual.arguments(api.RollupArgs(), location="query")
    @semiannual.alt_response(200, schema=api.Rollup, success=True)
    @semiannual.doc(security=SECURED)
    @documented(semiannual, 401, 403, 422, 503)
    def get(self, _args):
        """Tổng hợp số liệu các báo cáo đã gửi trong kỳ (Ban Tuyên giáo)."""
        return forward("polls", "semiannual_rollup", current_actor(), query_args())


@semiannual.route("/rollup/export")
class RollupExport(MethodView):
    @semiannual.arguments(api.RollupExportArgs(), location="query")
    @files(semiannual, XLSX, "application/pdf", description="Bảng tổng hợp XLSX hoặc PDF")
    @semiannual.doc(security=SECURED)
    @documented(semiannual, 401, 403, 422, 503)
    def get(self, _args):
        """Tải bảng tổng hợp (XLSX, hoặc PDF với ``format=pdf``)."""
        return _file(call("polls", "export_semiannual_rollup", current_actor(), query_args(), timeout=EXPORT_TIMEOUT))


@semiannual.route("/<report_id>")
class ReportById(MethodView):
    @semiannual.alt_response(200, schema=api.ReportRead, success=True)
    @semiannual.doc(security=SECURED)
    @documented(semiannual, 401, 403, 404, 503)
    def get(self, report_id):
        """Một báo cáo."""
        return forward("polls", "get_semiannual_report_by_id", current_actor(), report_id)

    @semiannual.arguments(api.EvaluationUpdate())
    @semiannual.alt_response(200, schema=api.ReportRead, success=True)
    @semiannual.doc(security=SECURED)
    @documented(semiannual, 401, 403, 404, 409, 422, 503)
    def patch(self, data, report_id):
        """Lưu đánh giá (bản nháp) của đơn vị."""
        return forward("polls", "evaluate_semiannual_report", current_actor(), report_id, data)


@semiannual.route("/<report_id>/submit", methods=["POST"])
@semiannual.arguments(api.SubmitRequest())
@semiannual.alt_response(200, schema=api.ReportRead, success=True)
@semiannual.doc(security=SECURED)
@documented(semiannual, 401, 403, 404, 409, 422, 503)
def submit(data, report_id):
    """Gửi báo cáo: số liệu được chốt cùng đánh giá, không sửa hay gửi lại được."""
    return forward("polls", "submit_semiannual_report", current_actor(), report_id, data)


@semiannual.route("/<report_id>/export", methods=["GET"])
@semiannual.arguments(api.ExportArgs(), location="query")
@files(semiannual, "application/pdf", XLSX, description="Báo cáo PDF hoặc XLSX")
@semiannual.doc(security=SECURED)
@documented(semiannual, 401, 403, 404, 422, 503)
def export(_args, report_id):
    """Tải báo cáo (PDF có phông chữ tiếng Việt, hoặc XLSX)."""
    return _file(
        call("polls", "export_semiannual_report", current_actor(), report_id, query_args(), timeout=EXPORT_TIMEOUT)
    )
