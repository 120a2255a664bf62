"""The article use cases: writing, the workflow, corrections, scheduled publication, reading.

Plain Python: sessions, stores, the workflow rules (``content.articles.domain``), the outbox.
The media service is asked about assets before a transaction opens and told of references
after it has committed (``content.assets``); the accounts service gives a writer's default
pen name (``find_user``), also outside any transaction.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from content import policy, richtext
from content.articles import domain, facts, views
from content.articles.models import Article, ArticleActivity, ArticleRevision
from content.articles.store import ArticleStore
from content.assets import Assets, CheckedAssets, References
from content.sections.store import SectionStore
from platform_shared import outbox, search
from platform_shared.actor import SYSTEM
from platform_shared.errors import InvalidInput, PlatformError
from platform_shared.schemas import content as api
from platform_shared.schemas import load
from platform_shared.text import slugify
from platform_shared.views import uuid_or_none

log = logging.getLogger("content")

# The loaded input of each workflow action.
ACTION_INPUT = {"return": api.Comment, "reject": api.Reason, "unpublish": api.Reason, "schedule": api.Schedule}


@dataclass(frozen=True)
class Settings:
    lock_minutes: int = 30

    @classmethod
    def from_config(cls, config):
        return cls(lock_minutes=int(config.get("CONTENT_LOCK_MINUTES", 30)))


class ArticleOperations:
    def __init__(self, sessions, *, clock, tenants, settings=Settings(), assets=None, find_user=None):
        self.sessions = sessions
        self.clock = clock
        self.tenants = tenants  # session -> the tenant directory
        self.settings = settings
        self.assets = assets or Assets()
        self.find_user = find_user or (lambda user_id: None)

    # -- in a session ---------------------------------------------------------------------

    def _store(self, session, actor):
        return ArticleStore(session, actor, SectionStore(session).desk_section_ids(actor, self.tenants(session)))

    def _desk(self, session, section):
        return SectionStore(session).desk(section, self.tenants(session))

    def _record(self, session, article, step, actor, now, **fact):
        """The step's activity, and its fact in the outbox, in the caller's transaction."""
        ArticleStore(session, SYSTEM).add_activity(
            ArticleActivity(
                article_id=article.id,
                tenant_id=article.tenant_id,
                action=step.action,
                from_status=step.from_status,
                to_status=step.to_status,
                comment=step.comment,
                actor_id=uuid_or_none(actor.user_id) if actor is not None else None,
                at=now,
            )
        )
        section = SectionStore(session).get(article.section_id)
        event = facts.payload(step, article, section.key, now, **fact)
        if event is not None:
            outbox.add(session, *event, aggregate_id=article.id, now=now)

    def _revision(self, session, article, kind, actor, now, note=None, new_work=False):
        ArticleStore(session, SYSTEM).add_revision(
            ArticleRevision(
                article_id=article.id,
                tenant_id=article.tenant_id,
                number=article.revision,
                kind=kind,
                title=article.title,
                summary=article.summary,
                body=article.body,
                genre=article.genre,
                topic=article.topic,
                tags=article.tags,
                authors=article.authors,
                asset_ids=article.asset_ids,
                note=note,
                new_work=new_work,
                created_by=uuid_or_none(actor.user_id),
                created_at=now,
            )
        )

    def _view(self, session, article, **extra):
        return views.article(
            article,
            SectionStore(session).get(article.section_id),
            tenant_name=getattr(self.tenants(session).get(article.tenant_id), "name", None),
            **extra,
        )

    # -- writing ------------------------------------------------------------------------

    def create(self, actor, data):
        """A draft in a section; assets checked with the media service; revision 1."""
        policy.require_writer(actor)
        data = load(api.ArticleCreate, data)
        if not actor.tenant_id:
            raise InvalidInput("Tài khoản hệ thống không viết bài.", code="NO_TENANT")
        body = richtext.clean_html(data["body"])
        authors = (
            domain.normalise_authors(data["authors"])
            if data["authors"]
            else domain.default_authors(actor.user_id, self.find_user(actor.user_id) or "Tác giả")
        )
        checked = None
        if data["asset_ids"]:
            with self.sessions.read() as session:  # the section's errors come before the assets'
                self._section_to_write(session, actor, data["section"])
            checked = self.assets.check(actor, data["asset_ids"])
        now = self.clock.now()
        with self.sessions.transaction() as session:
            section = self._section_to_write(session, actor, data["section"])
            checked = checked or CheckedAssets()
            site_key = "portal" if section.scope == "central" else str(section.tenant_id)
            store = self._store(session, actor)
            base = slugify(data["title"]) or "bai-viet"
            article = Article(
                id=uuid.uuid4(),
                tenant_id=uuid.UUID(actor.tenant_id),
                origin_tenant_id=uuid.UUID(actor.tenant_id),
                section_id=section.id,
                site="portal" if section.scope == "central" else "component",
                site_key=site_key,
                genre=data["genre"],
                title=data["title"],
                slug=domain.unique_slug(base, store.slugs_like(site_key, base)),
                summary=data["summary"],
                body=body,
                topic=data["topic"],
                tags=data["tags"],
                authors=authors,
                asset_ids=checked.ids,
                photo_credits=checked.credits,
                photo_count=len(checked.credits),
                status="draft",
                revision=1,
                created_by=uuid_or_none(actor.user_id),
                created_at=now,
                updated_at=now,
            )
            _index(article)
            store.add(article)
            self._revision(session, article, "created", actor, now)
            self._record(session, article, domain.Step("create", "draft", "draft"), actor, now)
            view = self._view(session, article)
        self.assets.tell(_references(actor, article, None, added=checked.ids))  # a draft: no desk reads it
        return view

    def _section_to_write(self, session, actor, key):
        section = SectionStore(session).resolve(actor, key)
        policy.require_section_writer(actor, section)
        return section

    def update(self, actor, article_id, data):
        """Edit a draft, a returned item, or (the reviewing editor) an item in review. New revision each time."""
        data = load(api.ArticleUpdate, data)
        guard = partial(self._editable, actor=actor, article_id=article_id)
        edits = self._prepare(actor, data, guard)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            article = guard(session, for_update=True)
            references = self._apply(session, actor, article, edits or self._edits(actor, data))
            domain.new_revision(article, now)
            _index(article)
            self._revision(session, article, "edit", actor, now)
            view = self._view(session, article)
        self.assets.tell(references)
        return view

    def _article(self, session, actor, article_id, action, *, for_update=False, before=None):
        """The article and the actor's ``policy.Relation`` to it, when ``actor`` may take ``action``
        on it: NotFound when they may not read it, Forbidden when they may only read it
        (``policy.ARTICLES``). ``before``: a check of the article's state that comes before the
        policy's (a review lock)."""
        article = self._store(session, actor).get(article_id, for_update=for_update)
        if before is not None:
            before(article)
        desk = self._desk(session, SectionStore(session).get(article.section_id))
        return article, policy.require(actor, action, article, desk)

    def _editable(self, session, *, actor, article_id, for_update=False):
        """An article ``actor`` may edit now. Another editor's review lock (409) is told to anyone
        who may read the article; then who may edit it (403); then whether its status allows (409)."""
        now = self.clock.now()
        article, _ = self._article(
            session,
            actor,
            article_id,
            "update",
            for_update=for_update,
            before=lambda a: domain.check_lock(a, actor.user_id, now, expired=False),
        )
        domain.check_editable(article, actor.user_id, now)
        return article

    def _prepare(self, actor, data, guard):
        """Edits that name assets, made ready before the write: the media service is asked with no
        transaction open. The write's own checks (``guard``, in a read session) and the fields'
        checks come first, so errors come in the same order as when everything ran in the write."""
        if not data.get("asset_ids"):
            return None
        with self.sessions.read() as session:
            guard(session)
        return self._edits(actor, data)

    def _edits(self, actor, data):
        """The edited fields, cleaned and checked (body, authors, then assets — no RPC for none)."""
        edits = {k: v for k, v in data.items() if k in ("genre", "title", "summary", "topic", "tags")}
        if "body" in data:
            edits["body"] = richtext.clean_html(data["body"])
        if "authors" in data:
            edits["authors"] = domain.normalise_authors(data["authors"])
        if "asset_ids" in data:
            edits["assets"] = self.assets.check(actor, data["asset_ids"])
        return edits

    def _apply(self, session, actor, article, edits):
        """Set the edited fields; the assets' references to tell media after commit."""
        references = None
        checked = edits.pop("assets", None)
        if checked is not None:
            before = set(article.asset_ids or [])
            article.photo_credits, article.photo_count = checked.credits, len(checked.credits)
            article.asset_ids = checked.ids
            references = _references(
                actor,
                article,
                self._reviewer(session, article),
                added=[i for i in checked.ids if i not in before],
                removed=[i for i in before if i not in checked.ids],
            )
        for key, value in edits.items():
            setattr(article, key, value)
        return references

    def transition(self, actor, article_id, action, data=None):
        """submit, open, return, reject, approve, schedule, publish, unpublish — each checked in one place."""
        if action not in domain.TRANSITIONS:
            raise InvalidInput.field("action", f"Không có thao tác «{action}».", code="UNKNOWN_ACTION")
        payload = load(ACTION_INPUT.get(action, api.Empty), data if data is not None else {})
        holder = self._name_of(actor) if action == "open" else None  # asked before the transaction opens
        now = self.clock.now()
        with self.sessions.transaction() as session:
            article, _ = self._article(session, actor, article_id, action, for_update=True)
            step = domain.apply(
                article,
                action,
                payload,
                actor_id=uuid_or_none(actor.user_id),
                now=now,
                lock=timedelta(minutes=self.settings.lock_minutes),
                actor_name=holder,
            )
            self._record(session, article, step, actor, now)
            view = self._view(session, article)
            # Submitted, the article is in its desk's queue: the desk may now read its photos. Told
            # for every photo, so those attached to the draft (and any earlier call that failed) count.
            references = (
                _references(actor, article, self._reviewer(session, article), added=article.asset_ids or [])
                if action == "submit"
                else None
            )
        self.assets.tell(references)
        return view

    def _reviewer(self, session, article):
        """The desk tenant that may read the article's assets now (``policy.asset_reviewer``)."""
        return policy.asset_reviewer(article, self._desk(session, SectionStore(session).get(article.section_id)))

    def _name_of(self, actor):
        """The editor's full name, kept with the review lock for the other editors to read (they may
        not read each other's accounts); None when accounts does not answer — the lock holds anyway."""
        if not actor.user_id:
            return None
        try:
            return self.find_user(actor.user_id)
        except PlatformError as exc:
            if exc.status < 500:
                raise
            log.warning("lock holder's name unavailable: %s", exc.code)
            return None

    def correct(self, actor, article_id, data):
        """Change a published article: a new revision, published at once, with a note."""
        data = load(api.Correction, data)
        guard = partial(self._correctable, actor=actor, article_id=article_id)
        changes = {k: v for k, v in data.items() if k not in ("note", "new_work")}
        edits = self._prepare(actor, changes, guard)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            article = guard(session, for_update=True)
            previous = article.published_revision
            references = self._apply(session, actor, article, edits or self._edits(actor, changes))
            step = domain.correct(article, data["note"], now)
            _index(article)
            self._revision(session, article, "correction", actor, now, note=data["note"], new_work=data["new_work"])
            self._record(session, article, step, actor, now, previous_revision=previous, new_work=data["new_work"])
            view = self._view(session, article)
        self.assets.tell(references)
        return view

    def _correctable(self, session, *, actor, article_id, for_update=False):
        article, _ = self._article(session, actor, article_id, "correct", for_update=for_update)
        domain.check_correctable(article)
        return article

    def publish_due(self):
        """Publish scheduled articles whose time has come (the timer; safe with several replicas)."""
        now = self.clock.now()
        published = []
        with self.sessions.transaction() as session:
            for article in ArticleStore(session, SYSTEM).due(now):
                self._record(session, article, domain.publish_on_schedule(article, now), None, now)
                published.append(str(article.id))
        for ident in published:
            log.info("scheduled article published", extra={"article_id": ident})
        return published

    # -- reading (signed in) --------------------------------------------------------------

    def get(self, actor, article_id):
        """One article the actor may see, with its workflow history when they may read its revisions."""
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            article, relation = self._article(session, actor, article_id, "get")
            if not policy.may(actor, "revisions", relation):
                return self._view(session, article)  # the editorial history is for those who work on it
            return self._view(session, article, activity=self._store(session, actor).activity(article.id))

    def list(self, actor, args):
        """The articles the actor may see, most recently changed first; each with its latest
        comment (``last_comment``) when the actor may read its history."""
        policy.require_signed_in(actor)
        args = load(api.ArticleListArgs, args or {})
        now = self.clock.now()
        with self.sessions.read() as session:
            sections = SectionStore(session)
            section_id = sections.resolve(actor, args["section"]).id if args.get("section") else None
            store = self._store(session, actor)
            items, total = store.list(
                page=args["page"],
                per_page=args["per_page"],
                status=args.get("status"),
                section_id=section_id,
                mine=args.get("mine"),
                q=args.get("q"),
                tenant_id=args.get("tenant_id"),
                changed_before=now - timedelta(days=args["waiting_days"]) if args.get("waiting_days") else None,
                order=args["order"],
            )
            last_comments = store.last_comments([a.id for a in items])
            names = _tenant_names(self.tenants(session), items)
            return views.page(
                items, sections.by_ids({a.section_id for a in items}), total, args, last_comments, tenant_names=names
            )

    def waiting(self, actor):
        """What waits for the actor, how many and the oldest of each kind (the workspace's landing),
        in one read: of their own articles (``mine``) the returned and the drafts; of an editor's
        queue (``desk``: what ``list`` shows them by status) the submitted, in review and approved."""
        policy.require_signed_in(actor)
        mine, desk = policy.waiting_work(actor)
        with self.sessions.read() as session:
            found = self._store(session, actor).waiting(
                authored=domain.WAITING_FOR_AUTHORS if mine else (),
                queued=domain.WAITING_AT_THE_DESK if desk else (),
            )
        return views.waiting(found, mine=mine, desk=desk)

    def revisions(self, actor, article_id):
        """The numbered revisions of an article (``policy.ARTICLES``: not for readers of published work only)."""
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            article, _ = self._article(session, actor, article_id, "revisions")
            return views.revisions(article, self._store(session, actor).revisions(article.id))

    def diff(self, actor, article_id, args):
        """What changed in title, summary and body between two revisions."""
        policy.require_signed_in(actor)
        args = load(api.RevisionDiffArgs, args or {})
        with self.sessions.read() as session:
            article, _ = self._article(session, actor, article_id, "diff")
            store = self._store(session, actor)
            old, new = store.revision(article.id, args["from_"]), store.revision(article.id, args["to"])
            for name, rev in (("from", old), ("to", new)):
                if rev is None:
                    raise InvalidInput.field(name, "Không có phiên bản này.", code="UNKNOWN_REVISION")
            fields = ("title", "summary", "body")
            changes = richtext.diff(
                {k: getattr(old, k) or "" for k in fields}, {k: getattr(new, k) or "" for k in fields}
            )
            return views.diff(old, new, changes)


def _tenant_names(tenants, articles):
    """The names of the articles' tenants, from the tenant copy (one query for a page)."""
    rows = tenants.by_ids({a.tenant_id for a in articles})
    return {tenant_id: row.name for tenant_id, row in rows.items()}


def _index(article):
    """Word count and the two search columns, from what the article says now."""
    text = richtext.plain_text(article.body)
    article.word_count = richtext.word_count(text)
    article.search_exact, article.search_folded = search.search_columns(
        article.title, article.summary or "", text, " ".join(article.tags or []), article.topic or ""
    )


def _references(actor, article, reviewer, *, added=(), removed=()):
    """What media is told of the article's assets; ``reviewer``: the desk tenant that may read them."""
    if not added and not removed:
        return None
    reference = {
        "kind": "article",
        "id": str(article.id),
        "published": article.status == "published",
        "reviewer_tenant_id": reviewer,
    }
    return References(actor.dump(), reference, list(added), list(removed))
