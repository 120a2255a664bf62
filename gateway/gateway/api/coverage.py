"""Grassroots coverage: how far each federation brings the portal to its grassroots unions
(«100% CĐCS»), per half-year; the polls service compiles it (``polls/coverage/``).

Paths (signed in):

* ``GET /api/v1/coverage?tenant=&period=2026-H2`` — one federation's figures (default: own tenant,
  current half-year): grassroots units, those with an activated administrator, with registered
  members, that contributed an item, and the members who answered a poll, with their shares. A
  federation's administrators see their own (another → 404); the VGCL and the Propaganda Dept's
  editors any.
* ``GET /api/v1/coverage/national?period=&sort=&order=`` — one row per federation and the national
  totals (the VGCL and the Propaganda Dept's editors).

A period that is not ``YYYY-H1``/``YYYY-H2``, or has not begun, is a 422 naming ``period``.
"""

from flask.views import MethodView

from gateway.api.common import Blueprint, documented, forward, query_args
from gateway.auth import current_actor
from platform_shared.schemas import polls as api

coverage = Blueprint(
    "coverage",
    __name__,
    url_prefix="/api/v1/coverage",
    description="Phổ cập Cổng thông tin đến công đoàn cơ sở (theo dõi 6 tháng)",
)
blueprints = (coverage,)
SECURED = [{"bearer": []}]


@coverage.before_request
def _signed_in():
    current_actor()


@coverage.route("")
class Coverage(MethodView):
    @coverage.arguments(api.CoverageArgs(), location="query")
    @coverage.alt_response(200, schema=api.CoverageRead, success=True)
    @coverage.doc(security=SECURED)
    @documented(coverage, 401, 403, 404, 422, 503)
    def get(self, _args):
        """Mức độ phổ cập Cổng đến công đoàn cơ sở của một đơn vị trong kỳ (mặc định: đơn vị mình, kỳ hiện tại)."""
        return forward("polls", "get_coverage", current_actor(), query_args())


@coverage.route("/national")
class NationalCoverage(MethodView):
    @coverage.arguments(api.NationalCoverageArgs(), location="query")
    @coverage.alt_response(200, schema=api.NationalCoverageRead, success=True)
    @coverage.doc(security=SECURED)
    @documented(coverage, 401, 403, 422, 503)
    def get(self, _args):
        """Bảng phổ cập toàn quốc: mỗi đơn vị một dòng và dòng tổng (Văn phòng, Ban Tuyên giáo)."""
        return forward("polls", "national_coverage", current_actor(), query_args())
