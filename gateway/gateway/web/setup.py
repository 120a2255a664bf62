"""Installing the web layer in the gateway app: sessions, Jinja filters and globals, blueprints, CSRF."""

import json
from urllib.parse import urlencode

from flask import request
from markupsafe import Markup, escape

from gateway.web import errors
from gateway.web.format import FILTERS, iso
from gateway.web.session import COOKIE_NAME, PageSessionInterface, csrf_token, csrf_valid, secret_key

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def register(app, settings):
    from gateway.web import pages
    from gateway.web.portal import blueprints
    from gateway.web.portal.common import MENU, absolute
    from gateway.web.workspace import blueprints as workspace_blueprints

    app.secret_key = secret_key(settings)
    app.session_interface = PageSessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.globals.update(
        csrf_token=csrf_token,
        portal_menu=MENU,
        page_href=page_href,
        absolute=lambda path: path if "://" in (path or "") else absolute(path or "/"),
        news_article_ld=news_article_ld,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    errors.register(app)
    app.register_blueprint(pages.bp)
    for bp in [*workspace_blueprints(), *blueprints()]:
        app.register_blueprint(bp)

    @app.before_request
    def _csrf():
        """An unsafe request to a page path without the session's CSRF token: 400 page, nothing done."""
        if request.method in UNSAFE and errors.is_page_request() and not csrf_valid():
            return errors.error_page(
                400,
                "Biểu mẫu đã hết hạn hoặc không hợp lệ (thiếu mã bảo vệ). Vui lòng tải lại trang và gửi lại.",
            )
        return None


def page_href(base_path, number, extra=None):
    """The address of page ``number`` of a list (``?trang=``; page 1 is the list itself)."""
    query = dict(extra or {})
    if number > 1:
        query["trang"] = number
    return base_path + ("?" + urlencode(query) if query else "")


def highlight(text, q):
    """``text`` escaped, the words matching the search ``q`` in ``<mark>``."""
    from platform_shared.search import match_spans
    from platform_shared.text import nfc

    text = nfc(text or "")
    out, at = [], 0
    for start, end in match_spans(text, q):
        out.append(escape(text[at:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def news_article_ld(article, canonical):
    """schema.org NewsArticle of an article page, as JSON safe inside a ``<script>`` data block."""
    from gateway.web.portal.common import absolute

    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.get("title"),
        "description": article.get("summary") or None,
        "datePublished": iso(article.get("published_at")),
        "dateModified": iso(
            max(
                [article.get("published_at") or ""]
                + [c.get("corrected_at") or "" for c in article.get("corrections") or []]
            )
        ),
        "mainEntityOfPage": canonical,
        "inLanguage": "vi",
        "author": [
            {"@type": "Person", "name": a["pen_name"]} for a in article.get("authors") or [] if a.get("pen_name")
        ]
        or [{"@type": "Organization", "name": (article.get("tenant") or {}).get("name") or "Công đoàn Việt Nam"}],
        "publisher": {"@type": "Organization", "name": "Tổng Liên đoàn Lao động Việt Nam"},
        "image": [
            absolute(p["medium"]) if "://" not in p["medium"] else p["medium"]
            for p in article.get("photos") or []
            if p.get("medium")
        ],
        "articleSection": article.get("section_name"),
    }
    text = json.dumps({k: v for k, v in data.items() if v not in (None, [], "")}, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
