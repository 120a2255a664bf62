"""The document library («Văn bản»): public documents with filters, each with its file to download.

Filters are Vietnamese query parameters mapped onto content's ``public_documents``:
``q`` (number, abstract, issuer — with or without diacritics), ``loai`` (type), ``co-quan``
(issuer), ``nam`` (year), ``trang`` (page). A filter the service refuses is shown beside its
field (422), never a 500.
"""

from flask import Blueprint, abort, request

from gateway.web.portal.common import PER_PAGE, absolute, field_errors, page_number, pages_of, public
from gateway.web.render import page, shared
from platform_shared.errors import InvalidInput, NotFound
from platform_shared.schemas.content import DOCUMENT_TYPE_LABELS

bp = Blueprint("portal_library", __name__)

# page parameter -> the service's
FILTERS = {"q": "q", "loai": "doc_type", "co-quan": "issuer", "nam": "year"}


def _file_url(document):
    return f"/api/v1/media/{document['asset_id']}/content?rendition=original" if document.get("asset_id") else None


@bp.route("/van-ban")
@shared
def library():
    number = page_number()
    chosen = {name: request.args.get(name, "").strip() for name in FILTERS}
    args = {FILTERS[name]: value for name, value in chosen.items() if value}
    args.update(page=str(number), per_page=str(PER_PAGE))
    errors, answer, pagination, status = {}, None, None, 200
    try:
        answer = public("content", "content", "public_documents", args)
        pagination = pages_of(answer, number)
    except InvalidInput as exc:
        errors = field_errors(exc, {v: k for k, v in FILTERS.items()}, known=FILTERS)
        if "" in errors:  # a problem with no field of the form: shown beside the words
            errors["q"] = errors.pop("")
        status = 422
    for document in (answer or {}).get("items", []):
        document["file_url"] = _file_url(document)
    issuers = (answer or {}).get("issuers") or []
    if not issuers and status != 200:  # the issuer list, for the form shown again
        issuers = public("content", "content", "public_documents", {"per_page": "1"}).get("issuers") or []
    return page(
        "portal/library.html",
        status=status,
        answer=answer,
        pagination=pagination,
        chosen=chosen,
        errors=errors,
        doc_types=DOCUMENT_TYPE_LABELS,
        issuers=issuers,
        base_path="/van-ban",
        query_extra={k: v for k, v in chosen.items() if v},
        canonical=absolute("/van-ban"),
        breadcrumbs=[("/", "Trang chủ"), (None, "Văn bản")],
    )


@bp.route("/van-ban/<document_id>")
@shared
def document(document_id):
    try:
        found = dict(public("content", "content", "public_document", document_id))
    except (NotFound, InvalidInput):
        abort(404)
    found["file_url"] = _file_url(found)
    return page(
        "portal/library_document.html",
        document=found,
        canonical=absolute(f"/van-ban/{document_id}"),
        breadcrumbs=[("/", "Trang chủ"), ("/van-ban", "Văn bản"), (None, found["number"])],
    )
