"""Reports inside the polls service, on its PostgreSQL database: the June/December reminder
(once per tenant and period), the merge handler (idempotent), the event contracts, the status a
landing card reads, the signature block and the files (PDF read back with poppler's pdftotext)."""

import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import select

from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import FrozenClock
from platform_shared.contracts import reports as contracts
from platform_shared.errors import NotFound
from platform_shared.tables import outbox
from polls import render
from polls.models import TenantCopy
from polls.reports.models import ReportTenantMerge, SemiannualReport
from polls.reports.operations import SemiannualReports

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_render import pdftotext  # noqa: E402  (poppler's reader, as the render tests use it)

HN, DN, HCM, BTG = (uuid.uuid4() for _ in range(4))


@pytest.fixture
def sessions(databases):
    sessions = databases.sessions("polls")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with sessions.transaction() as session:
        for ident, code, name, kind in (
            (HN, "LDLD-HN", "Liên đoàn Lao động thành phố Hà Nội", "provincial_federation"),
            (DN, "LDLD-DN", "Liên đoàn Lao động thành phố Đà Nẵng", "provincial_federation"),
            (HCM, "LDLD-HCM", "Liên đoàn Lao động Thành phố Hồ Chí Minh", "provincial_federation"),
            (BTG, "BTG", "Ban Tuyên giáo Tổng Liên đoàn", "department"),
        ):
            session.add(
                TenantCopy(id=ident, code=code, name=name, kind=kind, parent_id=None, status="active", updated_at=now)
            )
    return sessions


def _facts(sessions, event_type):
    with sessions.read() as session:
        return session.execute(select(outbox.c.payload).where(outbox.c.event_type == event_type)).scalars().all()


def at(y, m, d, hour=3):
    return datetime(y, m, d, hour, tzinfo=UTC)


def test_a_reminder_goes_once_to_each_federation_that_has_not_submitted_in_the_last_two_weeks(sessions):
    reports = SemiannualReports(sessions, clock=FrozenClock(at(2026, 12, 10)))
    assert reports.remind_due() == []  # 10 December: not yet

    with sessions.transaction() as session:  # Hồ Chí Minh City has already submitted
        session.add(
            SemiannualReport(
                id=uuid.uuid4(),
                tenant_id=HCM,
                period="2026-H2",
                status="submitted",
                created_at=at(2026, 12, 1),
                updated_at=at(2026, 12, 1),
            )  # fmt: skip
        )
    first = reports.remind_due(now=at(2026, 12, 18))
    assert sorted(first) == sorted([str(HN), str(DN)])  # the department does not report
    assert reports.remind_due(now=at(2026, 12, 19)) == []  # once per tenant and period
    assert reports.remind_due(now=at(2026, 12, 31, 16)) == []  # 23:00 on 31 December in Vietnam
    facts = [contracts.ReportReminderDue().load(f) for f in _facts(sessions, contracts.REPORT_REMINDER_DUE)]
    assert sorted(f["tenant_id"] for f in facts) == sorted([str(HN), str(DN)])
    assert {(f["period"], f["due_on"], f["period_label"]) for f in facts} == {
        ("2026-H2", "2026-12-31", "6 tháng cuối năm 2026")
    }
    assert reports.remind_due(now=at(2027, 6, 17)) != []  # the next period reminds again


def test_the_merge_handler_records_the_merge_once_and_closes_the_merged_tenants_draft(sessions, start_service):
    with sessions.transaction() as session:
        session.add(
            SemiannualReport(
                id=uuid.uuid4(),
                tenant_id=DN,
                period="2026-H2",
                status="draft",
                created_at=at(2026, 7, 2),
                updated_at=at(2026, 7, 2),
            )  # fmt: skip
        )
        session.add(
            SemiannualReport(
                id=uuid.uuid4(),
                tenant_id=DN,
                period="2026-H1",
                status="submitted",
                created_at=at(2026, 6, 20),
                updated_at=at(2026, 6, 20),
            )  # fmt: skip
        )
    container = start_service("polls", POLLS_TENANT_SYNC_INTERVAL_SECONDS=3600)
    event = {
        "event_id": str(uuid.uuid4()),
        "event_type": "accounts.tenant_merged",
        "occurred_at": "2026-09-15T02:00:00+00:00",
        "schema_version": 1,
        "tenant_id": str(DN),
        "into_tenant_id": str(HN),
        "merged_at": "2026-09-15T02:00:00+00:00",
    }
    for _ in range(2):  # a redelivery changes nothing
        with entrypoint_hook(container, "handle_tenant_merged_for_reports") as handle:
            handle(event)
    for _ in range(2):  # the timer's entrypoint: whatever today is, a tenant is reminded at most once
        with entrypoint_hook(container, "remind_semiannual_reports") as remind:
            reminded = remind()
    assert reminded == []
    with sessions.read() as session:
        merges = session.scalars(select(ReportTenantMerge)).all()
        statuses = dict(session.execute(select(SemiannualReport.period, SemiannualReport.status)).all())
    assert [(m.tenant_id, m.into_tenant_id) for m in merges] == [(DN, HN)]
    assert statuses == {"2026-H2": "merged", "2026-H1": "submitted"}  # history stays as it was

    reports = SemiannualReports(sessions, clock=FrozenClock(at(2026, 11, 26)))
    overview = reports.overview(SYSTEM, {"period": "2026-H2"})
    assert {i["tenant_code"]: i["status"] for i in overview["items"]}["LDLD-DN"] == "merged"
    assert overview["counts"] == {"expected": 2, "submitted": 0, "not_submitted": 2, "merged": 1}
    with sessions.transaction() as session:  # as the polls core's tenant copy records it
        copy = session.get(TenantCopy, DN)
        copy.status, copy.merged_into_id, copy.merged_at = "merged", HN, at(2026, 9, 15)
    before = reports.overview(SYSTEM, {"period": "2026-H1"})  # the period before the merge
    assert {i["tenant_code"]: i["status"] for i in before["items"]}["LDLD-DN"] == "submitted"
    later = reports.overview(SYSTEM, {"period": "2027-H1"})
    assert "LDLD-DN" not in {i["tenant_code"] for i in later["items"]}  # not awaited after the merge


def test_a_submitted_report_fact_follows_its_contract(sessions):
    class Sources:
        def content_figures(self, tenant_id, start, end):
            return {"sections": [{"section": "news", "name": "Tin tức", "submitted": 2, "used": 1}],
                    "quota_weeks": {"total": 26, "met": 20}}  # fmt: skip

        def feedback_figures(self, tenant_id, start, end):
            return {"received": 4, "answered": 3, "answered_on_time": 2, "overdue_open": 1}

        def count_members(self, tenant_ids):
            return {t: 100 for t in tenant_ids}

    reports = SemiannualReports(sessions, clock=FrozenClock(at(2026, 7, 5)), sources=Sources())
    admin = {"user_id": str(uuid.uuid4()), "tenant_id": str(HN), "roles": ["tenant_admin"]}
    actor = Actor.load(admin)
    draft = reports.get(actor, {"period": "2026-H1"})
    done = reports.submit(actor, draft["id"], {"evaluation": "Hoàn thành tốt."})
    assert done["figures"]["content"]["quota_weeks"] == {"total": 26, "met": 20}
    (fact,) = _facts(sessions, contracts.REPORT_SUBMITTED)
    loaded = contracts.ReportSubmitted().load(fact)
    assert (loaded["report_id"], loaded["tenant_id"], loaded["submitted_by"]) == (
        draft["id"],
        str(HN),
        admin["user_id"],
    )
    assert loaded["event_type"] == contracts.REPORT_SUBMITTED and loaded["schema_version"] == 1


class Figures:
    """The other services' parts of a report, all available."""

    def content_figures(self, tenant_id, start, end):
        return {"sections": [{"section": "news", "name": "Tin tức – Đa phương tiện", "submitted": 5, "used": 4}],
                "quota_weeks": {"total": 22, "met": 21}}  # fmt: skip

    def feedback_figures(self, tenant_id, start, end):
        return {"received": 4, "answered": 3, "answered_on_time": 2, "overdue_open": 1}

    def count_members(self, tenant_ids):
        return {t: 100 for t in tenant_ids}


def test_the_status_opens_nothing_and_the_signer_goes_into_the_files(sessions):
    """The landing card's status compiles nothing and opens no report; the signature block is
    saved with the evaluation, frozen on submission and printed; the roll-up comes as a PDF too."""
    reports = SemiannualReports(sessions, clock=FrozenClock(at(2026, 12, 3)), sources=Figures())
    hanoi = Actor.load({"user_id": str(uuid.uuid4()), "tenant_id": str(HN), "roles": ["tenant_admin"]})
    desk = Actor.load({"user_id": str(uuid.uuid4()), "tenant_id": str(BTG), "roles": ["editor"]})

    status = reports.status(hanoi, {})
    assert (status["id"], status["status"], status["period"], status["due_on"]) == (
        None,
        "not_started",
        "2026-H2",
        "2026-12-31",
    )
    assert reports.overview(desk, {})["counts"]["not_submitted"] == 3  # looking opened nothing
    draft = reports.get(hanoi, {})
    assert draft["due_on"] == "2026-12-31" and (draft["signer_title"], draft["signer_name"]) == (None, None)
    saved = reports.evaluate(
        hanoi, draft["id"], {"evaluation": "Hoàn thành tốt.", "signer_title": "Chủ tịch", "signer_name": " Lê Văn Hải "}
    )
    assert (saved["signer_title"], saved["signer_name"]) == ("Chủ tịch", "Lê Văn Hải")
    kept = reports.evaluate(hanoi, draft["id"], {"evaluation": "Hoàn thành tốt nhiệm vụ."})  # signer left out: kept
    assert kept["signer_name"] == "Lê Văn Hải"
    assert reports.status(hanoi, {})["status"] == "draft" and reports.status(desk, {"tenant": "LDLD-HN"})["evaluated"]
    with pytest.raises(NotFound):  # another federation's report does not exist for its admin
        reports.status(Actor.load({"user_id": str(uuid.uuid4()), "tenant_id": str(DN), "roles": ["tenant_admin"]}),
                       {"tenant": "LDLD-HN"})  # fmt: skip

    done = reports.submit(hanoi, draft["id"], {"signer_title": "Phó Chủ tịch"})
    assert (done["status"], done["signer_title"], done["signer_name"]) == ("submitted", "Phó Chủ tịch", "Lê Văn Hải")
    assert reports.status(hanoi, {})["submitted_at"] == done["submitted_at"]

    name, kind, pdf = reports.export(hanoi, draft["id"], {"format": "pdf"}, lambda fn, data: getattr(render, fn)(data))
    assert (name, kind) == ("bao-cao-2026-H2-LDLD-HN.pdf", "application/pdf")
    text = " ".join(pdftotext(pdf).split())
    assert "PHÓ CHỦ TỊCH" in text and "Lê Văn Hải" in text and "Hà Nội, ngày 03 tháng 12 năm 2026" in text
    name, kind, pdf = reports.export_rollup(desk, {"format": "pdf"}, lambda fn, data: getattr(render, fn)(data))
    assert (name, kind) == ("tong-hop-bao-cao-2026-H2.pdf", "application/pdf")
    text = " ".join(pdftotext(pdf).split())
    assert "BAN TUYÊN GIÁO TỔNG LIÊN ĐOÀN" in text and "1/3 đơn vị đã gửi báo cáo" in text
