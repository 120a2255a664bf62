"""The Vietnamese text rule: diacritics required, NFC storage, profanity list, and the
classifier's precision and recall on a hand-written labelled set."""

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback.language import (
    DIACRITICS_MESSAGE,
    PROFANITY_PHRASES,
    _classify,
    _decide,
    check_profanity,
    find_profanity,
    looks_unaccented_vietnamese,
    require_vietnamese,
)
from platform_shared.errors import InvalidInput

LABELLED = Path(__file__).with_name("data") / "diacritics_labelled.tsv"
OUTSIDE = Path(__file__).with_name("data") / "diacritics_outside.tsv"


def labelled_rows(path=LABELLED):
    """(category, label, sentence) of a labelled set."""
    rows, category = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# category:"):
            category = line.split(":", 1)[1].split("(")[0].strip()
        elif line and not line.startswith("#"):
            label, sentence = line.split("\t")
            rows.append((category, label, sentence))
    return rows


# --- require_vietnamese ---------------------------------------------------------------


def test_unaccented_vietnamese_is_refused_with_code_message_and_field():
    with pytest.raises(InvalidInput) as caught:
        require_vietnamese("cong doan tra luong cham qua", "body")
    error = caught.value
    assert error.status == 422
    assert error.code == "DIACRITICS_REQUIRED"
    assert error.message == "Vui lòng sử dụng tiếng Việt có dấu" == DIACRITICS_MESSAGE
    assert error.details == {"errors": {"body": ["Vui lòng sử dụng tiếng Việt có dấu"]}}


def test_decomposed_input_comes_back_composed():
    composed = "Công đoàn trả lương chậm quá"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert require_vietnamese(decomposed, "body") == composed


def test_decomposed_unaccented_text_is_still_refused_and_decomposed_marks_still_count():
    assert looks_unaccented_vietnamese(unicodedata.normalize("NFD", "cong ty no luong hai thang roi"))
    assert not looks_unaccented_vietnamese(unicodedata.normalize("NFD", "Công ty nợ lương hai tháng rồi"))


def test_surrounding_blanks_are_removed_and_inner_lines_kept():
    assert require_vietnamese("  Dòng một.\nDòng hai.  \n", "body") == "Dòng một.\nDòng hai."


@pytest.mark.parametrize("reply", ["ok", "Ok ạ", "cảm ơn", "Dạ", "cam on", "Da vang", "hay qua", "+1", "👍", ""])
def test_short_replies_pass(reply):
    assert require_vietnamese(reply, "content") == reply


@pytest.mark.parametrize(
    "text",
    [
        "Xem https://congdoan.vn/hoi-dap/bao-hiem-xa-hoi-mot-lan-va-luong-huu",
        "Gửi về nguyen.van.an@congdoan.vn hoặc gọi 0912 345 678",
        "Tran Thi Mai, Nguyen Van Hung, Le Thi Thu",
        "123 Le Loi, Q1, TP HCM",
        "Lương tháng 10/2026: 6.500.000 đ, phụ cấp 450.000 đ.",
    ],
)
def test_urls_emails_phones_names_and_addresses_pass(text):
    assert not looks_unaccented_vietnamese(text)


def test_quoted_unaccented_or_english_words_inside_vietnamese_pass():
    assert not looks_unaccented_vietnamese('Sếp nói "if you complain, you will be fired" với chúng tôi.')
    assert not looks_unaccented_vietnamese('"Cong doan tra luong cham qua" là câu công nhân hay nói đùa.')


def test_english_sentences_pass_even_with_words_that_spell_vietnamese_syllables():
    assert not looks_unaccented_vietnamese("The man can hang on to the ban on long shifts")
    assert not looks_unaccented_vietnamese("I would like to ask about overtime pay for foreign workers.")


def test_mostly_accented_text_with_a_few_unmarked_words_passes():
    assert not looks_unaccented_vietnamese("Tôi dùng phan mem Misa để chấm công hàng ngày")
    assert not looks_unaccented_vietnamese("Công ty tra lương chậm quá, đã 10 ngày rồi mà vẫn chưa có.")


def test_a_stray_mark_does_not_save_an_unaccented_text():
    assert looks_unaccented_vietnamese("toi muon hỏi ve che do nghi phep nam cua cong nhan")


def test_capitals_teencode_and_title_case_are_refused_when_unaccented():
    assert looks_unaccented_vietnamese("CONG TY NO LUONG 3 THANG ROI, CONG DOAN O DAU?")
    assert looks_unaccented_vietnamese("cty ko tra luong dc 2 thang r")
    assert looks_unaccented_vietnamese("Cong Ty Tra Luong Cham Qua Thang Nay")
    assert not looks_unaccented_vietnamese("CÔNG TY NỢ LƯƠNG 3 THÁNG RỒI, CÔNG ĐOÀN Ở ĐÂU?")
    assert not looks_unaccented_vietnamese("cty ko trả lương đc 2 tháng r")


def test_min_words_sets_how_long_a_text_must_be_to_be_judged_by_the_full_rule():
    # four Vietnamese words beside a foreign one: the full rule refuses it, the short-text one does not
    assert looks_unaccented_vietnamese("toi bi tru luong salary", min_words=4)
    assert require_vietnamese("toi bi tru luong salary", "body", min_words=5) == "toi bi tru luong salary"


def test_a_text_shorter_than_min_words_is_judged_by_the_share_of_its_vietnamese_words():
    with pytest.raises(InvalidInput):
        require_vietnamese("toi bi tru luong", "body", min_words=5)
    assert looks_unaccented_vietnamese("UBND cap tinh co")
    assert not looks_unaccented_vietnamese("cam on ban")  # one word needing marks
    assert not looks_unaccented_vietnamese("oke ban oi")
    assert not looks_unaccented_vietnamese("toi bi tru Misa salary")  # not all Vietnamese-looking


# --- abbreviations of union writing ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "CDCS to chuc dai hoi",
        "LDLD tinh",
        "BCH CD co so hop",
        "thuc hien QD-TLD ve doan phi",
        "NLD bi no luong",
        "DVCD duoc ho tro",
        "CNVCLD tham gia dong doan phi",
        "CDCS TO CHUC DAI HOI",
    ],
)
def test_unmarked_union_abbreviations_are_evidence_of_unmarked_text(text):
    assert looks_unaccented_vietnamese(text)


@pytest.mark.parametrize(
    "text",
    [
        "CĐCS tổ chức đại hội",
        "LĐLĐ tỉnh",
        "Thực hiện QĐ-TLĐ về đoàn phí",
        "NLĐ bị nợ lương",
        "Gửi NLD danh sách đoàn viên",  # one abbreviation typed without its Đ in a marked text
        "I bought a new CD player for the car",
        "Please put the CD in the drive",
        "CD rom",
        "NLD",
    ],
)
def test_marked_abbreviations_marked_text_and_english_with_cd_pass(text):
    assert not looks_unaccented_vietnamese(text)


def test_a_person_opening_a_sentence_is_a_name_but_an_unaccented_title_case_title_is_not():
    assert not looks_unaccented_vietnamese("Nguyen Van Hung, to may 2, xuong 1")
    assert looks_unaccented_vietnamese("Che Do Thai San", min_words=3)
    assert not looks_unaccented_vietnamese("Chế Độ Thai Sản", min_words=3)


@pytest.mark.parametrize("title", ["Phan Anh Ve Luong", "Dang Ky Cong Doan", "Ho So Thai San", "Luu Y Khi Ky"])
def test_a_title_opening_with_a_word_that_is_also_a_surname_is_still_judged(title):
    assert looks_unaccented_vietnamese(title, min_words=3)


VOCABULARY = (
    "công đoàn trả lương chậm quá Tôi hỏi về chế độ HĐLĐ Nguyễn Văn An Đà Nẵng "
    "cong doan tra luong cham qua toi hoi ve che do cho anh em xin tin ty ko dc "
    "the man can to me ban long salary overtime Zalo BHXH Nguyen Van An Binh Duong CONG TY "
    "CDCS NLD LDLD CD QD-TLD CĐCS NLĐ UBND "
    "6h30 2026 5tr mã_số café 工资 . , ! ? : ( ) - \n \" ' « » https://congdoan.vn/a a@b.vn #tag"
)
PIECES = VOCABULARY.split(" ")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.integers(min_value=0, max_value=6))
def test_the_shortcut_for_marked_texts_never_changes_the_verdict(pieces, min_words):
    text = " ".join(pieces)
    full = _decide(*_classify(unicodedata.normalize("NFC", text)), min_words=min_words)
    assert looks_unaccented_vietnamese(text, min_words=min_words) == full


# --- profanity ------------------------------------------------------------------------


def test_listed_vulgar_word_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as caught:
        check_profanity("Đồ chó má, trả lương đi", "content")
    error = caught.value
    assert error.status == 422
    assert error.code == "PROFANITY"
    assert list(error.details["errors"]) == ["content"]
    assert error.message == error.details["errors"]["content"][0]


@pytest.mark.parametrize(
    "text", ["ĐỊT mẹ công ty", "bọn quản lý mất dạy", "vcl luôn", "Dm cái công ty này", "dit me cong ty", "Lồn"]
)
def test_accented_unaccented_and_upper_case_forms_are_caught(text):
    assert find_profanity(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Mỗi người được hai lon bia ngày Tết",  # lon, not lồn
        "Các buổi họp của công đoàn",  # các, buổi
        "Công nhân phải đeo khẩu trang và đi giày bảo hộ",  # đeo, đi
        "Xe đụng vào cổng nhà máy",  # đụng contains đụ but is another word
        "Danh mục hồ sơ (DM) gửi kèm",  # an upper-case acronym, not the chat abbreviation
        "Con chó của bảo vệ cắn công nhân",  # a dog is not an insult
        "Hoàn cảnh éo le, mong công đoàn giúp đỡ",  # éo le: hard circumstances
        "Tết được tặng một hộp quả óc chó",  # a walnut
    ],
)
def test_innocent_words_are_not_caught(text):
    assert find_profanity(text) is None
    check_profanity(text, "content")


def test_profanity_list_is_loaded_with_both_written_forms():
    assert ("lồn",) in PROFANITY_PHRASES
    assert ("dit", "me") in PROFANITY_PHRASES
    assert ("lon",) not in PROFANITY_PHRASES
    assert ("cac",) not in PROFANITY_PHRASES


# --- the labelled set -----------------------------------------------------------------


def test_labelled_set_is_large_and_labelled_both_ways():
    rows = labelled_rows()
    assert len(rows) >= 300
    assert {label for _, label, _ in rows} == {"accept", "refuse"}
    assert all(sentence == unicodedata.normalize("NFC", sentence) for _, _, sentence in rows)


def test_precision_and_recall_of_refusal_on_the_labelled_set():
    rows = labelled_rows()
    refused = [(label, looks_unaccented_vietnamese(sentence), sentence) for _, label, sentence in rows]
    true_positive = sum(1 for label, verdict, _ in refused if verdict and label == "refuse")
    false_positive = [sentence for label, verdict, sentence in refused if verdict and label == "accept"]
    false_negative = [sentence for label, verdict, sentence in refused if not verdict and label == "refuse"]
    precision = true_positive / (true_positive + len(false_positive))
    recall = true_positive / (true_positive + len(false_negative))
    print(
        f"\ndiacritics rule on {len(rows)} sentences: precision {precision:.3f}, recall {recall:.3f}"
        f"\nwrongly refused: {false_positive}\nwrongly accepted: {false_negative}"
    )
    assert precision >= 0.95
    assert recall >= 0.95


def strip_marks(text):
    """The text as typed on a keyboard without Vietnamese input: marks dropped, đ → d."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def test_the_marked_sentences_of_the_set_are_refused_once_their_marks_are_stripped():
    """A check the set's author cannot tune: every sentence written with marks (at least six
    words, half of them marked; address and name lines left out), typed again without."""
    marked_sentences = [
        sentence
        for category, label, sentence in labelled_rows()
        if label == "accept"
        and category != "names-addresses-numbers-urls"
        and len(sentence.split()) >= 6
        and _classify(sentence)[0] * 2 >= len(sentence.split())
    ]
    missed = [sentence for sentence in marked_sentences if not looks_unaccented_vietnamese(strip_marks(sentence))]
    recall = 1 - len(missed) / len(marked_sentences)
    print(f"\n{len(marked_sentences)} marked sentences stripped of their marks: recall {recall:.3f}, missed {missed}")
    assert len(marked_sentences) >= 150
    assert recall >= 0.95


def test_precision_and_recall_on_the_outside_set_the_rule_is_not_tuned_on():
    """Real text from outside the project (laws, place names, English; see data/README.md):
    recall at least 0.97 with precision at least 0.99 (issue 19)."""
    rows = labelled_rows(OUTSIDE)
    assert len(rows) >= 1500
    verdicts = [(label, looks_unaccented_vietnamese(sentence), sentence) for _, label, sentence in rows]
    true_positive = sum(1 for label, verdict, _ in verdicts if verdict and label == "refuse")
    false_positive = [sentence for label, verdict, sentence in verdicts if verdict and label == "accept"]
    false_negative = [sentence for label, verdict, sentence in verdicts if not verdict and label == "refuse"]
    precision = true_positive / (true_positive + len(false_positive))
    recall = true_positive / (true_positive + len(false_negative))
    print(
        f"\noutside set, {len(rows)} lines: precision {precision:.3f}, recall {recall:.3f}"
        f"\nwrongly refused: {false_positive}\nwrongly accepted: {false_negative}"
    )
    assert precision >= 0.99
    assert recall >= 0.97
