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
* weak — plain ASCII that is correct Vietnamese as it stands ("cho", "anh", "ty") or
  also a common English word ("to", "me", "can", "the");
* foreign — anything else ("salary", "Zalo", "overtime").

A text is refused when it has at least ``min_words`` Vietnamese words (strong + weak),
enough strong ones, few marked ones beside them, and fewer foreign words than
Vietnamese ones. The sets are built once at import from the files under ``data/``.
"""

import re
import unicodedata
from pathlib import Path

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

# Forms a Vietnamese syllable takes when its marks are left out.
VIETNAMESE_FOLDED = frozenset(_fold(word) for word in _SYLLABLES) | _PLAIN
# Unmarked forms that are not evidence of missing marks: correct as they stand, or English.
WEAK = frozenset(_PLAIN | (_ENGLISH & VIETNAMESE_FOLDED))
STRONG = frozenset(VIETNAMESE_FOLDED - WEAK)
# Chat abbreviations only ever typed without marks ("ko" for không, "dc" for được).
TEENCODE = frozenset({"ko", "k", "kg", "khg", "hok", "dc", "dk", "bt", "ntn", "mn", "mng", "cx", "vs", "trc", "r", "j"})
STRONG = STRONG | TEENCODE

_VIET_MARKED = frozenset(
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
)

# Spans set aside before counting words.
_IGNORED = re.compile(
    r"""
    (?:https?://|ftp://|www\.)\S+                       # URLs
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                      # e-mail addresses
    | \b[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|gov|edu|info|io|me)(?:/\S*)?  # bare domains
    | [@\#]\w+                                          # mentions and tags
    | "[^"\n]*"                                         # quoted spans
    | “[^”\n]*”
    | «[^»\n]*»
    | ‘[^’\n]*’
    | (?<!\w)'[^'\n]*'(?!\w)
    """,
    re.VERBOSE,
)
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SENTENCE_END = re.compile(r"[.!?\n:;…]")

# Thresholds of the rule (see the module docstring).
_MIN_STRONG = 2
_MAX_MARKED_SHARE = 0.25


def _classify(text):
    """(marked, strong, weak, foreign) word counts of an NFC text."""
    cleaned = _IGNORED.sub(" . ", text)
    tokens = []
    previous_end = 0
    for match in _WORD.finditer(cleaned):
        word = match.group()
        sentence_start = previous_end == 0 or _SENTENCE_END.search(cleaned, previous_end, match.start()) is not None
        previous_end = match.end()
        if any(ch.isdigit() or ch == "_" for ch in word):
            continue
        tokens.append((word, sentence_start))

    # A text written all in capitals (or in Title Case) is read as lower case: its capitals
    # say nothing about names or acronyms.
    capitalised = sum(1 for word, _ in tokens if word[0].isupper())
    shouting = len(tokens) >= 3 and capitalised * 10 >= len(tokens) * 6

    marked = strong = weak = foreign = 0
    count = len(tokens)
    for index, (word, sentence_start) in enumerate(tokens):
        if not shouting and word[0].isupper():
            if len(word) > 1 and word.isupper():
                continue  # acronym: BHXH, HĐLĐ, OT
            following = index + 1 < count and tokens[index + 1][0][0].isupper() and not tokens[index + 1][1]
            preceding = index > 0 and tokens[index - 1][0][0].isupper() and not sentence_start
            if not sentence_start or following or preceding:
                # a name: counts only as a sign that the writer uses marks
                if not word.isascii() and any(ch in _VIET_MARKED for ch in word):
                    marked += 1
                continue
        if not word.isascii():
            if any(ch in _VIET_MARKED for ch in word):
                marked += 1
            else:
                foreign += 1
            continue
        lower = word.lower()
        if lower in STRONG:
            strong += 1
        elif lower in WEAK:
            weak += 1
        else:
            foreign += 1
    return marked, strong, weak, foreign


def looks_unaccented_vietnamese(text, *, min_words=4):
    """True when ``text`` reads as Vietnamese typed without diacritics."""
    text = unicodedata.normalize("NFC", text)
    marked, strong, weak, foreign = _classify(text)
    vietnamese = strong + weak
    if vietnamese < min_words or strong < _MIN_STRONG:
        return False
    if foreign > vietnamese:
        return False
    return marked <= _MAX_MARKED_SHARE * (marked + strong)


def require_vietnamese(text: str, field: str, *, min_words: int = 4) -> str:
    """The text NFC-normalised (surrounding blanks removed); raises InvalidInput
    ``DIACRITICS_REQUIRED`` naming ``field`` when it is Vietnamese without diacritics.

    Texts with fewer than ``min_words`` Vietnamese words (short replies) always pass."""
    normalised = unicodedata.normalize("NFC", text).strip()
    if looks_unaccented_vietnamese(normalised, min_words=min_words):
        raise InvalidInput.field(field, DIACRITICS_MESSAGE, code=DIACRITICS_REQUIRED)
    return normalised


def _load_profanity():
    phrases = set()
    abbreviations = set()
    longest = 1
    for line in _entries("profanity_vi.txt"):
        words = tuple(line.split())
        longest = max(longest, len(words))
        phrases.add(words)
        if len(words) == 1 and not re.search(r"[aeiouy]", _fold(words[0])):
            abbreviations.add(words[0])
    return frozenset(phrases), frozenset(abbreviations), longest


PROFANITY_PHRASES, _ABBREVIATIONS, _LONGEST_PHRASE = _load_profanity()


def find_profanity(text):
    """The first listed word or phrase found in ``text`` (whole words, marks compared), or None."""
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    lowered = [word.lower() for word in words]
    for start in range(len(words)):
        for size in range(1, _LONGEST_PHRASE + 1):
            phrase = tuple(lowered[start : start + size])
            if len(phrase) < size:
                break
            if phrase in PROFANITY_PHRASES:
                if size == 1 and phrase[0] in _ABBREVIATIONS and not words[start].islower():
                    continue  # an upper-case acronym, not the chat abbreviation
                return " ".join(phrase)
    return None


def check_profanity(text: str, field: str) -> None:
    """Raises InvalidInput ``PROFANITY`` naming ``field`` when ``text`` holds a listed word."""
    if find_profanity(text) is not None:
        raise InvalidInput.field(field, PROFANITY_MESSAGE, code=PROFANITY)
