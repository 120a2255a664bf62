"""Who is told what: one behaviour per event kind, with the Vietnamese text and the link, and
one notice per person however often a person is reached."""

import uuid

from notifications import domain
from platform_shared import contracts
from platform_shared.contracts import content as content_events
from platform_shared.contracts import feedback as feedback_events
from platform_shared.contracts import reports as report_events

HANOI, VGCL = str(uuid.uuid4()), str(uuid.uuid4())
WRITER, COAUTHOR, RESPONDER, ADMIN = (str(uuid.uuid4()) for _ in range(4))
ARTICLE, QUESTION = str(uuid.uuid4()), str(uuid.uuid4())


def event(event_type, **fields):
    """A payload as its publisher sends it, loaded with the contract as the handler does."""
    payload = {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "occurred_at": "2026-11-30T17:05:00+00:00",
        "schema_version": 1,
        **fields,
    }
    contracts.check(event_type, payload)
    return contracts.contract_for(event_type)().load(payload)


def article(**fields):
    return {
        "tenant_id": HANOI,
        "article_id": ARTICLE,
        "revision": 2,
        "section": "news",
        "genre": "news",
        "title": "Công đoàn Hà Nội chăm lo Tết cho công nhân",
        "site": "portal",
        "asset_ids": [],
        "authors": [
            {"user_id": WRITER, "pen_name": "Minh An", "share": 60},
            {"user_id": COAUTHOR, "pen_name": "Thu Hà", "share": 40},
        ],
        **fields,
    }


def question(**fields):
    return {
        "tenant_id": HANOI,
        "question_id": QUESTION,
        "category": "social_insurance",
        "received_at": "2026-11-20T02:00:00+00:00",
        "due_at": "2026-11-27T16:59:59+00:00",
        **fields,
    }


def only(event_type, payload):
    (message,) = domain.messages(event_type, payload)
    return message


def test_a_missed_quota_week_tells_the_federations_administrators_and_contributors():
    message = only(
        content_events.QUOTA_MISSED,
        event(
            content_events.QUOTA_MISSED,
            tenant_id=HANOI,
            week="2026-W48",
            rule="news-weekly-1",
            required=1,
            submitted=0,
        ),
    )
    assert message.kind == "quota_missed"
    assert message.audience == domain.Audience(tenant_id=HANOI, roles=("tenant_admin", "contributor"))
    assert message.title == "Chưa đạt chỉ tiêu tin bài tuần 48/2026"
    assert "Tuần từ 23/11 đến 29/11/2026 đơn vị đã gửi 0 trên 1 tin bài" in message.body
    assert message.link == "/quan-tri/chi-tieu?tuan=2026-W48"


def test_a_report_reminder_tells_the_tenants_administrators_of_the_deadline():
    message = only(
        report_events.REPORT_REMINDER_DUE,
        event(
            report_events.REPORT_REMINDER_DUE,
            tenant_id=HANOI,
            period="2026-H2",
            period_label="6 tháng cuối năm 2026",
            due_on="2026-12-31",
        ),
    )
    assert (message.kind, message.audience) == (
        "report_reminder",
        domain.Audience(tenant_id=HANOI, roles=("tenant_admin",)),
    )
    assert message.title == "Sắp hết hạn gửi báo cáo 6 tháng cuối năm 2026"
    assert "Hạn cuối là ngày 31/12/2026" in message.body
    assert message.link == "/quan-tri/bao-cao?ky=2026-H2"


def test_an_overdue_question_tells_its_assignee_and_the_parent_when_escalated():
    own, parent = domain.messages(
        feedback_events.QUESTION_OVERDUE,
        event(feedback_events.QUESTION_OVERDUE, **question(assigned_to=RESPONDER, escalated_to_tenant_id=VGCL)),
    )
    assert own.audience == domain.Audience(user_ids=(RESPONDER,))
    assert own.title == "Câu hỏi quá hạn trả lời"
    assert "lĩnh vực «Bảo hiểm xã hội» nhận ngày 20/11/2026" in own.body and "(hạn 27/11/2026)" in own.body
    assert "báo lên đơn vị cấp trên" in own.body
    assert parent.audience == domain.Audience(tenant_id=VGCL, roles=("tenant_admin",))
    assert parent.title == "Câu hỏi của đơn vị cấp dưới quá hạn trả lời"
    assert own.link == parent.link == f"/quan-tri/hoi-dap/{QUESTION}"
    assert {own.kind, parent.kind} == {"question_overdue"}


def test_an_unassigned_overdue_question_tells_the_tenants_answerers():
    (message,) = domain.messages(
        feedback_events.QUESTION_OVERDUE, event(feedback_events.QUESTION_OVERDUE, **question())
    )
    assert message.audience == domain.Audience(tenant_id=HANOI, roles=("responder", "tenant_admin"))
    assert "cấp trên" not in message.body  # not escalated: nobody above was told


def test_an_assigned_question_tells_the_assignee_but_not_one_who_took_it_themselves():
    given = only(
        feedback_events.QUESTION_ASSIGNED,
        event(
            feedback_events.QUESTION_ASSIGNED,
            **question(assigned_to=RESPONDER, assigned_by=ADMIN, assigned_at="2026-11-21T03:00:00+00:00"),
        ),
    )
    assert (given.kind, given.audience) == ("question_assigned", domain.Audience(user_ids=(RESPONDER,)))
    assert given.title == "Bạn được giao trả lời một câu hỏi"
    assert given.body == "Câu hỏi lĩnh vực «Bảo hiểm xã hội» cần được trả lời trước hết ngày 27/11/2026."
    taken = event(
        feedback_events.QUESTION_ASSIGNED,
        **question(assigned_to=RESPONDER, assigned_by=RESPONDER, assigned_at="2026-11-21T03:00:00+00:00"),
    )
    assert domain.messages(feedback_events.QUESTION_ASSIGNED, taken) == []


def test_a_returned_article_tells_its_authors_and_its_writer_with_the_editors_comment():
    message = only(
        content_events.ARTICLE_RETURNED,
        event(
            content_events.ARTICLE_RETURNED,
            **article(returned_at="2026-11-30T03:00:00+00:00", comment="Bổ sung ảnh hiện trường.", created_by=ADMIN),
        ),
    )
    assert message.kind == "article_returned"
    assert message.audience == domain.Audience(user_ids=(WRITER, COAUTHOR, ADMIN))
    assert message.title == "Bài viết bị trả lại để sửa: «Công đoàn Hà Nội chăm lo Tết cho công nhân»"
    assert message.body == "Ý kiến của ban biên tập: Bổ sung ảnh hiện trường. Sửa xong, hãy gửi duyệt lại."
    assert message.link == f"/quan-tri/bai-viet/{ARTICLE}"
    silent = event(
        content_events.ARTICLE_RETURNED, **article(returned_at="2026-11-30T03:00:00+00:00", created_by=WRITER)
    )
    quiet = only(content_events.ARTICLE_RETURNED, silent)
    assert quiet.audience.user_ids == (WRITER, COAUTHOR)  # the writer once
    assert quiet.body.startswith("Mở bài viết để xem ý kiến")


def test_a_published_article_tells_its_authors_where_and_when_in_vietnam_time():
    payload = article(
        published_at="2026-11-30T17:05:00+00:00",
        slug="cong-doan-ha-noi",
        photo_credits=[],
        word_count=320,
        first_publication=True,
    )
    message = only(content_events.ARTICLE_PUBLISHED, event(content_events.ARTICLE_PUBLISHED, **payload))
    assert message.audience == domain.Audience(user_ids=(WRITER, COAUTHOR))
    assert message.title.startswith("Bài viết đã được đăng: «Công đoàn Hà Nội")
    assert message.body == "Bài viết của bạn đã lên cổng thông tin lúc 00:05 ngày 01/12/2026."
    assert message.link == f"/quan-tri/bai-viet/{ARTICLE}/xem-truoc"
    again = event(content_events.ARTICLE_PUBLISHED, **payload | {"first_publication": False, "site": "component"})
    message = only(content_events.ARTICLE_PUBLISHED, again)
    assert message.title.startswith("Bài viết được đăng lại") and "lên lại trang thành phần của đơn vị" in message.body


def test_long_titles_and_comments_are_clipped_and_every_link_stays_in_the_workspace():
    long = event(
        content_events.ARTICLE_RETURNED,
        **article(title="Tiêu đề " * 60, comment="Sửa lại " * 400, returned_at="2026-11-30T03:00:00+00:00"),
    )
    message = only(content_events.ARTICLE_RETURNED, long)
    assert len(message.title) <= domain.TITLE_MAX and "…" in message.title
    assert len(message.body) <= domain.BODY_MAX
    assert domain.is_workspace_link(message.link)
    for bad in ("https://example.com/", "//example.com/quan-tri/", "/quan-tri//x", "/tin-tuc", None):
        assert not domain.is_workspace_link(bad)


def test_one_notice_per_person_and_kind_however_often_they_are_reached():
    message = domain.Message(
        "quota_missed", domain.Audience(tenant_id=HANOI, roles=("tenant_admin",)), "t", "b", "/quan-tri/"
    )
    admin, writer = domain.Person(ADMIN, HANOI), domain.Person(WRITER, HANOI)
    notices = domain.notices([(message, [admin, writer, admin]), (message, [writer])])
    assert [(n.person, n.message) for n in notices] == [(admin, message), (writer, message)]


def test_every_event_handled_has_a_contract_and_every_kind_a_vietnamese_label():
    assert all(contracts.contract_for(t) for t in domain.EVENTS)
    assert set(domain.KINDS) == set(domain.KIND_LABELS) and all(domain.KIND_LABELS.values())
