"""Member import jobs against real databases: every row applied once although a batch fails
midway or the service is killed and started again; the activation tokens nowhere in clear in the
database; the sheet only for the importing administrator; one members_imported per job."""

import base64
import csv
import io
from datetime import timedelta

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import func, inspect, select, text

from accounts.models import ActivationToken, Member, MemberImport, MemberImportRow, User
from accounts.operations import Accounts, Settings
from accounts.passwords import Passwords
from accounts.signing import Signer, generate_key
from platform_shared import transport  # noqa: F401  (the shared errors cross RPC as themselves)
from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import Clock
from platform_shared.contracts import accounts as contracts
from platform_shared.database import SessionFactory, make_engine
from platform_shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from platform_shared.manifest import manifests
from platform_shared.migrations import upgrade
from platform_shared.tables import outbox
from platform_shared.testing.waiting import wait_for

HEADER = "Số thẻ đoàn viên,Họ và tên,Số điện thoại,Mã đơn vị\n"


def member_file(count, start=0):
    rows = "".join(f"HN-{i:05d},Nguyễn Thị Hoà {i},09{i:08d},CDCS-A\n" for i in range(start, start + count))
    return {"filename": "doan-vien.csv", "content_b64": base64.b64encode((HEADER + rows).encode()).decode()}


def sheet_tokens(content_b64):
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(content_b64).decode("utf-8-sig"))))
    return {r["Số thẻ đoàn viên"]: r["Mã kích hoạt"] for r in rows}


def tree(app):
    """A federation with a unit and its administrator; another federation's administrator."""
    tld = app.create_tenant(
        SYSTEM, {"code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "parent_id": None}
    )
    actors = []
    for code, slug in (("HN", "ha-noi"), ("DN", "da-nang")):
        tenant = app.create_tenant(
            SYSTEM,
            {"code": code, "slug": slug, "name": code, "kind": "provincial_federation", "parent_id": str(tld.id)},
        )
        app.create_unit(
            SYSTEM, {"tenant_id": str(tenant.id), "name": f"Công đoàn cơ sở {code}", "code": f"CDCS-{code}"}
        )
        if code == "HN":
            app.create_unit(SYSTEM, {"tenant_id": str(tenant.id), "name": "Công đoàn cơ sở A", "code": "CDCS-A"})
        invited = app.invite_user(
            SYSTEM,
            {
                "tenant_id": str(tenant.id),
                "email": f"admin@{slug}.vn",
                "full_name": "Quản trị",
                "roles": ["tenant_admin"],
            },
        )
        actors.append(Actor(str(invited["user"].id), str(tenant.id), frozenset({"tenant_admin"})))
    return actors


class Later(Clock):
    """The clock some hours ahead."""

    def __init__(self, hours):
        self.hours = hours

    def now(self):
        return super().now() + timedelta(hours=self.hours)


def plain_text_of_every_table(engine):
    """Every row of every table as text: what a copy of the database would show."""
    found = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                found.append(" ".join(str(v) for v in row))
    return "\n".join(found)


@pytest.fixture
def sqlite_app(tmp_path):
    (manifest,) = manifests(["accounts"])
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    upgrade(manifest.migrations_dir, url)
    generate_key(tmp_path / "keys", "2026-01-01")
    signer = Signer(str(tmp_path / "keys"), issuer="i", audience="a")
    sessions = SessionFactory(make_engine(url))
    passwords = Passwords(memory_kib=19456, time_cost=2, parallelism=1)

    def make(clock=None, **settings):
        settings = {"member_import_batch_rows": 40, "member_import_tick_seconds": 0, **settings}
        return Accounts(
            sessions, signer=signer, passwords=passwords, settings=Settings(**settings), clock=clock or Clock()
        )

    yield make, sessions
    sessions.dispose()


def test_a_job_whose_batch_fails_midway_resumes_and_creates_each_member_once(sqlite_app, monkeypatch):
    make, sessions = sqlite_app
    app = make()
    hanoi, danang = tree(app)
    job = app.start_member_import(hanoi, member_file(130))
    assert (job["state"], job["total_rows"], job["done_rows"]) == ("pending", 130, 0)

    assert app.apply_next_batch() == "applied"  # rows 0–39
    # The second batch dies after writing its members, before committing: all of it rolls back.
    real = Accounts._apply_rows

    def crash(self, session, job, tenant, rows, now):
        real(self, session, job, tenant, rows, now)
        raise RuntimeError("the process died")

    monkeypatch.setattr(Accounts, "_apply_rows", crash)
    assert app.apply_next_batch() == "failed"
    monkeypatch.undo()
    state = app.get_member_import(hanoi, job["id"])
    assert (state["done_rows"], state["created"], state["state"]) == (40, 40, "running")
    with sessions.read() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 40
        assert session.scalar(select(MemberImport.failures)) == 1

    # A worker that read the job before another one moved it on does nothing.
    assert app._apply_batch(job["id"], 0) is False

    restarted = make(member_import_batch_rows=25)  # a new process, another batch size
    while restarted.apply_member_imports():
        pass
    done = restarted.get_member_import(hanoi, job["id"])
    assert (done["state"], done["done_rows"], done["percent"], done["created"]) == ("done", 130, 100, 130)
    assert done["sheet_available"] and done["mine"]
    with sessions.read() as session:
        numbers = session.scalars(select(Member.number)).all()
        assert len(numbers) == len(set(numbers)) == 130
        assert session.scalar(select(func.count()).select_from(ActivationToken)) == 130 + 2  # + the two admins
        events = session.execute(
            select(outbox.c.payload).where(outbox.c.event_type == contracts.MEMBERS_IMPORTED)
        ).all()
    ((event,),) = events
    assert (event["created"], event["updated"], event["unchanged"]) == (130, 0, 0)

    # The importing administrator's sheet: every member, each code activates its account.
    sheet = restarted.export_member_import_sheet(hanoi, job["id"], {"format": "csv"})
    tokens = sheet_tokens(base64.b64encode(sheet["content"]).decode())
    assert len(tokens) == 130
    activated = restarted.activate(Actor.anonymous(), tokens["HN-00007"], "Mat-khau-rat-dai-2026")
    assert activated.username == "hn-00007@ha-noi" and activated.status == "active"
    with pytest.raises(Forbidden):
        restarted.export_member_import_sheet(
            Actor("someone-else", hanoi.tenant_id, frozenset({"tenant_admin"})), job["id"], {"format": "pdf"}
        )
    with pytest.raises(NotFound):
        restarted.get_member_import(danang, job["id"])

    # Importing the same file again: a job that changes nothing and issues no code.
    again = restarted.start_member_import(hanoi, member_file(130))
    while restarted.apply_member_imports():
        pass
    again = restarted.get_member_import(hanoi, again["id"])
    assert (again["created"], again["unchanged"], again["sheet_available"]) == (0, 130, False)
    with pytest.raises(Conflict) as nothing:
        restarted.export_member_import_sheet(hanoi, again["id"], {"format": "csv"})
    assert nothing.value.code == "SHEET_EMPTY"

    # A day later the sheet has expired: the job's rows, sealed tokens with them, are gone.
    later = make(clock=Later(hours=25))
    later.apply_member_imports()
    with pytest.raises(Conflict) as expired:
        later.export_member_import_sheet(hanoi, job["id"], {"format": "csv"})
    assert expired.value.code == "SHEET_EXPIRED"
    assert later.get_member_import(hanoi, job["id"])["sheet_available"] is False
    with sessions.read() as session:
        assert session.scalar(select(func.count()).select_from(MemberImportRow)) == 0
    assert later.get_member_import(hanoi, job["id"])["created"] == 130  # the job's record stays


def test_a_file_with_problems_starts_no_job_and_names_every_row(sqlite_app):
    make, sessions = sqlite_app
    app = make()
    hanoi, _ = tree(app)
    rows = HEADER + "".join(f"HN-{i:05d},Người {i},09{i:08d},CDCS-A\n" for i in range(300))
    rows = rows.replace("HN-00100,Người 100,0900000100,CDCS-A", "HN-00100,Người 100,12,CDCS-A")
    rows = rows.replace("HN-00250,Người 250,0900000250,CDCS-A", "HN-00250,Người 250,0900000250,CDCS-DN")
    rows += "HN-00003,Người trùng,0912345678,\n"
    upload = {"filename": "x.csv", "content_b64": base64.b64encode(rows.encode()).decode()}
    for call in (app.check_member_import, app.start_member_import):
        with pytest.raises(InvalidInput) as refused:
            call(hanoi, upload)
        errors = [(e["row"], e["column"]) for e in refused.value.details["errors"]]
        assert errors == [(102, "Số điện thoại"), (302, "Số thẻ đoàn viên")], call
    # The unit of another federation is named once the rows themselves are right.
    fixed = rows.replace(",12,CDCS-A", ",0900000100,CDCS-A").rsplit("HN-00003,", 1)[0]
    with pytest.raises(InvalidInput) as refused:
        app.check_member_import(hanoi, {"filename": "x.csv", "content_b64": base64.b64encode(fixed.encode()).decode()})
    assert [(e["row"], e["column"]) for e in refused.value.details["errors"]] == [(252, "Mã đơn vị")]
    with sessions.read() as session:
        assert session.scalar(select(func.count()).select_from(MemberImport)) == 0
        assert session.scalar(select(func.count()).select_from(Member)) == 0


@pytest.fixture
def accounts_rpc(start_service):
    def start():
        container = start_service(
            "accounts",
            MEMBER_IMPORT_BATCH_ROWS=50,
            MEMBER_IMPORT_TICK_SECONDS=0,
            MEMBER_IMPORT_INTERVAL_SECONDS=0.3,
        )
        return container, ServiceRpcProxy("accounts", {"AMQP_URI": container.config["AMQP_URI"]}, timeout=30)

    return start


def test_a_job_applies_every_row_once_when_its_service_is_killed_midway(accounts_rpc, databases):
    """PostgreSQL and a real container: the service dies in the middle of a job (no graceful stop),
    another one starts and finishes it; no member twice, one event, no token in clear."""
    container, rpc = accounts_rpc()
    with rpc as accounts:
        system = SYSTEM.dump()
        tld = accounts.create_tenant(
            system, {"code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "parent_id": None}
        )
        hn = accounts.create_tenant(
            system,
            {"code": "HN", "slug": "ha-noi", "name": "Hà Nội", "kind": "provincial_federation", "parent_id": tld["id"]},
        )
        accounts.create_unit(system, {"tenant_id": hn["id"], "name": "Công đoàn cơ sở A", "code": "CDCS-A"})
        admin = accounts.invite_user(
            system,
            {"tenant_id": hn["id"], "email": "admin@ha-noi.vn", "full_name": "Quản trị", "roles": ["tenant_admin"]},
        )["user"]
        actor = Actor(admin["id"], hn["id"], frozenset({"tenant_admin"})).dump()
        job = accounts.start_member_import(actor, member_file(600), {"request_key": "form-key-0001"})
        assert job["state"] == "pending" and job["total_rows"] == 600

    sessions = databases.sessions("accounts")

    def done_rows():
        with sessions.read() as session:
            return session.scalar(select(MemberImport.done_rows))

    wait_for(lambda: done_rows() >= 50, timeout=30)
    container.kill()
    stopped_at = done_rows()
    assert 0 < stopped_at < 600, stopped_at

    container, rpc = accounts_rpc()
    with rpc as accounts:
        # The form sent twice (the same key) answers the job it started, no second job.
        assert (
            accounts.start_member_import(actor, member_file(600), {"request_key": "form-key-0001"})["id"] == job["id"]
        )
        wait_for(lambda: accounts.get_member_import(actor, job["id"])["state"] == "done", timeout=60)
        finished = accounts.get_member_import(actor, job["id"])
        assert (finished["done_rows"], finished["created"], finished["percent"]) == (600, 600, 100)
        sheet = accounts.export_member_import_sheet(actor, job["id"], {"format": "csv"})
        pdf = accounts.export_member_import_sheet(actor, job["id"], {"format": "pdf"})
    assert base64.b64decode(pdf["content_b64"]).startswith(b"%PDF")
    tokens = sheet_tokens(sheet["content_b64"])
    assert len(tokens) == 600

    with sessions.read() as session:
        numbers = session.scalars(select(Member.number)).all()
        assert len(numbers) == len(set(numbers)) == 600
        assert session.scalar(select(func.count()).select_from(User).where(User.username.like("hn-%@ha-noi"))) == 600
        assert session.scalar(select(func.count()).select_from(MemberImportRow).where(MemberImportRow.issued)) == 600
        events = session.scalars(
            select(outbox.c.payload).where(outbox.c.event_type == contracts.MEMBERS_IMPORTED)
        ).all()
    assert [e["created"] for e in events] == [600]
    # A copy of the database: hashes and sealed copies, never a token as the sheet shows it.
    dump = plain_text_of_every_table(sessions.engine)
    assert not [t for t in tokens.values() if t in dump]


def test_a_started_job_is_applied_at_once_and_to_its_end_without_waiting_for_the_timer(start_service):
    """The timer comes by once an hour here: starting the job wakes it, and a tick that applied a
    batch (one per tick here) is followed by the next at once, until the job is done."""
    container = start_service(
        "accounts", MEMBER_IMPORT_BATCH_ROWS=50, MEMBER_IMPORT_TICK_SECONDS=0, MEMBER_IMPORT_INTERVAL_SECONDS=3600
    )
    with ServiceRpcProxy("accounts", {"AMQP_URI": container.config["AMQP_URI"]}, timeout=30) as accounts:
        system = SYSTEM.dump()
        tld = accounts.create_tenant(
            system, {"code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "parent_id": None}
        )
        hn = accounts.create_tenant(
            system, {"code": "HN", "name": "Hà Nội", "kind": "provincial_federation", "parent_id": tld["id"]}
        )
        accounts.create_unit(system, {"tenant_id": hn["id"], "name": "Công đoàn cơ sở A", "code": "CDCS-A"})
        admin = accounts.invite_user(
            system,
            {"tenant_id": hn["id"], "email": "admin@ha-noi.vn", "full_name": "Quản trị", "roles": ["tenant_admin"]},
        )["user"]
        actor = Actor(admin["id"], hn["id"], frozenset({"tenant_admin"})).dump()
        job = accounts.start_member_import(actor, member_file(180), {})
        wait_for(lambda: accounts.get_member_import(actor, job["id"])["state"] == "done", timeout=60)
        assert accounts.get_member_import(actor, job["id"])["created"] == 180
