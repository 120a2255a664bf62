"""Rules of public reading that need no database: the order of the sub-sites, Vietnamese
alphabetical order. No nameko, no SQL."""

import unicodedata

from platform_shared.schemas import content as api
from platform_shared.text import nfc

# The Vietnamese alphabet (with the Latin letters it lacks, for foreign names, where Latin puts them).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTERS = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# Tones in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư): part of the letter


def vietnamese_key(text):
    """Sort key of Vietnamese alphabetical order: letters first (``đ`` after ``d``, ``ă``/``â``
    after ``a``...), tones only between otherwise equal words, then the text itself.

    ``sorted(["Đà Nẵng", "Điện Biên", "Cần Thơ", "Dak Lak"], key=vietnamese_key)`` →
    ``["Cần Thơ", "Dak Lak", "Đà Nẵng", "Điện Biên"]``."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", (nfc(text) or "").lower()):
        if unicodedata.combining(char):
            if char in _SHAPES and letters:
                base = unicodedata.normalize("NFC", letters[-1][1] + char)
                letters[-1] = (2, base, _LETTERS.get(base, len(_ALPHABET)))
            elif char in _TONES and tones:
                tones[-1] = _TONES[char]
            continue
        if char.isspace():
            letters.append((0, " ", 0))
        elif char.isdigit():
            letters.append((1, char, int(char)))
        elif char in _LETTERS:
            letters.append((2, char, _LETTERS[char]))
        else:
            letters.append((3, char, ord(char)))
        tones.append(0)
    primary = tuple((group, rank) for group, _, rank in letters)
    return primary, tuple(tones), text


def site_order(tenant):
    """The sub-sites in the portal's order: by kind (``SITE_KINDS``), then by name."""
    return api.SITE_KINDS.index(tenant.kind), vietnamese_key(tenant.name)
