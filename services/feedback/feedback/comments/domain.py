"""Rules of the comments on articles. No nameko, no SQL."""

from platform_shared.errors import Conflict

REPORTS_TO_HIDE = 3
CENTRAL_SECTIONS = ("news", "thematic", "directives")
"""The portal's own sections; any other section belongs to a tenant's sub-site."""
ACTIONS = ("approve", "hide")
PREMODERATED, GUESTS_ALLOWED = True, False
"""A section without a setting: comments wait for a moderator, guests may not comment."""


def site_key(article):
    """Whose comment settings apply to an article: ``portal`` or its sub-site's tenant id."""
    return "portal" if article.get("site") == "portal" else article["tenant_id"]


def settings_site_key(section, tenant_id):
    """Whose setting a section is: the portal's for the central sections, else the tenant's sub-site."""
    return "portal" if section in CENTRAL_SECTIONS else tenant_id


def section_rules(setting):
    """``(premoderated, guests_allowed)`` of a section: its setting row, or the defaults."""
    if setting is None:
        return PREMODERATED, GUESTS_ALLOWED
    return setting.premoderated, setting.guests_allowed


def first_status(premoderated):
    """A new comment waits for a moderator where the section pre-moderates."""
    return "pending" if premoderated else "published"


def after_report(status, distinct_reports, threshold=REPORTS_TO_HIDE):
    """A visible comment reported by ``threshold`` distinct users is hidden until a moderator decides."""
    if status == "published" and distinct_reports >= threshold:
        return "hidden"
    return status


def reported(comment, distinct_reports, *, threshold, now):
    """The comment after a report: its count of distinct reporters, hidden when they reach ``threshold``."""
    comment.report_count = distinct_reports
    status = after_report(comment.status, distinct_reports, threshold)
    if status != comment.status:
        comment.status, comment.hidden_reason, comment.moderated_at = status, "reports", now


def moderate(comment, action, *, by, now):
    """``approve`` (publish) or ``hide``; a comment hidden with its unpublished article stays hidden."""
    if action == "approve" and comment.hidden_reason == "article_unpublished":
        raise Conflict("Bài viết đã bị gỡ; không thể hiện lại bình luận.", code="ARTICLE_UNPUBLISHED")
    comment.status = "published" if action == "approve" else "hidden"
    comment.hidden_reason = None if action == "approve" else "moderator"
    comment.moderated_by, comment.moderated_at = by, now


def visibility_change(before, after, reason):
    """Why the article's visible comments changed when a comment went from status ``before`` to
    ``after`` (``reason``), or None when they did not (a pending comment hidden, a visible one
    approved again): only a change readers can see is announced (``feedback.comments_changed``)."""
    return reason if (before == "published") != (after == "published") else None
