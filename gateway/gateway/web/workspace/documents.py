"""``/quan-tri/van-ban``: the directive-document library as the VGCL's bodies manage it.

* ``GET /quan-tri/van-ban`` — content's ``list_documents`` as the person (what their tenant
  issued or received): ``?q=``, ``?loai=`` (a type key), ``?nam=``, ``?cua-toi=1`` (issued by
  my unit), ``?trang=``.
* ``GET, POST /quan-tri/van-ban/moi`` — issuing one (``create_document``): number/symbol,
  type, issuing body, abstract, dates, a file from the unit's media library (``list_assets``
  of kind document), the addressed tenants chosen over the tenant tree (content's sub-site
  directory: provincial federations, sectoral and corporate unions under the confederation)
  or every tenant, and whether it enters the portal's public library. 422: the form again
  with the messages beside the fields and the values kept; 409 (number taken) beside the
  number; 403 (not an issuing body) is the page's answer; success: 303 to the document.
* ``GET /quan-tri/van-ban/<id>`` — one document (``get_document``: opening it records the
  reader's tenant's receipt) with its read receipts, which content shows its issuer only.

Field names (stable for the browser test): ``number``, ``doc_type``, ``issuer``, ``abstract``,
``issued_on``, ``effective_on`` (``type=date``), ``asset_id``, ``recipients`` (checkboxes, one
per tenant, ids ``nhan-<tenant id>``), ``all_tenants``, ``public``; the form is ``form-van-ban``
and its button «Ban hành văn bản»; the receipts table is ``bang-da-doc``.
"""

from flask import Blueprint, abort, flash, redirect, request

from gateway.api.common import call
from gateway.web.portal.common import field_errors, page_number, pages_of, public
from gateway.web.render import page
from gateway.web.workspace.common import BASE, block, menu, staff
from platform_shared.errors import Conflict, InvalidInput, PlatformError
from platform_shared.schemas.content import DOCUMENT_TYPE_LABELS

bp = Blueprint("workspace_documents", __name__)

LIBRARY = f"{BASE}/van-ban"
PER_PAGE = 20
FIELDS = {
    "number": "Số/ký hiệu",
    "doc_type": "Loại văn bản",
    "issuer": "Cơ quan ban hành",
    "abstract": "Trích yếu",
    "issued_on": "Ngày ban hành",
    "effective_on": "Ngày hiệu lực",
    "asset_id": "Tệp văn bản",
    "recipients": "Đơn vị nhận",
    "all_tenants": "Gửi tất cả các đơn vị",
    "public": "Đưa lên thư viện văn bản công khai",
}


def _crumbs(*more):
    return [(f"{BASE}/", "Tổng quan"), *more]


@bp.route(LIBRARY)
def index():
    actor = staff()
    number = page_number()
    chosen = {name: (request.args.get(name) or "").strip() for name in ("q", "loai", "nam", "cua-toi")}
    if chosen["loai"] and chosen["loai"] not in DOCUMENT_TYPE_LABELS:
        abort(404)
    args = {"page": str(number), "per_page": str(PER_PAGE)}
    for name, key in (("q", "q"), ("loai", "doc_type"), ("nam", "year")):
        if chosen[name]:
            args[key] = chosen[name]
    if chosen["cua-toi"] == "1":
        args["issued_by_me"] = "true"
    answer, pagination, problem, status = None, None, None, 200
    try:
        answer = call("content", "list_documents", actor, args)
        pagination = pages_of(answer, number)
    except InvalidInput as exc:
        problem, status = " ".join(field_errors(exc).values()), 422
    return page(
        "workspace/documents_index.html",
        status=status,
        answer=answer,
        pagination=pagination,
        problem=problem,
        chosen=chosen,
        doc_types=DOCUMENT_TYPE_LABELS,
        query_extra={k: v for k, v in chosen.items() if v},
        base_path=LIBRARY,
        menu=menu(actor),
        current=LIBRARY,
        breadcrumbs=_crumbs((None, "Văn bản chỉ đạo")),
    )


def _tenant_tree():
    """The tenants a document can be addressed to, grouped by kind under their parent (content's
    sub-site directory, from the gateway's cache); None when content does not answer."""
    sites = block(lambda: public("content", "content", "public_sites", {}))
    if not sites:
        return None
    groups = []
    for site in sites.get("items") or []:
        if not groups or groups[-1]["kind"] != site.get("kind"):
            parent = (site.get("parent") or {}).get("name")
            groups.append({"kind": site.get("kind"), "label": site.get("kind_label"), "parent": parent, "items": []})
        groups[-1]["items"].append(site)
    return groups


def _files(actor):
    """The unit's document files to attach (newest first), or None when media does not answer."""

    def load():
        return call("media", "list_assets", actor, {"kind": "document", "per_page": "50"}).get("items") or []

    try:
        return block(load) or None
    except PlatformError:  # a person who may not list the library (403) types no file
        return None


def _form_page(actor, status=200, *, form=None, errors=None, problem=None):
    errors = dict(errors or {})
    return page(
        "workspace/documents_new.html",
        status=status,
        form=form or {"recipients": []},
        errors=errors,
        problem=problem or errors.pop("", None),
        fields=FIELDS,
        doc_types=DOCUMENT_TYPE_LABELS,
        tree=_tenant_tree(),
        files=_files(actor),
        menu=menu(actor),
        current=LIBRARY,
        breadcrumbs=_crumbs((LIBRARY, "Văn bản chỉ đạo"), (None, "Ban hành văn bản")),
        headers={"Cache-Control": "private, no-store"} if status != 200 else None,
    )


def _text(value):
    value = (value or "").strip()
    return value or None


@bp.route(f"{LIBRARY}/moi", methods=["GET", "POST"])
def create():
    actor = staff()
    if request.method == "GET":
        return _form_page(actor)
    form = {name: request.form.get(name, "") for name in FIELDS if name != "recipients"}
    form["recipients"] = request.form.getlist("recipients")
    data = {
        "number": form["number"].strip(),
        "doc_type": form["doc_type"],
        "issuer": _text(form["issuer"]),
        "abstract": form["abstract"].strip(),
        "issued_on": form["issued_on"].strip(),
        "effective_on": _text(form["effective_on"]),
        "asset_id": _text(form["asset_id"]),
        "recipients": form["recipients"],
        "all_tenants": form["all_tenants"] == "1",
        "public": form["public"] == "1",
    }
    try:
        created = call("content", "create_document", actor, data)
    except InvalidInput as exc:
        return _form_page(actor, 422, form=form, errors=field_errors(exc, known=FIELDS))
    except Conflict as exc:
        return _form_page(actor, 409, form=form, errors={"number": exc.message})
    flash(f"Đã ban hành văn bản {created['number']}.", "ok")
    return redirect(f"{LIBRARY}/{created['id']}", code=303)


@bp.route(f"{LIBRARY}/<document_id>")
def document(document_id):
    actor = staff()
    found = call("content", "get_document", actor, document_id)
    receipts = found.get("receipts")
    return page(
        "workspace/documents_show.html",
        document=found,
        receipts=sorted(receipts, key=lambda r: (r.get("read_at") is None, r.get("tenant_name") or ""))
        if receipts is not None
        else None,
        read=sum(1 for r in receipts or [] if r.get("read_at")),
        menu=menu(actor),
        current=LIBRARY,
        breadcrumbs=_crumbs((LIBRARY, "Văn bản chỉ đạo"), (None, found["number"])),
    )
