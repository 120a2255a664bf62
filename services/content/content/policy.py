"""Who may see and do what with content, in one place.

Articles are decided by one table, ``ARTICLES``: role → action → the condition under which
a holder of the role may take the action on an article. An actor holding several roles
may do what any of them may. Conditions speak of the actor's relation to the article
(``Relation``): of the article's tenant or not, its author or co-author or not, an editor
of the desk reviewing its section or not, and the article's status.

* What an actor may ``get`` is also what its ``list`` shows (the same condition, as SQL),
  and anything else is 404: no answer tells that an article they may not read exists.
* An article they may read but not act on is 403; whether the action fits the article's
  status (409) is the workflow's business (``content.articles.domain``), decided after.
* Unpublished work is for the people working on it: the article's tenant's administrators
  and editors, its authors and co-authors, the desk reviewing it (never a draft), and
  platform administrators (read only). Members — and every role that does not write —
  read only their tenant's published articles, without the editorial history.
* The system actor (other services, timers) may do anything.

The other rules (writing a new article, sections, documents, report figures, quota
compliance) follow the table.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Text, and_, cast, false, or_, true

from content.articles.models import Article
from platform_shared.errors import Forbidden, NotFound
from platform_shared.policy import require_any_role, require_signed_in  # noqa: F401

WRITERS = ("contributor", "editor", "tenant_admin", "platform_admin")
DOCUMENT_ISSUER_KINDS = ("confederation", "department")
IN_THE_DESKS_HANDS = ("submitted", "in_review", "approved", "scheduled", "published", "unpublished", "rejected")


# -- an actor and an article ----------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """What the policy knows of one actor and one article."""

    status: str
    own_tenant: bool  # the actor belongs to the article's tenant
    author: bool  # ... and wrote it or is one of its authors
    desk: bool  # the actor is an editor of the desk reviewing its section


def is_author(actor, article):
    """The actor created the article or is one of its authors."""
    if not actor.user_id:
        return False
    return str(article.created_by) == actor.user_id or any(
        str(a.get("user_id")) == actor.user_id for a in article.authors or ()
    )


def relation(actor, article, desk):
    own = actor.tenant_id is not None and actor.tenant_id == str(article.tenant_id)
    return Relation(
        status=article.status,
        own_tenant=own,
        author=own and is_author(actor, article),
        desk=desk is not None and desk.is_editor(actor),
    )


# -- conditions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """When a role may take an action: ``holds(relation)``; for reading, also ``where(actor,
    desk_section_ids)``, the same condition as an SQL filter on ``article``."""

    name: str
    holds: Callable[[Relation], bool]
    where: Callable | None = None

    def __or__(self, other):
        where = None
        if self.where is not None and other.where is not None:
            where = lambda actor, desk_ids: or_(self.where(actor, desk_ids), other.where(actor, desk_ids))  # noqa: E731
        return Condition(f"{self.name} | {other.name}", lambda r: self.holds(r) or other.holds(r), where)

    def __repr__(self):
        return self.name


def _own(actor, _desk_ids):
    return Article.tenant_id == uuid.UUID(actor.tenant_id) if actor.tenant_id else false()


def _authored(actor, desk_ids):
    if not actor.user_id:
        return false()
    # ``authors`` is a JSON list of {"user_id", "pen_name", "share"}; its text holds
    # '"user_id": "<id>"' on PostgreSQL (jsonb) and SQLite alike, and a pen name cannot
    # (its quotes are escaped).
    return and_(
        _own(actor, desk_ids),
        or_(
            Article.created_by == uuid.UUID(actor.user_id),
            cast(Article.authors, Text).like(f'%"user_id": "{uuid.UUID(actor.user_id)}"%'),
        ),
    )


def _desk_queue(_actor, desk_ids):
    if not desk_ids:
        return false()
    return and_(Article.section_id.in_(list(desk_ids)), Article.status != "draft")


ANY = Condition("any", lambda r: True, lambda actor, desk_ids: true())
OWN = Condition("own tenant's", lambda r: r.own_tenant, _own)
OWN_PUBLISHED = Condition(
    "own tenant's, published",
    lambda r: r.own_tenant and r.status == "published",
    lambda actor, desk_ids: and_(_own(actor, desk_ids), Article.status == "published"),
)
AUTHORED = Condition("authored", lambda r: r.own_tenant and r.author, _authored)
DESK_QUEUE = Condition("submitted to their desk", lambda r: r.desk and r.status != "draft", _desk_queue)
OWN_WORK = Condition("own tenant's, not in review", lambda r: r.own_tenant and r.status != "in_review")
AUTHORED_WORK = Condition("authored, not in review", lambda r: r.own_tenant and r.author and r.status != "in_review")
DESK = Condition("their desk's", lambda r: r.desk)
DESK_HANDS = Condition("their desk's, submitted", lambda r: r.desk and r.status in IN_THE_DESKS_HANDS)
OWN_OR_DESK_QUEUE = OWN | DESK_QUEUE
AUTHORED_OR_PUBLISHED = AUTHORED | OWN_PUBLISHED


# -- the table ------------------------------------------------------------------------------

READING = ("get", "list", "revisions", "diff")
AUTHORING = ("update", "submit")
REVIEWING = ("open", "return", "reject", "approve", "schedule", "publish", "unpublish", "correct")
ACTIONS = READING + AUTHORING + REVIEWING

_READER = {"get": OWN_PUBLISHED, "list": OWN_PUBLISHED}

ARTICLES = {
    # Reads everything (support, audit); writes only what they wrote; reviews nothing.
    "platform_admin": {
        "get": ANY,
        "list": ANY,
        "revisions": ANY,
        "diff": ANY,
        "update": AUTHORED_WORK,
        "submit": AUTHORED,
    },
    # Everything of their own tenant's writing side; reviewing is for editors.
    "tenant_admin": {
        "get": OWN,
        "list": OWN,
        "revisions": OWN,
        "diff": OWN,
        "update": OWN_WORK,
        "submit": OWN,
    },
    # Their own tenant's writing side, and the desk of a central section (their tenant's
    # desk) or of their tenant's own sub-site sections.
    "editor": {
        "get": OWN_OR_DESK_QUEUE,
        "list": OWN_OR_DESK_QUEUE,
        "revisions": OWN_OR_DESK_QUEUE,
        "diff": OWN_OR_DESK_QUEUE,
        "update": OWN_WORK | DESK_HANDS,
        "submit": OWN,
        **dict.fromkeys(REVIEWING, DESK),
    },
    # What they wrote or co-author, and what their tenant published.
    "contributor": {
        "get": AUTHORED_OR_PUBLISHED,
        "list": AUTHORED_OR_PUBLISHED,
        "revisions": AUTHORED,
        "diff": AUTHORED,
        "update": AUTHORED_WORK,
        "submit": AUTHORED,
    },
    # Roles that do not write read what their tenant published, nothing else. A unit
    # administrator administers its branch in accounts only: here it is a reader.
    "member": _READER,
    "unit_admin": _READER,
    "responder": _READER,
    "moderator": _READER,
    "royalty_officer": _READER,
}

NEVER = Condition("never", lambda r: False, lambda actor, desk_ids: false())

# The 403 of an action the actor may not take on an article they may read.
_DESK_REFUSAL = ("DESK_EDITOR_REQUIRED", "Chỉ biên tập viên của ban biên tập chuyên mục này được làm việc này.")
REFUSALS = {
    "revisions": ("REVISIONS_NOT_ALLOWED", "Chỉ người viết bài và ban biên tập được xem các phiên bản của bài."),
    "update": (
        "AUTHOR_SIDE_REQUIRED",
        "Chỉ tác giả, đồng tác giả, biên tập viên hoặc quản trị viên của đơn vị viết bài được sửa bài này.",
    ),
    "submit": (
        "AUTHOR_SIDE_REQUIRED",
        "Chỉ tác giả, đồng tác giả, biên tập viên hoặc quản trị viên của đơn vị viết bài được gửi bài này.",
    ),
    **dict.fromkeys(REVIEWING, _DESK_REFUSAL),
}
REFUSALS["diff"] = REFUSALS["revisions"]


def condition(role, action):
    """The table's cell: when a holder of ``role`` may take ``action`` (``NEVER`` when it is empty)."""
    return ARTICLES.get(role, {}).get(action, NEVER)


def may(actor, action, rel):
    """Whether ``actor`` may take ``action`` on an article they stand to in ``rel``."""
    if actor.system:
        return True
    return any(condition(role, action).holds(rel) for role in actor.roles)


def decide(actor, action, rel):
    """``"allowed"``, ``"forbidden"`` (403) or ``"not_found"`` (404: the actor may not read it)."""
    if not may(actor, "get", rel):
        return "not_found"
    return "allowed" if may(actor, action, rel) else "forbidden"


def require(actor, action, article, desk):
    """The actor's ``Relation`` to ``article`` when they may take ``action`` on it; NotFound
    unless they may read it, Forbidden unless they may take the action. ``desk``: who
    reviews its section (``Desk``)."""
    rel = relation(actor, article, desk)
    outcome = decide(actor, action, rel)
    if outcome == "not_found":
        raise NotFound.of("article", str(article.id))
    if outcome == "forbidden":
        code, message = _DESK_REFUSAL if action == "update" and rel.status == "in_review" else REFUSALS[action]
        raise Forbidden(message, code=code)
    return rel


def visible_articles(actor, desk_section_ids):
    """SQL filter: the articles ``actor`` may read — their ``list`` cell of the table, as SQL."""
    if actor.system:
        return true()
    clauses = [condition(role, "list").where(actor, desk_section_ids) for role in sorted(actor.roles)]
    return or_(false(), *clauses) if clauses else false()


def readable_history(actor, desk_section_ids):
    """SQL filter: the articles whose editorial history ``actor`` may read — their ``revisions``
    cell of the table, as SQL (a list's ``last_comment``)."""
    if actor.system:
        return true()
    clauses = [condition(role, "revisions").where(actor, desk_section_ids) for role in sorted(actor.roles)]
    return or_(false(), *clauses) if clauses else false()


def waiting_work(actor):
    """What waits for ``actor`` (``count_waiting_articles``): ``(mine, desk)`` — their own articles
    when they write, and the queue (what their ``list`` shows by status) when they are an editor."""
    return actor.has(*WRITERS), actor.has("editor")


def require_writer(actor):
    require_any_role(actor, WRITERS, "Chỉ cộng tác viên, biên tập viên hoặc quản trị viên được viết bài.")


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


def asset_reviewer(article, desk):
    """The tenant whose desk may read the article's photos in media (media's ``reviewer_tenant_id``):
    a central section's desk once the article is in its queue (``DESK_QUEUE``: never a draft); None
    for a tenant's own sub-site sections, whose desk is the tenant itself."""
    if desk is None or desk.scope != "central" or article.status == "draft":
        return None
    return desk.tenant_id


def require_section_writer(actor, section):
    """The central *Chỉ đạo – Điều hành* section takes items from editors and administrators only."""
    if section.scope == "central" and section.key == "directives" and not actor.has("editor", "tenant_admin"):
        raise Forbidden("Chuyên mục Chỉ đạo – Điều hành chỉ nhận bài của biên tập viên.", code="NOT_ALLOWED")


def require_section_manager(actor, verb):
    """A tenant's own sub-site sections are managed by its administrators and editors."""
    require_any_role(
        actor, ("tenant_admin", "editor"), f"Chỉ quản trị viên hoặc biên tập viên của đơn vị được {verb} chuyên mục."
    )


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
