"""Content area: articles and their workflow, sections, the public portal, documents, quotas."""

from flask import Response, current_app, request
from flask.views import MethodView

from gateway.api.common import Blueprint, cached, call, documented, forward, needs_body, query_args, replies
from gateway.auth import ANONYMOUS, current_actor
from gateway.rpc import RawJson
from platform_shared.schemas import content as api

articles = Blueprint("articles", __name__, url_prefix="/api/v1/articles", description="Bài viết và quy trình biên tập")
sections = Blueprint("sections", __name__, url_prefix="/api/v1/sections", description="Chuyên mục")
public = Blueprint("public", __name__, url_prefix="/api/v1/public", description="Cổng thông tin (công khai)")
documents = Blueprint("documents", __name__, url_prefix="/api/v1/documents", description="Văn bản chỉ đạo")
quotas = Blueprint("quotas", __name__, url_prefix="/api/v1/quotas", description="Chỉ tiêu gửi bài hằng tuần")
blueprints = (articles, sections, public, documents, quotas)
SECURED = [{"bearer": []}]
ACTIONS = {
    "submit": (api.Empty, "Gửi bài lên ban biên tập của chuyên mục."),
    "open": (api.Empty, "Nhận biên tập: khóa bài cho biên tập viên (có thời hạn)."),
    "return": (api.Comment, "Trả lại tác giả kèm nhận xét."),
    "reject": (api.Reason, "Từ chối kèm lý do."),
    "approve": (api.Empty, "Duyệt bài."),
    "schedule": (api.Schedule, "Hẹn giờ đăng."),
    "publish": (api.Empty, "Đăng ngay."),
    "unpublish": (api.Reason, "Gỡ bài đã đăng kèm lý do."),
}


def _signed_in():
    current_actor()


for _bp in (articles, sections, documents, quotas):
    _bp.before_request(_signed_in)


# -- articles --------------------------------------------------------------------------


@articles.route("")
class Articles(MethodView):
    @articles.arguments(api.ArticleListArgs(), location="query")
    @replies(articles, 200, api.ArticlePage)
    @articles.doc(security=SECURED)
    @documented(articles, 401, 422, 503)
    def get(self, _args):
        """Bài của đơn vị mình; với biên tập viên ban biên tập: mọi bài gửi tới chuyên mục của ban."""
        return forward("content", "list_articles", current_actor(), query_args())

    @articles.arguments(api.ArticleCreate())
    @articles.alt_response(201, schema=api.ArticleRead, success=True)
    @articles.doc(security=SECURED)
    @documented(articles, 401, 403, 422, 503)
    def post(self, data):
        """Viết bài mới (bản nháp)."""
        return forward("content", "create_article", current_actor(), data, status=201)


@articles.route("/<article_id>")
class ArticleById(MethodView):
    @articles.alt_response(200, schema=api.ArticleRead, success=True)
    @articles.doc(security=SECURED)
    @documented(articles, 401, 404, 503)
    def get(self, article_id):
        """Một bài, kèm lịch sử xử lý."""
        return forward("content", "get_article", current_actor(), article_id)

    @articles.arguments(api.ArticleUpdate())
    @articles.alt_response(200, schema=api.ArticleRead, success=True)
    @articles.doc(security=SECURED)
    @documented(articles, 401, 403, 404, 409, 422, 503)
    def patch(self, data, article_id):
        """Sửa bài (mỗi lần sửa là một phiên bản). Bài đã đăng: dùng đính chính."""
        return forward("content", "update_article", current_actor(), article_id, data)


def _action_view(action, schema, doc):
    def view(data, article_id):
        return forward("content", "transition_article", current_actor(), article_id, action, data)

    view.__name__ = f"{action}_article"
    view.__doc__ = doc
    view = documented(articles, 401, 403, 404, 409, 422, 503)(view)
    view = articles.doc(security=SECURED)(view)
    view = articles.alt_response(200, schema=api.ArticleRead, success=True)(view)
    view = articles.arguments(schema(), required=needs_body(schema))(view)
    return articles.route(f"/<article_id>/{action}", methods=["POST"])(view)


for _action, (_schema, _doc) in ACTIONS.items():
    _action_view(_action, _schema, _doc)


@articles.route("/<article_id>/correct", methods=["POST"])
@articles.arguments(api.Correction())
@articles.alt_response(200, schema=api.ArticleRead, success=True)
@articles.doc(security=SECURED)
@documented(articles, 401, 403, 404, 409, 422, 503)
def correct(data, article_id):
    """Đính chính bài đã đăng: một phiên bản mới được đăng ngay, kèm ghi chú."""
    return forward("content", "correct_article", current_actor(), article_id, data)


@articles.route("/<article_id>/revisions", methods=["GET"])
@replies(articles, 200, api.RevisionRead(many=True))
@articles.doc(security=SECURED)
@documented(articles, 401, 404, 503)
def revisions(article_id):
    """Các phiên bản của bài."""
    return forward("content", "list_revisions", current_actor(), article_id)


@articles.route("/<article_id>/revisions/diff", methods=["GET"])
@articles.arguments(api.RevisionDiffArgs(), location="query")
@replies(articles, 200, api.RevisionDiffRead)
@articles.doc(security=SECURED)
@documented(articles, 401, 404, 422, 503)
def revisions_diff(_args, article_id):
    """So sánh hai phiên bản (from, to)."""
    return forward("content", "diff_revisions", current_actor(), article_id, query_args())


# -- sections ---------------------------------------------------------------------------


@sections.route("")
class Sections(MethodView):
    @replies(sections, 200, api.SectionRead(many=True))
    @sections.doc(security=SECURED)
    @documented(sections, 401, 503)
    def get(self):
        """Chuyên mục trung ương và chuyên mục trang thành phần của đơn vị mình."""
        return forward("content", "list_sections", current_actor())

    @sections.arguments(api.SectionCreate())
    @replies(sections, 201, api.SectionRead)
    @sections.doc(security=SECURED)
    @documented(sections, 401, 403, 409, 422, 503)
    def post(self, data):
        """Thêm chuyên mục cho trang thành phần của đơn vị."""
        return forward("content", "create_section", current_actor(), data, status=201)


@sections.route("/<section_id>", methods=["PATCH"])
@sections.arguments(api.SectionUpdate())
@replies(sections, 200, api.SectionRead)
@sections.doc(security=SECURED)
@documented(sections, 401, 403, 404, 422, 503)
def update_section(data, section_id):
    """Đổi tên, mô tả, thứ tự trên menu (menu_order, hoặc move: up/down một bậc), ẩn hoặc hiện chuyên mục."""
    return forward("content", "update_section", current_actor(), section_id, data)


# -- public (cached) ------------------------------------------------------------------------


def _cached(method, *args):
    """Answer from the gateway's cache when fresh; otherwise ask content and remember (ETag, 304)."""
    cache = current_app.extensions["public_cache"]
    key = request.full_path
    entry = cache.lookup(key)
    if entry is None:
        generation = cache.generation_now()
        body = call("content", method, ANONYMOUS, *args, raw=True)
        text = body if isinstance(body, RawJson) else current_app.json.dumps(body)
        entry = cache.store(key, text, generation)
    headers = {"ETag": entry.etag, "Cache-Control": "public, max-age=15", "Vary": "Accept-Encoding"}
    if entry.etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        return Response(status=304, headers=headers)
    return Response(entry.body, status=200, mimetype="application/json", headers=headers)


@public.route("/articles", methods=["GET"])
@public.arguments(api.PublicArticleArgs(), location="query")
@replies(public, 200, api.PublicArticlePage)
@cached(public)
@documented(public, 404, 422, 503)
def public_articles(_args):
    """Bài đã đăng: theo chuyên mục, đơn vị, tìm kiếm tiếng Việt (có dấu hoặc không dấu)."""
    return _cached("public_articles", query_args())


@public.route("/articles/<slug>", methods=["GET"])
@public.arguments(api.PublicArticleRef(), location="query")
@replies(public, 200, api.PublicArticleRead)
@cached(public)
@documented(public, 404, 422, 503)
def public_article(_args, slug):
    """Một bài đã đăng (site=<đơn vị> cho bài của trang thành phần)."""
    return _cached("public_article", slug, query_args())


@public.route("/sites", methods=["GET"])
@public.arguments(api.PublicSitesArgs(), location="query")
@replies(public, 200, api.PublicSitesRead)
@cached(public)
@documented(public, 422, 503)
def public_sites(_args):
    """Các đơn vị có trang thành phần (liên đoàn lao động tỉnh, thành phố; công đoàn ngành; công đoàn
    tổng công ty), kèm đơn vị cấp trên: theo loại, rồi theo tên."""
    return _cached("public_sites", query_args())


@public.route("/sites/<tenant_slug>", methods=["GET"])
@public.arguments(api.PageArgs(), location="query")
@replies(public, 200, api.SiteRead)
@cached(public)
@documented(public, 404, 422, 503)
def public_site(_args, tenant_slug):
    """Trang thành phần của một đơn vị (đơn vị đã hợp nhất: trả về đơn vị tiếp nhận)."""
    return _cached("public_site", tenant_slug, query_args())


@public.route("/documents", methods=["GET"])
@public.arguments(api.PublicDocumentArgs(), location="query")
@replies(public, 200, api.PublicDocumentPage)
@cached(public)
@documented(public, 404, 422, 503)
def public_documents(_args):
    """Thư viện văn bản công khai: tìm theo số/ký hiệu, trích yếu, cơ quan ban hành (có dấu hoặc không
    dấu); lọc theo loại, cơ quan ban hành, đơn vị, năm; mới ban hành trước."""
    return _cached("public_documents", query_args())


@public.route("/documents/<document_id>", methods=["GET"])
@replies(public, 200, api.PublicDocumentRead)
@cached(public)
@documented(public, 404, 503)
def public_document(document_id):
    """Một văn bản công khai; tệp đính kèm tải về tại /api/v1/media/{asset_id}/content."""
    return _cached("public_document", document_id)


# -- documents ---------------------------------------------------------------------------


@documents.route("")
class Documents(MethodView):
    @documents.arguments(api.DocumentListArgs(), location="query")
    @replies(documents, 200, api.DocumentPage)
    @documents.doc(security=SECURED)
    @documented(documents, 401, 422, 503)
    def get(self, _args):
        """Văn bản gửi tới đơn vị mình (và văn bản đơn vị mình ban hành)."""
        return forward("content", "list_documents", current_actor(), query_args())

    @documents.arguments(api.DocumentCreate())
    @replies(documents, 201, api.DocumentRead)
    @documents.doc(security=SECURED)
    @documented(documents, 401, 403, 409, 422, 503)
    def post(self, data):
        """Ban hành văn bản tới các đơn vị."""
        return forward("content", "create_document", current_actor(), data, status=201)


@documents.route("/<document_id>", methods=["GET"])
@replies(documents, 200, api.DocumentRead)
@documents.doc(security=SECURED)
@documented(documents, 401, 404, 503)
def get_document(document_id):
    """Một văn bản; mở lần đầu ghi nhận đơn vị đã đọc."""
    return forward("content", "get_document", current_actor(), document_id)


# -- quotas -----------------------------------------------------------------------------


@quotas.route("/compliance", methods=["GET"])
@quotas.arguments(api.ComplianceArgs(), location="query")
@replies(quotas, 200, api.ComplianceRead)
@quotas.doc(security=SECURED)
@documented(quotas, 401, 422, 503)
def compliance(_args):
    """Tình hình thực hiện chỉ tiêu của một tuần (đơn vị: của mình; ban biên tập, Tổng LĐ: tất cả)."""
    return forward("content", "quota_compliance", current_actor(), query_args())


@quotas.route("/rules", methods=["GET"])
@replies(quotas, 200, api.QuotaRuleRead(many=True))
@quotas.doc(security=SECURED)
@documented(quotas, 401, 503)
def rules():
    """Các quy định chỉ tiêu và thời gian hiệu lực."""
    return forward("content", "quota_rules", current_actor())
