"""The only module that queries comments, their reports and settings; visibility comes from policy.py."""

from sqlalchemy import and_, func, or_, select, update

from feedback import policy
from feedback.comments.models import Comment, CommentReport, CommentSetting
from platform_shared.database import as_uuid, dialect_insert, paginate
from platform_shared.errors import NotFound


class Comments:
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def add(self, comment):
        self.session.add(comment)
        self.session.flush()
        return comment

    def any(self, comment_id, *, for_update=False):
        """Any comment (reporting needs no moderation rights); NotFound unless it is visible."""
        stmt = select(Comment).where(Comment.id == as_uuid(comment_id, "comment"))
        if for_update:
            stmt = stmt.with_for_update()
        comment = self.session.scalars(stmt).one_or_none()
        if comment is None or (comment.status != "published" and not policy.moderates(self.actor, comment)):
            raise NotFound.of("comment", comment_id)
        return comment

    def moderated(self, comment_id, *, for_update=False):
        """A comment the actor moderates; NotFound otherwise."""
        stmt = select(Comment).where(
            policy.moderated_comments(self.actor), Comment.id == as_uuid(comment_id, "comment")
        )
        if for_update:
            stmt = stmt.with_for_update()
        comment = self.session.scalars(stmt).one_or_none()
        if comment is None:
            raise NotFound.of("comment", comment_id)
        return comment

    def of_article(self, article_id, page, per_page, *, status="published"):
        stmt = select(Comment).where(Comment.article_id == article_id)
        if status == "published":
            stmt = stmt.where(Comment.status == "published")
        else:
            stmt = stmt.where(policy.moderated_comments(self.actor), Comment.status == status)
        return paginate(self.session, stmt.order_by(Comment.created_at, Comment.id), page, per_page)

    def visible_count(self, article_id):
        """How many comments of the article readers see."""
        return self.session.scalar(
            select(func.count())
            .select_from(Comment)
            .where(Comment.article_id == article_id, Comment.status == "published")
        )

    def queue(self, page, per_page, status):
        """The actor's comments of a status, oldest first; ``reported``: see ``_reported``."""
        return paginate(self.session, self._queue(status).order_by(Comment.created_at, Comment.id), page, per_page)

    def _queue(self, status):
        condition = _reported() if status == "reported" else Comment.status == status
        return select(Comment).where(policy.moderated_comments(self.actor), condition)

    def waiting(self, status):
        """How many of the actor's comments the ``status`` queue lists."""
        return self.session.scalar(select(func.count()).select_from(self._queue(status).subquery()))

    def reports_of(self, comment_ids):
        """``{comment id: [{reason, at}, ...]}``, newest first; never who reported."""
        found = {c: [] for c in comment_ids}
        if comment_ids:
            rows = self.session.execute(
                select(CommentReport.comment_id, CommentReport.reason, CommentReport.at)
                .where(CommentReport.comment_id.in_(comment_ids))
                .order_by(CommentReport.at.desc())
            )
            for comment_id, reason, at in rows:
                found[comment_id].append({"reason": reason, "at": at})
        return found

    def report(self, comment, reporter_id, reason, now):
        """Record a user's report once; the number of distinct reporters afterwards."""
        stmt = dialect_insert(self.session, CommentReport).values(
            comment_id=comment.id, reporter_id=reporter_id, tenant_id=comment.tenant_id, reason=reason, at=now
        )
        self.session.execute(stmt.on_conflict_do_nothing(index_elements=["comment_id", "reporter_id"]))
        return self.session.scalar(
            select(func.count()).select_from(CommentReport).where(CommentReport.comment_id == comment.id)
        )

    def hide_article(self, article_id, now):
        """Hide every comment of an unpublished article; how many were visible or pending."""
        result = self.session.execute(
            update(Comment)
            .where(Comment.article_id == article_id, Comment.status != "hidden")
            .values(status="hidden", hidden_reason="article_unpublished", moderated_at=now)
        )
        return result.rowcount


def _reported():
    """SQL filter: reported comments no moderator decided on since — hidden by the reports, or
    still shown with reports newer than the last moderator's decision (or none ever)."""
    last_report = select(func.max(CommentReport.at)).where(CommentReport.comment_id == Comment.id).scalar_subquery()
    return or_(
        and_(Comment.status == "hidden", Comment.hidden_reason == "reports"),
        and_(
            Comment.status == "published",
            Comment.report_count > 0,
            or_(Comment.moderated_by.is_(None), Comment.moderated_at < last_report),
        ),
    )


class CommentSettings:
    def __init__(self, session):
        self.session = session

    def get(self, site_key, section):
        return self.session.get(CommentSetting, (site_key, section))

    def of_sites(self, site_keys):
        """``{(site_key, section): row}`` of those sites' saved settings."""
        rows = self.session.scalars(select(CommentSetting).where(CommentSetting.site_key.in_(site_keys)))
        return {(r.site_key, r.section): r for r in rows}

    def put(self, site_key, section, premoderated, guests_allowed, now):
        row = self.get(site_key, section)
        if row is None:
            row = CommentSetting(site_key=site_key, section=section)
            self.session.add(row)
        row.premoderated, row.guests_allowed, row.updated_at = premoderated, guests_allowed, now
        return row
