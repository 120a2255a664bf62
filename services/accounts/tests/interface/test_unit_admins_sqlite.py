"""Grassroots unions administer themselves, in the accounts use cases (embedded SQLite): a unit
administrator works in its branch — its unit and everything under it — and finds nothing above or
beside it (404, as another tenant's rows); a federation creates its unit administrators from a
registrations file, checked first and applied all or nothing; the access token names the unit."""

import base64
import uuid

import jwt
import pytest
from sqlalchemy import func, select

from accounts.models import ActivationToken, User
from accounts.operations import Accounts, Settings
from accounts.passwords import Passwords
from accounts.signing import Signer, generate_key
from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import Clock
from platform_shared.database import SessionFactory, make_engine
from platform_shared.errors import Forbidden, InvalidInput, NotFound
from platform_shared.manifest import manifests
from platform_shared.migrations import upgrade

PASSWORD = "Mat-khau-rieng-2026"


@pytest.fixture
def sessions(tmp_path):
    (manifest,) = manifests(["accounts"])
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    upgrade(manifest.migrations_dir, url)
    factory = SessionFactory(make_engine(url))
    yield factory
    factory.dispose()


@pytest.fixture
def app(sessions, tmp_path):
    keys = tmp_path / "keys"
    generate_key(keys, "2026-12-01")
    return Accounts(
        sessions,
        signer=Signer(keys, issuer="https://congdoan.vn/accounts", audience="congdoan-portal"),
        passwords=Passwords(19456, 2, 1),
        settings=Settings(),
        clock=Clock(),
    )


class Tree:
    """Hà Nội: KCN (upper level) → CANON (grassroots) → PX1 (union group), KCN → SAM; MAY10 beside
    KCN. Đà Nẵng: DAMAN. ``kcn``: the unit administrator of KCN (an actor)."""

    def __init__(self, app):
        tld = app.create_tenant(
            SYSTEM, {"code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "parent_id": None}
        )
        self.hn = app.create_tenant(
            SYSTEM, {"code": "HN", "name": "Hà Nội", "kind": "provincial_federation", "parent_id": str(tld.id)}
        )
        self.dn = app.create_tenant(
            SYSTEM, {"code": "DN", "name": "Đà Nẵng", "kind": "provincial_federation", "parent_id": str(tld.id)}
        )
        self.units = {}
        for tenant, code, kind, parent in (
            (self.hn, "KCN", "upper_grassroots", None),
            (self.hn, "CANON", "grassroots", "KCN"),
            (self.hn, "PX1", "trade_union_group", "CANON"),
            (self.hn, "SAM", "grassroots", "KCN"),
            (self.hn, "MAY10", "grassroots", None),
            (self.dn, "DAMAN", "grassroots", None),
        ):
            parent_id = str(self.units[parent]) if parent else None
            unit = app.create_unit(
                SYSTEM,
                {
                    "tenant_id": str(tenant.id),
                    "name": f"Công đoàn {code}",
                    "code": code,
                    "kind": kind,
                    "parent_id": parent_id,
                },
            )
            self.units[code] = unit.id
        self.admin = Actor(str(uuid.uuid4()), str(self.hn.id), frozenset({"tenant_admin"}))
        invited = self.invite(app, "kcn.admin", ["unit_admin"], "KCN")
        self.kcn_user = invited["user"]
        self.kcn = Actor(
            str(self.kcn_user.id), str(self.hn.id), frozenset({"unit_admin"}), unit_id=str(self.units["KCN"])
        )

    def invite(self, app, name, roles, unit, actor=None):
        return app.invite_user(
            actor or self.admin,
            {
                "email": f"{name}@hn.vn",
                "full_name": f"Người {name}",
                "roles": roles,
                "unit_id": str(self.units[unit]) if unit else None,
            },
        )


@pytest.fixture
def tree(app):
    return Tree(app)


def members_file(*rows, header="Số thẻ đoàn viên,Họ và tên,Số điện thoại,Mã đơn vị"):
    return "\n".join((header, *rows)) + "\n"


def upload(text, name="quan-tri.csv"):
    return {"filename": name, "content_b64": base64.b64encode(text.encode()).decode()}


def problems(refused):
    return [(e["row"], e["column"], e["message"]) for e in refused.value.details["errors"]]


def test_a_unit_admin_reads_its_branch_and_nothing_above_or_beside_it(app, tree):
    kcn, units = tree.kcn, tree.units
    listed, total, _ = app.list_units(kcn, {})
    assert sorted(u.code for u in listed) == ["CANON", "KCN", "PX1", "SAM"] and total == 4
    assert app.get_unit(kcn, str(units["PX1"])).code == "PX1"
    for outside in ("MAY10", "DAMAN"):
        with pytest.raises(NotFound):
            app.get_unit(kcn, str(units[outside]))
    with pytest.raises(NotFound):  # a branch outside its own, as a unit of another tenant
        app.list_units(kcn, {"root_id": str(units["MAY10"])})

    app.import_members(
        tree.admin, members_file("C1,Nguyễn Văn Canon,0912000001,CANON", "M1,Trần Thị May,0912000002,MAY10")
    )
    members, total, _ = app.list_members(kcn, {})
    assert [m["member_number"] for m in members] == ["C1"] and total == 1
    beside, _, _ = app.list_members(tree.admin, {"q": "M1"})
    with pytest.raises(NotFound):
        app.get_member(kcn, str(beside[0]["id"]))
    summary = app.summarize_members(kcn)
    assert (summary["registered"], summary["invited"]) == (1, 1)

    worker = tree.invite(app, "may.worker", ["contributor"], "MAY10")["user"]
    users, _, _ = app.list_users(kcn, {})
    assert {u.username for u in users} == {"kcn.admin@hn.vn", "c1@hn"}
    with pytest.raises(NotFound):
        app.get_user(kcn, str(worker.id))
    me, tenant = app.me(kcn)
    assert me.id == tree.kcn_user.id and tenant.id == tree.hn.id

    canon_staff = app.create_staff(
        tree.admin,
        {
            "full_name": "Lê Văn Chủ tịch",
            "position": "Chủ tịch",
            "term_start": "2025-01-01",
            "unit_id": str(units["CANON"]),
        },
    )
    may_staff = app.create_staff(
        tree.admin,
        {
            "full_name": "Phạm Văn Khác",
            "position": "Chủ tịch",
            "term_start": "2025-01-01",
            "unit_id": str(units["MAY10"]),
        },
    )
    staff, _, _ = app.list_staff(kcn, {})
    assert [s.id for s in staff] == [canon_staff.id]
    with pytest.raises(NotFound):
        app.get_staff(kcn, str(may_staff.id))

    # The federation's own business: the tenant is readable (its name), not changeable; counts are not its.
    assert app.get_tenant(kcn, str(tree.hn.id)).code == "HN"
    with pytest.raises(NotFound):
        app.get_tenant(kcn, str(tree.dn.id))
    with pytest.raises(Forbidden):
        app.update_tenant(kcn, str(tree.hn.id), {"name": "Đổi tên"})
    with pytest.raises(Forbidden):
        app.count_members(kcn, [str(tree.hn.id)])


def test_a_unit_admin_keeps_the_tree_of_its_branch_but_not_its_own_place_in_it(app, tree):
    kcn, units = tree.kcn, tree.units
    added = app.create_unit(kcn, {"name": "Tổ công đoàn Phân xưởng 2", "code": "PX2", "parent_id": str(units["CANON"])})
    assert (added.parent_id, added.depth) == (units["CANON"], 2)
    with pytest.raises(InvalidInput) as top:
        app.create_unit(kcn, {"name": "Đơn vị cấp cao nhất", "code": "TOP"})
    assert "parent_id" in top.value.details["errors"]
    with pytest.raises(NotFound):
        app.create_unit(kcn, {"name": "Dưới May 10", "parent_id": str(units["MAY10"])})

    renamed = app.update_unit(kcn, str(units["KCN"]), {"name": "Công đoàn các KCN Thăng Long"})
    assert renamed.name == "Công đoàn các KCN Thăng Long"
    for change in ({"parent_id": str(units["MAY10"])}, {"status": "archived"}):
        with pytest.raises(Forbidden) as locked:
            app.update_unit(kcn, str(units["KCN"]), change)
        assert locked.value.code == "OWN_UNIT_LOCKED"

    moved = app.update_unit(kcn, str(units["CANON"]), {"parent_id": str(units["SAM"])})
    assert moved.parent_id == units["SAM"] and app.get_unit(kcn, str(units["PX1"])).depth == 3
    with pytest.raises(NotFound):
        app.update_unit(kcn, str(units["CANON"]), {"parent_id": str(units["MAY10"])})
    with pytest.raises(InvalidInput):
        app.update_unit(kcn, str(units["CANON"]), {"parent_id": None})
    assert app.update_unit(kcn, str(units["PX1"]), {"status": "archived"}).status == "archived"
    with pytest.raises(NotFound):
        app.update_unit(kcn, str(units["MAY10"]), {"name": "Không phải của mình"})


def test_a_unit_admin_grants_only_what_its_branch_allows(app, tree):
    kcn = tree.kcn
    member = tree.invite(app, "canon.member", ["member", "contributor"], "CANON", actor=kcn)["user"]
    assert (member.unit_id, member.roles) == (tree.units["CANON"], ["contributor", "member"])
    below = tree.invite(app, "canon.admin", ["unit_admin"], "CANON", actor=kcn)["user"]
    assert below.admin_unit_id == tree.units["CANON"]

    for roles, unit in ((["tenant_admin"], "CANON"), (["editor"], "SAM"), (["unit_admin"], "KCN")):
        with pytest.raises(Forbidden) as refused:
            tree.invite(app, f"x{len(roles)}{unit}", roles, unit, actor=kcn)
        assert refused.value.code == "ROLE_NOT_GRANTABLE"
    with pytest.raises(InvalidInput) as no_unit:
        tree.invite(app, "nowhere", ["member"], None, actor=kcn)
    assert "unit_id" in no_unit.value.details["errors"]
    with pytest.raises(NotFound):
        tree.invite(app, "beside", ["member"], "MAY10", actor=kcn)

    assert app.update_user(kcn, str(member.id), {"status": "deactivated"}).status == "deactivated"
    moved = app.update_user(kcn, str(below.id), {"unit_id": str(tree.units["SAM"])})
    assert (moved.unit_id, moved.admin_unit_id) == (tree.units["SAM"], tree.units["SAM"])  # the binding follows
    peer = tree.invite(app, "kcn.peer", ["unit_admin"], "KCN")["user"]
    boss = tree.invite(app, "canon.boss", ["tenant_admin"], "CANON")["user"]
    for user in (tree.kcn_user, peer, boss):  # itself, a peer, a tenant administrator working in its branch
        with pytest.raises(Forbidden) as refused:
            app.update_user(kcn, str(user.id), {"full_name": "Đổi tên"})
        assert refused.value.code == "USER_NOT_MANAGEABLE"
    with pytest.raises(InvalidInput):  # unit_admin needs a unit, for a tenant administrator too
        tree.invite(app, "floating", ["unit_admin"], None)


def test_a_unit_admins_member_file_stays_in_its_branch(app, tree):
    app.import_members(tree.admin, members_file("M1,Trần Thị May,0912000002,MAY10"))
    with pytest.raises(InvalidInput) as refused:
        app.import_members(
            tree.kcn,
            members_file(
                "C1,Nguyễn Văn Canon,0912000001,CANON",
                "C2,Lê Văn Ngoài,0912000003,MAY10",
                "C3,Đỗ Văn Đà Nẵng,0912000004,DAMAN",
                "C4,Vũ Văn Không,0912000005,",
                "M1,Trần Thị May,0912000002,CANON",
            ),
        )
    assert [(row, column) for row, column, _ in problems(refused)] == [
        (3, "Mã đơn vị"),
        (4, "Mã đơn vị"),
        (5, "Mã đơn vị"),
        (6, "Số thẻ đoàn viên"),
    ]
    assert problems(refused)[1][2] == "Đơn vị mã «DAMAN» không có trong đơn vị của bạn."  # Đà Nẵng's: unknown
    assert app.list_members(tree.admin, {})[1] == 1  # nothing applied

    done = app.import_members(tree.kcn, members_file("C1,Nguyễn Văn Canon,0912000001,CANON"))
    assert done["created"] == 1
    with pytest.raises(InvalidInput) as no_column:
        app.import_members(
            tree.kcn, members_file("C5,Ai Đó,0912000009", header="Số thẻ đoàn viên,Họ và tên,Số điện thoại")
        )
    assert problems(no_column)[0][:2] == (1, "Mã đơn vị")

    checked = app.check_member_import(tree.kcn, upload(members_file("C6,Bùi Thị Sáu,0912000006,PX1")))
    assert checked["create"] == 1
    job = app.start_member_import(tree.kcn, upload(members_file("C6,Bùi Thị Sáu,0912000006,PX1")))
    theirs = app.start_member_import(tree.admin, upload(members_file("M2,Hồ Văn Hai,0912000007,MAY10")))
    assert app.get_member_import(tree.kcn, str(job["id"]))["mine"] is True
    with pytest.raises(NotFound):
        app.get_member_import(tree.kcn, str(theirs["id"]))
    listed, total, _ = app.list_member_imports(tree.kcn, {})
    assert [j["id"] for j in listed] == [job["id"]] and total == 1
    while app.apply_next_batch():
        pass
    assert app.list_members(tree.kcn, {})[1] == 2


def test_a_federation_creates_its_unit_admins_from_a_file_checked_first(app, sessions, tree):
    def written():
        with sessions.read() as session:
            return tuple(session.scalar(select(func.count()).select_from(m)) for m in (User, ActivationToken))

    tree.invite(app, "taken", ["member"], "CANON")
    before = written()
    bad = (
        "Mã đơn vị,Họ và tên,E-mail,Số điện thoại,Vai trò\n"
        "CANON,Nguyễn Thị Canon,canon@hn.vn,0912 345 678,\n"
        "DAMAN,Lê Văn Đà Nẵng,daman@hn.vn,,\n"
        "SAM,Trần Văn Sam,sam@hn.vn,,Quản trị hệ thống\n"
        "KHONG-CO,Phạm Văn Không,khong@hn.vn,,\n"
        "SAM,Đỗ Thị Trùng,CANON@hn.vn,,\n"
        "MAY10,Vũ Văn Đã Có,taken@hn.vn,,\n"
    )
    with pytest.raises(InvalidInput) as refused:
        app.import_unit_admins(tree.admin, upload(bad), {"dry_run": True})
    found = problems(refused)
    assert {(row, column) for row, column, _ in found} == {
        (3, "Mã đơn vị"),
        (4, "Vai trò"),
        (5, "Mã đơn vị"),
        (6, "E-mail"),
        (7, "E-mail"),
    }
    messages = dict(((row, column), message) for row, column, message in found)
    assert messages[(3, "Mã đơn vị")] == "Không có đơn vị mã «DAMAN» trong Hà Nội."  # no word of Đà Nẵng
    assert "Quản trị hệ thống" in messages[(4, "Vai trò")] and "dòng 2" in messages[(6, "E-mail")]
    assert "chưa có tài khoản nào được tạo" in refused.value.message
    with pytest.raises(InvalidInput):
        app.import_unit_admins(tree.admin, upload(bad))
    assert written() == before

    good = "unit_code,full_name,email,phone,roles\nCANON,Nguyễn Thị Canon,canon@hn.vn,0912 345 678,đoàn viên\nMAY10,Hồ Văn May,may@hn.vn,,\n"
    checked = app.import_unit_admins(tree.admin, upload(good), {"dry_run": True})
    assert checked["dry_run"] and checked["credentials"] == [] and written() == before
    assert [(p["row"], p["unit_code"], p["roles"]) for p in checked["planned"]] == [
        (2, "CANON", ["member", "unit_admin"]),
        (3, "MAY10", ["unit_admin"]),
    ]
    done = app.import_unit_admins(tree.admin, upload(good))
    assert done["created"] == 2 and [c["username"] for c in done["credentials"]] == ["canon@hn.vn", "may@hn.vn"]
    users, _, _ = app.list_users(tree.admin, {"role": "unit_admin"})
    bound = {u.username: u.admin_unit_id for u in users}
    assert bound["canon@hn.vn"] == tree.units["CANON"] and bound["may@hn.vn"] == tree.units["MAY10"]

    # A unit administrator appoints the administrators of the units below its own, nothing else.
    with pytest.raises(InvalidInput) as outside:
        app.import_unit_admins(
            tree.kcn,
            upload("unit_code,full_name,email\nKCN,Tự Mình,self@hn.vn\nMAY10,Bên Cạnh,beside@hn.vn\n"),
            {"dry_run": True},
        )
    assert [m for _, _, m in problems(outside)] == [
        "«Công đoàn KCN» là đơn vị bạn quản trị: bạn chỉ cấp quản trị cho đơn vị cấp dưới của nó.",
        "Không có đơn vị mã «MAY10» trong nhánh đơn vị bạn quản trị.",
    ]
    assert (
        app.import_unit_admins(tree.kcn, upload("unit_code,full_name,email\nSAM,Cấp Dưới,sam@hn.vn\n"))["created"] == 1
    )
    with pytest.raises(Forbidden):
        app.import_unit_admins(
            Actor(str(uuid.uuid4()), str(tree.hn.id), frozenset({"member"})), upload(good), {"dry_run": True}
        )
    with pytest.raises(NotFound):  # a tenant administrator names another federation: as if it did not exist
        app.import_unit_admins(tree.admin, upload(good), {"dry_run": True, "tenant_id": str(tree.dn.id)})


def test_the_access_token_names_the_unit_and_a_moved_admin_signs_in_again(app, tree):
    invited = tree.invite(app, "canon.chief", ["unit_admin", "member"], "CANON")
    app.activate(Actor.anonymous(), invited["activation_token"], PASSWORD)
    tokens = app.login(Actor.anonymous(), "canon.chief@hn.vn", PASSWORD, "127.0.0.1")
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["unit"] == str(tree.units["CANON"]) and claims["roles"] == ["member", "unit_admin"]

    version = claims["sv"]
    app.update_user(tree.admin, str(invited["user"].id), {"unit_id": str(tree.units["SAM"])})
    renewed = app.refresh(Actor.anonymous(), tokens["refresh_token"])
    after = jwt.decode(renewed["access_token"], options={"verify_signature": False})
    assert after["unit"] == str(tree.units["SAM"]) and after["sv"] == version + 1
