"""The workspace's landing page: what is waiting for each role, the menu of the person's roles,
and who is let in (staff only; a reader signs in first)."""

import pytest


def text(response):
    return response.get_data(as_text=True)


def test_a_reader_who_is_not_signed_in_goes_to_the_sign_in_page(make_gateway, accounts_service):
    answer = make_gateway().test_client().get("/quan-tri/")
    assert answer.status_code == 302 and answer.headers["Location"] == "/dang-nhap?tiep=/quan-tri/"


def test_a_member_without_a_staff_role_gets_the_vietnamese_403_page(staff_as):
    answer = staff_as("hanoi.member").get("/quan-tri/")
    assert answer.status_code == 403 and answer.mimetype == "text/html"
    assert "dành cho cán bộ công đoàn" in text(answer)


def test_an_editor_lands_on_the_desks_queue_and_the_weeks_quotas(staff_as, content_service, api, login):
    contributor = api.as_(login("hanoi.contributor"))
    created = contributor.post(
        "/api/v1/articles",
        json={
            "section": "news",
            "genre": "news",
            "title": "Tin chờ duyệt ở bàn Báo Lao Động",
            "body": "<p>Nội dung tin.</p>",
        },
    )
    assert created.status_code == 201, created.json
    assert contributor.post(f"/api/v1/articles/{created.json['id']}/submit").status_code == 200

    html = text(staff_as("laodong.editor").get("/quan-tri/"))
    assert "Xin chào, Vũ Thị Hồng" in html and "Biên tập viên" in html
    assert "<strong>1</strong> bài mới gửi chờ duyệt" in html
    assert "Tin chờ duyệt ở bàn Báo Lao Động" in html  # the one waiting longest
    assert "Chỉ tiêu tuần" in html and "Chấm nhuận bút" not in html  # the menu of the editor's roles only


def test_a_contributor_sees_their_drafts_and_what_was_returned(staff_as, content_service):
    html = text(staff_as("hanoi.contributor").get("/quan-tri/"))
    assert "Bài viết của tôi" in html and "<strong>0</strong> bài được trả lại cần sửa" in html
    assert 'href="/quan-tri/bai-viet/moi"' in html and "Chờ biên tập" not in html


def test_a_royalty_officer_sees_the_items_to_score_and_the_overdue(staff_as, royalties_service):
    html = text(staff_as("laodong.royalty").get("/quan-tri/"))
    assert "tác phẩm chờ chấm điểm" in html and "quá hạn chi trả" in html


def test_a_block_whose_service_is_down_says_so_and_the_page_still_answers(staff_as):
    answer = staff_as("laodong.editor").get("/quan-tri/")  # content is not running in this test
    assert answer.status_code == 200
    assert "Chưa lấy được hàng chờ biên tập" in text(answer)


@pytest.mark.parametrize(("old", "new"), [("/quan-tri", "/quan-tri/"), ("/console", "/quan-tri/")])
def test_the_old_console_addresses_lead_to_the_workspace(make_gateway, old, new):
    answer = make_gateway().test_client().get(old)
    assert answer.status_code == 301 and answer.headers["Location"] == new


def test_the_report_menu_entry_shows_for_the_propaganda_dept_editors_only(staff_as, content_service, polls_service):
    """«Báo cáo 6 tháng» is the June/December reports' overseers' work: the Propaganda Dept's
    editors see it, another desk's editors do not (polls would refuse them)."""
    btg = staff_as("tuyengiao.editor").get("/quan-tri/").get_data(as_text=True)
    bld = staff_as("laodong.editor").get("/quan-tri/").get_data(as_text=True)
    assert 'href="/quan-tri/bao-cao"' in btg
    assert 'href="/quan-tri/bao-cao"' not in bld


def test_a_grassroots_unions_administrator_sees_only_the_work_of_its_own_branch(staff_as):
    """A unit administrator's menu: its unit tree, members, accounts and staff records — not the
    federation's questions, polls, reports or organisations, which no service grants it."""
    html = staff_as("canon.admin").get("/quan-tri/").get_data(as_text=True)
    for path in ("/quan-tri/don-vi", "/quan-tri/doan-vien", "/quan-tri/tai-khoan", "/quan-tri/can-bo"):
        assert f'href="{path}"' in html, path
    for path in ("/quan-tri/hoi-dap", "/quan-tri/trung-cau", "/quan-tri/bao-cao", "/quan-tri/don-vi-thanh-vien"):
        assert f'href="{path}"' not in html, path
    assert "Quản trị công đoàn cơ sở" in html  # its role, named in Vietnamese
