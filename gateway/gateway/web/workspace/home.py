"""``/quan-tri/``: the landing page — what is waiting for each of the person's roles (how many,
and the oldest), with a link to where it is done: the article blocks here, and the cards other
workspace modules register with ``@tile`` (questions, moderation, polls, reports, members,
accounts). The old single-page console's address ``/quan-tri/quan-ly/`` answers 301 here: its
pages live on this layer now (issue 15)."""

from flask import Blueprint, redirect

from gateway.api.common import call
from gateway.web.render import page
from gateway.web.workspace.common import BASE, ROLE_LABELS, block, has, menu, staff, tiles

bp = Blueprint("workspace_home", __name__)


def _first(answer):
    items = answer.get("items") or []
    return items[0] if items else None


def waiting(actor):
    """The landing page's blocks, one per kind of work this person's roles do."""
    blocks = {}
    if has(actor, "contributor", "editor"):
        # One RPC counts the person's own articles and their desk's queue (and finds the oldest).
        articles = block(lambda: call("content", "count_waiting_articles", actor))
        mine = articles and articles["mine"]
        blocks["mine"] = mine and {"returned": mine["returned"], "drafts": mine["draft"]}
        if has(actor, "editor"):
            blocks["desk"] = articles and articles["desk"]
    if has(actor, "editor", "platform_admin"):
        blocks["quotas"] = block(lambda: call("content", "quota_compliance", actor, {}))
    if has(actor, "royalty_officer"):

        def royalties():
            pending = call("royalties", "list_items", actor, {"status": "pending_score", "per_page": "1"})
            overdue = call("royalties", "overdue_items", actor, {"per_page": "1"})
            drafts = call("royalties", "list_statements", actor, {"status": "draft", "per_page": "1"})
            return {
                "pending": {"total": pending.get("total") or 0},
                "overdue": {"total": overdue.get("total") or 0, "oldest": _first(overdue)},
                "drafts": {"total": drafts.get("total") or 0},
            }

        blocks["royalties"] = block(royalties)
    return blocks


@bp.route(f"{BASE}/")
def landing():
    actor = staff()
    return page(
        "workspace/home.html",
        actor=actor,
        roles=[ROLE_LABELS[r] for r in actor.get("roles") or () if r in ROLE_LABELS and r != "member"],
        blocks=waiting(actor),
        cards=tiles(actor),
        menu=menu(actor),
        current=f"{BASE}/",
    )


@bp.route(BASE)
@bp.route("/console")
@bp.route(f"{BASE}/quan-ly/")
def old_addresses():
    return redirect(f"{BASE}/", code=301)
