"""accounts.grassroots_coverage on the embedded SQLite database: which grassroots unions have an
activated administrator, registered members (in the union or a group under it) and an author of
the period; archived unions, invited administrators and deactivated members do not count."""

import uuid

import pytest

from accounts.models import User
from accounts.operations import Accounts, Settings
from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import Clock
from platform_shared.database import SessionFactory, make_engine
from platform_shared.errors import InvalidInput, NotFound
from platform_shared.manifest import manifests
from platform_shared.migrations import upgrade

HEADER = "Số thẻ đoàn viên,Họ và tên,Số điện thoại,Mã đơn vị\n"


@pytest.fixture
def app(tmp_path):
    (manifest,) = manifests(["accounts"])
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    upgrade(manifest.migrations_dir, url)
    sessions = SessionFactory(make_engine(url))
    yield Accounts(sessions, signer=None, passwords=None, settings=Settings(), clock=Clock())
    sessions.dispose()


def _status(app, user_id, status):
    with app.sessions.transaction() as session:
        session.get(User, uuid.UUID(str(user_id))).status = status


def test_units_with_an_active_admin_with_members_below_and_with_an_author(app):
    tld = app.create_tenant(
        SYSTEM, {"code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "parent_id": None}
    )
    hn, dn = (
        app.create_tenant(
            SYSTEM, {"code": code, "name": name, "kind": "provincial_federation", "parent_id": str(tld.id)}
        )
        for code, name in (("HN", "Hà Nội"), ("DN", "Đà Nẵng"))
    )

    def unit(tenant, code, kind="grassroots", parent=None):
        return app.create_unit(SYSTEM, {"tenant_id": str(tenant.id), "name": f"Đơn vị {code}", "code": code,
                                        "kind": kind, "parent_id": str(parent.id) if parent else None})  # fmt: skip

    zone = unit(hn, "KCN", "upper_grassroots")
    a = unit(hn, "CDCS-A", parent=zone)
    group = unit(hn, "TO-A1", "trade_union_group", parent=a)
    b = unit(hn, "CDCS-B")
    closed = unit(hn, "CDCS-C")
    app.update_unit(SYSTEM, str(closed.id), {"status": "archived"})
    other = unit(dn, "CDCS-D")

    app.import_members(
        SYSTEM,
        HEADER + "1,Nguyễn Văn An,0912000001,TO-A1\n2,Lê Thị Bình,0912000002,KCN\n3,Trần Văn Cường,0912000003,CDCS-B\n",
        {"tenant_id": str(hn.id)},
    )
    members, _, _ = app.list_members(SYSTEM, {"tenant_id": str(hn.id), "q": "Cường"})
    _status(app, members[0]["user_id"], "deactivated")  # B's only member has left

    def invite(email, unit_, roles):
        invited = app.invite_user(SYSTEM, {"tenant_id": str(hn.id), "full_name": "Cán bộ", "email": email,
                                           "roles": roles, "unit_id": str(unit_.id)})  # fmt: skip
        return invited["user"].id

    admin_a = invite("a@example.vn", a, ["unit_admin"])
    invite("b@example.vn", b, ["unit_admin"])  # invited, not activated
    _status(app, admin_a, "active")
    writer = invite("writer@example.vn", group, ["contributor"])

    found = app.grassroots_coverage(SYSTEM, [str(hn.id), str(dn.id)], {str(hn.id): [str(writer)]})
    assert found[str(hn.id)] == {"grassroots": 2, "with_admin": 1, "with_members": 1, "contributing": 1, "members": 2}
    assert found[str(dn.id)] == {"grassroots": 1, "with_admin": 0, "with_members": 0, "contributing": 0, "members": 0}
    # An author counts only for the tenant named with them (the units of another are not theirs).
    assert app.grassroots_coverage(SYSTEM, [str(dn.id)], {str(dn.id): [str(writer)]})[str(dn.id)]["contributing"] == 0
    assert other.kind == "grassroots"

    hanoi_admin = Actor.load({"user_id": str(uuid.uuid4()), "tenant_id": str(hn.id), "roles": ["tenant_admin"]})
    assert app.grassroots_coverage(hanoi_admin, [str(hn.id)])[str(hn.id)]["grassroots"] == 2
    with pytest.raises(NotFound):
        app.grassroots_coverage(hanoi_admin, [str(dn.id)])
    for bad in (["not-an-id"], "HN"):
        with pytest.raises(InvalidInput):
            app.grassroots_coverage(SYSTEM, bad)
    with pytest.raises(InvalidInput) as outside:
        app.grassroots_coverage(SYSTEM, [str(hn.id)], {str(dn.id): [str(writer)]})
    assert list(outside.value.details["errors"]) == ["authors"]
