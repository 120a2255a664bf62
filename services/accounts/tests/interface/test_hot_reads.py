"""The hot reads of issue 18 on PostgreSQL. ``GET /me``: one statement for the user, their roles and
their tenant, answering the same document as reading the user and the tenant one by one; the
token's tenant still bounds it. The tenants list: plain rows, the same page as the entities gave."""

import uuid

import pytest
from sqlalchemy import event, select

from accounts.models import Tenant
from accounts.operations import Accounts, Settings
from accounts.passwords import Passwords
from accounts.signing import Signer, generate_key
from accounts.store import TenantStore, UserStore
from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import Clock
from platform_shared.errors import NotFound
from platform_shared.schemas import accounts as api


@pytest.fixture
def app(databases, tmp_path):
    keys = tmp_path / "keys"
    generate_key(keys, "2026-12-01")
    return Accounts(
        databases.sessions("accounts"),
        signer=Signer(keys, issuer="https://congdoan.vn/accounts", audience="congdoan-portal"),
        passwords=Passwords(19456, 2, 1),
        settings=Settings(),
        clock=Clock(),
    )


@pytest.fixture
def hanoi(app):
    tld = app.create_tenant(
        SYSTEM, {"code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "parent_id": None}
    )
    hn = app.create_tenant(
        SYSTEM,
        {"code": "HN", "name": "Liên đoàn Lao động Hà Nội", "kind": "provincial_federation", "parent_id": str(tld.id)},
    )
    unit = app.create_unit(
        SYSTEM, {"tenant_id": str(hn.id), "name": "Công đoàn KCN Thăng Long", "code": "KCN", "kind": "upper_grassroots"}
    )
    admin = Actor(str(uuid.uuid4()), str(hn.id), frozenset({"tenant_admin"}))
    user = app.invite_user(
        admin,
        {
            "email": "kcn.admin@hn.vn",
            "full_name": "Nguyễn Thị Thu Hà",
            "roles": ["unit_admin", "contributor"],
            "unit_id": str(unit.id),
        },
    )["user"]
    actor = Actor(str(user.id), str(hn.id), frozenset({"unit_admin", "contributor"}), unit_id=str(unit.id))
    return actor, hn, tld, unit


def _statements(sessions):
    sent = []
    for engine in {sessions.engine, sessions.read_engine}:
        event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    return sent


def test_me_is_one_statement(app, hanoi, databases):
    actor, *_ = hanoi
    sent = _statements(databases.sessions("accounts"))
    app.me(actor)
    assert len(sent) == 1, sent


def test_me_answers_what_the_user_and_tenant_reads_answer(app, hanoi, databases):
    actor, hn, _, unit = hanoi
    user, tenant = app.me(actor)
    answer = api.Me().dump({"user": user, "tenant": tenant})
    with databases.sessions("accounts").read() as session:
        expected = {
            "user": api.UserRead().dump(UserStore(session, SYSTEM).get(actor.user_id)),
            "tenant": api.TenantRead().dump(TenantStore(session, SYSTEM).get(hn.id)),
        }
    assert answer == expected
    assert answer["user"]["roles"] == ["contributor", "unit_admin"]
    assert answer["user"]["admin_unit_id"] == str(unit.id)
    assert answer["user"]["full_name"] == "Nguyễn Thị Thu Hà"
    assert answer["tenant"]["kind_label"] == "Liên đoàn Lao động tỉnh, thành phố"


def test_a_member_administers_no_unit(app, hanoi):
    actor, hn, _, _ = hanoi
    plain = app.invite_user(
        Actor(str(uuid.uuid4()), str(hn.id), frozenset({"tenant_admin"})),
        {"email": "plain@hn.vn", "full_name": "Trần Văn Bình", "roles": ["member"]},
    )["user"]
    user, tenant = app.me(Actor(str(plain.id), str(hn.id), frozenset({"member"})))
    assert (user.roles, user.admin_unit_id, tenant.id) == (["member"], None, hn.id)


def test_a_token_naming_another_tenant_finds_no_user(app, hanoi):
    actor, _, tld, _ = hanoi
    with pytest.raises(NotFound):
        app.me(Actor(actor.user_id, str(tld.id), actor.roles))
    with pytest.raises(NotFound):
        app.me(Actor(str(uuid.uuid4()), actor.tenant_id, actor.roles))


def test_the_tenants_list_answers_what_the_entities_answered(app, hanoi, databases):
    actor, hn, tld, _ = hanoi
    app.create_tenant(
        SYSTEM, {"code": "DN", "name": "Đà Nẵng", "kind": "provincial_federation", "parent_id": str(tld.id)}
    )
    items, total, args = app.list_tenants(SYSTEM, {"per_page": 2})
    with databases.sessions("accounts").read() as session:
        entities = session.scalars(select(Tenant).order_by(Tenant.name, Tenant.id).limit(2)).all()
        assert api.TenantRead().dump(items, many=True) == api.TenantRead().dump(entities, many=True)
    assert total == 3 and (args["page"], args["per_page"]) == (1, 2)
    assert {i["code"]: i["kind_label"] for i in items}["HN"] == "Liên đoàn Lao động tỉnh, thành phố"
    assert [t["code"] for t in app.list_tenants(SYSTEM, {"q": "nẵng"})[0]] == ["DN"]
    assert [t["code"] for t in app.list_tenants(SYSTEM, {"page": 9})[0]] == []
    own, total, _ = app.list_tenants(actor, {})  # everyone else sees their own tenant only
    assert [t["id"] for t in own] == [hn.id] and total == 1
