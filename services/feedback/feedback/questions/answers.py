"""Answers as rich text: what a responder writes in the workspace's editor is an HTML fragment,
what an API client sends may be plain text. No nameko, no SQL.

``clean_answer`` is the one gate an answer passes before it is stored: markup is sanitised
(a short list of tags, links with safe schemes only), plain text is kept as it was sent.
``answer_html`` is what a page shows (sanitised again, so a row stored before this gate is
safe too; plain text escaped into a paragraph); ``answer_text`` is the readable text (search,
the minimum length).
"""

import html
import re
import unicodedata
from html.parser import HTMLParser

import nh3

from platform_shared.errors import InvalidInput

MIN_CHARACTERS = 20

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "s", "blockquote", "ul", "ol", "li", "h2", "h3", "h4", "a"}
)
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Dropped with everything inside them: executable or embedded content, raw-text containers.
REMOVED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "select", "title", "svg"}
)
# Markup is an element the editor or a pasted page makes; "<theo luật>" in plain text is not.
_ELEMENTS = (
    "a|abbr|article|aside|b|blockquote|body|br|button|code|del|details|div|em|embed|figcaption|figure|font|"
    "form|h[1-6]|head|hr|html|i|iframe|img|input|ins|li|link|main|meta|noscript|object|ol|p|pre|q|s|script|"
    "section|select|small|span|strike|strong|style|sub|sup|svg|table|tbody|td|template|textarea|th|thead|"
    "title|tr|u|ul"
)
_MARKUP = re.compile(rf"<\s*/?\s*(?:{_ELEMENTS})(?:\s[^<>]*)?/?\s*>|<!--", re.IGNORECASE)
_BLOCKS = frozenset({"p", "br", "blockquote", "ul", "ol", "li", "h2", "h3", "h4", "div"})
_SPACES = re.compile(r"\s+")
_NFC_PASSES = 4


def is_markup(text):
    """Whether ``text`` is an HTML fragment (the editor's) rather than plain text."""
    return bool(text and _MARKUP.search(text))


def _sanitise(fragment):
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={"a": {"href", "title"}},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def sanitise(fragment):
    """Safe, NFC-normalised HTML of ``fragment``. NFC can compose a tag's ``>`` with a following
    combining mark and re-open the tag, so the output is normalised and cleaned until stable."""
    cleaned = _sanitise(unicodedata.normalize("NFC", fragment))
    for _ in range(_NFC_PASSES):
        normal = unicodedata.normalize("NFC", cleaned)
        if normal == cleaned:
            break
        cleaned = _sanitise(normal)
    return cleaned


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def answer_text(answer):
    """The readable text of an answer (markup or plain), blanks collapsed; None for none."""
    if answer is None:
        return None
    if not is_markup(answer):
        return _SPACES.sub(" ", answer).strip()
    parser = _Text()
    parser.feed(sanitise(answer))
    parser.close()
    return _SPACES.sub(" ", "".join(parser.parts)).strip()


def clean_answer(answer):
    """The answer as it is stored: markup sanitised, plain text as sent. Raises InvalidInput on
    ``answer`` when fewer than ``MIN_CHARACTERS`` readable characters are left (an editor's
    empty paragraph, or markup that was all removed)."""
    stored = sanitise(answer) if is_markup(answer) else answer
    if len(answer_text(stored) or "") < MIN_CHARACTERS:
        raise InvalidInput.field(
            "answer",
            f"Câu trả lời cần ít nhất {MIN_CHARACTERS} ký tự nội dung. Vui lòng viết câu trả lời trước khi lưu.",
            code="ANSWER_TOO_SHORT",
        )
    return stored


def answer_html(answer):
    """The answer as a page shows it: safe HTML (markup sanitised again; plain text escaped into
    a paragraph); None for none."""
    if answer is None:
        return None
    if is_markup(answer):
        return sanitise(answer)
    return f"<p>{html.escape(answer, quote=False)}</p>"
