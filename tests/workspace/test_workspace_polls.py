"""Opinion polls in the workspace (/quan-tri/trung-cau): the builder without JavaScript (slots,
add / move / remove by posting the form back), the service's 422 beside the question, drafts
edited in Vietnam time, the life cycle with a wrong state as a message, live results with bars,
the VGCL's breakdown per federation, free-text moderation, CSV/XLSX downloads, the landing card,
and who may do what (another federation's poll 404, a contributor 403, no CSRF token 400).
Real accounts and polls services behind the gateway."""

import io
import re

import pytest

from platform_shared.testing.samples import POLL_QUESTIONS, poll_window
from platform_shared.testing.waiting import wait_for
from tests.workspace.conftest import csrf_of

LIST = "/quan-tri/trung-cau"
GOOD = {
    "q1": "o1",
    "q2": ["o1", "o2"],
    "q3": 4,
    "q4": "Cần thêm nhà trẻ cho con công nhân",
    "q5": {"r1": "o1", "r2": "o2"},
}


def text(response):
    return response.get_data(as_text=True)


def slot(n, question_text="", kind="single", options="", rows="", required=True, **extra):
    fields = {
        f"q{n}_text": question_text,
        f"q{n}_kind": kind,
        f"q{n}_options": options,
        f"q{n}_rows": rows,
        f"q{n}_max_choices": extra.get("max_choices", ""),
        f"q{n}_scale_min": extra.get("scale_min", "1"),
        f"q{n}_scale_max": extra.get("scale_max", "5"),
        f"q{n}_max_length": extra.get("max_length", ""),
    }
    if required:
        fields[f"q{n}_required"] = "1"
    return fields


EVERY_KIND = [
    slot(1, "Anh/chị có hài lòng với bữa ăn ca?", "single", "Hài lòng\nBình thường\nChưa hài lòng"),
    slot(2, "Cần cải thiện điều gì?", "multiple", "Khẩu phần\nVệ sinh\n\nGiờ ăn", max_choices="2"),
    slot(3, "Chấm điểm nhà ăn", "rating", scale_min="0", scale_max="10"),
    slot(4, "Ý kiến khác", "text", required=False, max_length="500"),
    slot(5, "Đánh giá từng mặt", "matrix", "Tốt\nChưa tốt", "Tiền lương\nNhà ở"),
]


def at(n, fields):
    """A slot's fields moved to position ``n``."""
    return {re.sub(r"^q[0-9]+_", f"q{n}_", name): value for name, value in fields.items()}


def poll_form(*slots, **fields):
    data = {
        "title": "Lấy ý kiến về bữa ăn ca năm 2027",
        "description": "Công đoàn thành phố lấy ý kiến đoàn viên.",
        "opens_at": "2031-03-01T08:00",
        "closes_at": "2031-03-15T17:30",
        "question_count": str(len(slots)),
        "action": "save",
    }
    for s in slots:
        data.update(s)
    data.update(fields)
    return data


def post_form(client, path, data, page_path=None):
    page = client.get(page_path or path)
    assert page.status_code == 200, text(page)[:300]
    return client.post(path, data={"csrf_token": csrf_of(page), **data})


def poll_id_of(response):
    found = re.fullmatch(rf"{LIST}/([0-9a-f-]{{36}})", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


@pytest.fixture
def hanoi_api(polls_api, login, polls_service):
    return polls_api.as_(login("hanoi.admin"))


def test_a_poll_of_every_kind_is_built_without_javascript(staff_as, hanoi_api):
    admin = staff_as("hanoi.admin")
    blank = text(admin.get(f"{LIST}/moi"))
    assert 'name="q2_text"' in blank and 'name="q3_text"' not in blank  # two blank slots
    assert "Liên đoàn Lao động thành phố Hà Nội" in blank and "Đà Nẵng" not in blank  # its own subtree only
    assert 'id="doi-tuong-tat-ca"' not in blank  # every member at once is the VGCL's

    # «Thêm câu hỏi»: one more slot, everything typed kept, the new slot focused, nothing saved
    added = post_form(admin, f"{LIST}/moi", poll_form(*EVERY_KIND[:2], action="add"))
    page = text(added)
    assert added.status_code == 200 and 'name="q3_text"' in page and 'name="q4_text"' not in page
    assert re.search(r'id="q3_text" name="q3_text" rows="2" autofocus', page)
    assert "Khẩu phần\nVệ sinh" in page and 'value="2031-03-15T17:30"' in page
    # moving question 2 up, then removing the blank third
    moved = text(post_form(admin, f"{LIST}/moi", poll_form(*EVERY_KIND[:2], action="up-2")))
    assert moved.index("Cần cải thiện điều gì?") < moved.index("Anh/chị có hài lòng")
    removed = text(post_form(admin, f"{LIST}/moi", poll_form(*EVERY_KIND[:2], slot(3), action="remove-3")))
    assert 'name="q3_text"' not in removed and 'name="q2_text"' in removed
    assert "Chưa có phiếu nào" in text(admin.get(LIST))

    saved = post_form(admin, f"{LIST}/moi", poll_form(*EVERY_KIND, slot(6)))  # the blank sixth is no question
    assert saved.status_code == 303
    poll_id = poll_id_of(saved)
    shown = text(admin.get(saved.headers["Location"]))
    assert "Đã lưu bản nháp «Lấy ý kiến về bữa ăn ca năm 2027»" in shown
    assert "Bản nháp" in shown and 'id="form-mo"' in shown and "Liên đoàn Lao động thành phố Hà Nội" in shown
    assert "Dòng: Tiền lương; Nhà ở. Cột: Tốt; Chưa tốt." in shown and "Thang điểm 0–10" in shown

    stored = hanoi_api.get(f"/api/v1/polls/{poll_id}").json
    assert [q["kind"] for q in stored["questions"]] == ["single", "multiple", "rating", "text", "matrix"]
    assert [o["label"] for o in stored["questions"][1]["options"]] == ["Khẩu phần", "Vệ sinh", "Giờ ăn"]
    assert stored["questions"][1]["max_choices"] == 2 and stored["questions"][3]["required"] is False
    assert stored["questions"][3]["max_length"] == 500
    assert [r["label"] for r in stored["questions"][4]["rows"]] == ["Tiền lương", "Nhà ở"]
    assert stored["opens_at"] == "2031-03-01T08:00:00+07:00" and stored["closes_at"] == "2031-03-15T17:30:00+07:00"

    listed = text(admin.get(LIST))
    assert 'id="bang-phieu"' in listed and "Lấy ý kiến về bữa ăn ca năm 2027" in listed
    assert "01/03/2031 08:00" in listed and "Bản nháp" in listed
    landing = text(admin.get("/quan-tri/"))
    assert "Trưng cầu ý kiến" in landing and re.search(r"<strong>1</strong> bản nháp chưa mở", landing)


def test_bad_input_is_shown_beside_the_question_and_nothing_is_created(staff_as, polls_service):
    admin = staff_as("hanoi.admin")
    bad = post_form(
        admin,
        f"{LIST}/moi",
        poll_form(
            slot(1, "Có đồng ý không?", "single", "Chỉ một phương án"),
            slot(2, "Đánh giá từng mặt", "matrix", "Tốt\nChưa tốt", ""),
            slot(3, "Ý kiến", "text", max_length="99999"),
            title="Ab",
        ),
    )
    page = text(bad)
    assert bad.status_code == 422
    for field in ("title", "q1_options", "q2_rows", "q3_max_length"):
        assert f'id="loi-{field}"' in page, field
    assert 'aria-describedby="goi-y-q1_options loi-q1_options" aria-invalid="true"' in page
    assert "Cần ít nhất 2 phương án." in page and 'href="#q2_rows"' in page  # the summary links to the field
    assert "Chỉ một phương án" in page and 'value="Ab"' in page  # what was typed is kept

    late = post_form(admin, f"{LIST}/moi", poll_form(*EVERY_KIND, closes_at="2031-02-01T08:00"))
    assert late.status_code == 422 and "Thời điểm đóng phải sau thời điểm mở." in text(late)
    assert 'id="loi-closes_at"' in text(late)
    empty = post_form(admin, f"{LIST}/moi", poll_form(slot(1), slot(2)))
    assert empty.status_code == 422 and "Cần ít nhất một câu hỏi." in text(empty)
    assert "Chưa có phiếu nào" in text(admin.get(LIST))


def test_a_draft_is_edited_in_vietnam_time_and_an_open_poll_is_not(staff_as, hanoi_api):
    admin = staff_as("hanoi.admin")
    poll_id = poll_id_of(post_form(admin, f"{LIST}/moi", poll_form(*EVERY_KIND)))
    edit = f"{LIST}/{poll_id}/sua"
    form = text(admin.get(edit))
    assert 'value="2031-03-01T08:00"' in form and "Tiền lương\nNhà ở" in form
    assert 'id="dt-' in form and "checked" in form.split('id="dt-')[1].split(">")[0]  # its audience ticked

    refused = post_form(admin, edit, poll_form(*EVERY_KIND, title=""))
    assert refused.status_code == 422 and 'id="loi-title"' in text(refused)
    assert hanoi_api.get(f"/api/v1/polls/{poll_id}").json["title"] == "Lấy ý kiến về bữa ăn ca năm 2027"

    changed = post_form(admin, edit, poll_form(at(1, EVERY_KIND[4]), at(2, EVERY_KIND[0]), title="Ý kiến về nhà ăn"))
    assert changed.status_code == 303
    stored = hanoi_api.get(f"/api/v1/polls/{poll_id}").json
    assert stored["title"] == "Ý kiến về nhà ăn" and [q["kind"] for q in stored["questions"]] == ["matrix", "single"]

    hanoi_api.patch(f"/api/v1/polls/{poll_id}", json=poll_window())
    assert hanoi_api.post(f"/api/v1/polls/{poll_id}/open").status_code == 200
    again = admin.get(edit)
    assert again.status_code == 303 and again.headers["Location"] == f"{LIST}/{poll_id}"
    assert "Chỉ sửa được phiếu ở trạng thái bản nháp" in text(admin.get(again.headers["Location"]))


def test_the_life_cycle_and_a_wrong_state_shown_as_a_message(staff_as, hanoi_api):
    admin = staff_as("hanoi.admin")
    poll_id = poll_id_of(post_form(admin, f"{LIST}/moi", poll_form(*EVERY_KIND, **poll_window())))
    path = f"{LIST}/{poll_id}"
    page = admin.get(path)
    token = csrf_of(page)
    assert "Sau khi mở, phiếu không sửa được nữa" in text(page)

    opened = admin.post(f"{path}/mo", data={"csrf_token": token})
    assert opened.status_code == 303
    shown = text(admin.get(path))
    assert "Đã mở phiếu." in shown and 'id="form-dong"' in shown and "Đang mở" in shown
    twice = admin.post(f"{path}/mo", data={"csrf_token": token})
    assert twice.status_code == 409 and 'id="thong-bao-loi"' in text(twice)
    assert "Không thể mở phiếu đang ở trạng thái “Đang mở”" in text(twice)

    assert admin.post(f"{path}/dong", data={}).status_code == 400  # no CSRF token: nothing done
    assert hanoi_api.get(path.replace(LIST, "/api/v1/polls")).json["status"] == "open"
    assert "người đã trả lời" in text(admin.get("/quan-tri/"))  # the landing card lists the open poll

    assert admin.post(f"{path}/dong", data={"csrf_token": token}).status_code == 303
    assert 'id="form-cong-bo"' in text(admin.get(path))
    assert admin.post(f"{path}/cong-bo", data={"csrf_token": token}).status_code == 303
    assert "Kết quả đã được công bố" in text(admin.get(path))
    results = text(admin.get(f"{path}/ket-qua"))
    assert "Đã công bố kết quả" in results and "Ẩn số liệu: câu này có dưới 5 người trả lời." in results
    assert 'id="bang-don-vi"' not in results  # the breakdown per federation is the VGCL's


def test_live_results_the_vgcl_breakdown_moderation_and_downloads(
    staff_as, polls_api, login, member_token, polls_service
):
    from openpyxl import load_workbook

    vgcl_api = polls_api.as_(login("admin"))
    created = vgcl_api.post(
        "/api/v1/polls",
        json={
            "title": "Trưng cầu về tiền lương",
            "questions": POLL_QUESTIONS,
            "audience": {"all": True},
            **poll_window(),
        },
    )
    poll_id = created.json["id"]
    assert vgcl_api.post(f"/api/v1/polls/{poll_id}/open").status_code == 200
    for code, n in (("LDLD-HN", 6), ("LDLD-DN", 2)):
        for i in range(n):
            answers = {**GOOD, "q1": "o1" if i % 2 == 0 else "o2", "q4": f"Ý kiến số {i + 1} của {code}"}
            sent = polls_api.as_(member_token(code)).post(
                f"/api/v1/polls/{poll_id}/responses", json={"answers": answers}
            )
            assert sent.status_code == 202
    admin = staff_as("admin")
    path = f"{LIST}/{poll_id}/ket-qua"
    wait_for(lambda: 'id="so-nguoi-tra-loi">8' in text(admin.get(path)), message="8 responses counted")

    page = text(admin.get(path))
    single = page.split('id="ket-qua-cau-1"')[1].split("</section>")[0]
    assert "<caption>Câu 1: số người và tỉ lệ theo phương án</caption>" in single
    assert re.search(r"Hài lòng</th>\s*<td class=\"num\">4</td>\s*<td class=\"num\">50%</td>", single)
    assert 'class="bar-fill w-50"' in single and "style=" not in page
    assert "Câu 5 – Tiền lương" in page and "Điểm trung bình: <strong>4,00</strong>" in page
    table = page.split('id="bang-don-vi"')[1].split("</table>")[0]
    assert re.search(r"Hà Nội</th><td class=\"num\">6</td>", table) and "dưới 5" in table
    listed = text(admin.get(LIST))
    assert "Trưng cầu về tiền lương" in listed and "Toàn bộ đoàn viên cả nước" in listed
    assert re.search(r'<td class="number">8</td>', listed)

    danang = member_token.tenants["LDLD-DN"]
    one = text(admin.get(f"{path}?don-vi={danang}"))
    assert "Ẩn số liệu: câu này có dưới 5 người trả lời." in one and f'value="{danang}" selected' in one
    assert 'id="so-nguoi-tra-loi">dưới 5' in one and "2 người trả lời câu này" not in one  # Đà Nẵng's 2 stay hidden
    assert admin.get(f"{path}?don-vi=khong-phai-ma").status_code == 422

    answers = page.split('id="y-kien"')[1]
    assert "Ý kiến số 1 của LDLD-HN" in answers and "Chờ duyệt" in answers
    answer_id = re.search(r'id="form-y-kien-([0-9a-f-]{36})"', answers).group(1)
    hidden = admin.post(
        f"{LIST}/{poll_id}/y-kien/{answer_id}", data={"csrf_token": csrf_of(admin.get(path)), "status": "hidden"}
    )
    assert hidden.status_code == 303 and hidden.headers["Location"].endswith("/ket-qua#y-kien")
    only_hidden = text(admin.get(f"{path}?y-kien=hidden"))
    assert only_hidden.count('class="pl-answer"') == 1 and f"form-y-kien-{answer_id}" in only_hidden
    assert "Đã ẩn ý kiến khỏi kết quả." in only_hidden
    bad = admin.post(
        f"{LIST}/{poll_id}/y-kien/{answer_id}", data={"csrf_token": csrf_of(admin.get(path)), "status": "deleted"}
    )
    assert bad.status_code == 422 and 'id="thong-bao-loi"' in text(bad)

    csv = admin.get(f"{path}.csv")
    assert csv.status_code == 200 and csv.headers["Content-Disposition"] == f'attachment; filename="poll-{poll_id}.csv"'
    assert "Hài lòng" in csv.get_data().decode("utf-8-sig")
    xlsx = admin.get(f"{path}.xlsx")
    assert xlsx.headers["Content-Disposition"].startswith("attachment;") and xlsx.mimetype.endswith(".sheet")
    assert load_workbook(io.BytesIO(xlsx.get_data())).sheetnames

    # Hà Nội's admin sees the national poll (its members answer it) but does not manage it
    assert staff_as("hanoi.admin").get(path).status_code == 403


def test_the_vgcl_addresses_every_member_or_chosen_federations(staff_as, polls_service):
    admin = staff_as("admin")
    form = text(admin.get(f"{LIST}/moi"))
    assert 'id="doi-tuong-tat-ca"' in form and "Liên đoàn Lao động thành phố Đà Nẵng" in form
    assert re.search(r'class="aud-depth-1"><input type="checkbox" id="dt-[0-9a-f-]{36}"', form)
    national = post_form(admin, f"{LIST}/moi", poll_form(*EVERY_KIND, audience_mode="all"))
    assert national.status_code == 303
    assert "Toàn bộ đoàn viên cả nước" in text(admin.get(national.headers["Location"]))


def test_the_preview_is_the_members_form_locked(staff_as, polls_service):
    admin = staff_as("hanoi.admin")
    poll_id = poll_id_of(post_form(admin, f"{LIST}/moi", poll_form(*EVERY_KIND)))
    page = text(admin.get(f"{LIST}/{poll_id}/xem-truoc"))
    assert 'class="form poll-form"' in page and '<input disabled type="radio" name="c5-d2" value="o2">' in page
    assert '<textarea disabled id="c4" name="c4" maxlength="500"' in page
    assert "Thang điểm từ 0 (thấp nhất) đến 10 (cao nhất)." in page and "csrf_token" not in page.split("<main")[1]


def test_another_federation_gets_404_a_contributor_403_and_a_member_403(staff_as, hanoi_api):
    admin = staff_as("hanoi.admin")
    draft = poll_id_of(post_form(admin, f"{LIST}/moi", poll_form(*EVERY_KIND, **poll_window())))
    opened = poll_id_of(post_form(admin, f"{LIST}/moi", poll_form(*EVERY_KIND, **poll_window())))
    assert hanoi_api.post(f"/api/v1/polls/{opened}/open").status_code == 200

    danang = staff_as("danang.admin")
    for suffix in ("", "/sua", "/xem-truoc", "/ket-qua", "/ket-qua.csv"):
        assert danang.get(f"{LIST}/{draft}{suffix}").status_code == 404, suffix
    token = csrf_of(danang.get(LIST))
    assert danang.post(f"{LIST}/{draft}/mo", data={"csrf_token": token}).status_code == 404
    assert "Chưa có phiếu nào" in text(danang.get(LIST))
    assert danang.get(f"{LIST}/khong-phai-ma").status_code == 404

    contributor = staff_as("hanoi.contributor")
    assert contributor.get(LIST).status_code == 403 and contributor.get(f"{LIST}/moi").status_code == 403
    assert contributor.get(f"{LIST}/{opened}").status_code == 403  # a poll its members answer, not its to manage
    assert contributor.get(f"{LIST}/{draft}").status_code == 404
    assert staff_as("hanoi.member").get(LIST).status_code == 403
    assert hanoi_api.get(f"/api/v1/polls/{draft}").json["status"] == "draft"
