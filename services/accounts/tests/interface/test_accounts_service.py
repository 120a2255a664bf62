"""The accounts service in a real container: RPC contract, events through the outbox."""

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import select

from platform_shared import transport  # noqa: F401
from platform_shared.actor import SYSTEM, Actor
from platform_shared.contracts import accounts as contracts
from platform_shared.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from platform_shared.tables import outbox
from platform_shared.testing.checks import assert_service_runs_on_its_own_database


@pytest.fixture
def accounts(start_service):
    container = start_service("accounts")
    with ServiceRpcProxy("accounts", {"AMQP_URI": container.config["AMQP_URI"]}, timeout=15) as proxy:
        yield proxy


def test_the_accounts_service_runs_on_its_own_database(start_service, databases):
    assert_service_runs_on_its_own_database("accounts", start_service, databases)


def test_every_event_the_service_publishes_matches_its_contract(accounts, databases):
    """Contract test: tenant_created, tenant_updated, tenant_merged, user_created, user_updated,
    user_deactivated, user_sessions_revoked, tenant_sessions_revoked, members_imported."""
    system = SYSTEM.dump()
    tld = accounts.create_tenant(
        system, {"code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "parent_id": None}
    )
    a = accounts.create_tenant(
        system, {"code": "A1", "name": "Liên đoàn A", "kind": "provincial_federation", "parent_id": tld["id"]}
    )
    b = accounts.create_tenant(
        system, {"code": "B1", "name": "Liên đoàn B", "kind": "provincial_federation", "parent_id": tld["id"]}
    )
    accounts.update_tenant(system, a["id"], {"name": "Liên đoàn A mới"})
    invited = accounts.invite_user(
        system, {"tenant_id": b["id"], "email": "b@x.vn", "full_name": "Người B", "roles": ["member"]}
    )
    accounts.update_user(system, invited["user"]["id"], {"status": "deactivated"})
    imported = accounts.import_members(
        system, "member_number,full_name,phone\nB-1,Người Bê,0912345678\n", {"tenant_id": b["id"]}
    )
    assert imported["created"] == 1
    accounts.merge_tenant(system, b["id"], {"into": a["id"]})

    with databases.sessions("accounts").transaction() as session:
        rows = session.execute(select(outbox.c.event_type, outbox.c.payload).order_by(outbox.c.id)).all()
    seen = {event_type for event_type, _ in rows}
    assert seen == set(contracts.SCHEMAS)
    for event_type, payload in rows:
        loaded = contracts.SCHEMAS[event_type]().load(payload)
        assert loaded["event_type"] == event_type and loaded["schema_version"] == 1
        assert len(loaded["event_id"]) == 36


def test_a_change_of_what_an_account_shows_publishes_user_updated_naming_the_fields(accounts, databases):
    """The gateway drops its cached GET /me of the user on it (issue 18); a change of nothing is no fact."""
    system = SYSTEM.dump()
    tld = accounts.create_tenant(
        system, {"code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "parent_id": None}
    )
    tenant = accounts.create_tenant(
        system, {"code": "C1", "name": "Liên đoàn C", "kind": "provincial_federation", "parent_id": tld["id"]}
    )
    invited = accounts.invite_user(
        system, {"tenant_id": tenant["id"], "email": "c@x.vn", "full_name": "Người C", "roles": ["member"]}
    )
    user_id = invited["user"]["id"]
    accounts.update_user(system, user_id, {"full_name": "Người Cê", "phone": "0912345678"})
    accounts.update_user(system, user_id, {"full_name": "Người Cê"})  # the same: nothing changed
    accounts.update_user(system, user_id, {"roles": ["member", "contributor"]})

    with databases.sessions("accounts").transaction() as session:
        rows = session.execute(
            select(outbox.c.payload).where(outbox.c.event_type == contracts.USER_UPDATED).order_by(outbox.c.id)
        ).all()
    facts = [contracts.UserUpdated().load(payload) for (payload,) in rows]
    assert [(f["user_id"], f["tenant_id"]) for f in facts] == [(user_id, tenant["id"])] * 2
    assert [f["changed"] for f in facts] == [["full_name", "phone"], ["roles"]]


def test_errors_cross_rpc_as_the_shared_classes(accounts):
    stranger = Actor("u", "00000000-0000-0000-0000-000000000001", frozenset({"tenant_admin"})).dump()
    with pytest.raises(NotFound):
        accounts.get_tenant(stranger, "00000000-0000-0000-0000-000000000002")
    with pytest.raises(Forbidden):
        accounts.import_tenants(stranger, "code\n")
    with pytest.raises(Unauthorized):
        accounts.get_me(Actor.anonymous().dump())
    with pytest.raises(Unauthorized):
        accounts.get_me("not an actor")


def test_a_missing_signing_key_stops_the_service_at_start(start_service, tmp_path):
    from platform_shared.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="TOKEN_KEYS_DIR"):
        start_service("accounts", TOKEN_KEYS_DIR=str(tmp_path / "nowhere"))


def test_list_colleagues_names_the_active_writers_of_ones_own_tenant_only(accounts, api, login):
    """The co-authors a writer may name: hanoi's contributor sees hanoi's writers, not its members
    nor another federation's people; a member is refused."""

    def actor_of(username):
        me = api.as_(login(username)).get("/api/v1/me").json
        return {"user_id": me["user"]["id"], "tenant_id": me["tenant"]["id"], "roles": me["user"]["roles"]}

    contributor, member, other = actor_of("hanoi.contributor"), actor_of("hanoi.member"), actor_of("danang.admin")
    listed = {c["id"]: c for c in accounts.list_colleagues(contributor)}
    assert contributor["user_id"] in listed and actor_of("hanoi.admin")["user_id"] in listed
    assert member["user_id"] not in listed and other["user_id"] not in listed
    assert listed[contributor["user_id"]]["roles"] == ["contributor"] and listed[contributor["user_id"]]["full_name"]
    assert contributor["user_id"] not in {c["id"] for c in accounts.list_colleagues(other)}
    with pytest.raises(Forbidden):
        accounts.list_colleagues(member)


def test_list_colleagues_of_the_answerers_group_names_whom_a_question_may_be_assigned(accounts, api, login):
    """A responder learns the names of the tenant's responders and administrators (the inbox's
    assignee select), not its writers; a contributor may not ask for them; an unknown group is
    bad input."""

    def actor_of(username):
        me = api.as_(login(username)).get("/api/v1/me").json
        return {"user_id": me["user"]["id"], "tenant_id": me["tenant"]["id"], "roles": me["user"]["roles"]}

    responder, admin = actor_of("hanoi.responder"), actor_of("hanoi.admin")
    listed = {c["id"]: c["roles"] for c in accounts.list_colleagues(responder, {"group": "answerers"})}
    assert listed == {responder["user_id"]: ["responder"], admin["user_id"]: ["tenant_admin"]}
    with pytest.raises(Forbidden):
        accounts.list_colleagues(actor_of("hanoi.contributor"), {"group": "answerers"})
    with pytest.raises(InvalidInput):
        accounts.list_colleagues(responder, {"group": "everyone"})
