"""Who may see and do what with content, in one place.

* Writers (contributors, editors, tenant admins) see and write their own tenant's items.
* A desk's editors see every item submitted to their section, from every tenant
  (never drafts), and move it through review and publication.
* A tenant's own sub-site sections are reviewed and published by that tenant's editors.
* Anything else of another tenant is 404.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, false, or_, true

from content.articles.models import Article
from platform_shared.errors import Forbidden
from platform_shared.policy import require_any_role, require_signed_in  # noqa: F401

WRITERS = ("contributor", "editor", "tenant_admin", "platform_admin")
DOCUMENT_ISSUER_KINDS = ("confederation", "department")


def require_writer(actor):
    require_any_role(actor, WRITERS, "Chỉ cộng tác viên, biên tập viên hoặc quản trị viên được viết bài.")


def visible_articles(actor, desk_section_ids):
    """SQL filter: own tenant's items, plus non-draft items of the sections the actor's desk reviews."""
    if actor.is_platform_admin:
        return true()
    if not actor.tenant_id:
        return false()
    own = Article.tenant_id == uuid.UUID(actor.tenant_id)
    if not desk_section_ids:
        return own
    return or_(own, and_(Article.section_id.in_(list(desk_section_ids)), Article.status != "draft"))


@dataclass(frozen=True)
class Desk:
    """Who reviews a section: the desk tenant's editors (central), or the owner's editors (component)."""

    section_key: str
    scope: str
    tenant_id: str | None  # the desk tenant (central) or the owning tenant (component)

    def is_editor(self, actor):
        return actor.system or (
            self.tenant_id is not None and actor.tenant_id == self.tenant_id and "editor" in actor.roles
        )


def require_section_writer(actor, section):
    """The central *Chỉ đạo – Điều hành* section takes items from editors and administrators only."""
    if section.scope == "central" and section.key == "directives" and not actor.has("editor", "tenant_admin"):
        raise Forbidden("Chuyên mục Chỉ đạo – Điều hành chỉ nhận bài của biên tập viên.", code="NOT_ALLOWED")


def require_section_manager(actor, verb):
    """A tenant's own sub-site sections are managed by its administrators and editors."""
    require_any_role(
        actor, ("tenant_admin", "editor"), f"Chỉ quản trị viên hoặc biên tập viên của đơn vị được {verb} chuyên mục."
    )


def require_desk_editor(actor, desk):
    if not desk.is_editor(actor):
        raise Forbidden(
            "Chỉ biên tập viên của ban biên tập chuyên mục này được làm việc này.", code="DESK_EDITOR_REQUIRED"
        )


def require_author_side(actor, article):
    """The owning tenant's writers act for the author (submit, edit drafts)."""
    require_writer(actor)
    if not (actor.system or actor.is_platform_admin or actor.tenant_id == str(article.tenant_id)):
        raise Forbidden("Chỉ đơn vị viết bài được làm việc này.", code="AUTHOR_SIDE_REQUIRED")


def require_document_issuer(actor, tenant_kind):
    require_any_role(
        actor,
        ("editor", "tenant_admin", "platform_admin"),
        "Chỉ biên tập viên hoặc quản trị viên được ban hành văn bản.",
    )
    if not (actor.is_platform_admin or tenant_kind in DOCUMENT_ISSUER_KINDS):
        raise Forbidden(
            "Văn bản chỉ đạo do Tổng Liên đoàn và các ban của Tổng Liên đoàn ban hành.", code="ISSUER_REQUIRED"
        )


def require_report_reader(actor, tenant_id):
    """A tenant's semiannual report figures: the system (the polls service compiling reports),
    platform admins, and that tenant's own administrators."""
    require_signed_in(actor)
    if actor.is_platform_admin:
        return
    if not (actor.tenant_id == str(tenant_id) and "tenant_admin" in actor.roles):
        raise Forbidden("Chỉ quản trị viên của đơn vị được xem số liệu báo cáo.", code="REPORT_READER_REQUIRED")


def sees_every_tenants_compliance(actor, own_tenant, desk_codes):
    """Platform admins, the desks and the VGCL's own bodies see every tenant's quota compliance;
    anyone else sees their own tenant's line."""
    if actor.is_platform_admin:
        return True
    if own_tenant is None:
        return False
    return own_tenant.code in desk_codes or own_tenant.kind in ("confederation", "department")
