"""Looking before leaping, in the accounts use cases (embedded SQLite): a tenant import checked
without writing (``dry_run``) and a merge previewed with what it would move."""

import pytest
from sqlalchemy import func, select

from accounts.models import ActivationToken, Tenant, User
from accounts.operations import Accounts, Settings
from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import Clock
from platform_shared.database import SessionFactory, make_engine
from platform_shared.errors import Conflict, Forbidden, InvalidInput
from platform_shared.manifest import manifests
from platform_shared.migrations import upgrade
from platform_shared.tables import outbox

HEADER = "code,name,kind,parent_code,admin_name,admin_email\n"
GOOD = (
    HEADER
    + "CD-CON,Công đoàn cơ sở con,corporate_union,CD-X,Lê Thị Bình,binh@x.vn\n"
    + "CD-X,Công đoàn X,sectoral_union,TLD,Trần Văn An,an@x.vn\n"
    + "HN,Hà Nội,provincial_federation,TLD,Ai Đó,ai@x.vn\n"
)


@pytest.fixture
def sessions(tmp_path):
    (manifest,) = manifests(["accounts"])
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    upgrade(manifest.migrations_dir, url)
    factory = SessionFactory(make_engine(url))
    yield factory
    factory.dispose()


@pytest.fixture
def app(sessions):
    return Accounts(sessions, signer=None, passwords=None, settings=Settings(), clock=Clock())


@pytest.fixture
def tree(app):
    tld = app.create_tenant(
        SYSTEM, {"code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "parent_id": None}
    )
    hn = app.create_tenant(
        SYSTEM, {"code": "HN", "name": "Hà Nội", "kind": "provincial_federation", "parent_id": str(tld.id)}
    )
    return tld, hn


def written(sessions):
    with sessions.read() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table)) for table in (Tenant, User, ActivationToken, outbox)
        )


def test_a_dry_run_names_what_the_file_creates_and_writes_nothing(app, sessions, tree):
    before = written(sessions)
    checked = app.import_tenants(SYSTEM, GOOD, {"dry_run": True})
    assert checked["dry_run"] is True and checked["created"] == [] and checked["credentials"] == []
    assert [(p["row"], p["code"], p["parent_code"]) for p in checked["planned"]] == [
        (3, "CD-X", "TLD"),
        (2, "CD-CON", "CD-X"),
    ]
    assert checked["planned"][0]["kind_label"] == "Công đoàn ngành Trung ương"
    assert checked["planned"][0]["admin_email"] == "an@x.vn"
    assert [t.code for t in checked["unchanged"]] == ["HN"]
    assert written(sessions) == before

    applied = app.import_tenants(SYSTEM, GOOD)  # the same file, applied: what the check said
    assert applied["dry_run"] is False
    assert [t.code for t in applied["created"]] == [p["code"] for p in checked["planned"]]
    assert len(applied["credentials"]) == 2


def test_a_dry_run_refuses_a_bad_file_as_the_import_does(app, sessions, tree):
    bad = GOOD + "CD-Y,Y,galaxy,TLD,Ai Đó,an@x.vn\n"
    with pytest.raises(InvalidInput) as checked:
        app.import_tenants(SYSTEM, bad, {"dry_run": True})
    assert checked.value.code == "IMPORT_INVALID"
    assert {(e["row"], e["column"]) for e in checked.value.details["errors"]} == {(5, "name"), (5, "kind")}
    with pytest.raises(InvalidInput) as taken:  # the plan's checks too: an e-mail used twice in the file
        app.import_tenants(SYSTEM, GOOD + "CD-Y,Công đoàn Y,sectoral_union,TLD,Ai Đó,an@x.vn\n", {"dry_run": True})
    assert [(e["row"], e["column"]) for e in taken.value.details["errors"]] == [(5, "admin_email")]
    with pytest.raises(InvalidInput):
        app.import_tenants(SYSTEM, GOOD, {"dry_run": "maybe"})
    hanoi_admin = Actor(user_id="u", tenant_id=str(tree[1].id), roles=frozenset({"tenant_admin"}))
    with pytest.raises(Forbidden):
        app.import_tenants(hanoi_admin, GOOD, {"dry_run": True})
    assert written(sessions)[0] == 2


def test_a_merge_preview_counts_what_moves_and_checks_as_the_merge(app, sessions, tree):
    tld, hn = tree
    hp = app.create_tenant(
        SYSTEM, {"code": "HP", "name": "Hải Phòng", "kind": "provincial_federation", "parent_id": str(tld.id)}
    )
    app.create_tenant(SYSTEM, {"code": "CD-HP", "name": "Cảng HP", "kind": "corporate_union", "parent_id": str(hp.id)})
    top = app.create_unit(SYSTEM, {"tenant_id": str(hp.id), "name": "Khu công nghiệp A"})
    app.create_unit(SYSTEM, {"tenant_id": str(hp.id), "name": "Công đoàn cơ sở B", "parent_id": str(top.id)})
    for n in (1, 2):
        app.invite_user(
            SYSTEM, {"tenant_id": str(hp.id), "email": f"u{n}@hp.vn", "full_name": f"Người {n}", "roles": ["editor"]}
        )
    before = written(sessions)

    preview = app.preview_merge(SYSTEM, str(hp.id), {"into": str(hn.id)})
    assert (preview["tenant"].code, preview["into"].code) == ("HP", "HN")
    assert (preview["users"], preview["units"], preview["staff"], preview["members"]) == (2, 2, 0, 0)
    assert [t.code for t in preview["child_tenants"]] == ["CD-HP"]
    assert written(sessions) == before

    with pytest.raises(InvalidInput) as itself:
        app.preview_merge(SYSTEM, str(hp.id), {"into": str(hp.id)})
    assert "into" in itself.value.details["errors"]
    app.merge_tenant(SYSTEM, str(hp.id), {"into": str(hn.id)})
    with pytest.raises(Conflict):
        app.preview_merge(SYSTEM, str(hp.id), {"into": str(hn.id)})
    with pytest.raises(Forbidden):
        app.preview_merge(
            Actor(user_id="u", tenant_id=str(hn.id), roles=frozenset({"tenant_admin"})),
            str(hp.id),
            {"into": str(hn.id)},
        )
