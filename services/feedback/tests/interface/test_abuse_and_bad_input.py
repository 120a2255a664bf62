"""What an outside probe tried on the feedback use cases, on the real PostgreSQL test
database: comments of articles that are not published, question limits that must not lock
out a factory behind one NAT address, dates out of any sensible range, NUL characters."""

import uuid
from datetime import UTC, datetime

import pytest

from feedback.operations import Feedback, Settings
from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import VN_TZ, FrozenClock
from platform_shared.errors import InvalidInput, NotFound, RateLimited

TLD, HN = uuid.uuid4(), uuid.uuid4()
QUESTION = {
    "category": "wages_bonuses",
    "title": "Công ty trả lương chậm hai tháng",
    "body": "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?",
}
COMMENT = {"body": "Tin rất vui cho anh chị em công nhân, mong các doanh nghiệp khác cũng làm như vậy."}
FACTORY = "203.0.113.50"


def article(status, tenant=HN):
    return {"id": str(uuid.uuid4()), "tenant_id": str(tenant), "section": "news", "site": "portal", "status": status}


PUBLISHED, DRAFT, UNPUBLISHED = article("published"), article("draft"), article("unpublished", TLD)
ARTICLES = {a["id"]: a for a in (PUBLISHED, DRAFT, UNPUBLISHED)}


def person(tenant=HN, *roles):
    return Actor(user_id=str(uuid.uuid4()), tenant_id=str(tenant), roles=frozenset(roles or ("member",)))


def make_app(databases, clock, settings=Settings()):
    feedback = Feedback(
        databases.sessions("feedback"), clock=clock, settings=settings, find_article=lambda ident: ARTICLES.get(ident)
    )
    feedback.calendar.ensure_holidays()
    feedback.sync_tenants(
        [
            {"id": str(TLD), "code": "TLD", "slug": "tld", "name": "Tổng Liên đoàn", "kind": "confederation"}
            | {"parent_id": None, "status": "active"},
            {"id": str(HN), "code": "HN", "slug": "ha-noi", "name": "LĐLĐ Hà Nội", "kind": "provincial_federation"}
            | {"parent_id": str(TLD), "status": "active"},
        ]
    )
    return feedback


@pytest.fixture
def clock():
    return FrozenClock(datetime(2026, 3, 10, 9, 0, tzinfo=VN_TZ).astimezone(UTC))


@pytest.fixture
def app(databases, clock):
    return make_app(databases, clock)


def guest(n, **contact):
    return {"name": f"Công nhân số {n}", **(contact or {"phone": f"0912 000 {n:03d}"})}


def ask(app, *, who=None, contact=None, address=FACTORY, **changes):
    data = {**QUESTION, "tenant_id": str(HN), **changes}
    if who is None:
        data["guest"] = contact
    return app.questions.ask(who or Actor.anonymous(), data, address)


# -- comments of articles that are not published ------------------------------------------------


def test_only_a_published_articles_comments_are_listed(app):
    app.comments.comment(person(), PUBLISHED["id"], COMMENT, "198.51.100.1")
    assert app.comments.article_comments(Actor.anonymous(), PUBLISHED["id"], {})["total"] == 0  # pending
    moderator = person(HN, "moderator")
    assert app.comments.article_comments(moderator, PUBLISHED["id"], {"status": "pending"})["total"] == 1
    for ident in (DRAFT["id"], UNPUBLISHED["id"], str(uuid.uuid4()), "khong-co"):
        for who, args in ((Actor.anonymous(), {}), (moderator, {"status": "pending"}), (person(TLD), {})):
            with pytest.raises(NotFound) as caught:
                app.comments.article_comments(who, ident, args)
            assert caught.value.code == "ARTICLE_NOT_FOUND" and ident in caught.value.message
        with pytest.raises(NotFound):
            app.comments.comment(person(), ident, COMMENT, "198.51.100.1")


def test_bad_list_arguments_are_refused_before_the_article_is_asked(app):
    with pytest.raises(InvalidInput) as caught:
        app.comments.article_comments(Actor.anonymous(), DRAFT["id"], {"status": "deleted"})
    assert "status" in caught.value.details["errors"]


# -- question limits ----------------------------------------------------------------------------


def test_the_default_limits_are_per_contact_per_account_and_a_high_one_per_address(service_config):
    settings = Settings.from_config(service_config("feedback"))
    assert settings.asking_limits().contact == 5 and settings.asking_limits().account == 5
    assert settings.asking_limits().address == 200 and settings.asking_limits().seconds == 3600


def test_thirty_workers_behind_one_address_can_all_ask(app):
    for n in range(30):
        assert ask(app, contact=guest(n))["status"] == "received"


def test_one_contact_is_limited_whatever_address_and_spelling_it_uses(app):
    spellings = ["0912 345 678", "+84 912 345 678", "0912.345.678", "+84912345678", "0912-345-678"]
    for n, phone in enumerate(spellings):
        ask(app, contact=guest(1, phone=phone), address=f"198.51.100.{n}")
    with pytest.raises(RateLimited) as caught:
        ask(app, contact=guest(1, phone="0912345678"), address="198.51.100.99")
    assert 1 <= caught.value.retry_after <= 3600 and "thử lại sau" in caught.value.message
    # the same person by e-mail, with or without a +tag and in capitals, is one contact too
    for n in range(5):
        ask(app, contact=guest(2, email=f"Lan+{n}@Example.vn" if n else "lan@example.vn"))
    with pytest.raises(RateLimited):
        ask(app, contact=guest(2, email="LAN@example.vn"))
    assert ask(app, contact=guest(3))["status"] == "received"  # the others at the address are not punished


def test_a_guest_is_counted_by_each_of_its_contacts(app):
    for n in range(5):
        ask(app, contact=guest(1, phone="0987 654 321", email=f"hoa{n}@example.vn"))
    with pytest.raises(RateLimited):
        ask(app, contact=guest(1, phone="0987 654 321", email="hoa-moi@example.vn"))


def test_a_members_account_is_limited(app):
    member = person()
    for n in range(5):
        ask(app, who=member, address=f"198.51.100.{n}")
    with pytest.raises(RateLimited):
        ask(app, who=member, address="198.51.100.99")
    assert ask(app, who=person())["status"] == "received"


def test_the_address_limit_still_holds_at_its_number(databases, clock):
    app = make_app(databases, clock, Settings(question_limit_address=12))
    for n in range(12):
        ask(app, contact=guest(n))
    with pytest.raises(RateLimited) as caught:
        ask(app, contact=guest(99))
    assert caught.value.retry_after >= 1
    assert ask(app, contact=guest(99), address="203.0.113.51")["status"] == "received"


def test_no_contact_is_kept_in_the_counters(app, databases):
    from sqlalchemy import select

    from feedback.models import RateCounter

    ask(app, contact=guest(1, phone="0912 345 678", email="lan@example.vn"))
    with databases.sessions("feedback").read() as session:
        keys = " ".join(session.scalars(select(RateCounter.key)))
    assert "0912345678" not in keys and "345" not in keys and "lan@" not in keys


# -- dates out of range ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, field",
    [
        ("0000-01-01", "2026-07-01", "start"),
        ("0001-01-01", "2026-07-01", "start"),
        ("2026-01-01", "9999-12-31", "end"),
        ("9998-01-01", "9999-01-01", "start"),
    ],
)
def test_figures_of_an_impossible_period_name_the_field(app, start, end, field):
    with pytest.raises(InvalidInput) as caught:
        app.questions.question_figures(SYSTEM, str(HN), start, end)
    assert field in caught.value.details["errors"]


def test_holidays_and_topics_out_of_range_name_the_field(app):
    admin = Actor(user_id=str(uuid.uuid4()), tenant_id=None, roles=frozenset({"platform_admin"}))
    for day in ("0001-01-01", "9999-12-31"):
        with pytest.raises(InvalidInput) as caught:
            app.calendar.put_holiday(admin, {"day": day, "name": "Nghỉ lễ"})
        assert "day" in caught.value.details["errors"]
        with pytest.raises(InvalidInput) as caught:
            app.calendar.delete_holiday(admin, day)
        assert "day" in caught.value.details["errors"]
    for year in (0, 9999):
        with pytest.raises(InvalidInput) as caught:
            app.calendar.list_holidays(admin, {"year": year})
        assert "year" in caught.value.details["errors"]
    topic = {"title": "Sửa đổi Luật Công đoàn", "description": "Xin ý kiến đoàn viên về dự thảo Luật Công đoàn."}
    for day in ("0001-01-01", "9999-12-31"):
        with pytest.raises(InvalidInput) as caught:
            app.opinions.create_topic(person(HN, "tenant_admin"), {**topic, "closes_on": day})
        assert "closes_on" in caught.value.details["errors"]


# -- NUL characters -------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "body", "guest.name", "tenant"])
def test_a_nul_in_a_question_names_the_field_and_stores_nothing(app, field):
    data = {**QUESTION, "tenant_id": str(HN), "guest": guest(1)}
    if field == "guest.name":
        data["guest"] = {**data["guest"], "name": "Công nhân\x00 số 1"}
    elif field == "tenant":
        data = {**data, "tenant_id": None, "tenant": "ha-noi\x00"}
    else:
        data[field] = data[field][:10] + "\x00" + data[field][10:]
    with pytest.raises(InvalidInput) as caught:
        app.questions.ask(Actor.anonymous(), data, FACTORY)
    errors = caught.value.details["errors"]
    assert errors["guest"]["name"] if field == "guest.name" else errors[field]
    assert app.questions.list_questions(person(HN, "responder"), {})["total"] == 0


def test_a_nul_in_comments_opinions_answers_and_settings_names_the_field(app):
    with pytest.raises(InvalidInput) as caught:
        app.comments.comment(person(), PUBLISHED["id"], {"body": COMMENT["body"] + "\x00"}, "198.51.100.1")
    assert "body" in caught.value.details["errors"]
    admin = person(HN, "tenant_admin")
    topic = app.opinions.create_topic(
        admin, {"title": "Sửa đổi Luật Công đoàn", "description": "Xin ý kiến đoàn viên về dự thảo Luật Công đoàn."}
    )
    with pytest.raises(InvalidInput) as caught:
        app.opinions.give_opinion(person(), {"topic_id": topic["id"], "body": "Tôi đồng ý\x00 với dự thảo luật này."})
    assert "body" in caught.value.details["errors"]
    with pytest.raises(InvalidInput) as caught:
        app.opinions.create_topic(admin, {"title": "Chủ đề\x00 mới", "description": "x" * 30})
    assert "title" in caught.value.details["errors"]
    asked = ask(app, contact=guest(1))
    for action, data, field in (
        ("answer", {"answer": "Công ty phải trả lương đúng hạn\x00 theo luật."}, "answer"),
        ("reject", {"reason": "Trùng\x00 lặp"}, "reason"),
    ):
        with pytest.raises(InvalidInput) as caught:
            app.questions.act(person(HN, "responder"), asked["id"], action, data)
        assert field in caught.value.details["errors"]
    with pytest.raises(InvalidInput) as caught:
        app.questions.public_questions({"q": "lương\x00"})
    assert "q" in caught.value.details["errors"]
    with pytest.raises(InvalidInput) as caught:
        platform_admin = Actor(user_id=str(uuid.uuid4()), tenant_id=None, roles=frozenset({"platform_admin"}))
        app.comments.put_comment_settings(
            platform_admin, {"section": "news\x00", "premoderated": True, "guests_allowed": False}
        )
    assert "section" in caught.value.details["errors"]
