"""Every accounts endpoint: missing, extra or wrongly typed fields → 4xx naming the field,
never a 500, and nothing changed."""

import pytest

# (method, path template, a valid body, the role that may call it)
WRITES = [
    ("post", "/api/v1/auth/login", {"username": "admin", "password": "x"}, None),
    ("post", "/api/v1/auth/refresh", {"refresh_token": "r" * 43}, None),
    ("post", "/api/v1/auth/logout", {"refresh_token": "r" * 43}, None),
    ("post", "/api/v1/auth/activate", {"token": "t" * 43, "password": "Mat-khau-2026-dai"}, None),
    (
        "post",
        "/api/v1/tenants",
        {"code": "CD-NEW", "name": "Công đoàn mới", "kind": "corporate_union", "parent_id": "{tld}"},
        "admin",
    ),
    ("patch", "/api/v1/tenants/{hn}", {"name": "Tên mới"}, "admin"),
    ("post", "/api/v1/tenants/{hn}/merge", {"into": "{dn}"}, "admin"),
    ("post", "/api/v1/units", {"name": "Công đoàn cơ sở mới"}, "hanoi.admin"),
    ("patch", "/api/v1/units/{unit}", {"name": "Tên mới"}, "hanoi.admin"),
    ("post", "/api/v1/users", {"email": "moi@hn.vn", "full_name": "Người Mới", "roles": ["member"]}, "hanoi.admin"),
    ("patch", "/api/v1/users/{member}", {"full_name": "Tên Mới"}, "hanoi.admin"),
    (
        "post",
        "/api/v1/staff",
        {"full_name": "Cán Bộ", "position": "Ủy viên", "term_start": "2024-01-01"},
        "hanoi.admin",
    ),
]

WRONG_TYPES = {str: 12345, list: "not-a-list", dict: [1, 2]}


@pytest.fixture
def ids(api, login):
    office = api.as_(login("admin"))
    hanoi = api.as_(login("hanoi.admin"))
    tenants = {t["code"]: t["id"] for t in office.get("/api/v1/tenants?per_page=100").json["items"]}
    unit = hanoi.get("/api/v1/units").json["items"][0]["id"]
    member = hanoi.get("/api/v1/users?role=member").json["items"][0]["id"]
    return {"tld": tenants["TLD"], "hn": tenants["LDLD-HN"], "dn": tenants["LDLD-DN"], "unit": unit, "member": member}


def fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


def client_for(api, login, role):
    return api.as_(login(role)) if role else api


def cases():
    for method, path, body, role in WRITES:
        for field in body:
            yield pytest.param(method, path, body, role, "missing", field, id=f"{method} {path} without {field}")
            yield pytest.param(method, path, body, role, "wrong_type", field, id=f"{method} {path} {field} mistyped")
        yield pytest.param(method, path, body, role, "extra", "unexpected", id=f"{method} {path} + extra")


@pytest.mark.parametrize("method, path, body, role, mistake, field", list(cases()))
def test_bad_bodies_are_refused_naming_the_field(api, login, ids, method, path, body, role, mistake, field):
    client = client_for(api, login, role)
    data = fill(body, ids)
    if mistake == "missing":
        if method == "patch":  # a PATCH may leave any field out; send it as null instead
            data[field] = None
        else:
            data.pop(field)
    elif mistake == "wrong_type":
        data[field] = WRONG_TYPES.get(type(data[field]), "???")
    else:
        data[field] = "x"
    response = getattr(client, method)(fill(path, ids), json=data)
    assert 400 <= response.status_code < 500, response.json
    assert response.status_code != 500
    assert field in response.json.get("errors", {}), response.json


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/units", "/api/v1/users"])
def test_a_body_that_is_not_json_is_400(api, login, path):
    response = api.as_(login("hanoi.admin")).post(path, data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.json["code"] == "INVALID_JSON"


@pytest.mark.parametrize("body", [[], "text", 42])
def test_a_body_that_is_not_an_object_is_422(api, login, body):
    response = api.as_(login("hanoi.admin")).post("/api/v1/units", json=body)
    assert response.status_code == 422


@pytest.mark.parametrize(
    "query, field",
    [
        ("page=0", "page"),
        ("per_page=1000", "per_page"),
        ("page=abc", "page"),
        ("status=gone", "status"),
        ("root_id=not-a-uuid", "root_id"),
        ("wat=1", "wat"),
    ],
)
def test_bad_query_arguments_name_the_argument(api, login, query, field):
    response = api.as_(login("hanoi.admin")).get(f"/api/v1/units?{query}")
    assert response.status_code == 422 and field in response.json["errors"], response.json


def test_refused_writes_change_nothing(api, login, ids):
    hanoi = api.as_(login("hanoi.admin"))
    before = hanoi.get("/api/v1/units").json["total"]
    for bad in ({"name": 1}, {"name": "Đúng tên", "kind": "planet"}, {"name": "Đúng tên", "parent_id": "x"}):
        assert hanoi.post("/api/v1/units", json=bad).status_code == 422
    assert hanoi.get("/api/v1/units").json["total"] == before


TEXT_FIELDS = [
    (method, path, body, role, field)
    for method, path, body, role in WRITES
    for field in ("name", "full_name", "position")
    if field in body
]


@pytest.mark.parametrize(
    "method, path, body, role, field", TEXT_FIELDS, ids=[f"{m} {p} {f}" for m, p, _b, _r, f in TEXT_FIELDS]
)
def test_a_control_character_in_text_is_refused_naming_the_field(api, login, ids, method, path, body, role, field):
    """PostgreSQL stores no NUL: a name with one was a 500 (found by schemathesis); now a 422."""
    data = fill(body, ids)
    data[field] = "Công đoàn\x00 mới\x18"
    response = getattr(client_for(api, login, role), method)(fill(path, ids), json=data)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
