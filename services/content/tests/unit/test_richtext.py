import unicodedata
from html.parser import HTMLParser

import pytest

from content.richtext import MAX_BODY_BYTES, clean_html, diff, plain_text, word_count
from platform_shared.errors import InvalidInput

PARAGRAPH = "<p>Công đoàn Việt Nam chăm lo đời sống đoàn viên.</p>"


def refusal(body):
    with pytest.raises(InvalidInput) as caught:
        clean_html(body)
    return caught.value


# --- clean_html -------------------------------------------------------------------------


def test_scripts_are_removed_with_their_content():
    cleaned = clean_html('<p>Đại hội Công đoàn</p><script>alert("xss")</script><style>p{color:red}</style>')
    assert cleaned == "<p>Đại hội Công đoàn</p>"


def test_iframes_are_removed_with_their_content():
    cleaned = clean_html('<p>Tin tức</p><iframe src="https://example.com">nội dung <b>nhúng</b></iframe>')
    assert cleaned == "<p>Tin tức</p>"


def test_event_handler_attributes_are_removed():
    cleaned = clean_html('<p onclick="steal()">Người lao động</p><img src="x" onerror="alert(1)"><b>vững mạnh</b>')
    assert "onclick" not in cleaned
    assert "onerror" not in cleaned
    assert "<img" not in cleaned
    assert "Người lao động" in cleaned and "<b>vững mạnh</b>" in cleaned


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4="],
)
def test_dangerous_link_schemes_are_dropped(href):
    cleaned = clean_html(f'<p><a href="{href}">Xem chi tiết</a></p>')
    assert "href" not in cleaned
    assert "javascript" not in cleaned.lower() and "data:" not in cleaned
    assert "Xem chi tiết" in cleaned


def test_style_and_class_are_removed():
    cleaned = clean_html('<p style="color:red" class="lead"><span style="font-size:40px">Thỏa ước lao động</span></p>')
    assert cleaned == "<p><span>Thỏa ước lao động</span></p>"


def test_allowed_formatting_is_kept():
    body = (
        "<h2>Chính sách mới</h2>"
        "<p><strong>Lương</strong> tối thiểu <em>vùng</em> tăng <u>6%</u>, H<sub>2</sub>O, m<sup>2</sup>.</p>"
        "<blockquote>Trích dẫn</blockquote>"
        "<ul><li>Một</li><li>Hai</li></ul>"
        '<table><thead><tr><th colspan="2">Bảng lương</th></tr></thead>'
        '<tbody><tr><td rowspan="2">Vùng I</td><td>4.960.000 đồng</td></tr></tbody></table>'
        "<hr><pre><code>mã</code></pre>"
    )
    assert clean_html(body) == body


def test_links_get_rel_and_keep_href_and_title():
    cleaned = clean_html('<p><a href="https://congdoan.vn/tin-tuc" title="Tin tức" target="_blank">Đọc thêm</a></p>')
    assert cleaned == (
        '<p><a href="https://congdoan.vn/tin-tuc" title="Tin tức" rel="noopener noreferrer nofollow">Đọc thêm</a></p>'
    )


def test_mailto_links_are_kept():
    cleaned = clean_html('<p><a href="mailto:banbientap@congdoan.vn">Liên hệ</a></p>')
    assert 'href="mailto:banbientap@congdoan.vn"' in cleaned


def test_text_is_nfc_normalised():
    decomposed = unicodedata.normalize("NFD", "<p>Liên đoàn Lao động thành phố Hồ Chí Minh</p>")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    cleaned = clean_html(decomposed)
    assert cleaned == "<p>Liên đoàn Lao động thành phố Hồ Chí Minh</p>"
    assert unicodedata.is_normalized("NFC", cleaned)


def attribute_names(html):
    names = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            names.extend(name for name, _ in attrs)

    Collector().feed(html)
    return names


@pytest.mark.parametrize("mark", ["\u0338", "&#x338;"])
def test_normalising_cannot_turn_text_into_an_attribute(mark):
    # NFC composes ">" + U+0338 into "≯"; applied after sanitising, it would re-open the <p> tag
    # and turn the text ' onclick="alert(1)"' into an attribute.
    cleaned = clean_html(f'<p>{mark} onclick="alert(1)" x</p><p>An toàn</p>')
    assert "onclick" not in attribute_names(cleaned)
    assert "<p\u226f" not in cleaned
    assert cleaned.endswith("<p>An toàn</p>")
    assert unicodedata.is_normalized("NFC", cleaned)


def test_body_over_limit_is_refused_before_sanitising():
    # Mostly markup that cleaning would strip: the limit applies to what was sent.
    body = "<p>Công đoàn</p>" + "<script></script>" * (MAX_BODY_BYTES // len("<script></script>") + 1)
    error = refusal(body)
    assert error.code == "BODY_TOO_LARGE"
    assert error.details["errors"]["body"] == [error.message]
    assert error.message.startswith("Nội dung vượt quá 200 KB")


def test_limit_counts_utf8_bytes_not_characters():
    # "đ" is two bytes in UTF-8: about 100 K characters already exceed 200 KB.
    assert refusal("<p>" + "đ" * (MAX_BODY_BYTES // 2) + "</p>").code == "BODY_TOO_LARGE"
    just_under = "<p>" + "đ" * (MAX_BODY_BYTES // 2 - 4) + "</p>"
    assert len(just_under.encode("utf-8")) == MAX_BODY_BYTES - 1
    assert clean_html(just_under) == just_under


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   ",
        "<script>alert(1)</script>",
        "<p>  </p><br><hr>",
        "<style>p{}</style><p>&nbsp;</p>",
        "<!-- ghi chú -->",
    ],
)
def test_body_empty_after_cleaning_is_refused(body):
    error = refusal(body)
    assert error.code == "EMPTY_BODY"
    assert error.details["errors"]["body"] == ["Nội dung bài viết trống."]


@pytest.mark.parametrize("body", [None, 42, "<p>Công đoàn</p>".encode(), ["<p>x</p>"]])
def test_non_string_body_is_refused(body):
    error = refusal(body)
    assert error.code == "INVALID_BODY"
    assert "body" in error.details["errors"]


def test_lone_surrogates_are_refused():
    assert refusal("<p>Công đoàn \ud800</p>").code == "INVALID_BODY"


# --- plain_text -------------------------------------------------------------------------


def test_plain_text_of_nested_blocks_and_entities():
    html = (
        "<h2>Hội nghị &amp; Đại hội</h2>"
        "<blockquote><p>Đoàn kết,</p><p>đổi mới.</p></blockquote>"
        "<ul><li><strong>Bảo vệ</strong> quyền lợi</li><li>Chăm lo&nbsp;đời sống</li></ul>"
        "<p>Giá&nbsp;trị &lt;cao&gt;<br>dòng   mới</p>"
        "<table><tr><th>Vùng</th><th>Mức</th></tr><tr><td>I</td><td>4.960.000</td></tr></table>"
    )
    assert plain_text(html) == (
        "Hội nghị & Đại hội\nĐoàn kết,\nđổi mới.\nBảo vệ quyền lợi\nChăm lo đời sống\n"
        "Giá trị <cao>\ndòng mới\nVùng Mức\nI 4.960.000"
    )


def test_plain_text_unescapes_entities_once():
    assert plain_text("<p>&amp;lt;b&amp;gt; &#273;o&agrave;n</p>") == "&lt;b&gt; đoàn"


def test_plain_text_ignores_scripts_and_handles_empty_input():
    assert plain_text("<p>Tin</p><script>var x = '<p>';</script>") == "Tin"
    assert plain_text("") == ""
    assert plain_text(None) == ""


# --- word_count -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, count",
    [
        ("Công đoàn Việt Nam", 4),
        ("  Người lao động – đoàn viên…  ", 5),
        ("Nghị định 18/2014/NĐ-CP, ngày 14/3/2014.", 5),
        (unicodedata.normalize("NFD", "Tổng Liên đoàn"), 3),
        ("", 0),
        ("— … !", 0),
    ],
)
def test_word_count_counts_vietnamese_syllables(text, count):
    assert word_count(text) == count


def test_word_count_of_a_cleaned_body():
    assert word_count(plain_text(clean_html(PARAGRAPH + "<p>Tăng cường đối thoại.</p>"))) == 14


# --- diff -------------------------------------------------------------------------------


def revision(**overrides):
    base = {
        "title": "Hội nghị người lao động năm 2025",
        "summary": "Tóm tắt hội nghị.",
        "body": (
            "<p>Sáng nay, Công đoàn tổ chức hội nghị. Hơn 300 đoàn viên tham dự. "
            "Hội nghị thông qua nghị quyết.</p><p>Lãnh đạo phát biểu bế mạc.</p>"
        ),
    }
    base.update(overrides)
    return base


def test_diff_of_identical_revisions_is_empty():
    assert diff(revision(), revision()) == []


def test_diff_lists_only_changed_fields():
    changes = diff(revision(), revision(title="Hội nghị người lao động năm 2026"))
    assert [change["field"] for change in changes] == ["title"]
    lines = changes[0]["changes"]
    assert "-Hội nghị người lao động năm 2025" in lines
    assert "+Hội nghị người lao động năm 2026" in lines


def test_diff_shows_a_changed_word_in_the_body_as_one_sentence():
    old = revision()
    new = revision(body=old["body"].replace("Hơn 300", "Hơn 500"))
    (change,) = diff(old, new)
    assert change["field"] == "body"
    removed = [line for line in change["changes"] if line.startswith("-") and not line.startswith("---")]
    added = [line for line in change["changes"] if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-Hơn 300 đoàn viên tham dự."]
    assert added == ["+Hơn 500 đoàn viên tham dự."]
    assert all("<p>" not in line for line in change["changes"])


def test_diff_falls_back_to_markup_when_only_formatting_changed():
    old = revision()
    new = revision(body=old["body"].replace("Lãnh đạo", "<strong>Lãnh đạo</strong>"))
    (change,) = diff(old, new)
    assert "-<p>Lãnh đạo phát biểu bế mạc.</p>" in change["changes"]
    assert "+<p><strong>Lãnh đạo</strong> phát biểu bế mạc.</p>" in change["changes"]


def test_diff_treats_missing_values_as_empty_and_keeps_field_order():
    changes = diff({"title": "Tin mới"}, revision(title="Tin mới"))
    assert [change["field"] for change in changes] == ["summary", "body"]
    assert "+Tóm tắt hội nghị." in changes[0]["changes"]
    assert diff({}, {}, fields=("title",)) == []
