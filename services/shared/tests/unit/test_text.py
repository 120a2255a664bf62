import unicodedata

import pytest

from platform_shared.text import fold, nfc, slugify


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


def test_fold_ignores_diacritics_and_d_bar():
    assert fold("CÔNG ĐOÀN") == fold("cong doan") == "cong doan"
