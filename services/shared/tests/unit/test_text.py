import unicodedata

import pytest

from platform_shared.text import fold, nfc, nfc_paragraphs, slugify


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Công đoàn Đà Nẵng", "cong-doan-da-nang"),
        ("Liên đoàn Lao động thành phố Hà Nội", "lien-doan-lao-dong-thanh-pho-ha-noi"),
        ("  Ý kiến đoàn viên!!  ", "y-kien-doan-vien"),
        ("Nghị định 18/2014/NĐ-CP", "nghi-dinh-18-2014-nd-cp"),
        ("LDLD-HN", "ldld-hn"),
    ],
)
def test_slugs_are_ascii_and_vietnamese_aware(title, slug):
    assert slugify(title) == slug


def test_nfc_normalises_decomposed_text_and_blanks():
    decomposed = unicodedata.normalize("NFD", "Công   đoàn\n")
    assert nfc(decomposed) == "Công đoàn"
    assert unicodedata.is_normalized("NFC", nfc(decomposed))


def test_text_in_paragraphs_keeps_its_line_breaks_and_nothing_else():
    decomposed = unicodedata.normalize(
        "NFD", "  Kết quả   nổi bật:\r\n\r\n\r\n\t- Tuyên truyền  tốt \r\n- Trả lời chậm\n\n "
    )
    assert nfc_paragraphs(decomposed) == "Kết quả nổi bật:\n\n- Tuyên truyền tốt\n- Trả lời chậm"
    assert unicodedata.is_normalized("NFC", nfc_paragraphs(decomposed))
    assert nfc_paragraphs(" \n \n") == "" and nfc_paragraphs(None) is None


def test_fold_ignores_diacritics_and_d_bar():
    assert fold("CÔNG ĐOÀN") == fold("cong doan") == "cong doan"
