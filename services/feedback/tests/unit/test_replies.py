"""Replies are the dumps of their Read schemas: the exact JSON the gateway passes on. No database."""

import uuid
from datetime import UTC, date, datetime

from feedback.comments.models import Comment, CommentSetting
from feedback.models import TenantCopy
from feedback.opinions.models import Opinion, OpinionTopic
from feedback.questions import views
from feedback.questions.models import Question, QuestionActivity
from platform_shared.schemas import feedback as api

HN = TenantCopy(id=uuid.uuid4(), name="LĐLĐ Hà Nội", slug="ha-noi", status="active")
RECEIVED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
ARGS = {"page": 1, "per_page": 20}


def question(**changes):
    values = {
        "id": uuid.uuid4(),
        "tenant_id": HN.id,
        "escalated_to_id": None,
        "tracking_code": "HD-20261123-000001-7KQX",
        "category": "wages_bonuses",
        "title": "Công ty trả lương chậm",
        "body": "Công ty tôi chậm trả lương hai tháng liền, tôi phải làm gì?",
        "asker_user_id": None,
        "guest_name": "Nguyễn Văn Khách",
        "guest_phone": "0912345678",
        "guest_email": "khach@example.vn",
        "status": "received",
        "assigned_to": None,
        "answer": None,
        "answered_at": None,
        "public": False,
        "public_title": None,
        "public_body": None,
        "published_at": None,
        "reject_reason": None,
        "received_at": RECEIVED,
        "due_at": DUE,
        "updated_at": RECEIVED,
    }
    return Question(**{**values, **changes})


def test_the_askers_receipt():
    q = question()
    assert views.receipt(q, HN) == {
        "id": str(q.id),
        "tracking_code": "HD-20261123-000001-7KQX",
        "status": "received",
        "status_label": "Đã tiếp nhận",
        "tenant": {"id": str(HN.id), "name": "LĐLĐ Hà Nội"},
        "received_at": RECEIVED.isoformat(),
        "due_at": DUE.isoformat(),
    }


def test_the_tracking_page_shows_a_draft_answer_as_in_progress_and_nothing_private():
    q = question(status="answered", answer="Bản nháp câu trả lời.", answered_at=LATER)
    assert views.tracking(q, HN) == {
        "tracking_code": "HD-20261123-000001-7KQX",
        "category": "wages_bonuses",
        "category_label": "Tiền lương, tiền thưởng",
        "title": None,
        "status": "assigned",
        "status_label": "Đang xử lý",
        "tenant_name": "LĐLĐ Hà Nội",
        "received_at": RECEIVED.isoformat(),
        "due_at": DUE.isoformat(),
        "answer": None,
        "answer_html": None,
        "answered_at": None,
        "reject_reason": None,
    }
    published = question(status="published", answer="Câu trả lời.", public_title="Chậm lương", published_at=LATER)
    shown = views.tracking(published, None)
    assert (shown["title"], shown["answer"], shown["answer_html"], shown["answered_at"], shown["tenant_name"]) == (
        "Chậm lương",
        "Câu trả lời.",
        "<p>Câu trả lời.</p>",
        LATER.isoformat(),
        None,
    )


def test_the_staffs_view_of_a_question_with_its_history():
    responder = uuid.uuid4()
    q = question(status="assigned", assigned_to=responder, escalated_to_id=None)
    activity = [
        QuestionActivity(
            action="assign",
            from_status="received",
            to_status="assigned",
            note=None,
            actor_id=responder,
            tenant_id=HN.id,
            at=LATER,
        )
    ]
    assert views.detail(q, HN, LATER, activity) == {
        "id": str(q.id),
        "tracking_code": "HD-20261123-000001-7KQX",
        "tenant_id": str(HN.id),
        "tenant_name": "LĐLĐ Hà Nội",
        "escalated_to_id": None,
        "category": "wages_bonuses",
        "category_label": "Tiền lương, tiền thưởng",
        "title": "Công ty trả lương chậm",
        "body": "Công ty tôi chậm trả lương hai tháng liền, tôi phải làm gì?",
        "asker": {
            "user_id": None,
            "guest_name": "Nguyễn Văn Khách",
            "guest_phone": "0912345678",
            "guest_email": "khach@example.vn",
        },
        "status": "assigned",
        "status_label": "Đang xử lý",
        "allowed_actions": ["assign", "answer", "reject", "transfer"],
        "assigned_to": str(responder),
        "answer": None,
        "answer_html": None,
        "answered_at": None,
        "public": False,
        "public_title": None,
        "public_body": None,
        "published_at": None,
        "reject_reason": None,
        "received_at": RECEIVED.isoformat(),
        "due_at": DUE.isoformat(),
        "overdue": False,
        "working_days_left": None,
        "days_overdue": None,
        "updated_at": RECEIVED.isoformat(),
        "activity": [
            {
                "action": "assign",
                "from": "received",
                "to": "assigned",
                "note": None,
                "actor_id": str(responder),
                "tenant_id": str(HN.id),
                "tenant_name": None,
                "at": LATER.isoformat(),
            }
        ],
    }
    assert "activity" not in views.staff(q, HN, LATER)
    assert views.staff(q, None, datetime(2026, 12, 1, tzinfo=UTC))["overdue"] is True


def test_a_page_of_the_public_qa_shows_the_public_text_only():
    q = question(
        status="published",
        public=True,
        public_title="Chậm lương",
        public_body="Công ty chậm lương?",
        answer="Câu trả lời.",
        published_at=LATER,
    )
    reply = views.public_page([q], 1, ARGS, {HN.id: HN})
    assert reply == {
        "items": [
            {
                "id": str(q.id),
                "category": "wages_bonuses",
                "category_label": "Tiền lương, tiền thưởng",
                "title": "Chậm lương",
                "question": "Công ty chậm lương?",
                "answer": "Câu trả lời.",
                "answer_html": "<p>Câu trả lời.</p>",
                "tenant": {"name": "LĐLĐ Hà Nội", "slug": "ha-noi"},
                "published_at": LATER.isoformat(),
            }
        ],
        "total": 1,
        "page": 1,
        "per_page": 20,
    }
    assert views.public_page([q], 1, ARGS, {})["items"][0]["tenant"] == {"name": None, "slug": None}


def test_opinions_show_their_author_to_staff_only():
    author, tenant, topic = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    opinion = Opinion(
        id=uuid.uuid4(),
        topic_id=topic,
        author_id=author,
        author_tenant_id=tenant,
        body="Ý kiến.",
        status="pending",
        answer=None,
        answered_at=None,
        created_at=LATER,
    )
    public = {
        "id": str(opinion.id),
        "topic_id": str(topic),
        "body": "Ý kiến.",
        "status": "pending",
        "status_label": "Chờ duyệt",
        "answer": None,
        "answered_at": None,
        "created_at": LATER.isoformat(),
    }
    assert api.OpinionRead().dump(opinion) == public
    assert api.OpinionStaffRead().dump(opinion) == {
        **public,
        "author_id": str(author),
        "author_tenant_id": str(tenant),
    }


def test_topics_comments_and_settings():
    topic = OpinionTopic(
        id=uuid.uuid4(),
        tenant_id=HN.id,
        national=False,
        title="Chủ đề",
        description="Mô tả.",
        status="open",
        closes_on=date(2026, 12, 31),
        created_at=LATER,
    )
    assert api.TopicRead().dump(topic) == {
        "id": str(topic.id),
        "tenant_id": str(HN.id),
        "national": False,
        "title": "Chủ đề",
        "description": "Mô tả.",
        "status": "open",
        "status_label": "Đang mở",
        "opens_on": None,
        "closes_on": "2026-12-31",
        "created_at": LATER.isoformat(),
    }
    comment = Comment(
        id=uuid.uuid4(),
        article_id=uuid.uuid4(),
        author_id=None,
        author_name="Khách",
        guest=True,
        body="Hay.",
        status="hidden",
        hidden_reason="reports",
        report_count=3,
        created_at=LATER,
    )
    seen = {
        "id": str(comment.id),
        "article_id": str(comment.article_id),
        "author_name": "Khách",
        "guest": True,
        "body": "Hay.",
        "status": "hidden",
        "status_label": "Đã ẩn",
        "created_at": LATER.isoformat(),
    }
    assert api.CommentRead().dump(comment) == seen
    assert api.CommentStaffRead().dump(comment) == {
        **seen,
        "author_id": None,
        "reports": 3,
        "hidden_reason": "reports",
        "article_title": None,
        "article_slug": None,
    }
    setting = CommentSetting(site_key="portal", section="news", premoderated=True, guests_allowed=False)
    assert api.CommentSettingsRead().dump(setting) == {
        "site_key": "portal",
        "section": "news",
        "premoderated": True,
        "guests_allowed": False,
    }
