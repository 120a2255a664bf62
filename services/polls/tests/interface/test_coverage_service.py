"""The grassroots coverage inside the polls service, on its PostgreSQL database, with accounts' and
content's parts stood in for: distinct respondents per federation and half-year (Vietnam time),
who sees what, a bad period, a merged federation folded into its survivor, a service that does not
answer, and the coverage part of a June/December report frozen on submission."""

import uuid
from datetime import UTC, datetime

import pytest

from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import FrozenClock
from platform_shared.errors import Forbidden, InvalidInput, NotFound, Unavailable
from polls.coverage.operations import GrassrootsCoverage
from polls.models import PollResponse, TenantCopy
from polls.reports.operations import SemiannualReports

HN, DN, HCM, BTG = (uuid.uuid4() for _ in range(4))
POLL_A, POLL_B = uuid.uuid4(), uuid.uuid4()
ANNA, BINH, CHI = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def at(y, m, d, hour=3):
    return datetime(y, m, d, hour, tzinfo=UTC)


@pytest.fixture
def sessions(databases):
    sessions = databases.sessions("polls")
    now = at(2026, 1, 1)
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


def _answered(sessions, *responses):
    """``(poll, member, tenant, received_at)`` counted responses."""
    with sessions.transaction() as session:
        for poll, member, tenant, received in responses:
            session.add(PollResponse(id=uuid.uuid4(), poll_id=poll, member_id=member, tenant_id=tenant,
                                     answers={}, received_at=received, counted_at=received))  # fmt: skip


class Sources:
    """accounts' and content's answers; ``asked`` keeps what accounts was given."""

    def __init__(self):
        self.asked = []
        self.units = {
            str(HN): {"grassroots": 8, "with_admin": 3, "with_members": 5, "contributing": 2, "members": 40},
            str(DN): {"grassroots": 2, "with_admin": 2, "with_members": 1, "contributing": 0, "members": 10},
        }
        self.down = None

    def contributors(self, tenant_ids, start, end):
        if self.down == "content":
            return None
        return {t: (["author-hn"] if t == str(HN) else []) for t in tenant_ids}

    def grassroots_coverage(self, tenant_ids, authors):
        if self.down == "accounts":
            return None
        self.asked.append((sorted(tenant_ids), authors))
        return {t: self.units.get(t, {}) for t in tenant_ids}


def _actor(tenant, *roles):
    return Actor.load({"user_id": str(uuid.uuid4()), "tenant_id": str(tenant), "roles": list(roles)})


def test_a_federations_coverage_counts_distinct_members_who_answered_in_the_half_year(sessions):
    _answered(
        sessions,
        (POLL_A, ANNA, HN, at(2026, 7, 2)),
        (POLL_B, ANNA, HN, at(2026, 8, 2)),  # Anna answered twice: one member
        (POLL_A, BINH, HN, at(2026, 6, 30, 17)),  # 1 July 00:00 in Hà Nội: in the second half
        (POLL_B, CHI, HN, at(2026, 6, 30, 16, )),  # 30 June 23:00 in Hà Nội: the first half
        (POLL_A, CHI, DN, at(2026, 9, 1)),
    )  # fmt: skip
    sources = Sources()
    coverage = GrassrootsCoverage(sessions, clock=FrozenClock(at(2026, 12, 3)), sources=sources)
    hanoi = coverage.get(_actor(HN, "tenant_admin"), {})
    assert (hanoi["tenant_code"], hanoi["period"], hanoi["starts"], hanoi["ends"]) == (
        "LDLD-HN",
        "2026-H2",
        "2026-07-01",
        "2027-01-01",
    )
    assert hanoi["available"] and hanoi["includes"] == []
    assert (hanoi["grassroots"], hanoi["with_admin"], hanoi["with_admin_share"]) == (8, 3, 37.5)
    assert (hanoi["with_members_share"], hanoi["contributing_share"]) == (62.5, 25.0)
    assert (hanoi["members"], hanoi["respondents"], hanoi["respondents_share"]) == (40, 2, 5.0)
    assert sources.asked == [([str(HN)], {str(HN): ["author-hn"]})]  # content's authors went to accounts
    first_half = coverage.get(_actor(HN, "tenant_admin"), {"period": "2026-H1"})
    assert first_half["respondents"] == 1  # Chi, on 30 June

    desk = _actor(BTG, "editor")
    assert coverage.get(desk, {"tenant": "LDLD-DN"})["respondents"] == 1
    assert coverage.get(Actor.load(SYSTEM.dump()), {"tenant": str(HN)})["grassroots"] == 8
    with pytest.raises(NotFound):  # another federation's figures do not exist for its admin
        coverage.get(_actor(DN, "tenant_admin"), {"tenant": "LDLD-HN"})
    with pytest.raises(Forbidden):
        coverage.get(_actor(HN, "contributor"), {})
    with pytest.raises(NotFound):  # a department has no grassroots unions to reach
        coverage.get(desk, {"tenant": "BTG"})
    for period in ("2026-H3", "2027-H1", "26-H1"):  # malformed, or not begun yet
        with pytest.raises(InvalidInput) as bad:
            coverage.get(_actor(HN, "tenant_admin"), {"period": period})
        assert list(bad.value.details["errors"]) == ["period"]
    with pytest.raises(InvalidInput) as unknown:
        coverage.get(_actor(HN, "tenant_admin"), {"ky": "2026-H2"})
    assert "ky" in unknown.value.details["errors"]


def test_the_national_table_has_one_row_per_federation_totals_and_sorting_for_overseers_only(sessions):
    _answered(sessions, (POLL_A, ANNA, HN, at(2026, 7, 2)), (POLL_A, CHI, DN, at(2026, 9, 1)))
    coverage = GrassrootsCoverage(sessions, clock=FrozenClock(at(2026, 12, 3)), sources=Sources())
    desk = _actor(BTG, "editor")
    national = coverage.national(desk, {})
    assert [r["tenant_code"] for r in national["tenants"]] == ["LDLD-DN", "LDLD-HN", "LDLD-HCM"]  # by name
    assert (national["sort"], national["order"], national["total"], national["available"]) == ("name", "asc", 3, True)
    hcm = national["tenants"][2]
    assert (hcm["grassroots"], hcm["with_admin_share"], hcm["respondents_share"]) == (0, None, None)
    totals = national["totals"]
    assert (totals["grassroots"], totals["with_admin"], totals["with_admin_share"]) == (10, 5, 50.0)
    assert (totals["members"], totals["respondents"], totals["respondents_share"]) == (50, 2, 4.0)
    by_admin = coverage.national(_actor(uuid.uuid4(), "platform_admin"), {"sort": "admin"})
    assert [r["tenant_code"] for r in by_admin["tenants"]] == ["LDLD-DN", "LDLD-HN", "LDLD-HCM"]  # 100, 37.5, none
    assert by_admin["order"] == "desc"
    ascending = coverage.national(desk, {"sort": "members", "order": "asc"})
    assert [r["tenant_code"] for r in ascending["tenants"]] == ["LDLD-DN", "LDLD-HN", "LDLD-HCM"]  # 50, 62.5, none
    for who in (_actor(HN, "tenant_admin"), _actor(BTG, "contributor")):
        with pytest.raises(Forbidden):
            coverage.national(who, {})
    with pytest.raises(InvalidInput) as bad:
        coverage.national(desk, {"sort": "size"})
    assert list(bad.value.details["errors"]) == ["sort"]


def test_a_merged_federation_is_folded_into_its_survivor_from_the_merge_day(sessions):
    """Đà Nẵng merged into Hà Nội on 15 September (Vietnam): its respondents from that day count for
    Hà Nội; its own row leaves the national table; content is asked for each range of days."""
    with sessions.transaction() as session:
        copy = session.get(TenantCopy, DN)
        copy.status, copy.merged_into_id, copy.merged_at = "merged", HN, at(2026, 9, 15)
    _answered(
        sessions,
        (POLL_A, ANNA, HN, at(2026, 7, 2)),
        (POLL_A, CHI, DN, at(2026, 9, 1)),  # before the merge: Đà Nẵng's own
        (POLL_B, BINH, DN, at(2026, 9, 20)),  # after it: Hà Nội's
    )
    sources = Sources()
    coverage = GrassrootsCoverage(sessions, clock=FrozenClock(at(2026, 12, 3)), sources=sources)
    hanoi = coverage.get(_actor(HN, "tenant_admin"), {})
    assert hanoi["respondents"] == 2
    assert hanoi["grassroots"] == 10  # accounts' figures of both (the stand-in still lists Đà Nẵng's)
    assert hanoi["includes"] == [
        {"tenant_id": str(DN), "tenant_name": "Liên đoàn Lao động thành phố Đà Nẵng", "starts": "2026-09-15",
         "ends": "2027-01-01"}
    ]  # fmt: skip
    assert sources.asked[-1] == ([str(DN), str(HN)] if str(DN) < str(HN) else [str(HN), str(DN)],
                                 {str(HN): ["author-hn"], str(DN): ["author-hn"]})  # fmt: skip
    national = coverage.national(_actor(BTG, "editor"), {})
    assert [r["tenant_code"] for r in national["tenants"]] == ["LDLD-HN", "LDLD-HCM"]
    assert national["totals"]["respondents"] == 2  # Chi answered for Đà Nẵng before the merge


def test_a_report_freezes_its_coverage_and_is_not_sent_while_a_service_does_not_answer(sessions):
    _answered(sessions, (POLL_A, ANNA, HN, at(2026, 7, 2)))
    sources = Sources()
    clock = FrozenClock(at(2026, 12, 3))
    coverage = GrassrootsCoverage(sessions, clock=clock, sources=sources)

    class ReportSources:
        def content_figures(self, tenant_id, start, end):
            return {"sections": [], "quota_weeks": {"total": 22, "met": 20}}

        def feedback_figures(self, tenant_id, start, end):
            return {"received": 0, "answered": 0, "answered_on_time": 0, "overdue_open": 0}

        def count_members(self, tenant_ids):
            return {t: 40 for t in tenant_ids}

    reports = SemiannualReports(sessions, clock=clock, sources=ReportSources(), coverage=coverage)
    admin = _actor(HN, "tenant_admin")
    draft = reports.get(admin, {})
    part = draft["figures"]["coverage"]
    assert (part["available"], part["with_admin_share"], part["respondents"]) == (True, 37.5, 1)
    assert part == {k: v for k, v in coverage.get(admin, {}).items() if k in part}  # the page's figures

    sources.down = "accounts"
    assert reports.get(admin, {})["figures"]["coverage"] == {"available": False, "note": "chưa có số liệu"}
    assert coverage.get(admin, {})["available"] is False
    with pytest.raises(Unavailable) as refused:
        reports.submit(admin, draft["id"], {"evaluation": "Đã phổ cập Cổng đến 3/8 công đoàn cơ sở."})
    assert refused.value.details["parts"] == ["coverage"]

    sources.down = None
    sent = reports.submit(admin, draft["id"], {"evaluation": "Đã phổ cập Cổng đến 3/8 công đoàn cơ sở."})
    assert sent["figures"]["coverage"]["with_admin"] == 3
    sources.units[str(HN)]["with_admin"] = 8  # every unit has its administrator now
    _answered(sessions, (POLL_B, BINH, HN, at(2026, 12, 2)))
    frozen = reports.get(admin, {})["figures"]["coverage"]
    assert (frozen["with_admin"], frozen["respondents"]) == (3, 1)  # as sent
    assert coverage.get(admin, {})["with_admin"] == 8  # the tracker moves on
