"""The member register on the embedded SQLite database of ``make run`` (the portable write path)."""

import pytest

from accounts.operations import Accounts, Settings
from platform_shared.actor import SYSTEM
from platform_shared.clock import Clock
from platform_shared.database import SessionFactory, make_engine
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


def test_import_reimport_update_and_count_on_sqlite(app):
    tld = app.create_tenant(
        SYSTEM, {"code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "parent_id": None}
    )
    hn = app.create_tenant(
        SYSTEM, {"code": "HN", "name": "Hà Nội", "kind": "provincial_federation", "parent_id": str(tld.id)}
    )
    unit = app.create_unit(SYSTEM, {"tenant_id": str(hn.id), "name": "Công đoàn cơ sở A", "code": "CDCS-A"})
    text = HEADER + "1,Nguyễn Văn An,0912000001,CDCS-A\n2,Lê Thị Bình,0912000002,\n"

    first = app.import_members(SYSTEM, text, {"tenant_id": str(hn.id)})
    assert (first["created"], len(first["credentials"])) == (2, 2)
    again = app.import_members(SYSTEM, text, {"tenant_id": str(hn.id)})
    assert (again["created"], again["updated"], again["unchanged"], again["credentials"]) == (0, 0, 2, [])

    moved = app.import_members(SYSTEM, text.replace("0912000002,", "0912000002,CDCS-A"), {"tenant_id": str(hn.id)})
    assert (moved["updated"], moved["unchanged"]) == (1, 1)
    items, total, _ = app.list_members(SYSTEM, {"tenant_id": str(hn.id), "q": "bình"})
    (member,) = items
    assert (member["unit_id"], member["username"], member["status"], total) == (unit.id, "2@hn", "invited", 1)
    assert app.count_members(SYSTEM, [str(hn.id), str(tld.id)]) == {str(hn.id): 2, str(tld.id): 0}
