"""Vietnamese text helpers: NFC normalisation, ASCII folding, slugs."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_LINE_SPACES = re.compile(r"[^\S\n]+")
_EMPTY_LINES = re.compile(r"\n{3,}")


def nfc(value):
    """NFC-normalised text with surrounding blanks removed and inner runs of blanks collapsed."""
    if value is None:
        return None
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def nfc_paragraphs(value):
    """``nfc`` that keeps the line breaks of text written in paragraphs (a report's evaluation):
    each line trimmed and its runs of blanks collapsed, CR LF read as LF, at most one empty line
    between paragraphs, none around the text."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    lines = "\n".join(_LINE_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()
    return _EMPTY_LINES.sub("\n\n", lines)


def fold(value):
    """Lower-case ASCII folding that ignores diacritics and đ/d: 'Công Đoàn' → 'cong doan'."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def slugify(value, max_length=80):
    """ASCII, Vietnamese-aware slug: 'Công đoàn Đà Nẵng' → 'cong-doan-da-nang'."""
    slug = _NON_SLUG.sub("-", fold(nfc(value) or "")).strip("-")
    return slug[:max_length].rstrip("-")
