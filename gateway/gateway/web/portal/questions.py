"""«Công nhân hỏi – Công đoàn trả lời»: the published answers, asking a question, tracking it.

* ``/hoi-dap`` — the published Q&A (feedback ``public_questions``, from the gateway's cache
  cleared by the publication facts): ``?linh-vuc=`` (a category's slug), ``?q=`` (diacritics
  optional, matches highlighted), ``?trang=``; ``/hoi-dap/{id}`` — one of them
  (``public_question``);
* ``/hoi-dap/gui-cau-hoi`` — the form (``ask_question``, as ``POST /api/v1/questions``): a
  signed-in member asks with their account, a guest gives a name and a phone number or an
  e-mail; the federation is chosen among content's ``public_sites``. 422: the form again with
  the messages beside the fields and the text kept; success: 303 to the tracking page;
* ``/hoi-dap/tra-cuu`` — a code typed in (``?ma=``): a code of the right shape is redirected to
  ``/hoi-dap/tra-cuu/{code}``, anything else is the form again (422) with a message beside the
  field; ``/hoi-dap/tra-cuu/{code}`` (``track_question``: only what is public) — an unknown
  code is that form again with **404** and a message (not the bare 404 page: the visitor can
  correct a mistyped code at once). The tracking page is never cached (``no-store``).
"""

from urllib.parse import quote

from flask import Blueprint, abort, redirect, request

from gateway.api.common import call, client_address
from gateway.auth import ANONYMOUS
from gateway.web.portal.common import PER_PAGE, absolute, field_errors, page_number, pages_of, public
from gateway.web.render import page, shared
from gateway.web.session import page_actor
from platform_shared.errors import InvalidInput, NotFound, PlatformError, RateLimited
from platform_shared.schemas import feedback as schema

bp = Blueprint("portal_questions", __name__)

# The categories by their public address (the portal's URL design; feedback knows them by key).
CATEGORY_SLUGS = {
    "wages_bonuses": "tien-luong-tien-thuong",
    "labour_contracts": "hop-dong-lao-dong",
    "social_insurance": "bao-hiem-xa-hoi",
    "occupational_safety": "an-toan-ve-sinh-lao-dong",
    "working_hours_leave": "thoi-gio-lam-viec-nghi-ngoi",
    "union_dues_membership": "doan-phi-doan-vien",
    "other": "khac",
}
CATEGORY_BY_SLUG = {slug: key for key, slug in CATEGORY_SLUGS.items()}
CATEGORIES = [
    {"key": key, "slug": CATEGORY_SLUGS[key], "label": schema.CATEGORY_LABELS[key]} for key in schema.CATEGORIES
]

# The ask form's fields, in the order of the page, with the names the error summary gives them.
ASK_FIELDS = {
    "category": "Lĩnh vực",
    "tenant": "Đơn vị nhận câu hỏi",
    "title": "Tiêu đề câu hỏi",
    "body": "Nội dung câu hỏi",
    "guest_name": "Họ và tên",
    "guest_phone": "Số điện thoại",
    "guest_email": "E-mail",
}
# Where a service message about a field of the request belongs on the form.
_FIELD_OF = {"tenant_id": "tenant", "guest": "guest_name"}
TRACKING_EXAMPLE = "HD-20260115-000123-AB12"
BAD_CODE = f"Mã tra cứu không đúng dạng. Mã có dạng {TRACKING_EXAMPLE}, in trong thông báo khi bạn gửi câu hỏi."
NO_SUCH_CODE = "Không tìm thấy câu hỏi có mã này. Vui lòng kiểm tra lại từng ký tự của mã tra cứu."
NO_STORE = {"Cache-Control": "private, no-store"}


def _text(value):
    """A typed value as the service should get it: None for a blank field."""
    value = (value or "").strip()
    return value or None


# -- the published Q&A --------------------------------------------------------------------


@bp.route("/hoi-dap")
@shared
def index():
    number = page_number()
    q = (request.args.get("q") or "").strip()
    category_slug = request.args.get("linh-vuc") or ""
    category = CATEGORY_BY_SLUG.get(category_slug)
    if category_slug and category is None:
        abort(404)
    args = {"page": str(number), "per_page": str(PER_PAGE)}
    if category:
        args["category"] = category
    if q:
        args["q"] = q
    answer, pagination, problem = None, None, None
    try:
        answer = public("questions", "feedback", "public_questions", args)
        pagination = pages_of(answer, number)
    except InvalidInput as exc:
        problem = field_errors(exc).get("q") or exc.message
    extra = {k: v for k, v in (("linh-vuc", category_slug), ("q", q)) if v}
    return page(
        "portal/hoidap_index.html",
        answer=answer,
        pagination=pagination,
        problem=problem,
        qa_q=q,
        category=category,
        categories=CATEGORIES,
        base_path="/hoi-dap",
        query_extra=extra,
        canonical=absolute("/hoi-dap" + (f"?linh-vuc={category_slug}" if category_slug else "")),
        robots="noindex, follow" if q else None,
        breadcrumbs=[("/", "Trang chủ"), (None, "Hỏi – đáp")],
    )


@bp.route("/hoi-dap/<question_id>")
@shared
def question(question_id):
    found = public("questions", "feedback", "public_question", question_id)
    return page(
        "portal/hoidap_question.html",
        question=found,
        category_slug=CATEGORY_SLUGS.get(found.get("category")),
        canonical=absolute(f"/hoi-dap/{found['id']}"),
        last_modified=found.get("published_at"),
        breadcrumbs=[("/", "Trang chủ"), ("/hoi-dap", "Hỏi – đáp"), (None, found["title"])],
    )


# -- asking ---------------------------------------------------------------------------------


def _federations():
    """The federations a question can be sent to, grouped by kind for the chooser; None when
    content does not answer (the form still works for a member: their own federation)."""
    try:
        sites = public("content", "content", "public_sites", {})
    except PlatformError as exc:
        if exc.status < 500:
            raise
        return None
    groups = []
    for site in sites.get("items") or []:
        if not groups or groups[-1]["kind"] != site.get("kind"):
            groups.append({"kind": site.get("kind"), "label": site.get("kind_label") or "Đơn vị", "items": []})
        groups[-1]["items"].append(site)
    return groups


def _ask_page(status=200, *, form=None, errors=None, problem=None, headers=None):
    signed_in = page_actor() is not None
    return page(
        "portal/hoidap_ask.html",
        status=status,
        form=form or {},
        errors=errors or {},
        problem=problem,
        fields=ASK_FIELDS,
        signed_in=signed_in,
        categories=CATEGORIES,
        federations=_federations(),
        robots="noindex, follow",
        canonical=absolute("/hoi-dap/gui-cau-hoi"),
        headers={**NO_STORE, **(headers or {})} if status != 200 else headers,
        breadcrumbs=[("/", "Trang chủ"), ("/hoi-dap", "Hỏi – đáp"), (None, "Gửi câu hỏi")],
    )


@bp.route("/hoi-dap/gui-cau-hoi", methods=["GET", "POST"])
def ask():
    if request.method == "GET":
        category = CATEGORY_BY_SLUG.get(request.args.get("linh-vuc") or "")
        return _ask_page(form={"category": category} if category else None)
    form = {name: request.form.get(name, "") for name in ASK_FIELDS}
    visitor = page_actor()
    data = {
        "category": form["category"],
        "title": form["title"],
        "body": form["body"],
        "tenant": _text(form["tenant"]),
    }
    if visitor is None:
        data["guest"] = {
            "name": form["guest_name"].strip(),
            "phone": _text(form["guest_phone"]),
            "email": _text(form["guest_email"]),
        }
    try:
        receipt = call("feedback", "ask_question", visitor or ANONYMOUS, data, client_address())
    except InvalidInput as exc:
        errors = field_errors(exc, _FIELD_OF, known=ASK_FIELDS)
        return _ask_page(422, form=form, errors=errors, problem=errors.pop("", None))
    except RateLimited as exc:
        return _ask_page(429, form=form, problem=exc.message, headers={"Retry-After": str(exc.retry_after)})
    return redirect(f"/hoi-dap/tra-cuu/{quote(receipt['tracking_code'], safe='')}?moi=1", code=303)


# -- tracking -------------------------------------------------------------------------------


def _lookup_page(status=200, *, code="", error=None):
    return page(
        "portal/hoidap_track_form.html",
        status=status,
        code=code,
        errors={"ma": error} if error else {},
        example=TRACKING_EXAMPLE,
        robots="noindex, follow",
        headers=NO_STORE if status != 200 else None,
        breadcrumbs=[("/", "Trang chủ"), ("/hoi-dap", "Hỏi – đáp"), (None, "Tra cứu câu hỏi")],
    )


@bp.route("/hoi-dap/tra-cuu")
def lookup():
    if "ma" not in request.args:
        return _lookup_page()
    code = (request.args.get("ma") or "").strip().upper()[:80]
    if not code:
        return _lookup_page(422, error="Vui lòng nhập mã tra cứu.")
    if not schema.is_tracking_code(code):
        return _lookup_page(422, code=code, error=BAD_CODE)
    return redirect(f"/hoi-dap/tra-cuu/{quote(code, safe='')}", code=303)


@bp.route("/hoi-dap/tra-cuu/<code>")
def tracking(code):
    try:
        found = call("feedback", "track_question", ANONYMOUS, code, client_address())
    except NotFound:
        return _lookup_page(404, code=code[:80], error=NO_SUCH_CODE)
    return page(
        "portal/hoidap_track.html",
        tracking=found,
        new=request.args.get("moi") == "1",
        robots="noindex, nofollow",
        headers=NO_STORE,
        breadcrumbs=[("/", "Trang chủ"), ("/hoi-dap", "Hỏi – đáp"), (None, f"Tra cứu {found['tracking_code']}")],
    )
