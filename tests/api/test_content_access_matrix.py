"""The articles' access table through the gateway: every kind of person reads, lists and acts
on Hà Nội's news items (a contributor's, with a co-author) in every state that matters, and
gets exactly what ``content.policy.ARTICLES`` decides — 200, 403, or 404 where they may not
read the item (no answer tells them it exists). The full table is unit-tested in
``services/content/tests/unit/test_policy.py``; this is the same decision end to end."""

import pytest

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công nhân may mặc được tăng lương từ tháng Giêng",
    "body": "<p>Doanh nghiệp cam kết tăng lương tối thiểu 7% cho người lao động.</p>",
}
PEOPLE = {
    "platform admin": "admin",
    "tenant admin": "hanoi.admin",
    "editor of the desk": "laodong.editor",
    "editor of the other desk": "tuyengiao.editor",
    "contributor, author": "hanoi.contributor",
    "contributor, co-author": None,  # invited by the tenant admin
    "contributor, other": None,
    "member": "hanoi.member",
    "responder": "hanoi.responder",
    "moderator": "hanoi.moderator",
    "another tenant's admin": "danang.admin",
}
INVITED = {
    "contributor, co-author": ("dong.tac.gia@hanoi.vn", "Lê Minh Châu"),
    "contributor, other": ("cong.tac.vien@hanoi.vn", "Phan Thị Hạnh"),
}

# get, revisions and diff of a draft (d), a submitted item (s) and a published one (p).
READING = """
                           get          revisions     diff
                           d   s   p    d   s   p     d   s   p
platform admin             200 200 200  200 200 200   200 200 200
tenant admin               200 200 200  200 200 200   200 200 200
editor of the desk         404 200 200  404 200 200   404 200 200
editor of the other desk   404 404 404  404 404 404   404 404 404
contributor, author        200 200 200  200 200 200   200 200 200
contributor, co-author     200 200 200  200 200 200   200 200 200
contributor, other         404 404 200  404 404 403   404 404 403
member                     404 404 200  404 404 403   404 404 403
responder                  404 404 200  404 404 403   404 404 403
moderator                  404 404 200  404 404 403   404 404 403
another tenant's admin     404 404 404  404 404 404   404 404 404
"""
# What each list shows of: the draft, the submitted item, the published one, Đà Nẵng's submitted item.
LISTED = {
    "platform admin": {"draft", "submitted", "published", "foreign"},
    "tenant admin": {"draft", "submitted", "published"},
    "editor of the desk": {"submitted", "published", "foreign"},
    "editor of the other desk": set(),
    "contributor, author": {"draft", "submitted", "published"},
    "contributor, co-author": {"draft", "submitted", "published"},
    "contributor, other": {"published"},
    "member": {"published"},
    "responder": {"published"},
    "moderator": {"published"},
    "another tenant's admin": {"foreign"},
}
# Each action on an item in the state it needs.
ACTING = """
                           update  submit  open       approve    publish   correct    unpublish
                           draft   draft   submitted  in_review  approved  published  published
platform admin             403     403     403        403        403       403        403
tenant admin               200     200     403        403        403       403        403
editor of the desk         404     404     200        200        200       200        200
editor of the other desk   404     404     404        404        404       404        404
contributor, author        200     200     403        403        403       403        403
contributor, co-author     200     200     403        403        403       403        403
contributor, other         404     404     404        404        404       403        403
member                     404     404     404        404        404       403        403
responder                  404     404     404        404        404       403        403
moderator                  404     404     404        404        404       403        403
another tenant's admin     404     404     404        404        404       404        404
"""
STEPS = {"submitted": ["submit"], "in_review": ["submit", "open"], "approved": ["submit", "open", "approve"]}
STEPS["published"] = STEPS["approved"] + ["publish"]


def table(text):
    """``{who: [cell, ...]}`` of a table above (names in the first 27 columns, two header lines)."""
    return {line[:27].strip(): line[27:].split() for line in text.strip("\n").splitlines()[2:]}


@pytest.fixture
def media_backend(tmp_path):
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


@pytest.fixture
def people(api, login, content_service):
    hanoi_admin = api.as_(login("hanoi.admin"))
    clients = {}
    for who, username in PEOPLE.items():
        if username:
            clients[who] = api.as_(login(username))
            continue
        email, name = INVITED[who]
        invited = hanoi_admin.post("/api/v1/users", json={"email": email, "full_name": name, "roles": ["contributor"]})
        assert invited.status_code == 201, invited.json
        password = "Cong-tac-vien-2026"
        activated = api.post(
            "/api/v1/auth/activate", json={"token": invited.json["activation_token"], "password": password}
        )
        assert activated.status_code == 200, activated.json
        clients[who] = api.as_(api.login(email, password))
    return clients


@pytest.fixture
def write(people):
    """``write(status)``: a new Hà Nội news item by the author and the co-author, moved to ``status``."""
    author, desk = people["contributor, author"], people["editor of the desk"]
    ids = {
        who: people[who].get("/api/v1/me").json["user"]["id"]
        for who in ("contributor, author", "contributor, co-author")
    }
    authors = [
        {"user_id": ids["contributor, author"], "pen_name": "Trần Văn Bình", "share": 60},
        {"user_id": ids["contributor, co-author"], "pen_name": "Lê Minh Châu", "share": 40},
    ]

    def make(status, title=NEWS["title"]):
        created = author.post("/api/v1/articles", json={**NEWS, "title": title, "authors": authors})
        assert created.status_code == 201, created.json
        path = f"/api/v1/articles/{created.json['id']}"
        for action in STEPS.get(status, []):
            moved = (author if action == "submit" else desk).post(f"{path}/{action}")
            assert moved.status_code == 200, (action, moved.json)
        return created.json["id"]

    return make


def test_who_reads_and_lists_what(people, write):
    items = {
        "draft": write("draft", "Bản nháp tin tăng lương của Công đoàn Hà Nội"),
        "submitted": write("submitted", "Tin tăng lương đã gửi ban biên tập"),
        "published": write("published", "Tin tăng lương đã đăng trên cổng"),
    }
    foreign = people["another tenant's admin"].post("/api/v1/articles", json=NEWS).json["id"]
    assert people["another tenant's admin"].post(f"/api/v1/articles/{foreign}/submit").status_code == 200
    items["foreign"] = foreign

    found, expected = {}, table(READING)
    for who, client in people.items():
        row = []
        for path in ("", "/revisions", "/revisions/diff?from=1&to=1"):
            for state in ("draft", "submitted", "published"):
                row.append(str(client.get(f"/api/v1/articles/{items[state]}{path}").status_code))
        found[who] = row
    assert found == expected

    for who, client in people.items():
        listed = client.get("/api/v1/articles", query_string={"per_page": 100}).json["items"]
        assert {state for state, ident in items.items() if ident in {a["id"] for a in listed}} == LISTED[who], who
        drafts = client.get("/api/v1/articles", query_string={"status": "draft"}).json
        assert (drafts["total"] > 0) is ("draft" in LISTED[who]), who


def test_a_member_reads_published_work_without_its_editorial_history(people, write):
    published = write("published")
    seen = people["member"].get(f"/api/v1/articles/{published}")
    assert seen.status_code == 200 and "tăng lương" in seen.json["body"] and "activity" not in seen.json
    assert [a["action"] for a in people["contributor, author"].get(f"/api/v1/articles/{published}").json["activity"]]
    refused = people["member"].get(f"/api/v1/articles/{published}/revisions")
    assert refused.status_code == 403 and refused.json["code"] == "REVISIONS_NOT_ALLOWED"
    draft = write("draft")
    hidden = people["member"].get(f"/api/v1/articles/{draft}")
    assert hidden.status_code == 404 and hidden.json["code"] == "ARTICLE_NOT_FOUND"
    assert "body" not in hidden.json and draft in hidden.json["message"]


def test_who_acts_on_what(people, write):
    expected = table(ACTING)
    columns = [("update", "draft"), ("submit", "draft"), ("open", "submitted"), ("approve", "in_review")]
    columns += [("publish", "approved"), ("correct", "published"), ("unpublish", "published")]
    bodies = {
        "update": {"summary": "Tóm tắt sửa lại của bài"},
        "correct": {"note": "Đính chính tỉ lệ tăng lương.", "summary": "Tăng 8%."},
        "unpublish": {"reason": "Cần kiểm tra lại số liệu."},
    }
    found = {who: [] for who in people}
    for n, (action, state) in enumerate(columns):
        allowed = [who for who in people if expected[who][n] == "200"]
        shared = write(state)  # everyone refused tries the same item; it must stay as it was
        for who in [w for w in people if w not in allowed] + allowed:
            ident = shared if who not in allowed else write(state)
            path = f"/api/v1/articles/{ident}"
            body = bodies.get(action, {})
            answer = (
                people[who].patch(path, json=body)
                if action == "update"
                else people[who].post(f"{path}/{action}", json=body)
            )
            found[who].append(str(answer.status_code))
        after = people["contributor, author"].get(f"/api/v1/articles/{shared}").json
        assert (after["status"], after["revision"]) == (state, 1), action
    assert found == expected


def test_refusals_say_why(people, write):
    draft, submitted = write("draft"), write("submitted")
    other = people["contributor, other"].patch(f"/api/v1/articles/{draft}", json={"title": "Sửa bài của người khác"})
    assert other.status_code == 404 and other.json["code"] == "ARTICLE_NOT_FOUND"
    operator = people["platform admin"].post(f"/api/v1/articles/{draft}/submit")
    assert operator.status_code == 403 and operator.json["code"] == "AUTHOR_SIDE_REQUIRED"
    author = people["contributor, author"].post(f"/api/v1/articles/{submitted}/open")
    assert author.status_code == 403 and author.json["code"] == "DESK_EDITOR_REQUIRED"
    desk = people["editor of the desk"]
    assert desk.post(f"/api/v1/articles/{submitted}/open").status_code == 200
    locked = people["contributor, co-author"].patch(
        f"/api/v1/articles/{submitted}", json={"title": "Sửa khi đang biên tập"}
    )
    assert locked.status_code == 409 and locked.json["code"] == "ARTICLE_LOCKED"  # the desk holds it for now
    edited = desk.patch(f"/api/v1/articles/{submitted}", json={"title": "Ban biên tập sửa tiêu đề của tin"})
    assert edited.status_code == 200 and edited.json["revision"] == 2
    returned = desk.post(f"/api/v1/articles/{submitted}/return", json={"comment": "Bổ sung nguồn tin."})
    assert returned.status_code == 200
    assert people["contributor, co-author"].post(f"/api/v1/articles/{submitted}/submit").status_code == 200
