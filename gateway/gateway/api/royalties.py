"""Royalties area: items from publications, scoring, rate tables, monthly statements, exports,
the overdue list and the reconciliation of a period (``/api/v1/royalties``)."""

import base64

from flask import Response
from flask.views import MethodView

from gateway.api.common import Blueprint, call, documented, files, forward, query_args, replies
from gateway.auth import current_actor
from platform_shared.schemas import royalties as api

royalties = Blueprint(
    "royalties", __name__, url_prefix="/api/v1/royalties", description="Nhuận bút (Nghị định 18/2014/NĐ-CP)"
)
blueprints = (royalties,)
SECURED = [{"bearer": []}]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@royalties.before_request
def _signed_in():
    current_actor()


# -- items ----------------------------------------------------------------------------------


@royalties.route("/items", methods=["GET"])
@royalties.arguments(api.ItemListArgs(), location="query")
@replies(royalties, 200, api.ItemPage)
@royalties.doc(security=SECURED)
@documented(royalties, 401, 422, 503)
def list_items(_args):
    """Khoản nhuận bút: của ban biên tập/đơn vị trả nhuận bút, hoặc của chính người nhận."""
    return forward("royalties", "list_items", current_actor(), query_args())


@royalties.route("/items/overdue", methods=["GET"])
@royalties.arguments(api.OverdueArgs(), location="query")
@replies(royalties, 200, api.OverduePage)
@royalties.doc(security=SECURED)
@documented(royalties, 401, 422, 503)
def overdue_items(_args):
    """Khoản chưa chi trả quá 60 ngày kể từ ngày đăng."""
    return forward("royalties", "overdue_items", current_actor(), query_args())


@royalties.route("/items/<item_id>", methods=["GET"])
@royalties.alt_response(200, schema=api.ItemRead, success=True)
@royalties.doc(security=SECURED)
@documented(royalties, 401, 404, 503)
def get_item(item_id):
    """Một khoản nhuận bút, kèm hệ số tối đa của thể loại và số tiền."""
    return forward("royalties", "get_item", current_actor(), item_id)


@royalties.route("/items/<item_id>/score", methods=["POST"])
@royalties.arguments(api.Score())
@royalties.alt_response(200, schema=api.ItemRead, success=True)
@royalties.doc(security=SECURED)
@documented(royalties, 401, 403, 404, 409, 422, 503)
def score_item(data, item_id):
    """Chấm điểm: hệ số trong khung của thể loại tại ngày đăng, các điều chỉnh; số tiền được tính ngay."""
    return forward("royalties", "score_item", current_actor(), item_id, data)


# -- rates ----------------------------------------------------------------------------------


@royalties.route("/rates")
class Rates(MethodView):
    @royalties.arguments(api.RateListArgs(), location="query")
    @replies(royalties, 200, api.RateList)
    @royalties.doc(security=SECURED)
    @documented(royalties, 401, 422, 503)
    def get(self, _args):
        """Bảng mức: giá trị đơn vị hệ số, khung hệ số theo thể loại, điều chỉnh, tỷ lệ trang thành phần, khấu trừ."""
        return forward("royalties", "list_rates", current_actor(), query_args())

    @royalties.arguments(api.RateCreate())
    @royalties.alt_response(201, schema=api.RateRead, success=True)
    @royalties.doc(security=SECURED)
    @documented(royalties, 401, 403, 409, 422, 503)
    def post(self, data):
        """Thêm mức mới có ngày hiệu lực (không sửa bảng kê đã duyệt)."""
        return forward("royalties", "create_rate", current_actor(), data, status=201)


# -- statements ------------------------------------------------------------------------------


@royalties.route("/statements")
class Statements(MethodView):
    @royalties.arguments(api.StatementListArgs(), location="query")
    @replies(royalties, 200, api.StatementPage)
    @royalties.doc(security=SECURED)
    @documented(royalties, 401, 422, 503)
    def get(self, _args):
        """Bảng kê nhuận bút hằng tháng của đơn vị."""
        return forward("royalties", "list_statements", current_actor(), query_args())

    @royalties.arguments(api.StatementCreate())
    @royalties.alt_response(201, schema=api.StatementRead, success=True)
    @royalties.doc(security=SECURED)
    @documented(royalties, 401, 403, 409, 422, 503)
    def post(self, data):
        """Lập bảng kê nháp của một tháng: các khoản đã chấm điểm chưa vào bảng kê nào, và các khoản hoàn."""
        return forward("royalties", "create_statement", current_actor(), data, status=201)


@royalties.route("/statements/<statement_id>", methods=["GET"])
@royalties.arguments(api.StatementArgs(), location="query")
@royalties.alt_response(200, schema=api.StatementRead, success=True)
@royalties.doc(security=SECURED)
@documented(royalties, 401, 404, 422, 503)
def get_statement(_args, statement_id):
    """Một bảng kê: từng người nhận (tổng, khấu trừ, thực nhận) và từng bút toán."""
    return forward("royalties", "get_statement", current_actor(), statement_id, query_args())


@royalties.route("/statements/<statement_id>/approve", methods=["POST"])
@royalties.arguments(api.StatementApproval(), required=False)
@royalties.alt_response(200, schema=api.StatementRead, success=True)
@royalties.doc(security=SECURED)
@documented(royalties, 401, 403, 404, 409, 503)
def approve_statement(_data, statement_id):
    """Duyệt bảng kê: các bút toán được ghi sổ và không bao giờ thay đổi."""
    return forward("royalties", "approve_statement", current_actor(), statement_id)


@royalties.route("/statements/<statement_id>/pay", methods=["POST"])
@royalties.arguments(api.Payment())
@royalties.alt_response(200, schema=api.StatementRead, success=True)
@royalties.doc(security=SECURED)
@documented(royalties, 401, 403, 404, 409, 422, 503)
def pay_statement(data, statement_id):
    """Ghi nhận đã chi trả (ngày, số chứng từ)."""
    return forward("royalties", "pay_statement", current_actor(), statement_id, data)


@royalties.route("/statements/<statement_id>/export", methods=["GET"])
@royalties.arguments(api.ExportArgs(), location="query")
@files(royalties, "text/csv", XLSX, description="Bảng kê: CSV (UTF-8 có BOM) hoặc XLSX")
@royalties.doc(security=SECURED)
@documented(royalties, 401, 404, 422, 503)
def export_statement(_args, statement_id):
    """Tải bảng kê: CSV (UTF-8 có BOM) hoặc XLSX, tiêu đề tiếng Việt."""
    exported = call("royalties", "export_statement", current_actor(), statement_id, query_args())
    return Response(
        base64.b64decode(exported["data"]),
        headers={
            "Content-Type": exported["content_type"],
            "Content-Disposition": f'attachment; filename="{exported["filename"]}"',
        },
    )


# -- reconciliation --------------------------------------------------------------------------


@royalties.route("/reconciliation", methods=["GET"])
@royalties.arguments(api.ReconciliationArgs(), location="query")
@replies(royalties, 200, api.Reconciliation)
@royalties.doc(security=SECURED)
@documented(royalties, 401, 403, 422, 503)
def reconciliation(_args):
    """Đối soát một kỳ: sự kiện đăng bài đã nhận, khoản đã tạo, chấm điểm, duyệt, chi trả, và mọi chênh lệch."""
    return forward("royalties", "reconciliation", current_actor(), query_args())
