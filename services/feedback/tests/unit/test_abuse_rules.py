"""The rules behind the question limits and the input the feedback schemas refuse. No
database, no broker."""

import pytest

from feedback.domain import wait_phrase
from feedback.questions.domain import AskingLimits, asking_keys, contacts
from platform_shared.errors import InvalidInput
from platform_shared.schemas import feedback as api
from platform_shared.schemas import load


def test_a_phone_is_one_contact_however_it_is_written():
    spellings = ["0912 345 678", "+84 912 345 678", "0912.345.678", "+84912345678", "(0912) 345-678"]
    assert {tuple(contacts({"phone": p})) for p in spellings} == {("phone:0912345678",)}


def test_an_email_is_one_contact_in_any_case_and_with_any_tag():
    assert (
        contacts({"email": "Lan+hoi@Example.VN"}) == contacts({"email": "lan@example.vn"}) == ["email:lan@example.vn"]
    )
    assert contacts({"phone": "0912345678", "email": "lan@example.vn"}) == ["phone:0912345678", "email:lan@example.vn"]
    assert contacts(None) == []


def test_a_guest_counts_against_its_address_and_each_contact_a_member_against_its_account():
    limits = AskingLimits(contact=5, account=6, address=200, seconds=3600)
    guest = asking_keys(limits, client_address="203.0.113.5", guest={"phone": "0912345678", "email": "a@b.vn"})
    assert [(key.split(":")[1], limit) for key, limit, _ in guest] == [("addr", 200), ("contact", 5), ("contact", 5)]
    assert all("0912345678" not in key and "a@b.vn" not in key for key, _, _ in guest)
    member = asking_keys(limits, client_address=None, user_id="u-1")
    assert member == [("question:addr:unknown", 200, 3600), ("question:account:u-1", 6, 3600)]


def test_the_address_limit_is_much_higher_than_a_persons():
    limits = AskingLimits()
    assert limits.address >= 20 * max(limits.contact, limits.account)


def test_the_wait_is_said_in_seconds_or_minutes():
    assert wait_phrase(45) == "45 giây"
    assert wait_phrase(119) == "119 giây"
    assert wait_phrase(3500) == "59 phút"


@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b"])
@pytest.mark.parametrize(
    "schema, data, field",
    [
        (api.QuestionCreate, {"category": "other", "title": "{}", "body": "x" * 30}, "title"),
        (api.OpinionCreate, {"topic_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c", "body": "x{}" * 10}, "body"),
        (api.CommentCreate, {"body": "x{}x"}, "body"),
        (api.PublicQuestionArgs, {"q": "{}"}, "q"),
        (api.CommentSettings, {"section": "{}", "premoderated": True, "guests_allowed": True}, "section"),
    ],
)
def test_text_postgresql_cannot_store_is_refused_naming_the_field(schema, data, field, bad):
    data = {key: value.replace("{}", bad) if isinstance(value, str) else value for key, value in data.items()}
    with pytest.raises(InvalidInput) as caught:
        load(schema, data)
    assert field in caught.value.details["errors"]


@pytest.mark.parametrize("day", ["0000-01-01", "0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_days_outside_the_platforms_years_are_refused(day):
    for schema, data, field in (
        (api.HolidayWrite, {"day": day, "name": "Nghỉ lễ"}, "day"),
        (api.TopicCreate, {"title": "Chủ đề", "description": "x" * 30, "closes_on": day}, "closes_on"),
        (
            api.FiguresArgs,
            {"tenant_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c", "start": day, "end": "2100-12-31"},
            "start",
        ),
    ):
        with pytest.raises(InvalidInput) as caught:
            load(schema, data)
        assert field in caught.value.details["errors"]
    assert load(api.HolidayWrite, {"day": "2100-12-31", "name": "Nghỉ lễ"})["day"].year == 2100
