"""Vietnamese search, identical on PostgreSQL and SQLite (content's articles, feedback's Q&A).

Every searchable row keeps two precomputed text columns built by :func:`search_columns`:

* ``exact``  — NFC, lower-cased words separated by single spaces, with one space before
  the first and after the last word: ``" công đoàn đà nẵng "``;
* ``folded`` — the same words without diacritics and with đ → d: ``" cong doan da nang "``.

Because every word is surrounded by spaces, ``LIKE '% token%'`` means "some word starts
with token", which is all the matching needed: plain ``LIKE`` with an ``ESCAPE`` clause,
no PostgreSQL-only feature (no ``ILIKE``, no ``unaccent``, no ``tsvector``).

* :func:`where_clause` filters on the folded column, so ``cong doan``, ``công đoàn`` and
  ``CÔNG ĐOÀN`` all find "Công đoàn"; a query typed with diacritics therefore also finds
  near-misses such as "cổng đoàn";
* :func:`rank_expression` puts first the rows whose exact column matches the query as typed
  (diacritics included), so for ``công đoàn`` the real "công đoàn" items come before "cổng đoàn".
"""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import and_, case

from platform_shared.errors import InvalidInput
from platform_shared.text import fold, nfc

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12

# A word is a run of letters, digits, "_" or combining marks (the marks only matter for
# text that NFC cannot compose); everything else — punctuation, quotes, dashes, "%", "\" —
# separates words.
_SEPARATORS = re.compile(r"[^\w\u0300-\u036f]+")
_LIKE_SPECIALS = re.compile(r"([\\%_])")
ESCAPE = "\\"


def _words(text):
    """The lower-cased NFC words of ``text``, in order."""
    normalised = unicodedata.normalize("NFC", (nfc(text) or "").lower())
    return [word for word in _SEPARATORS.split(normalised) if word]


def _padded(words):
    return " " + " ".join(words) + " " if words else " "


def search_columns(*parts: str) -> tuple[str, str]:
    """``(exact, folded)`` search texts of a row's parts (an article's title, summary, body…).

    ``search_columns("Công đoàn Đà Nẵng!")`` → ``(" công đoàn đà nẵng ", " cong doan da nang ")``.
    ``None`` parts are skipped; text without any word gives ``(" ", " ")``.
    """
    words = [word for part in parts if part is not None for word in _words(part)]
    folded = [f for f in (fold(word) for word in words) if f]
    return _padded(words), _padded(folded)


@dataclass(frozen=True)
class Query:
    """A parsed search query: its words as typed (lower-cased) and folded, in the same order."""

    words_exact: tuple[str, ...]
    words_folded: tuple[str, ...]
    has_diacritics: bool


def parse_query(q: str) -> Query | None:
    """The words of a search box's text, or ``None`` when it holds no word at all.

    Raises ``InvalidInput`` (field ``q``, code ``QUERY_TOO_LONG``) over 200 characters or 12 words.
    """
    text = nfc(q) or ""
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput.field(
            "q", f"Từ khóa tìm kiếm quá dài (tối đa {MAX_QUERY_CHARS} ký tự).", code="QUERY_TOO_LONG"
        )
    pairs = [(word, fold(word)) for word in _words(text)]
    pairs = [(word, folded) for word, folded in pairs if folded]
    if not pairs:
        return None
    if len(pairs) > MAX_QUERY_WORDS:
        raise InvalidInput.field("q", f"Từ khóa tìm kiếm quá dài (tối đa {MAX_QUERY_WORDS} từ).", code="QUERY_TOO_LONG")
    return Query(
        words_exact=tuple(word for word, _ in pairs),
        words_folded=tuple(folded for _, folded in pairs),
        has_diacritics=any(word != folded for word, folded in pairs),
    )


def _escape_like(token):
    return _LIKE_SPECIALS.sub(r"\\\1", token)


def _word_prefix(col, token):
    """``col`` has a word starting with ``token`` (``%``, ``_`` and ``\\`` in it taken literally)."""
    return col.like(f"% {_escape_like(token)}%", escape=ESCAPE)


def where_clause(query: Query, exact_col, folded_col):
    """Rows where every folded query word starts some word of ``folded_col``.

    ``exact_col`` is not used for filtering (see :func:`rank_expression`); it is taken so that
    callers pass the same pair of columns to both functions.
    """
    return and_(*(_word_prefix(folded_col, token) for token in query.words_folded))


def rank_expression(query: Query, exact_col):
    """``0`` when every query word as typed starts some word of ``exact_col``, else ``1``; sort ascending."""
    return case((and_(*(_word_prefix(exact_col, token) for token in query.words_exact)), 0), else_=1)


def match_spans(text: str, q: str) -> list[tuple[int, int]]:
    """Where ``q`` matches in ``text``, as ``(start, end)`` character spans of ``text``: the words
    some folded query word starts, as :func:`where_clause` matches them — ``cong doan`` marks
    «Công đoàn». For showing results (``<mark>``); an empty or wordless query marks nothing."""
    try:
        query = parse_query(q or "")
    except InvalidInput:
        return []
    if query is None or not text:
        return []
    spans = []
    normalised = nfc(text)
    for match in re.finditer(r"[\w\u0300-\u036f]+", normalised):
        folded = fold(match.group(0).lower())
        if folded and any(folded.startswith(token) for token in query.words_folded):
            spans.append(match.span())
    return spans
