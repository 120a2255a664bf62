"""The Vietnamese text rule: questions, opinions and comments are Vietnamese with diacritics.

Plain functions, no framework imports. ``require_vietnamese`` refuses a text written in
Vietnamese without tone marks ("cong doan tra luong cham qua") and returns the text NFC
normalised; ``check_profanity`` refuses words of the list ``data/profanity_vi.txt``;
``looks_unaccented_vietnamese`` is the classifier behind the first.

How the classifier decides. URLs, e-mail addresses, @mentions, #tags, quoted spans, words
holding digits, upper-case acronyms and capitalised name sequences are set aside. Every
remaining word is then one of:

* marked — it carries a Vietnamese diacritic or đ ("lương", "đi");
* strong — plain ASCII whose letters are a common Vietnamese syllable once marks are
  removed, and which is not correct as it stands ("luong", "toi", "duoc");
* plain — plain ASCII that is correct Vietnamese as it stands ("cho", "anh", "ty");
* english — plain ASCII that spells a Vietnamese syllable but is also a common English
  word ("to", "me", "can", "the"); plain and english words are the weak ones;
* foreign — anything else ("salary", "Zalo", "overtime"), except a word of the shape of a
  Vietnamese syllable that no list holds ("hut", "nhap"), which counts as english (weak).

Upper-case acronyms say nothing, except the abbreviations of union and labour writing
(data/vi_abbreviations.txt) typed without their Đ: CDCS, NLD, LDLD count as two strong words
(CD, LD, QD as one); written with it (CĐCS, NLĐ) they count as marked.

A text is refused when it has at least ``min_words`` Vietnamese words (strong + weak),
no more foreign words than Vietnamese ones, and either not one marked word among five or
more strong + plain words of which one is strong, or at least two strong words and few marked
ones: at most a quarter of marked + strong, or under 30 % of all Vietnamese words. A few
unmarked words in a marked text (a product name, a forgotten mark) therefore pass, and a
stray mark in an unmarked text does not save it. Capitalised words are read as names
unless the text is written in capitals or a run is longer than a name (Title Case).
A shorter text of at least three Vietnamese words is judged by their share: refused when it has
no marked and no foreign word, two strong ones, and three quarters of its words Vietnamese
("UBND cap tinh co", "LDLD tinh"); "cam on ban" passes.

The word sets are built once at import from the files under ``data/``: vi_syllables.txt
(common syllables with their marks, folded here), vi_plain.txt (those correct unmarked),
en_common.txt (English words, some of which spell Vietnamese syllables), vi_abbreviations.txt.
Measured by test_language.py on the labelled set of tests/unit/data/diacritics_labelled.tsv
and on diacritics_outside.tsv, real text from outside the project that the rule is not tuned on.
"""

import re
import unicodedata
from pathlib import Path

from feedback.domain import require_plain_text
from platform_shared.errors import InvalidInput

DIACRITICS_REQUIRED = "DIACRITICS_REQUIRED"
DIACRITICS_MESSAGE = "Vui lòng sử dụng tiếng Việt có dấu"
PROFANITY = "PROFANITY"
PROFANITY_MESSAGE = "Nội dung có từ ngữ thô tục hoặc xúc phạm. Vui lòng chỉnh sửa trước khi gửi."

DATA = Path(__file__).with_name("data")


def _fold(word):
    """Lower-case ASCII form of a word: marks dropped, đ → d."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _entries(name):
    """The non-comment lines of a data file, NFC and lower case."""
    text = (DATA / name).read_text(encoding="utf-8")
    for line in text.splitlines():
        line = unicodedata.normalize("NFC", line.split("#", 1)[0]).strip().lower()
        if line:
            yield line


def _words(name):
    return {word for line in _entries(name) for word in line.split()}


_SYLLABLES = _words("vi_syllables.txt")
_PLAIN = _words("vi_plain.txt")
_ENGLISH = _words("en_common.txt")

# Forms a Vietnamese syllable takes when its marks are left out, and how much an unmarked
# word says that marks are missing: nothing when it is correct as it stands (PLAIN) or an
# English word too (ENGLISH), much otherwise (STRONG).
VIETNAMESE_FOLDED = frozenset(_fold(word) for word in _SYLLABLES) | _PLAIN
PLAIN = frozenset(_PLAIN)
ENGLISH = frozenset((_ENGLISH & VIETNAMESE_FOLDED) - PLAIN)
STRONG = frozenset(VIETNAMESE_FOLDED - PLAIN - ENGLISH)
# Chat abbreviations only ever typed without marks ("ko" for không, "dc" for được).
TEENCODE = frozenset(
    ["ko", "k", "khg", "hok", "dc", "dk", "bt", "ntn", "mn", "mng", "cx", "vs", "trc", "r", "j", "mk", "mik", "bik"]
)
STRONG = STRONG | TEENCODE


def _unmarked_abbreviations():
    """The unmarked spellings (lower case) of the abbreviations of data/vi_abbreviations.txt:
    each piece of an entry holding a Vietnamese letter ("QĐ-TLĐ" → "qd", "tld")."""
    pieces = {piece for entry in _words("vi_abbreviations.txt") for piece in re.findall(r"\w+", entry)}
    return frozenset(_fold(piece) for piece in pieces if not piece.isascii())


# The shape of a Vietnamese syllable without marks (onset, vowels, final): a word of that
# shape found in none of the lists ("hut", "nhap", "sap") is read as a Vietnamese word the
# lists miss — weak evidence, like a plain one — rather than as a foreign word.
_SYLLABLE_SHAPE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?"
    r"(?:uye|uya|uyu|ieu|yeu|uoi|oai|oay|oeo|uay|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye|[aeiouy])"
    r"(?:ng|nh|ch|[cmnpt])?"
)

# Upper-case words that are a union or labour abbreviation with its Đ left out: CDCS, NLD.
UNMARKED_ABBREVIATIONS = _unmarked_abbreviations()
# The unmarked abbreviations weighing two, as whole upper-case words, for the shortcut of
# looks_unaccented_vietnamese; _MAYBE_ABBREVIATION is a cheap test that there may be one.
_LONG_ABBREVIATION = re.compile(
    r"\b(?:"
    + "|".join(sorted((a.upper() for a in UNMARKED_ABBREVIATIONS if len(a) >= 3), key=len, reverse=True))
    + r")\b"
)
_MAYBE_ABBREVIATION = re.compile(r"[A-Z]{3}")

_VIET_MARKED = frozenset(
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
)

# Spans set aside before counting words: URLs, e-mail addresses, bare domains, mentions,
# tags, quoted spans. _MAYBE_SKIPPED is a cheap test that there may be one.
_SKIPPED = re.compile(
    r"""
    (?:https?://|ftp://|www\.)\S+
  | (?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+
  | (?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|gov|edu|info|io|me)\b(?:/\S*)?
  | [@\#]\w+
  | "[^"\n]*" | “[^”\n]*” | «[^»\n]*» | ‘[^’\n]*’ | (?<!\w)'[^'\n]*'(?!\w)
    """,
    re.VERBOSE,
)
_MAYBE_SKIPPED = re.compile(r"""[@#"“«‘']|://|www\.|\.(?:vn|com|net|org|gov|edu|info|io|me)\b""")
# Words, sentence ends, and any other sign (it breaks a name).
_PIECE = re.compile(r"\w+(?:['’]\w+)*|[.!?\n:;…]+|[^\w\s]")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SENTENCE_END = frozenset(".!?\n:;…")

# Thresholds of the rule (see the module docstring).
_MIN_STRONG = 2
_MAX_MARKED_SHARE = 0.25
_MIN_MARKED_SHARE = 0.3
_LONGEST_NAME = 5
# A capitalised run opening a sentence is a person's name when it starts with a common
# surname or holds a middle name marking one.
_SURNAMES = frozenset(_fold(word) for word in _words("vi_surnames.txt"))
_NAME_MARKERS = frozenset({"van", "thi"})
_ALL_PLAIN_WORDS = 5
# A text shorter than min_words is judged when it has at least this many Vietnamese words,
# all its words look Vietnamese (at least _SHORT_SHARE of them, the rest names or acronyms),
# none is marked and _MIN_STRONG of them need marks ("gia nhap CDVN", "UBND cap tinh co").
_SHORT_WORDS = 3
_SHORT_SHARE = 0.75


def _close_run(run, opens_sentence, counted, names):
    """File a finished run of capitalised words as a name or as ordinary words.

    A run opening a sentence is a name only when it reads as a person's name (a common
    surname first, or a Văn/Thị); otherwise it is the sentence itself in Title Case
    ("Che Do Thai San Cho Lao Dong Nam"), or a place or company it is fair to count."""
    if len(run) > _LONGEST_NAME or opens_sentence and (len(run) == 1 or not _is_person(run)):
        counted.extend(run)
    else:
        names.extend(run)


def _is_person(run):
    folded = [_fold(word) for word in run]
    return folded[0] in _SURNAMES or any(word in _NAME_MARKERS for word in folded[1:])


def _sort_words(text):
    """The words of ``text`` as (counted, names, acronyms, capitals).

    Names are runs of capitalised words joined by blanks ("Nguyễn Văn An", "Bình Dương"),
    except a single first word of a sentence or a run too long to be a name (Title Case);
    acronyms are upper-case ASCII words (BHXH, KCN, OT); words holding digits are dropped
    (6h30, 2026); capitals counts the upper-case words."""
    if _MAYBE_SKIPPED.search(text):
        text = _SKIPPED.sub(" . ", text)
    counted, names, acronyms = [], [], []
    run = []
    run_opens_sentence = False
    capitals = 0
    sentence_start = True
    for piece in _PIECE.findall(text):
        first = piece[0]
        is_word = first.isalnum() or first == "_"
        if is_word and not piece.isalpha() and any(ch.isdigit() or ch == "_" for ch in piece):
            is_word = False
        if not is_word or not first.isupper():
            if run:
                _close_run(run, run_opens_sentence, counted, names)
                run = []
            if is_word:
                counted.append(piece)
                sentence_start = False
            elif first in _SENTENCE_END:
                sentence_start = True
            continue
        if len(piece) > 1 and piece.isupper():
            capitals += 1
            if piece.isascii():
                acronyms.append(piece)
                sentence_start = False
                continue
        if not run:
            run_opens_sentence = sentence_start
        run.append(piece)
        sentence_start = False
    if run:
        _close_run(run, run_opens_sentence, counted, names)
    return counted, names, acronyms, capitals


def _abbreviation_weight(word):
    """An unmarked abbreviation of three letters or more (NLD, CDCS, LDLD) says as much as two
    unmarked syllables: it is how union writing looks typed without marks. CD, LD, QD say less."""
    return 2 if len(word) >= 3 else 1


def _classify(text):
    """(marked, strong, plain, english, foreign, others) word counts of an NFC text; others are
    the names and acronyms that say nothing either way. An upper-case word spelling a listed
    abbreviation without its Đ (CDCS) is strong; a word of Vietnamese shape found in no list
    counts with the english ones (weak)."""
    counted, names, acronyms, capitals = _sort_words(text)
    total = len(counted) + len(names) + len(acronyms)
    if total >= 3 and capitals * 10 >= total * 6:
        # written in capitals: read as lower case, capitals say nothing of names or acronyms
        counted, names, acronyms = counted + names + acronyms, (), ()
    marked = strong = plain = english = foreign = 0
    others = len(names)
    for word in acronyms:
        if word.lower() in UNMARKED_ABBREVIATIONS:
            strong += _abbreviation_weight(word)
        else:
            others += 1
    for word in counted:
        if word.isascii():
            lower = word.lower()
            if lower in UNMARKED_ABBREVIATIONS and word.isupper():
                strong += _abbreviation_weight(word)
            elif lower in STRONG:
                strong += 1
            elif lower in PLAIN:
                plain += 1
            elif lower in ENGLISH or _SYLLABLE_SHAPE.fullmatch(lower):
                english += 1
            else:
                foreign += 1
        elif _VIET_MARKED.isdisjoint(word):
            foreign += 1
        else:
            marked += 1
    for word in names:
        if not word.isascii() and not _VIET_MARKED.isdisjoint(word):
            marked += 1  # a name with marks too shows the writer uses them
    return marked, strong, plain, english, foreign, others


def looks_unaccented_vietnamese(text, *, min_words=4):
    """True when ``text`` reads as Vietnamese typed without diacritics."""
    text = unicodedata.normalize("NFC", text)
    if not _MAYBE_SKIPPED.search(text):
        # Shortcut for most texts, exact: strong, plain and english words are ASCII words (an
        # unmarked abbreviation weighing two, see _abbreviation_weight), and marked words are at
        # least the alphabetic words holding a mark; a refusal needs fewer than 3/7 of the
        # Vietnamese words marked (see _decide).
        words = _WORD.findall(text)
        ascii_words = sum(map(str.isascii, words))
        if ascii_words and _MAYBE_ABBREVIATION.search(text):
            ascii_words += len(_LONG_ABBREVIATION.findall(text))
        if ascii_words < min(min_words, _SHORT_WORDS):
            return False
        marked = sum(1 for word in words if not word.isascii() and word.isalpha() and not _VIET_MARKED.isdisjoint(word))
        if marked * 7 >= ascii_words * 3:
            return False
    return _decide(*_classify(text), min_words=min_words)


def _decide(marked, strong, plain, english, foreign, others=0, *, min_words):
    """The rule on the word counts of a text (see the module docstring)."""
    vietnamese = strong + plain + english
    if vietnamese < min_words:
        # a short text: judged by the share of its words that look Vietnamese
        return (
            vietnamese >= _SHORT_WORDS
            and marked == foreign == 0
            and strong >= _MIN_STRONG
            and vietnamese >= _SHORT_SHARE * (vietnamese + others)
        )
    if foreign > vietnamese:
        return False
    if marked == 0 and strong >= 1 and strong + plain >= _ALL_PLAIN_WORDS:
        return True  # a long run of Vietnamese words and not one mark: "anh chi cho em xin thong tin"
    if strong < _MIN_STRONG:
        return False
    # few marked words beside the unmarked syllables that need marks (at most a quarter), or
    # beside all Vietnamese words (under 30 %); either way under 3/7 of the Vietnamese words
    return marked <= _MAX_MARKED_SHARE * (marked + strong) or marked < _MIN_MARKED_SHARE * (marked + vietnamese)


def require_vietnamese(text: str, field: str, *, min_words: int = 4) -> str:
    """The text NFC-normalised (surrounding blanks removed); raises InvalidInput
    ``DIACRITICS_REQUIRED`` naming ``field`` when it is Vietnamese without diacritics.

    Texts with fewer than ``min_words`` Vietnamese words are judged by the share of their
    Vietnamese words (see the module docstring): short replies ("cam on ban") pass."""
    normalised = unicodedata.normalize("NFC", text).strip()
    if looks_unaccented_vietnamese(normalised, min_words=min_words):
        raise InvalidInput.field(field, DIACRITICS_MESSAGE, code=DIACRITICS_REQUIRED)
    return normalised


def _load_profanity():
    phrases = set()
    abbreviations = set()
    for line in _entries("profanity_vi.txt"):
        words = tuple(line.split())
        phrases.add(words)
        if len(words) == 1 and not re.search(r"[aeiouy]", _fold(words[0])):
            abbreviations.add(words[0])
    return frozenset(phrases), frozenset(abbreviations)


PROFANITY_PHRASES, _ABBREVIATIONS = _load_profanity()
_PHRASE_SIZES = sorted({len(phrase) for phrase in PROFANITY_PHRASES})
_FIRST_WORDS = frozenset(phrase[0] for phrase in PROFANITY_PHRASES)


def find_profanity(text):
    """The first listed word or phrase found in ``text`` (whole words, marks compared), or None.

    A listed abbreviation without vowels ("dm", "vcl") does not count when written in
    capitals: "DM" is as likely an acronym."""
    text = unicodedata.normalize("NFC", text)
    lowered = _WORD.findall(text.lower())
    if _FIRST_WORDS.isdisjoint(lowered):
        return None
    for start, word in enumerate(lowered):
        if word not in _FIRST_WORDS:
            continue
        for size in _PHRASE_SIZES:
            phrase = tuple(lowered[start : start + size])
            if len(phrase) == size and phrase in PROFANITY_PHRASES:
                if size == 1 and word in _ABBREVIATIONS and _WORD.findall(text)[start].isupper():
                    continue
                return " ".join(phrase)
    return None


def check_profanity(text: str, field: str) -> None:
    """Raises InvalidInput ``PROFANITY`` naming ``field`` when ``text`` holds a listed word."""
    if find_profanity(text) is not None:
        raise InvalidInput.field(field, PROFANITY_MESSAGE, code=PROFANITY)


def vietnamese_text(text, field, *, min_words=4):
    """What questions, opinions and comments must be: plain text, Vietnamese with diacritics,
    no word of the profanity list. The text NFC-normalised; InvalidInput naming ``field`` otherwise."""
    require_plain_text(text, field)
    text = require_vietnamese(text, field, min_words=min_words)
    check_profanity(text, field)
    return text


def public_name(name, field):
    """A name shown beside a comment: plain text, no word of the profanity list (any language)."""
    require_plain_text(name, field)
    check_profanity(name, field)
    return name
