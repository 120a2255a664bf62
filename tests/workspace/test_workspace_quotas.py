"""The week's quota dashboard (/quan-tri/chi-tieu): a federation green once its news item is in,
amber while the week runs, red for a week gone by; each status with its word; a bad week or
quarter is the message beside the field, never a 500; the quarter roll-up counts the weeks met."""

import re
from datetime import UTC, datetime, timedelta

from platform_shared.clock import VN_TZ


def text(response):
    return response.get_data(as_text=True)


def week_of(moment):
    year, week, _ = moment.astimezone(VN_TZ).isocalendar()
    return f"{year:04d}-W{week:02d}"


def row(html, code):
    found = re.search(rf'<tr id="dv-{re.escape(code)}">(.*?)</tr>', html, re.S)
    assert found, f"no row for {code}"
    return found.group(1)


def statuses(cells):
    """The words of the status cells of a row, in order (newest week first)."""
    return re.findall(r'<span class="rag (met|at_risk|missed)">([^<]+)</span>', cells)


def test_a_federation_is_green_once_its_news_item_is_in_and_the_others_amber(staff_as, newsroom):
    newsroom.publish("Công đoàn Hà Nội trao 500 suất quà Tết cho công nhân")
    answer = staff_as("laodong.editor").get("/quan-tri/chi-tieu")
    assert answer.status_code == 200
    html = text(answer)
    this_week = week_of(datetime.now(UTC))
    assert f"Chỉ tiêu tuần {this_week}" in html
    hanoi = row(html, "LDLD-HN")
    assert "1 / 1" in hanoi  # submitted / required
    assert statuses(hanoi)[0] == ("met", "Đạt")
    assert [word for _, word in statuses(hanoi)[1:]] == ["Không đạt"] * 3  # the three weeks before, side by side
    assert statuses(row(html, "LDLD-DN"))[0] == ("at_risk", "Đang thiếu")
    assert 'id="dv-BTG"' not in html  # the news desk sees its own rule: the thematic one is another tab
    assert re.search(r'id="tong-dat">.*?<strong>1</strong>', html, re.S)
    missing = re.search(r'<ul id="chua-dat".*?</ul>', html, re.S).group(0)
    assert "Đà Nẵng" in missing and "Hà Nội" not in missing
    assert 'id="tuan-truoc"' in html and 'id="tuan-sau"' not in html  # no next week after this one


def test_a_week_gone_by_is_red_for_whoever_sent_nothing(staff_as, content_service):
    last_week = week_of(datetime.now(UTC) - timedelta(days=7))
    html = text(staff_as("laodong.editor").get(f"/quan-tri/chi-tieu?tuan={last_week}"))
    assert statuses(row(html, "LDLD-HN"))[0] == ("missed", "Không đạt")
    assert 'id="tuan-sau"' in html and 'id="tuan-nay"' in html
    missing = re.search(r'<ul id="chua-dat".*?</ul>', html, re.S).group(0)
    assert "Hà Nội" in missing and "Không đạt" in missing


def test_the_thematic_desk_sees_the_departments_against_its_rule(staff_as, content_service):
    html = text(staff_as("tuyengiao.editor").get("/quan-tri/chi-tieu"))
    assert "0 / 2" in row(html, "BTG") and 'id="dv-LDLD-HN"' not in html
    assert "Ít nhất 2 bài chuyên đề có ảnh mỗi tuần" in html
    every = text(staff_as("tuyengiao.editor").get("/quan-tri/chi-tieu?ban=tat-ca"))
    assert 'id="dv-LDLD-HN"' in every and 'id="dv-BTG"' in every


def test_a_bad_week_is_the_message_beside_the_field(staff_as, content_service):
    editor = staff_as("laodong.editor")
    for bad in ("2026-W99", "hôm nay", "1900-W01"):
        answer = editor.get("/quan-tri/chi-tieu", query_string={"tuan": bad})
        assert answer.status_code == 422, bad
        html = text(answer)
        assert 'id="loi-tuan"' in html and 'aria-invalid="true"' in html
        assert "Tuần" in re.search(r'id="loi-tuan">([^<]+)<', html).group(1)
        assert 'id="bang-chi-tieu"' not in html


def test_the_quarter_counts_the_weeks_met_per_federation(staff_as, newsroom):
    newsroom.publish("Công đoàn Hà Nội tổ chức Tháng Công nhân")
    today = datetime.now(VN_TZ).date()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    editor = staff_as("laodong.editor")
    html = text(editor.get(f"/quan-tri/chi-tieu?quy={quarter}"))
    assert f"Chỉ tiêu quý {quarter}" in html and 'id="bang-quy"' in html
    hanoi, danang = row(html, "LDLD-HN"), row(html, "LDLD-DN")
    weeks = len(statuses(hanoi))
    assert weeks >= 1 and f"<strong>1</strong> / {weeks}" in hanoi and f"<strong>0</strong> / {weeks}" in danang
    assert 'id="quy-truoc"' in html and 'id="quy-sau"' not in html
    refused = editor.get("/quan-tri/chi-tieu?quy=2026-Q5")
    assert refused.status_code == 422 and 'id="loi-quy"' in text(refused) and "2026-Q4" in text(refused)
