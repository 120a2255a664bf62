"""The editorial workflow as the domain applies it: one action at a time, each saying which
activity and which fact to record. No database: the article is a plain, unsaved row."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from content.articles import domain, facts
from content.articles.models import Article
from platform_shared import contracts
from platform_shared.errors import Conflict, InvalidInput

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
EDITOR, OTHER_EDITOR = uuid.uuid4(), uuid.uuid4()
LOCK = timedelta(minutes=30)


def article(status="draft", **fields):
    values = {
        "id": uuid.uuid4(),
        "tenant_id": uuid.uuid4(),
        "site": "portal",
        "genre": "news",
        "title": "Công đoàn chăm lo Tết cho công nhân",
        "slug": "cong-doan-cham-lo-tet",
        "asset_ids": [],
        "authors": [{"user_id": str(uuid.uuid4()), "pen_name": "Minh An", "share": 100}],
        "photo_credits": [],
        "word_count": 120,
        "status": status,
        "revision": 1,
        "published_revision": None,
        "locked_by": None,
        "locked_until": None,
        "publish_at": None,
        "published_at": None,
        "first_published_at": None,
        "first_submitted_at": None,
        "submitted_at": None,
        "reject_reason": None,
        "unpublish_reason": None,
        "updated_at": NOW - timedelta(days=1),
    }
    return Article(**(values | fields))


def act(item, action, data=None, *, by=EDITOR, at=NOW):
    return domain.apply(item, action, data, actor_id=by, now=at, lock=LOCK)


def state(item):
    return {c: getattr(item, c) for c in ("status", "locked_by", "locked_until", "publish_at", "updated_at")}


def test_submitting_a_draft_records_the_first_submission_and_its_fact():
    item = article()
    step = act(item, "submit")
    assert (item.status, item.submitted_at, item.first_submitted_at) == ("submitted", NOW, NOW)
    assert step == domain.Step("submit", "draft", "submitted", None, "submitted")


def test_a_resubmission_keeps_the_first_submission_for_the_quota():
    item = article("returned", first_submitted_at=NOW - timedelta(days=3))
    act(item, "submit", at=NOW)
    assert item.submitted_at == NOW and item.first_submitted_at == NOW - timedelta(days=3)


def test_opening_locks_the_item_to_the_editor_until_the_lock_expires():
    item = article("submitted")
    step = act(item, "open")
    assert (item.status, item.locked_by, item.locked_until) == ("in_review", EDITOR, NOW + LOCK)
    assert step.fact is None and (step.from_status, step.to_status) == ("submitted", "in_review")


@pytest.mark.parametrize("action", ["open", "approve", "return", "reject"])
def test_another_editor_is_refused_while_the_lock_holds_and_nothing_changes(action):
    item = article("in_review", locked_by=EDITOR, locked_until=NOW + timedelta(minutes=5))
    before = state(item)
    data = {"comment": "Bổ sung số liệu."} if action == "return" else {"reason": "Trùng lặp."}
    with pytest.raises(Conflict) as refused:
        act(item, action, data, by=OTHER_EDITOR)
    assert refused.value.code == "ARTICLE_LOCKED"
    assert state(item) == before


def test_an_expired_lock_lets_another_editor_take_over():
    item = article("in_review", locked_by=EDITOR, locked_until=NOW - timedelta(seconds=1))
    act(item, "open", by=OTHER_EDITOR)
    assert (item.locked_by, item.locked_until) == (OTHER_EDITOR, NOW + LOCK)


@pytest.mark.parametrize(
    "action, data, status, comment",
    [
        ("return", {"comment": "Bổ sung số liệu."}, "returned", "Bổ sung số liệu."),
        ("reject", {"reason": "Không phù hợp chuyên mục."}, "rejected", "Không phù hợp chuyên mục."),
        ("approve", {}, "approved", None),
    ],
)
def test_a_review_decision_releases_the_lock_and_records_its_comment(action, data, status, comment):
    item = article("in_review", locked_by=EDITOR, locked_until=NOW + LOCK)
    step = act(item, action, data)
    assert (item.status, item.locked_by, item.locked_until, item.updated_at) == (status, None, None, NOW)
    assert (step.comment, step.fact) == (comment, "returned" if action == "return" else None)
    if action == "reject":
        assert item.reject_reason == "Không phù hợp chuyên mục."


def test_an_action_not_allowed_names_the_allowed_ones_and_changes_nothing():
    item = article("submitted")
    before = state(item)
    with pytest.raises(Conflict) as refused:
        act(item, "publish")
    assert refused.value.code == "TRANSITION_NOT_ALLOWED"
    assert refused.value.details == {"status": "submitted", "allowed": ["open"]}
    assert "nhận biên tập" in refused.value.message
    assert state(item) == before


def test_scheduling_needs_a_time_in_the_future():
    item = article("approved")
    before = state(item)
    with pytest.raises(InvalidInput) as refused:
        act(item, "schedule", {"publish_at": NOW - timedelta(minutes=1)})
    assert refused.value.code == "PUBLISH_AT_IN_PAST" and state(item) == before
    act(item, "schedule", {"publish_at": NOW + timedelta(hours=2)})
    assert (item.status, item.publish_at) == ("scheduled", NOW + timedelta(hours=2))


def test_publishing_puts_out_the_current_revision_once_as_a_first_publication():
    item = article("approved", revision=3)
    step = act(item, "publish")
    assert (item.status, item.published_at, item.first_published_at, item.published_revision) == (
        "published",
        NOW,
        NOW,
        3,
    )
    assert (step.fact, step.first_publication) == ("published", True)


def test_unpublishing_keeps_the_reason_and_publishing_again_is_not_a_first_publication():
    item = article("approved")
    act(item, "publish")
    step = act(item, "unpublish", {"reason": "Sai số liệu, cần xác minh."}, at=NOW + timedelta(hours=1))
    assert (item.status, item.unpublish_reason) == ("unpublished", "Sai số liệu, cần xác minh.")
    assert (step.fact, step.comment) == ("unpublished", "Sai số liệu, cần xác minh.")
    again = act(item, "publish", at=NOW + timedelta(hours=2))
    assert again.first_publication is False and item.first_published_at == NOW


def test_the_timer_publishes_a_scheduled_item_without_touching_its_last_change():
    item = article("scheduled", publish_at=NOW - timedelta(seconds=1), locked_by=EDITOR)
    step = domain.publish_on_schedule(item, NOW)
    assert (item.status, item.publish_at, item.locked_by, item.published_at) == ("published", None, None, NOW)
    assert item.updated_at == NOW - timedelta(days=1)
    assert step == domain.Step("publish", "scheduled", "published", domain.SCHEDULED_COMMENT, "published", True)


def test_a_correction_is_a_new_published_revision_of_a_published_item_only():
    item = article("approved", revision=2)
    act(item, "publish")
    step = domain.correct(item, "Đính chính tỉ lệ tăng lương.", NOW + timedelta(days=1))
    assert (item.revision, item.published_revision, item.updated_at) == (3, 3, NOW + timedelta(days=1))
    assert step == domain.Step("correct", "published", "published", "Đính chính tỉ lệ tăng lương.", "corrected")
    with pytest.raises(Conflict) as refused:
        domain.correct(article("draft"), "Không thể.", NOW)
    assert refused.value.code == "TRANSITION_NOT_ALLOWED"


def test_an_edit_is_the_next_revision():
    item = article("returned", revision=4)
    domain.new_revision(item, NOW)
    assert (item.revision, item.updated_at) == (5, NOW)


@pytest.mark.parametrize(
    "status, allowed",
    [
        ("draft", ["edit", "submit"]),
        ("in_review", ["edit", "open", "return", "reject", "approve"]),
        ("approved", ["schedule", "publish"]),
        ("published", ["unpublish", "correct"]),
        ("rejected", []),
    ],
)
def test_allowed_actions(status, allowed):
    assert domain.allowed_actions(status) == allowed


# -- the facts each step records ----------------------------------------------------------


def test_every_fact_of_the_workflow_matches_its_contract():
    item = article("draft", asset_ids=[str(uuid.uuid4())])
    recorded = []
    for action, data in (
        ("submit", None),
        ("open", None),
        ("return", {"comment": "Bổ sung ảnh."}),
        ("submit", None),
        ("open", None),
        ("approve", None),
        ("publish", None),
        ("unpublish", {"reason": "Cần kiểm tra lại."}),
    ):
        step = act(item, action, data)
        recorded.append(facts.payload(step, item, "news", NOW))
    item.status = "published"
    step = domain.correct(item, "Sửa tên doanh nghiệp.", NOW)
    recorded.append(facts.payload(step, item, "news", NOW, previous_revision=1, new_work=True))
    recorded = [r for r in recorded if r is not None]
    assert [event_type for event_type, _ in recorded] == [
        "content.article_submitted",
        "content.article_returned",
        "content.article_submitted",
        "content.article_published",
        "content.article_unpublished",
        "content.article_corrected",
    ]
    for event_type, payload in recorded:
        envelope = {"event_id": "e", "event_type": event_type, "occurred_at": NOW.isoformat(), "schema_version": 1}
        contracts.check(event_type, payload | envelope)
    returned = recorded[1][1]
    assert returned["comment"] == "Bổ sung ảnh." and returned["authors"] == item.authors
    published = dict(recorded[3][1])
    assert published["first_publication"] is True and published["revision"] == 1
    assert recorded[5][1]["revision"] == 2 and recorded[5][1]["previous_revision"] == 1


def test_steps_without_a_fact_record_none():
    item = article("submitted")
    assert facts.payload(act(item, "open"), item, "news", NOW) is None
