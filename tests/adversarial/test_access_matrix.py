"""The access matrix, generated from the OpenAPI document (issue 12).

Every operation of ``/api/v1/openapi.json`` that names an object in its path is called on a
real object of Hà Nội's federation (the first tenant) by four people who must not get it:

* another tenant's administrator (Đà Nẵng) — the object does not exist for them: 404;
* a member of Hà Nội — 403 where they may see the object but not act, 404 where they may not
  see it (never a 2xx, except the few things members do, listed in ``MEMBERS_MAY``);
* a contributor of Hà Nội who did not write the article — refused like a member;
* the administrator of another grassroots union of Hà Nội (``unit_admin`` of CĐCS Canon) —
  refused like a member: its rights are its own branch's, in accounts only;
* an anonymous caller — 401 on every operation that needs a token; the public operations
  answer only what is public (a draft's slug is 404).

The cases come from the document, not from a list in this file: a new operation that names
an object fails ``test_every_operation_with_an_object_is_in_the_matrix`` until the matrix
knows which object to try. After the whole matrix the objects are read again as their owners
and must be unchanged. Lists: every list operation, as the Đà Nẵng admin and as a Hà Nội
member, never shows a Hà Nội object they may not read (the draft, the unanswered question,
the library's photo, the member register, …).
"""

import io
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from platform_shared.clock import VN_TZ
from platform_shared.testing.facts import article_published
from platform_shared.testing.waiting import wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "media" / "tests"))
import samples  # noqa: E402

METHODS = ("get", "post", "patch", "put", "delete")
ATTACKERS = (
    "another tenant's admin",
    "member",
    "contributor, not the author",
    "a grassroots union's admin, beside",
    "anonymous",
)
LOGINS = {
    "another tenant's admin": "danang.admin",
    "member": "hanoi.member",
    "contributor, not the author": "hanoi.contributor",
    # CĐCS Canon's unit_admin: Hà Nội's objects are not of its branch (the world's units and
    # members are elsewhere in the tree), and no other service gives it a federation's right.
    "a grassroots union's admin, beside": "canon.admin",
}

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công đoàn Thủ đô ký thỏa ước lao động tập thể ngành dệt may",
    "body": "<p>Thỏa ước có nhiều điều khoản có lợi hơn cho người lao động so với quy định của pháp luật.</p>",
}
QUESTION = {
    "category": "wages_bonuses",
    "title": "Công ty trả lương chậm hai tháng",
    "body": "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?",
    "guest": {"name": "Nguyễn Văn Khách", "phone": "0912 345 678"},
}
POLL_QUESTIONS = [
    {"text": "Anh/chị có hài lòng với bữa ăn ca?", "kind": "single", "options": [{"label": "Có"}, {"label": "Không"}]},
    {"text": "Ý kiến khác", "kind": "text", "required": False},
]

# A valid body for each operation that takes one, so that the policy, not the validation,
# decides. Were the policy to let an attacker through, the body would really be applied —
# and the test sees it (a 2xx, and the owners' objects change).
BODIES = {
    "PATCH /api/v1/tenants/{tenant_id}": {"name": "Tên đã bị sửa"},
    "POST /api/v1/tenants/{tenant_id}/merge": {"into": "{danang}"},
    "PATCH /api/v1/units/{unit_id}": {"name": "Tên đã bị sửa"},
    "PATCH /api/v1/users/{user_id}": {"full_name": "Tên Đã Bị Sửa"},
    "PATCH /api/v1/staff/{staff_id}": {"position": "Chức vụ đã bị sửa"},
    "PATCH /api/v1/articles/{article_id}": {"title": "Tiêu đề đã bị sửa"},
    "POST /api/v1/articles/{article_id}/return": {"comment": "Đề nghị viết lại phần mở đầu."},
    "POST /api/v1/articles/{article_id}/reject": {"reason": "Không phù hợp chuyên mục."},
    "POST /api/v1/articles/{article_id}/schedule": {"publish_at": "{tomorrow}"},
    "POST /api/v1/articles/{article_id}/unpublish": {"reason": "Thông tin chưa chính xác."},
    "POST /api/v1/articles/{article_id}/correct": {"note": "Sửa lỗi chính tả.", "title": "Tiêu đề đã bị sửa"},
    "PATCH /api/v1/sections/{section_id}": {"name": "Tên đã bị sửa"},
    "POST /api/v1/royalties/items/{item_id}/score": {"coefficient": "5"},
    "POST /api/v1/royalties/statements/{statement_id}/pay": {"paid_on": "{today}", "reference": "UNC 2026/118"},
    "POST /api/v1/questions/{question_id}/answer": {
        "answer": "Theo Bộ luật Lao động, người sử dụng lao động phải trả lương đúng hạn cho người lao động."
    },
    "POST /api/v1/questions/{question_id}/reject": {"reason": "Câu hỏi không thuộc phạm vi trả lời."},
    "POST /api/v1/questions/{question_id}/transfer": {"tenant_id": "{danang}", "note": "Chuyển đúng nơi."},
    "POST /api/v1/questions/{question_id}/assign": {"responder_id": "{hanoi_responder}"},
    "POST /api/v1/opinions/{opinion_id}/answer": {"answer": "Cảm ơn ý kiến của đoàn viên, công đoàn sẽ tiếp thu."},
    "POST /api/v1/comments/{comment_id}/report": {"reason": "spam"},
    "POST /api/v1/articles/{article_id}/comments": {"body": "Bài viết rất bổ ích cho người lao động chúng tôi."},
    "PATCH /api/v1/polls/{poll_id}": {"title": "Tiêu đề đã bị sửa"},
    "POST /api/v1/polls/{poll_id}/responses": {"answers": {"q1": "o1"}},
    "POST /api/v1/polls/{poll_id}/text-answers/{answer_id}/moderate": {"status": "hidden"},
    "PATCH /api/v1/reports/semiannual/{report_id}": {"evaluation": "Đánh giá đã bị sửa."},
    "PATCH /api/v1/media/{asset_id}": {"caption": "Chú thích đã bị sửa"},
    "PATCH /api/v1/members/{member_id}": {"full_name": "Tên Đã Bị Sửa"},
}

# What a member (or a contributor who is not the author) may rightly do with these objects.
MEMBERS_MAY = {
    # the published article's comments are public; members may comment and report
    "GET /api/v1/articles/{article_id}/comments",
    "POST /api/v1/comments/{comment_id}/report",
    # the opinion topics of one's own federation (the portal's page; closing them is the admin's)
    "GET /api/v1/opinions/topics/{topic_id}",
    # one's own tenant, its grassroots units, the documents addressed to it (the portal's library)
    "GET /api/v1/tenants/{tenant_id}",
    "GET /api/v1/units/{unit_id}",
    "GET /api/v1/documents/{document_id}",
    # an open poll of their federation: read it and answer it (on the portal's public path too)
    "GET /api/v1/polls/{poll_id}",
    "GET /api/v1/public/polls/{poll_id}",
    "POST /api/v1/polls/{poll_id}/responses",
    # public by design: the site of a federation; the tracking code is the asker's capability
    "GET /api/v1/public/sites/{tenant_slug}",
    "GET /api/v1/questions/track/{tracking_code}",
}
# A contributor is staff: the federation's media library is theirs to use in articles.
CONTRIBUTORS_MAY = {"GET /api/v1/media/{asset_id}", "GET /api/v1/media/{asset_id}/content"}
# What anyone, signed in or not, may rightly get: public by design.
PUBLIC = {
    "GET /api/v1/public/sites/{tenant_slug}",
    "GET /api/v1/questions/track/{tracking_code}",
    "GET /api/v1/articles/{article_id}/comments",
    "GET /api/v1/articles/{article_id}/comments/rules",
}
# What anyone signed in may do, whatever their federation: comment on a published article
# (the national portal shows every federation's news); the article's moderators decide.
SIGNED_IN_MAY = {"POST /api/v1/articles/{article_id}/comments"}
# Platform-wide objects (not a tenant's): every non-platform caller is refused with 403.
PLATFORM_WIDE = {
    "DELETE /api/v1/holidays/{day}",
    "GET /api/v1/ops/parked-events/{service}",
    "POST /api/v1/ops/parked-events/{service}/{parked_id}/replay",
}


@pytest.fixture
def media_backend(tmp_path):
    """Access is the services' decision, not the storage's: the filesystem backend only."""
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


@pytest.fixture
def document(api):
    return api.get("/api/v1/openapi.json").json


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def _moment(delta):
    return (datetime.now(UTC) + delta).astimezone(VN_TZ).replace(tzinfo=None).isoformat(timespec="seconds")


def _period():
    today = datetime.now(UTC).astimezone(VN_TZ).date()
    return f"{today.year}-H{1 if today.month <= 6 else 2}", f"{today.year:04d}-{today.month:02d}"


def _ok(response, status=(200, 201)):
    assert response.status_code in status, (response.status_code, response.get_data(as_text=True)[:400])
    return response.json


@pytest.fixture
def world(
    api,
    login,
    content_service,
    feedback_service,
    polls_service,
    royalties_service,
    notifications_service,
    member_token,
    content_event,
):
    """Hà Nội's objects, one of each kind, made by the people who own them."""
    office, hanoi = api.as_(login("admin")), api.as_(login("hanoi.admin"))
    desk = api.as_(login("laodong.editor"))
    tenants = {t["code"]: t for t in office.get("/api/v1/tenants?per_page=100").json["items"]}
    hn, dn = tenants["LDLD-HN"], tenants["LDLD-DN"]
    ids = {"tenant_id": hn["id"], "danang": dn["id"], "tenant_slug": hn.get("slug") or hn["code"].lower()}
    ids["tomorrow"] = (datetime.now(UTC) + timedelta(days=1)).astimezone(VN_TZ).isoformat(timespec="seconds")
    ids["hanoi_responder"] = hanoi.get("/api/v1/users", query_string={"role": "responder"}).json["items"][0]["id"]

    ids["unit_id"] = _ok(hanoi.post("/api/v1/units", json={"name": "Công đoàn cơ sở Công ty May Thăng Long"}))["id"]
    user = {"email": "nguoi.moi@hanoi.vn", "full_name": "Trần Văn Mới", "roles": ["member"]}
    ids["user_id"] = _ok(hanoi.post("/api/v1/users", json=user))["user"]["id"]
    staff = {"full_name": "Phạm Thị Cán Bộ", "position": "Ủy viên Ban Thường vụ", "term_start": "2024-01-01"}
    ids["staff_id"] = _ok(hanoi.post("/api/v1/staff", json=staff))["id"]

    form = {"caption": "Lễ ký thỏa ước", "file": (io.BytesIO(samples.jpeg_with_gps(seed=3)), "anh.jpg", "image/jpeg")}
    ids["asset_id"] = _ok(hanoi.post("/api/v1/media", data=form, content_type="multipart/form-data"))["id"]

    draft = _ok(hanoi.post("/api/v1/articles", json=NEWS))
    ids["article_id"], ids["slug"] = draft["id"], draft["slug"]
    published = _ok(hanoi.post("/api/v1/articles", json={**NEWS, "title": "Tin đã đăng của Công đoàn Thủ đô"}))
    _ok(hanoi.post(f"/api/v1/articles/{published['id']}/submit"))
    for action in ("open", "approve", "publish"):
        _ok(desk.post(f"/api/v1/articles/{published['id']}/{action}"))
    ids["published_id"] = published["id"]
    comment = _ok(
        api.as_(login("hanoi.member")).post(
            f"/api/v1/articles/{published['id']}/comments", json=BODIES["POST /api/v1/articles/{article_id}/comments"]
        )
    )
    ids["comment_id"] = comment["id"]
    ids["section_id"] = _ok(hanoi.post("/api/v1/sections", json={"key": "tin-co-so", "name": "Tin cơ sở"}))["id"]
    directive = {
        "number": "15/CĐTP",
        "doc_type": "directive",
        "abstract": "Về việc chăm lo Tết",
        "issued_on": "2026-11-20",
    }
    ids["document_id"] = _ok(
        api.as_(login("tuyengiao.editor")).post("/api/v1/documents", json={**directive, "recipients": [hn["id"]]})
    )["id"]

    asked = _ok(api.as_(None).post("/api/v1/questions", json={**QUESTION, "tenant_id": hn["id"]}))
    ids["question_id"], ids["tracking_code"] = asked["id"], asked["tracking_code"]
    topic = {"title": "Góp ý dự thảo quy chế dân chủ", "description": "Ý kiến của đoàn viên về dự thảo quy chế."}
    ids["topic_id"] = topic_id = _ok(hanoi.post("/api/v1/opinions/topics", json=topic))["id"]
    opinion = {
        "topic_id": topic_id,
        "body": "Đề nghị bổ sung đối thoại định kỳ mỗi quý giữa công đoàn và doanh nghiệp.",
    }
    ids["opinion_id"] = _ok(api.as_(login("hanoi.member")).post("/api/v1/opinions", json=opinion))["id"]
    ids["day"] = "2026-11-24"
    _ok(office.post("/api/v1/holidays", json={"day": ids["day"], "name": "Ngày Văn hóa Việt Nam"}))

    window = {"opens_at": _moment(timedelta(hours=-1)), "closes_at": _moment(timedelta(hours=48))}
    poll = _ok(
        hanoi.post("/api/v1/polls", json={"title": "Ý kiến về bữa ăn ca", "questions": POLL_QUESTIONS, **window})
    )
    ids["poll_id"], ids["poll_question_id"] = poll["id"], "q2"
    _ok(hanoi.post(f"/api/v1/polls/{poll['id']}/open"))
    voter = api.as_(member_token("LDLD-HN"))
    sent = _ok(
        voter.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": {"q1": "o1", "q2": "Cần thêm rau"}}),
        (202,),
    )
    ids["receipt"] = sent["receipt"]
    wait_for(
        lambda: voter.get(f"/api/v1/polls/receipts/{sent['receipt']}").json["status"] == "counted",
        message="the poll response to be counted",
    )
    answers = _ok(hanoi.get(f"/api/v1/polls/{poll['id']}/text-answers"))
    ids["answer_id"] = answers["items"][0]["id"]
    ids["report_id"] = _ok(hanoi.get("/api/v1/reports/semiannual", query_string={"period": _period()[0]}))["id"]

    ids.update(_royalties(api, login, content_event))
    # The payment day, taken after the statement's approval: taken before it, a run crossing
    # midnight in Vietnam (17:00 UTC) would pay "before the approval" (422 PAID_BEFORE_APPROVAL).
    ids["today"] = datetime.now(UTC).astimezone(VN_TZ).date().isoformat()
    ids.update(_members(hanoi))
    ids["notification_id"] = _notification(hanoi, hn["id"], content_event)
    return ids


def _notification(hanoi, tenant_id, content_event):
    """A notification of Hà Nội's administrator (a missed quota week: its contributor, who attacks,
    gets one of their own)."""
    from platform_shared.testing.contracts import example

    content_event(example("content.quota_missed", tenant_id=tenant_id, week="2026-W48", required=1, submitted=0))
    found = wait_for(
        lambda: [n for n in hanoi.get("/api/v1/notifications").json["items"] if n["kind"] == "quota_missed"],
        message="the administrator's notification",
    )
    return found[0]["id"]


MEMBER_FILE = "member_number,full_name,phone\n{number},{name},{phone}\n"


def _members(hanoi):
    """A member of Hà Nội's register and an import job of its administrator, finished (its
    credentials sheet is its importer's alone)."""

    def upload(path, number, name, phone):
        text = MEMBER_FILE.format(number=number, name=name, phone=phone)
        form = {"file": (io.BytesIO(text.encode()), "doan-vien.csv")}
        return hanoi.post(path, data=form, content_type="multipart/form-data")

    _ok(upload("/api/v1/members/import", "HN-MT-1", "Đỗ Thị Ma Trận", "0912111001"))
    member_id = hanoi.get("/api/v1/members", query_string={"q": "HN-MT-1"}).json["items"][0]["id"]
    job = _ok(upload("/api/v1/members/imports", "HN-MT-2", "Vũ Văn Nhập", "0912111002"), (202,))
    wait_for(
        lambda: hanoi.get(f"/api/v1/members/imports/{job['id']}").json["state"] == "done",
        timeout=60,
        interval=0.25,
        message="the member import job",
    )
    return {"member_id": member_id, "import_id": job["id"]}


def _royalties(api, login, content_event):
    """A scored royalty item of Hà Nội's administrator (not of the contributor who attacks) and
    the desk's draft statement of its month."""
    officer, desk = api.as_(login("laodong.royalty")), api.as_(login("laodong.editor"))
    author = api.as_(login("hanoi.admin")).get("/api/v1/me").json["user"]
    at = datetime.now(UTC) - timedelta(hours=2)
    content_event(article_published(author, at=at))
    items = wait_for(lambda: officer.get("/api/v1/royalties/items").json["items"], message="the royalty item")
    item_id = items[0]["id"]
    _ok(desk.post(f"/api/v1/royalties/items/{item_id}/score", json={"coefficient": "7.5"}))
    local = at.astimezone(VN_TZ)
    statement = _ok(
        officer.post("/api/v1/royalties/statements", json={"period": f"{local.year:04d}-{local.month:02d}"})
    )
    return {"item_id": item_id, "statement_id": statement["id"]}


# Which object each path parameter names; a few operations name another object of that kind.
PARAMETER_OVERRIDES = {
    ("GET /api/v1/polls/{poll_id}/questions/{question_id}/chart.png", "question_id"): "poll_question_id",
    ("GET /api/v1/articles/{article_id}/comments", "article_id"): "published_id",
    ("GET /api/v1/articles/{article_id}/comments/rules", "article_id"): "published_id",
    ("POST /api/v1/articles/{article_id}/comments", "article_id"): "published_id",
}
FIXED = {"service": "feedback", "parked_id": "12"}


def _parameters(path):
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _resolve(key, path, ids, *, missing=False):
    """The operation's URL on Hà Nội's object — or, ``missing``, on objects that do not exist."""
    values = {}
    for name in _parameters(path):
        source = PARAMETER_OVERRIDES.get((key, name), name)
        values[name] = FIXED[source] if source in FIXED else ids[source]
        if missing and source not in FIXED and _is_uuid(values[name]):
            values[name] = str(uuid.uuid4())
    return path.format(**values) + PATH_QUERIES.get(key, "")


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# Query arguments an operation on an object needs.
PATH_QUERIES = {
    "GET /api/v1/articles/{article_id}/revisions/diff": "?from=1&to=1",
    "GET /api/v1/reports/semiannual/{report_id}/export": "?format=pdf",
    "GET /api/v1/members/imports/{import_id}/sheet": "?format=csv",
}


def _call(api, login, who, method, url, body):
    client = api.as_(None) if who == "anonymous" else api.as_(login(LOGINS[who]))
    if method == "GET":
        return client.get(url)
    if method == "DELETE":
        return client.delete(url)
    return getattr(client, method.lower())(url, json=body if body is not None else {})


def expected(key, operation, who):
    """The statuses the policy allows for this caller on Hà Nội's object (a set)."""
    secured = bool(operation.get("security"))
    if key in PUBLIC:
        return {200}
    if who == "anonymous":
        return {401} if secured else {401, 404}
    if key in SIGNED_IN_MAY:
        return {201}
    if key in PLATFORM_WIDE:
        return {403}
    if who == "another tenant's admin":
        return {404}
    allowed = {403, 404}
    if key in CONTRIBUTORS_MAY and who.startswith("contributor"):
        allowed |= {200}
    if key in MEMBERS_MAY:
        allowed |= {200, 201, 202}
    return allowed


def test_every_operation_with_an_object_is_in_the_matrix(document):
    known = set(FIXED) | {
        "tenant_id", "unit_id", "user_id", "staff_id", "article_id", "section_id", "slug", "tenant_slug",
        "document_id", "item_id", "statement_id", "question_id", "tracking_code", "topic_id", "opinion_id", "comment_id",
        "day", "poll_id", "receipt", "answer_id", "report_id", "asset_id", "member_id", "import_id",
        "notification_id",
    }  # fmt: skip
    unknown = [
        (f"{method} {path}", name)
        for method, path, _ in operations(document)
        for name in _parameters(path)
        if name not in known
    ]
    assert unknown == [], "new path parameters: give the matrix an object of Hà Nội for each"
    bodies_for_missing_operations = set(BODIES) - {f"{m} {p}" for m, p, _ in operations(document)}
    assert bodies_for_missing_operations == set(), "the matrix has bodies for operations the document lost"


SNAPSHOT = {
    "unit_id": "/api/v1/units/{}",
    "user_id": "/api/v1/users/{}",
    "staff_id": "/api/v1/staff/{}",
    "article_id": "/api/v1/articles/{}",
    "question_id": "/api/v1/questions/{}",
    "topic_id": "/api/v1/opinions/topics/{}",
    "poll_id": "/api/v1/polls/{}",
    "report_id": "/api/v1/reports/semiannual/{}",
    "asset_id": "/api/v1/media/{}",
    "tenant_id": "/api/v1/tenants/{}",
    "statement_id": "/api/v1/royalties/statements/{}",
    "item_id": "/api/v1/royalties/items/{}",
    "member_id": "/api/v1/members/{}",
    "import_id": "/api/v1/members/imports/{}",
}
KEPT = ("title", "name", "full_name", "position", "status", "caption", "body", "evaluation", "state", "roles")


def _snapshot(api, login, ids):
    owners = {"statement_id": "laodong.royalty", "item_id": "laodong.royalty"}
    seen = {}
    for name, path in SNAPSHOT.items():
        response = api.as_(login(owners.get(name, "hanoi.admin"))).get(path.format(ids[name]))
        assert response.status_code == 200, (name, response.status_code, response.json)
        body = response.json.get("user", response.json)
        seen[name] = {k: body[k] for k in KEPT if k in body}
    return seen


def test_nobody_gets_another_tenants_object_or_what_their_role_does_not_allow(api, login, world, document):
    before = _snapshot(api, login, world)
    wrong, tried = [], 0
    for method, path, operation in operations(document):
        if not _parameters(path):
            continue
        key = f"{method} {path}"
        url = _resolve(key, path, world)
        body = _fill(BODIES.get(key), world)
        for who in ATTACKERS:
            response = _call(api, login, who, method, url, body)
            tried += 1
            allowed = expected(key, operation, who)
            if response.status_code == 403 and who == "another tenant's admin" and 403 not in allowed:
                # Refused for their role before any object is looked at: the same answer for an
                # object that does not exist, so it tells them nothing (no existence oracle).
                absent = _call(api, login, who, method, _resolve(key, path, world, missing=True), body)
                if (absent.status_code, absent.json["code"]) == (403, response.json["code"]):
                    allowed = allowed | {403}
            if response.status_code not in allowed:
                detail = response.json.get("code") if response.is_json and isinstance(response.json, dict) else ""
                wrong.append(f"{key:70} {who:30} {response.status_code} {detail} (allowed {sorted(allowed)})")
    assert wrong == [], f"{len(wrong)} of {tried} answers break the policy:\n" + "\n".join(wrong)
    assert _snapshot(api, login, world) == before, "a refused call changed something"
    unread = api.as_(login("hanoi.admin")).get("/api/v1/notifications", query_string={"unread": "true"}).json
    assert world["notification_id"] in {n["id"] for n in unread["items"]}, "someone else marked it read"


# Query arguments a list needs; everything else is left to its defaults.
QUERIES = {
    "GET /api/v1/reports/semiannual": {"period": "{period}"},
    "GET /api/v1/reports/semiannual/status": {"period": "{period}"},
    "GET /api/v1/reports/semiannual/rollup": {"period": "{period}"},
    "GET /api/v1/reports/semiannual/rollup/export": {"period": "{period}"},
    "GET /api/v1/reports/semiannual/overview": {"period": "{period}"},
    "GET /api/v1/royalties/reconciliation": {"period": "{month}"},
    "GET /api/v1/opinions": {"topic_id": None},
}


def test_lists_show_no_foreign_or_unpublished_rows(api, login, world, document):
    period, month = _period()
    # A member may see their federation's grassroots units and its sections (the menu); not its
    # drafts, library, questions in progress, personnel, accounts, poll moderation or royalties.
    private_to_members = {
        world[name]
        for name in ("article_id", "asset_id", "question_id", "staff_id", "user_id", "answer_id", "report_id",
                     "item_id", "statement_id", "member_id", "import_id", "notification_id")
    }  # fmt: skip
    private_to_others = private_to_members | {
        world[name] for name in ("opinion_id", "comment_id", "poll_id", "unit_id", "section_id")
    }
    leaks, tried = [], 0
    for method, path, operation in operations(document):
        if method != "GET" or _parameters(path) or not operation.get("security"):
            continue
        key = f"{method} {path}"
        query = {k: v.format(period=period, month=month) for k, v in QUERIES.get(key, {}).items() if v}
        for who, private in (("another tenant's admin", private_to_others), ("member", private_to_members)):
            response = api.as_(login(LOGINS[who])).get(path, query_string=query)
            tried += 1
            assert response.status_code < 500, (key, who, response.status_code)
            text = response.get_data(as_text=True)
            shown = sorted(value for value in private if value in text)
            if response.status_code == 200 and shown:
                leaks.append(f"{key:55} {who:25} shows {shown}")
    assert tried > 20
    assert leaks == [], "\n".join(leaks)
