"""The portal's poll pages through the Flask test client with the real accounts and polls services
(the polls batch consumer counts what the pages queue): the list, a poll and its form of every
question kind, the receipt until counted, the published results, and who sees what."""

import re
import time

import pytest

from platform_shared.testing.samples import POLL_QUESTIONS, poll_window
from platform_shared.testing.waiting import wait_for

QUESTIONS = POLL_QUESTIONS
GOOD = {"q1": "o1", "q2": ["o1", "o2"], "q3": 4, "q5": {"r1": "o1", "r2": "o2"}}
# the same answers as the page's form posts them (inputs named by position)
GOOD_FORM = {"c1": "o1", "c2": ["o1", "o2"], "c3": "4", "c4": "Cần thêm nhà trẻ", "c5-d1": "o1", "c5-d2": "o2"}


_window = poll_window


def open_poll(client, title="Lấy ý kiến đoàn viên về bữa ăn ca", **extra):
    created = client.post("/api/v1/polls", json={"title": title, "questions": QUESTIONS, **_window(), **extra})
    assert created.status_code == 201, created.json
    opened = client.post(f"/api/v1/polls/{created.json['id']}/open")
    assert opened.status_code == 200, opened.json
    return opened.json


def publish(client, poll):
    assert client.post(f"/api/v1/polls/{poll['id']}/close").status_code == 200
    assert client.post(f"/api/v1/polls/{poll['id']}/publish").status_code == 200


def html_of(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:600]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def csrf_of(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def portal(make_polls_gateway, polls_service):
    return make_polls_gateway()


@pytest.fixture
def api(portal, client_of):
    return client_of(portal)


@pytest.fixture
def hanoi(api, login):
    return api.as_(login("hanoi.admin"))


@pytest.fixture
def vgcl(api, login):
    return api.as_(login("admin"))


def signed_in(portal, username, password):
    """A browser signed in through the real /dang-nhap form."""
    browser = portal.test_client()
    token = csrf_of(browser.get("/dang-nhap").get_data(as_text=True))
    done = browser.post("/dang-nhap", data={"csrf_token": token, "username": username, "password": password})
    assert done.status_code == 303, done.get_data(as_text=True)[:400]
    return browser


@pytest.fixture
def member(portal, demo):
    """Đỗ Thị Lan, a member of the Hà Nội federation, signed in on the portal."""
    return signed_in(portal, "hanoi.member", demo["demo"])


def with_token(portal, access_token, name="Đoàn viên thử"):
    """A browser whose page session holds a minted access token (a member accounts never saw)."""
    browser = portal.test_client()
    with browser.session_transaction() as s:
        s.update({"at": access_token, "rt": "r" * 43, "t": int(time.time()), "name": name, "tenant": "", "csrf": "t"})
    return browser


def answer(browser, poll_id, form):
    page = html_of(browser.get(f"/trung-cau-y-kien/{poll_id}"))
    return browser.post(f"/trung-cau-y-kien/{poll_id}", data={"csrf_token": csrf_of(page), **form})


def settled(browser, receipt_href):
    """The receipt's status fragment once it is final (htmx stops asking then)."""

    def outcome():
        html = html_of(browser.get(receipt_href + "/trang-thai"))
        return html if "hx-trigger" not in html else None

    return wait_for(outcome, message="the receipt to be processed")


# -- the list and who sees what -------------------------------------------------------------------


def test_anonymous_visitors_see_national_polls_and_are_asked_to_sign_in_to_answer(portal, vgcl, hanoi):
    national = open_poll(vgcl, "Trưng cầu ý kiến toàn quốc về Bộ luật Lao động", audience={"all": True})
    local = open_poll(hanoi, "Phiếu riêng của Hà Nội")
    visitor = portal.test_client()

    listing = html_of(visitor.get("/trung-cau-y-kien"))
    assert "Trưng cầu ý kiến toàn quốc về Bộ luật Lao động" in listing
    assert f'href="/trung-cau-y-kien/{national["id"]}"' in listing
    assert "Phiếu riêng của Hà Nội" not in listing
    assert html_of(visitor.get("/trung-cau-y-kien?tinh-trang=da-cong-bo")).count('class="poll-card"') == 0
    assert visitor.get("/trung-cau-y-kien?tinh-trang=la").status_code == 404
    assert visitor.get("/trung-cau-y-kien?trang=9").status_code == 404

    page = html_of(visitor.get(f"/trung-cau-y-kien/{national['id']}"))
    assert "<h1" in page and "Đang mở" in page and "Câu 1." not in page  # no form for a visitor
    assert f'href="/dang-nhap?tiep=/trung-cau-y-kien/{national["id"]}">Đăng nhập để trả lời</a>' in page

    hidden = visitor.get(f"/trung-cau-y-kien/{local['id']}")
    assert "Không tìm thấy trang" in html_of(hidden, 404)
    assert visitor.get(f"/trung-cau-y-kien/{local['id']}/ket-qua").status_code == 404
    assert visitor.get("/trung-cau-y-kien/khong-phai-ma").status_code == 404
    assert visitor.get("/trung-cau-y-kien/00000000-0000-4000-8000-000000000000").status_code == 404
    not_yet = visitor.get(f"/trung-cau-y-kien/{national['id']}/ket-qua")
    assert "Kết quả chưa được công bố." in html_of(not_yet, 403)


def test_a_member_sees_the_polls_of_their_federation_and_another_federation_does_not(
    portal, hanoi, member, member_token
):
    local = open_poll(hanoi, "Phiếu riêng của Hà Nội")
    assert "Phiếu riêng của Hà Nội" in html_of(member.get("/trung-cau-y-kien"))
    danang = with_token(portal, member_token("LDLD-DN"))
    assert "Phiếu riêng của Hà Nội" not in html_of(danang.get("/trung-cau-y-kien"))
    assert danang.get(f"/trung-cau-y-kien/{local['id']}").status_code == 404
    refused = danang.post(f"/trung-cau-y-kien/{local['id']}", data={"csrf_token": "t", **GOOD_FORM})
    assert refused.status_code == 404


def test_markup_in_a_poll_is_shown_escaped(portal, hanoi, member):
    poll = open_poll(hanoi, "Ý kiến <script>alert(1)</script> của đoàn viên")
    page = html_of(member.get(f"/trung-cau-y-kien/{poll['id']}"))
    assert "<script>alert(1)</script>" not in page
    assert "Ý kiến &lt;script&gt;alert(1)&lt;/script&gt; của đoàn viên" in page


# -- answering ------------------------------------------------------------------------------------


def test_a_member_answers_every_kind_of_question_and_the_receipt_turns_counted(portal, hanoi, member, demo):
    poll = open_poll(hanoi)
    page = html_of(member.get(f"/trung-cau-y-kien/{poll['id']}"))
    for expected in (
        '<input type="radio" name="c1" value="o1">',  # single
        '<input type="checkbox" name="c2" value="o3">',  # multiple
        '<input type="radio" name="c3" value="5">',  # rating 1..5
        '<textarea id="c4" name="c4"',  # text
        '<input type="radio" name="c5-d2" value="o2">',  # matrix: row 2, column 2
        "<legend>Tiền lương</legend>",
        "Chọn tối đa 2 phương án.",
    ):
        assert expected in page, expected

    sent = member.post(f"/trung-cau-y-kien/{poll['id']}", data={"csrf_token": csrf_of(page), **GOOD_FORM})
    assert sent.status_code == 303
    href = sent.headers["Location"]
    assert href.startswith(f"/trung-cau-y-kien/{poll['id']}/bien-nhan/")
    receipt = html_of(member.get(href))
    assert "Biên nhận câu trả lời" in receipt and href.rsplit("/", 1)[1] in receipt
    if "accepted" in receipt:  # not counted yet: a reload link, and htmx asks again every 2 s
        assert "Tải lại để cập nhật" in receipt and 'hx-trigger="every 2s"' in receipt
    final = settled(member, href)
    assert "Đã được tính vào kết quả" in final and "counted" in final and "Tải lại" not in final
    assert "counted" in html_of(member.get(href))

    again = html_of(member.get(f"/trung-cau-y-kien/{poll['id']}"))
    assert "Bạn đã gửi câu trả lời cho phiếu này." in again and 'name="c1"' not in again

    # the same member in a new session: the form again, and the second answer is not counted
    elsewhere = signed_in(portal, "hanoi.member", demo["demo"])
    second = answer(elsewhere, poll["id"], {**GOOD_FORM, "c1": "o3"})
    assert second.status_code == 303
    assert "Bạn đã trả lời phiếu này trước đó" in settled(elsewhere, second.headers["Location"])
    results = hanoi.get(f"/api/v1/polls/{poll['id']}/results").json
    assert results["respondents"] == 1


def test_invalid_answers_show_the_form_again_with_the_message_beside_the_question(portal, hanoi, member):
    poll = open_poll(hanoi)
    form = {
        "c1": "o2",
        "c2": ["o1", "o2", "o3"],
        "c4": "Ý kiến <b>đậm</b>",
        "c5-d1": "o1",
    }  # q3 and a matrix row left out
    refused = answer(member, poll["id"], form)
    page = html_of(refused, 422)
    assert "Câu trả lời chưa hợp lệ. Vui lòng sửa các câu được đánh dấu rồi gửi lại." in page
    assert '<p class="field-error" id="loi-cau-2">Chọn tối đa 2 phương án.</p>' in page
    assert '<p class="field-error" id="loi-cau-3">Câu hỏi bắt buộc chưa được trả lời.</p>' in page
    assert '<p class="field-error" id="loi-cau-5">Mỗi dòng cần một lựa chọn.</p>' in page
    assert 'id="cau-3" aria-describedby="loi-cau-3"' in page and 'href="#cau-3"' in page
    assert 'id="loi-cau-1"' not in page
    # what the member chose is kept, markup escaped
    assert '<input type="radio" name="c1" value="o2" checked>' in page
    assert '<input type="radio" name="c5-d1" value="o1" checked>' in page
    assert "Ý kiến &lt;b&gt;đậm&lt;/b&gt;</textarea>" in page
    with member.session_transaction() as s:
        assert poll["id"] not in (s.get("phieu") or {})


def test_answers_without_the_form_token_are_refused_and_nothing_is_queued(portal, hanoi, member):
    poll = open_poll(hanoi)
    member.get(f"/trung-cau-y-kien/{poll['id']}")
    refused = member.post(f"/trung-cau-y-kien/{poll['id']}", data=GOOD_FORM)
    assert refused.status_code == 400 and "thiếu mã bảo vệ" in refused.get_data(as_text=True)
    with member.session_transaction() as s:
        assert not s.get("phieu")


def test_a_receipt_is_only_its_member_s(portal, hanoi, member, member_token):
    poll = open_poll(hanoi)
    href = answer(member, poll["id"], GOOD_FORM).headers["Location"]
    someone = with_token(portal, member_token("LDLD-HN"))
    assert someone.get(href).status_code == 404
    assert member.get(href + "x").status_code == 404  # a forged signature
    other = open_poll(hanoi, "Phiếu khác")
    assert member.get(href.replace(poll["id"], other["id"])).status_code == 404
    visitor = portal.test_client().get(href)
    assert visitor.status_code == 302 and visitor.headers["Location"].startswith("/dang-nhap?tiep=/trung-cau-y-kien/")


def test_someone_who_is_not_a_member_is_told_only_members_answer(portal, hanoi, demo):
    poll = open_poll(hanoi)
    admin = signed_in(portal, "hanoi.admin", demo["demo"])
    page = html_of(admin.get(f"/trung-cau-y-kien/{poll['id']}"))
    assert "Chỉ đoàn viên được trả lời phiếu trưng cầu ý kiến." in page and 'name="c1"' not in page
    refused = admin.post(f"/trung-cau-y-kien/{poll['id']}", data={"csrf_token": csrf_of(page), **GOOD_FORM})
    assert refused.status_code == 403


def test_a_closed_poll_says_so_instead_of_the_form(portal, hanoi, member):
    poll = open_poll(hanoi)
    assert hanoi.post(f"/api/v1/polls/{poll['id']}/close").status_code == 200
    page = html_of(member.get(f"/trung-cau-y-kien/{poll['id']}"))
    assert "Phiếu đã đóng" in page and 'name="c1"' not in page
    assert (
        member.post(f"/trung-cau-y-kien/{poll['id']}", data={"csrf_token": csrf_of(page), **GOOD_FORM}).status_code
        == 409
    )


# -- results --------------------------------------------------------------------------------------


def test_published_results_show_counts_and_percentages_as_text_and_bars(portal, hanoi, member, api, member_token):
    poll = open_poll(hanoi)
    assert answer(member, poll["id"], GOOD_FORM).status_code == 303
    for choice in ("o1", "o1", "o2", "o3"):
        sent = api.as_(member_token("LDLD-HN")).post(
            f"/api/v1/polls/{poll['id']}/responses", json={"answers": {**GOOD, "q1": choice}}
        )
        assert sent.status_code == 202
    wait_for(lambda: hanoi.get(f"/api/v1/polls/{poll['id']}/results").json["respondents"] == 5, message="5 counted")
    publish(hanoi, poll)

    page = html_of(member.get(f"/trung-cau-y-kien/{poll['id']}/ket-qua"))
    assert "Kết quả trưng cầu ý kiến" in page and "Đã công bố kết quả" in page
    # question 1: 3 of 5 "Hài lòng" (60%), 1 "Bình thường" (20%)
    assert re.search(r'<th scope="row">Hài lòng</th>\s*<td class="num">3</td>\s*<td class="num">60%</td>', page)
    assert re.search(r'<th scope="row">Bình thường</th>\s*<td class="num">1</td>\s*<td class="num">20%</td>', page)
    assert 'class="bar-fill w-60"' in page and 'class="bar-fill w-20"' in page
    assert "Điểm trung bình: <strong>4,00</strong>" in page
    assert "Câu 5 – Tiền lương" in page  # a matrix: one table a row
    assert "style=" not in page  # CSP: no inline style
    assert "Đã nhận dưới 5 ý kiến tự do." in page  # question 4: only the page's member wrote one, a count not shown
    link = html_of(member.get(f"/trung-cau-y-kien/{poll['id']}"))
    assert f'href="/trung-cau-y-kien/{poll["id"]}/ket-qua"' in link


def test_published_national_results_are_public_with_small_groups_suppressed(portal, vgcl, api, member_token):
    poll = open_poll(vgcl, "Trưng cầu ý kiến toàn quốc", audience={"all": True})
    sent = api.as_(member_token("LDLD-DN")).post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD})
    assert sent.status_code == 202
    wait_for(lambda: vgcl.get(f"/api/v1/polls/{poll['id']}/results").json["respondents"] == 1, message="counted")
    publish(vgcl, poll)

    visitor = portal.test_client()
    listing = html_of(visitor.get("/trung-cau-y-kien?tinh-trang=da-cong-bo"))
    assert f'href="/trung-cau-y-kien/{poll["id"]}/ket-qua"' in listing
    page = html_of(visitor.get(f"/trung-cau-y-kien/{poll['id']}/ket-qua"))
    assert "Ẩn số liệu: câu này có dưới 5 người trả lời." in page
    assert 'class="result-table"' not in page  # no figure of a group that small
    assert "Số người trả lời theo đơn vị" not in page  # the breakdown is the VGCL's only
