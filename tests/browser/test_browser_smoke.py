"""The browser test kit works: Chromium opens a page of the platform served over HTTP, axe-core
checks it, and full-page screenshots are taken at a phone's and a desktop's width."""

import struct

import pytest

pytestmark = pytest.mark.browser


def png_size(path):
    """(width, height) of a PNG file; fails on anything that is not one."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG file"
    return struct.unpack(">II", data[16:24])


def test_the_sign_in_page_opens_in_chromium_is_checked_by_axe_and_photographed(
    page, browse, portal, axe_violations, screenshots
):
    browse.open(portal, "/dang-nhap")

    assert page.title.startswith("Đăng nhập")
    assert page.execute_script("return document.documentElement.lang") == "vi"
    assert page.execute_script("return navigator.languages") == ["vi-VN", "vi"]  # --lang=vi, Accept-Language
    found = axe_violations(page)
    assert not found, found.report()

    shots = screenshots(page, "smoke-sign-in")
    assert sorted(shots) == [360, 1366]
    for width, path in shots.items():
        assert path.name == f"smoke-sign-in-{width}.png"
        shot_width, shot_height = png_size(path)
        assert shot_width == width
        assert 0 < shot_height <= 6000
    assert page.get_window_size() == {"width": 1366, "height": 900}  # the window is left as it was


def test_axe_finds_what_is_wrong_and_says_where(page, axe_violations):
    page.get("data:text/html;charset=utf-8,<title>x</title><img src='data:,'><a href='/'></a>")

    found = axe_violations(page)

    assert {"image-alt", "html-has-lang", "link-name"} <= set(found.ids)
    assert all(v["impact"] in ("serious", "critical") for v in found)
    report = str(found)
    assert "image-alt [critical]" in report and "at img" in report and "dequeuniversity.com" in report


def test_axe_that_cannot_run_says_why_and_on_which_page(page, axe_violations):
    page.get("data:text/html;charset=utf-8,<html lang='vi'><title>x</title></html>")

    with pytest.raises(axe_violations.Error) as failure:
        axe_violations(page, rules=["no-such-rule"])

    message = str(failure.value)
    assert "no-such-rule" in message and "data:text/html" in message


def test_screenshots_take_the_whole_page_up_to_6000_px(page, screenshots):
    tall = "<html lang='vi'><meta name='viewport' content='width=device-width'><body style='margin:0'>"
    page.get(f"data:text/html;charset=utf-8,{tall}<div style='height:2500px'></div>")
    assert {w: png_size(p) for w, p in screenshots(page, "smoke-tall").items()} == {
        360: (360, 2500),
        1366: (1366, 2500),
    }

    page.get(f"data:text/html;charset=utf-8,{tall}<div style='height:9000px'></div>")
    assert png_size(screenshots(page, "smoke-taller", widths=(360,))[360]) == (360, 6000)
