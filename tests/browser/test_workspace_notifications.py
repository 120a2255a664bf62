"""Notifications in Chromium (issue 16): content closes last week's quotas as its hourly timer does,
Hà Nội missed its week, and the fact goes out through content's outbox and relay — then is
delivered a second time, as a broker may. The notifications service tells Hà Nội's administrator
and its contributor once each. The administrator sees «Thông báo (1)» in the header, opens the
list, opens the notification (it leads to the quota dashboard of that week) and finds it read,
still read after a reload; the contributor marks all read. axe-core finds no serious or critical
problem on the list (unread and read) nor on the landing page with its counter; screenshots at
360 and 1366 px are kept."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from nameko.testing.services import entrypoint_hook, entrypoint_waiter
from selenium.webdriver.common.by import By
from sqlalchemy import select

from content.quotas.domain import week_of
from notifications.models import Notification
from platform_shared.contracts import content as content_events
from platform_shared.tables import outbox
from platform_shared.testing.waiting import wait_for

pytestmark = pytest.mark.browser

LIST = "/quan-tri/thong-bao"


def header(page):
    return page.find_element(By.ID, "thong-bao-moi")


def counter(page):
    """The header link as a screen reader says it (the visible «Thông báo (1)» and the hidden words)."""
    return " ".join(header(page).get_attribute("textContent").split())


def notifications_of(databases):
    with databases.sessions("notifications").read() as session:
        return session.scalars(select(Notification)).all()


def test_a_missed_week_told_once_to_hanois_admin_and_contributor_read_and_kept_read(
    page, browse, portal, content_service, notifications_service, content_event, databases
):
    hanoi = portal.api.as_(portal.login("hanoi.admin")).get("/api/v1/me").json
    people = {
        username: portal.api.as_(portal.login(username)).get("/api/v1/me").json["user"]["id"]
        for username in ("hanoi.admin", "hanoi.contributor")
    }
    # -- content closes last week (its timer's work) and the relay publishes the facts ----------
    with entrypoint_hook(content_service, "close_quota_weeks") as close:
        closed = close()
    week = closed["week"]
    assert week == week_of(datetime.now(UTC) - timedelta(days=7)) and hanoi["tenant"]["id"] in closed["missed"]
    with databases.sessions("content").read() as session:
        (fact,) = [
            p
            for p in session.scalars(select(outbox.c.payload).where(outbox.c.event_type == content_events.QUOTA_MISSED))
            if p["tenant_id"] == hanoi["tenant"]["id"]
        ]
    told = wait_for(
        lambda: [n for n in notifications_of(databases) if n.source_event_id == fact["event_id"]],
        message="Hà Nội's people to be told",
    )

    # -- the same fact again (a redelivery): nobody is told twice ------------------------------
    def handled_again(worker_ctx, result, exc_info):
        return worker_ctx.args[0]["event_id"] == fact["event_id"]

    with entrypoint_waiter(notifications_service, "handle_quota_missed", callback=handled_again, timeout=30):
        content_event(json.loads(json.dumps(fact)))
    hanoi_rows = [n for n in notifications_of(databases) if n.source_event_id == fact["event_id"]]
    assert sorted(str(n.user_id) for n in hanoi_rows) == sorted(people.values())
    assert len(hanoi_rows) == len(told) == 2
    week_no, year = int(week.split("-W")[1]), week.split("-W")[0]
    title = f"Chưa đạt chỉ tiêu tin bài tuần {week_no}/{year}"

    # -- the administrator: the counter, the list, opening it --------------------------------------
    browse.sign_in(portal, "hanoi.admin")
    assert counter(page) == "Thông báo (1 chưa đọc)"
    browse.clean("ws-notifications-home-counter")
    browse.click_and_wait(header(page))
    assert page.current_url.endswith(LIST)
    assert page.find_element(By.TAG_NAME, "h1").text == "Thông báo"
    (item,) = page.find_elements(By.CSS_SELECTOR, "#danh-sach-thong-bao > li")
    assert "chua-doc" in item.get_attribute("class") and "Chưa đọc" in item.text and title in item.text
    assert "Bạn có 1 thông báo chưa đọc." in page.find_element(By.ID, "so-chua-doc").text
    browse.clean("ws-notifications-unread")

    browse.click_and_wait(item.find_element(By.LINK_TEXT, title))
    assert page.current_url.endswith(f"/quan-tri/chi-tieu?tuan={week}")
    assert page.find_element(By.TAG_NAME, "h1").text == f"Chỉ tiêu tuần {week}"
    assert "Không đạt" in page.find_element(By.ID, "dv-LDLD-HN").text  # the week it was told of
    assert counter(page) == "Thông báo"

    browse.open(portal, LIST)
    (item,) = page.find_elements(By.CSS_SELECTOR, "#danh-sach-thong-bao > li")
    assert "chua-doc" not in item.get_attribute("class") and "Đã đọc" in item.text
    page.refresh()
    browse.loaded()
    (item,) = page.find_elements(By.CSS_SELECTOR, "#danh-sach-thong-bao > li")
    assert "Đã đọc" in item.text and counter(page) == "Thông báo"  # read sticks
    assert "Bạn đã đọc hết thông báo." in page.find_element(By.ID, "so-chua-doc").text
    browse.clean("ws-notifications-read")

    # -- the contributor: told once too, marks everything read -------------------------------------
    browse.sign_in(portal, "hanoi.contributor")
    assert counter(page) == "Thông báo (1 chưa đọc)"
    browse.open(portal, LIST)
    browse.click_and_wait(browse.button("Đánh dấu tất cả đã đọc"))
    assert "Đã đánh dấu 1 thông báo là đã đọc." in browse.flash()
    page.refresh()
    browse.loaded()
    assert counter(page) == "Thông báo" and not page.find_elements(By.ID, "doc-tat-ca")
    browse.open(portal, f"{LIST}?chua-doc=1")
    assert "Không còn thông báo nào chưa đọc." in page.find_element(By.CSS_SELECTOR, "main .empty").text
    browse.accessible()
    assert len(notifications_of(databases)) >= 2
