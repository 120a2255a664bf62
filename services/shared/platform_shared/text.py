"""Vietnamese text helpers: NFC normalisation, ASCII folding, slugs."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def nfc(value):
    """NFC-normalised text with surrounding blanks removed and inner runs of blanks collapsed."""
    if value is None:
        return None
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def fold(value):
    """Lower-case ASCII folding that ignores diacritics and đ/d: 'Công Đoàn' → 'cong doan'."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def slugify(value, max_length=80):
    """ASCII, Vietnamese-aware slug: 'Công đoàn Đà Nẵng' → 'cong-doan-da-nang'."""
    slug = _NON_SLUG.sub("-", fold(nfc(value) or "")).strip("-")
    return slug[:max_length].rstrip("-")
