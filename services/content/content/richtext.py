"""Article bodies as rich text: sanitising, plain text, word counts and revision diffs.

Pure domain code: no nameko, no eventlet, no I/O. An article body is an HTML fragment
written in the editor; ``clean_html`` is the one gate it passes before it is stored, and
the other helpers work on what that gate lets through.
"""

import difflib
import re
import unicodedata
from html.parser import HTMLParser

import nh3

from platform_shared.errors import InvalidInput

MAX_BODY_BYTES = 200 * 1024

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "blockquote", "ul", "ol", "li",
        "h2", "h3", "h4", "a", "figure", "figcaption", "table", "thead", "tbody", "tr",
        "th", "td", "hr", "sub", "sup", "code", "pre", "span",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan"}),
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Dropped together with everything inside them: executable or embedded content, and the
# raw-text containers whose inner markup would otherwise survive as visible escaped text.
REMOVED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "noscript",
        "noembed", "noframes", "template", "textarea", "select", "title", "xmp", "svg", "math",
    }
)  # fmt: skip

# Elements that start a new line of text in ``plain_text``; cells only get a space.
_BLOCK_TAGS = frozenset(
    {
        "p", "br", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
        "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr", "hr", "pre",
        "div", "section", "article", "header", "footer", "aside", "nav", "main", "dl", "dt",
        "dd", "caption", "address",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
# Never part of the readable text, even if ``plain_text`` is given an uncleaned fragment.
_SKIPPED_TAGS = REMOVED_WITH_CONTENT | {"head"}

_SPACES = re.compile(r"[^\S\n]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
# nh3 serialises cleaned markup canonically (lower-case tags, ``<br>``), so splitting the
# markup after block ends is reliable for the fallback diff of formatting-only changes.
_MARKUP_LINE_END = re.compile(r"(</(?:p|li|h2|h3|h4|tr|pre|blockquote|figcaption)>|<br>|<hr>)")

_NFC_PASSES = 4


def clean_html(html: str) -> str:
    """Validate and sanitise an article body; return safe, NFC-normalised HTML.

    Raises ``InvalidInput`` on the ``body`` field: ``INVALID_BODY`` when the body is not
    text, ``BODY_TOO_LARGE`` when its UTF-8 encoding exceeds ``MAX_BODY_BYTES`` (checked
    before any sanitising), ``EMPTY_BODY`` when no readable text is left after cleaning.
    """
    if not isinstance(html, str):
        raise InvalidInput.field("body", "Nội dung bài viết phải là văn bản.", code="INVALID_BODY")
    if len(html.encode("utf-8", "surrogatepass")) > MAX_BODY_BYTES:
        raise InvalidInput.field(
            "body",
            f"Nội dung vượt quá {MAX_BODY_BYTES // 1024} KB. Vui lòng rút gọn hoặc tách thành nhiều bài viết.",
            code="BODY_TOO_LARGE",
        )
    try:
        html.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput.field("body", "Nội dung bài viết chứa ký tự không hợp lệ.", code="INVALID_BODY") from None

    # Normalise before sanitising, then again on the output until it is stable: NFC can
    # compose a tag's ">" with a following combining mark (">" + U+0338 -> "≯"), which
    # would re-open the tag and let text such as ' onclick="..."' become an attribute.
    # The returned value is therefore always the sanitiser's own output.
    cleaned = _sanitise(unicodedata.normalize("NFC", html))
    for _ in range(_NFC_PASSES):
        normal = unicodedata.normalize("NFC", cleaned)
        if normal == cleaned:
            break
        cleaned = _sanitise(normal)

    if not plain_text(cleaned):
        raise InvalidInput.field("body", "Nội dung bài viết trống.", code="EMPTY_BODY")
    return cleaned


def _sanitise(html):
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


class _TextExtractor(HTMLParser):
    """Collects the readable text of a fragment as lines; entities are unescaped by the parser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []
        self._current = []
        self._skipping = []
        self._pre_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self._skipping.append(tag)
        elif not self._skipping:
            self._separate(tag)
            if tag == "pre":
                self._pre_depth += 1

    def handle_startendtag(self, tag, attrs):
        if not self._skipping:
            self._separate(tag)

    def handle_endtag(self, tag):
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.pop()
            return
        self._separate(tag)
        if tag == "pre" and self._pre_depth:
            self._pre_depth -= 1

    def handle_data(self, data):
        if self._skipping:
            return
        if self._pre_depth:
            first, *rest = data.split("\n")
            self._current.append(first)
            for line in rest:
                self._break_line()
                self._current.append(line)
        else:
            self._current.append(data.replace("\n", " "))

    def _separate(self, tag):
        if tag in _BLOCK_TAGS:
            self._break_line()
        elif tag in _CELL_TAGS:
            self._current.append(" ")

    def _break_line(self):
        line = _SPACES.sub(" ", "".join(self._current)).strip()
        if line:
            self.lines.append(line)
        self._current = []

    def text(self):
        self.close()
        self._break_line()
        return "\n".join(self.lines)


def plain_text(html: str) -> str:
    """The readable text of a (cleaned) body.

    Tags are removed, each block element (paragraph, heading, list item, table row, …)
    becomes its own line, table cells are separated by a space, entities are unescaped
    and runs of blanks are collapsed; empty lines are dropped. ``None`` gives ``""``.
    """
    if not html:
        return ""
    extractor = _TextExtractor()
    extractor.feed(html)
    return extractor.text()


def word_count(text: str) -> int:
    """Number of words in plain text.

    Vietnamese writes each syllable as a space-separated token ("Công đoàn Việt Nam" is
    four), so this counts whitespace-separated tokens holding at least one letter or digit;
    stray punctuation such as "–" or "…" is not a word. Give it ``plain_text(body)``.
    """
    if not text:
        return 0
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def diff(old: dict, new: dict, fields=("title", "summary", "body")) -> list[dict]:
    """What changed between two revisions, field by field, for an editor to read.

    Returns ``[{"field": name, "changes": [unified diff lines]}]`` in the order of
    ``fields``, leaving out fields whose values are equal (a missing value counts as "").
    Text fields are compared line by line. The body is compared as readable text with
    one sentence per line, so a one-word edit shows as one removed and one added line;
    when only its formatting changed (a link, bold text), the markup is compared instead,
    one block per line.
    """
    old, new = old or {}, new or {}
    result = []
    for name in fields:
        before, after = _as_text(old.get(name)), _as_text(new.get(name))
        if before == after:
            continue
        if name == "body":
            changes = _unified(_sentences(before), _sentences(after))
            if not changes:
                changes = _unified(_markup_lines(before), _markup_lines(after))
        else:
            changes = _unified(before.splitlines(), after.splitlines())
        result.append({"field": name, "changes": changes})
    return result


def _as_text(value):
    return "" if value is None else str(value)


def _sentences(html):
    return [sentence for line in plain_text(html).split("\n") for sentence in _SENTENCE_END.split(line) if sentence]


def _markup_lines(html):
    marked = _MARKUP_LINE_END.sub(r"\1\n", html)
    return [line.strip() for line in marked.split("\n") if line.strip()]


def _unified(before, after):
    return list(difflib.unified_diff(before, after, fromfile="bản trước", tofile="bản sau", lineterm=""))
