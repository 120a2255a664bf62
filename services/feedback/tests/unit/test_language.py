"""The Vietnamese text rule: diacritics required, NFC storage, profanity list."""

import unicodedata

import pytest

from feedback.language import (
    DIACRITICS_MESSAGE,
    check_profanity,
    looks_unaccented_vietnamese,
    require_vietnamese,
)
from platform_shared.errors import InvalidInput


def test_unaccented_vietnamese_is_refused_with_code_message_and_field():
    with pytest.raises(InvalidInput) as caught:
        require_vietnamese("cong doan tra luong cham qua", "body")
    error = caught.value
    assert error.code == "DIACRITICS_REQUIRED"
    assert error.message == "Vui lòng sử dụng tiếng Việt có dấu" == DIACRITICS_MESSAGE
    assert error.details == {"errors": {"body": ["Vui lòng sử dụng tiếng Việt có dấu"]}}


def test_decomposed_input_comes_back_nfc():
    decomposed = unicodedata.normalize("NFD", "Công đoàn trả lương chậm quá")
    assert require_vietnamese(decomposed, "body") == unicodedata.normalize("NFC", decomposed)


def test_listed_vulgar_word_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as caught:
        check_profanity("Đồ chó má, trả lương đi", "content")
    assert caught.value.code == "PROFANITY"
    assert list(caught.value.details["errors"]) == ["content"]


def test_classifier_tells_marked_from_unmarked():
    assert looks_unaccented_vietnamese("cong doan tra luong cham qua")
    assert not looks_unaccented_vietnamese("Công đoàn trả lương chậm quá")
