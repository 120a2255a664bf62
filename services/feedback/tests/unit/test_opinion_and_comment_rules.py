"""The rules of opinions and comments on their own: topics open and closed, moderation,
reports that hide a comment, whose settings a section follows. No database."""

import uuid
from datetime import UTC, date, datetime

import pytest

from feedback.comments import domain as comments
from feedback.comments.models import Comment
from feedback.opinions import domain as opinions
from feedback.opinions.models import Opinion, OpinionTopic
from platform_shared.errors import Conflict, InvalidInput
from platform_shared.schemas import feedback as api
from platform_shared.schemas import load

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
MODERATOR = uuid.uuid4()


def test_the_confederations_and_its_departments_topics_are_national():
    assert opinions.is_national("confederation") and opinions.is_national("department")
    assert not opinions.is_national("provincial_federation")


def test_a_topic_takes_opinions_up_to_its_closing_day_included():
    topic = OpinionTopic(status="open", closes_on=date(2026, 11, 30))
    opinions.require_open(topic, date(2026, 11, 30))
    with pytest.raises(Conflict) as caught:
        opinions.require_open(topic, date(2026, 12, 1))
    assert caught.value.code == "TOPIC_CLOSED"
    with pytest.raises(Conflict):
        opinions.require_open(OpinionTopic(status="closed", closes_on=None), date(2026, 11, 1))


def test_a_topic_takes_opinions_from_its_opening_day_and_closes_no_earlier():
    topic = OpinionTopic(status="open", opens_on=date(2026, 12, 1), closes_on=date(2026, 12, 31))
    assert not opinions.accepting(topic, date(2026, 11, 30)) and opinions.upcoming(topic, date(2026, 11, 30))
    assert not opinions.upcoming(topic, date(2026, 12, 1))
    assert opinions.accepting(topic, date(2026, 12, 1)) and opinions.accepting(topic, date(2026, 12, 31))
    data = {"title": "Góp ý quy chế", "description": "Mô tả đủ dài cho một chủ đề lấy ý kiến."}
    with pytest.raises(InvalidInput) as caught:
        load(api.TopicCreate, {**data, "opens_on": "2026-12-10", "closes_on": "2026-12-09"})
    assert list(caught.value.details["errors"]) == ["closes_on"]
    assert load(api.TopicCreate, {**data, "opens_on": "2026-12-10", "closes_on": "2026-12-10"})["closes_on"]


def test_a_topic_is_closed_and_opened_again_only_with_a_closing_day_to_come():
    topic = OpinionTopic(status="open", opens_on=None, closes_on=date(2026, 11, 30))
    opinions.change_topic(topic, "close", today=date(2026, 11, 20))
    assert topic.status == "closed"
    with pytest.raises(Conflict):
        opinions.change_topic(topic, "close", today=date(2026, 11, 20))
    with pytest.raises(InvalidInput) as caught:
        opinions.change_topic(topic, "open", today=date(2026, 12, 5))
    assert caught.value.code == "CLOSING_DAY_PAST" and topic.status == "closed"
    opinions.change_topic(topic, "open", closes_on=date(2026, 12, 20), today=date(2026, 12, 5))
    assert (topic.status, topic.closes_on) == ("open", date(2026, 12, 20))
    with pytest.raises(Conflict):
        opinions.change_topic(topic, "open", today=date(2026, 12, 5))


def test_an_opinion_is_published_hidden_or_answered_but_a_hidden_one_is_not_answered():
    opinion = Opinion(status="pending")
    opinions.moderate(opinion, "publish", {}, by=MODERATOR, now=NOW)
    assert (opinion.status, opinion.moderated_by, opinion.moderated_at) == ("published", MODERATOR, NOW)
    opinions.moderate(opinion, "answer", {"answer": "Cảm ơn đoàn viên đã góp ý."}, by=MODERATOR, now=NOW)
    assert (opinion.answer, opinion.answered_by, opinion.status) == (
        "Cảm ơn đoàn viên đã góp ý.",
        MODERATOR,
        "published",
    )
    opinions.moderate(opinion, "hide", {}, by=MODERATOR, now=NOW)
    with pytest.raises(Conflict):
        opinions.moderate(opinion, "answer", {"answer": "Trả lời muộn."}, by=MODERATOR, now=NOW)


def test_three_distinct_reports_hide_a_published_comment():
    assert comments.after_report("published", 2) == "published"
    assert comments.after_report("published", 3) == "hidden"
    assert comments.after_report("pending", 5) == "pending"


def test_a_reported_comment_counts_its_reporters_and_hides_at_the_threshold():
    comment = Comment(status="published", report_count=0, hidden_reason=None)
    comments.reported(comment, 2, threshold=3, now=NOW)
    assert (comment.status, comment.report_count) == ("published", 2)
    comments.reported(comment, 3, threshold=3, now=NOW)
    assert (comment.status, comment.hidden_reason, comment.moderated_at) == ("hidden", "reports", NOW)


def test_a_moderator_approves_or_hides_but_not_a_comment_of_an_unpublished_article():
    comment = Comment(status="hidden", hidden_reason="reports")
    comments.moderate(comment, "approve", by=MODERATOR, now=NOW)
    assert (comment.status, comment.hidden_reason, comment.moderated_by) == ("published", None, MODERATOR)
    comments.moderate(comment, "hide", by=MODERATOR, now=NOW)
    assert (comment.status, comment.hidden_reason) == ("hidden", "moderator")
    gone = Comment(status="hidden", hidden_reason="article_unpublished")
    with pytest.raises(Conflict) as caught:
        comments.moderate(gone, "approve", by=MODERATOR, now=NOW)
    assert caught.value.code == "ARTICLE_UNPUBLISHED" and gone.status == "hidden"


def test_central_sections_follow_the_portals_settings_and_others_their_sub_sites():
    tenant = str(uuid.uuid4())
    assert comments.site_key({"site": "portal", "tenant_id": tenant}) == "portal"
    assert comments.site_key({"site": "hanoi", "tenant_id": tenant}) == tenant
    assert comments.settings_site_key("news", tenant) == "portal"
    assert comments.settings_site_key("tin-co-so", tenant) == tenant
    assert [comments.first_status(p) for p in (True, False)] == ["pending", "published"]


def test_only_a_change_readers_can_see_is_announced():
    assert comments.visibility_change(None, "published", "posted") == "posted"
    assert comments.visibility_change(None, "pending", "posted") is None
    assert comments.visibility_change("pending", "published", "approved") == "approved"
    assert comments.visibility_change("published", "published", "approved") is None
    assert comments.visibility_change("published", "hidden", "hidden") == "hidden"
    assert comments.visibility_change("pending", "hidden", "hidden") is None
    assert comments.visibility_change("published", "hidden", "reported") == "reported"


def test_a_section_without_a_setting_pre_moderates_and_refuses_guests():
    from feedback.comments.models import CommentSetting

    assert comments.section_rules(None) == (True, False)
    assert comments.section_rules(CommentSetting(premoderated=False, guests_allowed=True)) == (False, True)
