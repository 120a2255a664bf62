"""The royalties use cases. Plain Python: sessions, stores, the rules in ``domain``, the outbox.

Event appliers (``apply_*``) run inside the handler's transaction, after its
``inbox.seen`` check, so an event's effects and its inbox record commit together.
"""

import base64
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from platform_shared import outbox
from platform_shared.actor import SYSTEM
from platform_shared.contracts import royalties as events
from platform_shared.errors import Conflict, InvalidInput
from platform_shared.schemas import load
from platform_shared.schemas import royalties as api
from royalties import domain, export, policy
from royalties.models import Item, Rate, Statement, StatementLine
from royalties.store import Articles, Events, Items, Ledger, Rates, Statements, Tenants, unseen

DEFAULT_DESKS = {"news": "BLD", "thematic": "BTG", "directives": "VP-TLD"}


class UnknownDesk(RuntimeError):
    """The desk tenant of a central section is not in the tenant copy yet (retried, then parked)."""


@dataclass(frozen=True)
class Settings:
    desks: dict = field(default_factory=lambda: dict(DEFAULT_DESKS))

    @classmethod
    def from_config(cls, config):
        desks = dict(DEFAULT_DESKS)
        for section, setting in (
            ("news", "CONTENT_NEWS_DESK"),
            ("thematic", "CONTENT_THEMATIC_DESK"),
            ("directives", "CONTENT_DIRECTIVES_DESK"),
        ):
            if config.get(setting):
                desks[section] = config[setting]
        return cls(desks=desks)


class Royalties:
    def __init__(self, sessions, *, clock, settings=None):
        self.sessions = sessions
        self.clock = clock
        self.settings = settings or Settings()

    # -- events in -------------------------------------------------------------------------------

    def _payer(self, session, event):
        """Who pays: the desk owning a central section on the portal; the tenant itself on its sub-site."""
        tenants = Tenants(session)
        code = self.settings.desks.get(event["section"])
        if code and event["site"] == "portal":
            desk = tenants.by_code(code)
            if desk is None:
                raise UnknownDesk(f"desk tenant {code!r} of section {event['section']!r} is not known yet")
            return tenants.surviving(desk.id)
        return tenants.surviving(event["tenant_id"])

    def _article(self, session, event, occurred, status):
        payer = self._payer(session, event)
        article = Articles(session).lock(
            uuid.UUID(event["article_id"]),
            {
                "tenant_id": payer,
                "author_tenant_id": uuid.UUID(event["tenant_id"]),
                "section": event["section"],
                "status": status,
                "last_event_at": occurred,
                "updated_at": self.clock.now(),
            },
        )
        return article, payer

    def apply_published(self, session, event, *, new_work=False):
        """Open one item per payee of the revision that counts; reopen items voided by an earlier withdrawal.

        Counting revisions: the first publication, and a correction the desk marked as a
        new work. A re-publication pays nothing new. A publication older than a withdrawal
        already applied (events out of order) opens its items voided.
        """
        now = self.clock.now()
        occurred = _time(event["occurred_at"])
        published_at = _time(event.get("corrected_at") if new_work else event["published_at"])
        article, payer = self._article(session, event, occurred, "published")
        stale = article.status == "withdrawn" and article.last_event_at > occurred
        if not stale:
            article.status, article.last_event_at, article.updated_at = (
                "published",
                max(occurred, article.last_event_at),
                now,
            )
        items = Items(session, SYSTEM).of_article(article.id)
        payees = domain.payees(event)
        created = reopened = 0
        counts = new_work or event.get("first_publication", True) or not items
        if counts:
            have = {(i.revision, i.payee_key) for i in items}
            for payee in payees:
                if (event["revision"], payee.key) in have:
                    continue
                session.add(self._new_item(event, article, payee, published_at, stale, now))
                created += 1
        if not stale and not new_work:
            for item in items:
                if item.status == "voided":
                    item.status = "scored" if item.amount is not None else "pending_score"
                    item.voided_at = item.void_reason = None
                    reopened += 1
        outcome = "stale" if stale else ("opened" if counts else ("reopened" if reopened else "republished"))
        Events(session).record(
            event_id=event["event_id"],
            tenant_id=payer,
            event_type=event["event_type"],
            article_id=article.id,
            revision=event["revision"],
            period=domain.period_of(published_at),
            occurred_at=occurred,
            received_at=now,
            expected_items=len(payees) if counts else 0,
            created_items=created + reopened,
            outcome=outcome,
        )
        return created + reopened

    def apply_published_batch(self, session, events, *, handler="handle_article_published"):
        """A batch of publications in one transaction (the intake consumer); returns items opened.

        Events already handled (the inbox) and repeats within the batch are skipped. A
        publication of an article heard of for the first time takes the bulk path (a few
        statements for the whole batch); anything else goes through ``apply_published``,
        one by one, under the article's lock — the same rules either way.
        """
        now = self.clock.now()
        fresh = unseen(session, handler, [e["event_id"] for e in events], now)
        todo, seen_ids = [], set()
        for event in events:
            if event["event_id"] in fresh and event["event_id"] not in seen_ids:
                seen_ids.add(event["event_id"])
                todo.append(event)
        if not todo:
            return 0
        payers, per_article = {}, {}
        for event in todo:
            per_article.setdefault(event["article_id"], []).append(event)
            key = (event["section"], event["site"], event["tenant_id"])
            if key not in payers:
                payers[key] = self._payer(session, event)
        singles = [es[0] for es in per_article.values() if len(es) == 1]
        created = Articles(session).create_new(
            [
                {
                    "id": uuid.UUID(e["article_id"]),
                    "tenant_id": payers[(e["section"], e["site"], e["tenant_id"])],
                    "author_tenant_id": uuid.UUID(e["tenant_id"]),
                    "section": e["section"],
                    "status": "published",
                    "last_event_at": _time(e["occurred_at"]),
                    "updated_at": now,
                }
                for e in singles
            ]
        )
        items, received, opened = [], [], 0
        for event in todo:
            article_id = uuid.UUID(event["article_id"])
            if article_id not in created:
                opened += self.apply_published(session, event)
                continue
            published_at = _time(event["published_at"])
            payer = payers[(event["section"], event["site"], event["tenant_id"])]
            payees = domain.payees(event)
            article = _NewArticle(article_id, payer)
            items += [self._item_row(event, article, p, published_at, False, now) for p in payees]
            received.append(
                {
                    "event_id": event["event_id"],
                    "tenant_id": payer,
                    "event_type": event["event_type"],
                    "article_id": article_id,
                    "revision": event["revision"],
                    "period": domain.period_of(published_at),
                    "occurred_at": _time(event["occurred_at"]),
                    "received_at": now,
                    "expected_items": len(payees),
                    "created_items": len(payees),
                    "outcome": "opened",
                }
            )
            opened += len(payees)
        Items(session, SYSTEM).add_many(items)
        Events(session).record_many(received)
        return opened

    def _new_item(self, event, article, payee, published_at, stale, now):
        return Item(**self._item_row(event, article, payee, published_at, stale, now))

    def _item_row(self, event, article, payee, published_at, stale, now):
        published_on = domain.local_date(published_at)
        return dict(
            id=uuid.uuid4(),
            tenant_id=article.tenant_id,
            author_tenant_id=uuid.UUID(event["tenant_id"]),
            article_id=article.id,
            revision=event["revision"],
            source_event_id=event["event_id"],
            kind=payee.kind,
            payee_key=payee.key,
            payee_user_id=_uuid(payee.user_id),
            payee_name=payee.name,
            asset_id=_uuid(payee.asset_id),
            share=payee.share,
            section=event["section"],
            genre=payee.genre,
            site=event["site"],
            title=event["title"][:300],
            published_at=published_at,
            published_on=published_on,
            due_on=domain.due_on(published_on),
            status="voided" if stale else "pending_score",
            adjustments=[],
            voided_at=now if stale else None,
            void_reason="Bài đã bị gỡ trước khi sự kiện đăng bài được xử lý." if stale else None,
            created_at=now,
            **_UNSCORED,
        )

    def apply_corrected(self, session, event):
        """A correction pays only when the desk marked it as a new work."""
        if event["new_work"]:
            return self.apply_published(session, event, new_work=True)
        occurred = _time(event["occurred_at"])
        article, payer = self._article(session, event, occurred, "published")
        Events(session).record(
            event_id=event["event_id"],
            tenant_id=payer,
            event_type=event["event_type"],
            article_id=article.id,
            revision=event["revision"],
            period=domain.period_of(_time(event["corrected_at"])),
            occurred_at=occurred,
            received_at=self.clock.now(),
            outcome="not_new_work",
        )
        return 0

    def apply_unpublished(self, session, event):
        """Withdrawal: open items are voided; approved ones get a reversal entry for the next statement."""
        now = self.clock.now()
        occurred = _time(event["occurred_at"])
        article, payer = self._article(session, event, occurred, "withdrawn")
        stale = article.status == "published" and article.last_event_at > occurred
        voided = reversed_ = 0
        if not stale:
            article.status, article.last_event_at, article.updated_at = (
                "withdrawn",
                max(occurred, article.last_event_at),
                now,
            )
            ledger = Ledger(session)
            for item in Items(session, SYSTEM).of_article(article.id):
                if item.status in domain.OPEN:
                    item.status, item.voided_at, item.statement_id = "voided", now, None
                    item.void_reason = event.get("reason") or "Bài đã bị gỡ."
                    voided += 1
                elif item.status in ("approved", "paid") and item.reversed_at is None:
                    ledger.add(
                        tenant_id=item.tenant_id,
                        item_id=item.id,
                        statement_id=None,
                        kind="reversal",
                        payee_key=item.payee_key,
                        payee_user_id=item.payee_user_id,
                        payee_name=item.payee_name,
                        amount=-int(item.amount),
                        created_at=now,
                    )
                    item.reversed_at = now
                    reversed_ += 1
        Events(session).record(
            event_id=event["event_id"],
            tenant_id=payer,
            event_type=event["event_type"],
            article_id=article.id,
            revision=event["revision"],
            period=domain.period_of(_time(event["unpublished_at"])),
            occurred_at=occurred,
            received_at=now,
            created_items=0,
            outcome="stale" if stale else ("reversed" if reversed_ else "voided"),
        )
        return voided + reversed_

    # -- tenants ---------------------------------------------------------------------------------

    def apply_tenant(self, session, payload):
        Tenants(session).upsert(
            {
                "id": uuid.UUID(payload["tenant_id"]),
                "code": payload["code"],
                "name": payload["name"],
                "status": payload.get("status") or "active",
                "updated_at": self.clock.now(),
            }
        )

    def merge_tenant(self, session, payload):
        """Past statements of the merged tenant stay as they are; its open work moves to the survivor.

        Open work: items and reversal entries in no statement, and those of its draft
        statements (the drafts are cancelled: the survivor's officers state them again).
        """
        merged, into = uuid.UUID(payload["tenant_id"]), uuid.UUID(payload["into_tenant_id"])
        now = self.clock.now()
        tenants = Tenants(session)
        row = tenants.get(merged)
        if row is None:
            row = tenants.upsert(
                {"id": merged, "code": f"merged-{merged}", "name": "—", "status": "merged", "updated_at": now}
            )
        row.status, row.merged_into_id = "merged", into
        row.merged_at = _time(payload.get("merged_at")) or now
        ledger = Ledger(session)
        items = Items(session, SYSTEM)
        for draft in Statements(session, SYSTEM).drafts_of(merged):
            draft.status = "cancelled"
            for item in items.of_statement(draft.id, for_update=True):
                item.statement_id = None
            ledger.release(draft.id, into)
        session.flush()
        items.move_open(merged, into)
        ledger.move_open(merged, into)
        Articles(session).move_tenant(merged, into)

    def sync_tenants(self, tenants):
        """Replace the copy with the accounts service's list (the periodic repair)."""
        with self.sessions.transaction() as session:
            for t in tenants:
                Tenants(session).upsert(
                    {
                        "id": uuid.UUID(t["id"]),
                        "code": t["code"],
                        "name": t["name"],
                        "status": t["status"],
                        "merged_into_id": _uuid(t.get("merged_into_id")),
                        "merged_at": _time(t.get("merged_at")),
                        "updated_at": self.clock.now(),
                    }
                )
        return len(tenants)

    # -- items -----------------------------------------------------------------------------------

    def list_items(self, actor, args):
        policy.require_reader(actor)
        args = load(api.ItemListArgs, args or {})
        with self.sessions.read() as session:
            items, total = Items(session, actor).page(args)
            return _page([self._item_view(session, i) for i in items], total, args)

    def get_item(self, actor, item_id):
        policy.require_reader(actor)
        with self.sessions.read() as session:
            return self._item_view(session, Items(session, actor).get(item_id))

    def score_item(self, actor, item_id, data):
        """Set the coefficient (within the genre's range on the publication day) and compute the amount."""
        policy.require_reader(actor)
        data = load(api.Score, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            item = Items(session, actor).get(item_id, for_update=True)
            policy.require_scorer(actor, item)
            domain.require_scorable(item.status)
            book = Rates(session).book()
            adjustments = domain.check_score(
                book,
                genre=item.genre,
                on=item.published_on,
                coefficient=data["coefficient"],
                adjustments=data["adjustments"],
            )
            unit_value = book.unit_value(item.published_on)
            site_share = 100 if item.site == "portal" else book.subsite_share(item.section, item.published_on)
            item.coefficient = data["coefficient"]
            item.adjustments = adjustments
            item.unit_value = unit_value
            item.site_share = site_share
            item.amount = domain.amount(
                coefficient=data["coefficient"],
                adjustments=adjustments,
                unit_value=unit_value,
                share=item.share,
                site_share=site_share,
            )
            item.status = "scored"
            item.scored_by, item.scored_at = _uuid(actor.user_id), now
            return self._item_view(session, item, book)

    def overdue(self, actor, args):
        """Items not paid 60 days after publication (withdrawn and reversed ones excluded)."""
        policy.require_reader(actor)
        args = load(api.OverdueArgs, args or {})
        on = args.get("on") or domain.local_date(self.clock.now())
        with self.sessions.read() as session:
            items, total = Items(session, actor).overdue(on, args["page"], args["per_page"])
            views = [self._item_view(session, i, on=on) for i in items]
            return {**_page(views, total, args), "on": on.isoformat()}

    def _item_view(self, session, item, book=None, on=None):
        book = book or Rates(session).book()
        on = on or domain.local_date(self.clock.now())
        try:
            limit = domain._num(book.genre_max(item.genre, item.published_on))
        except InvalidInput:
            limit = None
        return {
            "id": str(item.id),
            "tenant_id": str(item.tenant_id),
            "author_tenant_id": str(item.author_tenant_id),
            "article_id": str(item.article_id),
            "revision": item.revision,
            "kind": item.kind,
            "payee_user_id": _str(item.payee_user_id),
            "payee_name": item.payee_name,
            "asset_id": _str(item.asset_id),
            "share": item.share,
            "section": item.section,
            "genre": item.genre,
            "genre_label": domain.GENRE_LABELS.get(item.genre, item.genre),
            "site": item.site,
            "title": item.title,
            "published_at": item.published_at.isoformat(),
            "due_on": item.due_on.isoformat(),
            "status": item.status,
            "status_label": domain.STATUS_LABELS.get(item.status, item.status),
            "coefficient": None if item.coefficient is None else domain._num(item.coefficient),
            "max_coefficient": limit,
            "adjustments": list(item.adjustments or []),
            "unit_value": item.unit_value,
            "site_share": item.site_share,
            "amount": item.amount,
            "statement_id": _str(item.statement_id),
            "reversed": item.reversed_at is not None,
            "overdue": item.status in ("pending_score", "scored", "approved")
            and item.reversed_at is None
            and item.due_on < on,
        }

    # -- rates -----------------------------------------------------------------------------------

    def list_rates(self, actor, args):
        policy.require_reader(actor)
        args = load(api.RateListArgs, args or {})
        with self.sessions.read() as session:
            rows = Rates(session).list(args.get("kind"))
            if args.get("on"):
                book = Rates(session).book()
                rows = [r for r in rows if _in_force(book, r, args["on"])]
            return {"items": [_rate_view(r) for r in rows], "total": len(rows)}

    def create_rate(self, actor, data):
        """A new rate row; applies to items scored from now on for publications from its date."""
        policy.require_rate_editor(actor)
        data = load(api.RateCreate, data)
        with self.sessions.transaction() as session:
            rates = Rates(session)
            if rates.exists(data["kind"], data["key"], data["effective_from"]):
                raise Conflict(
                    "Đã có mức cho loại, khóa và ngày hiệu lực này; mức đã ban hành không sửa được, hãy thêm mức mới.",
                    code="RATE_EXISTS",
                    details={"errors": {"effective_from": ["Đã có mức từ ngày này."]}},
                )
            row = Rate(
                kind=data["kind"],
                key=data["key"],
                effective_from=data["effective_from"],
                value=data["value"],
                min_value=data.get("min_value"),
                threshold=data.get("threshold"),
                note=data.get("note"),
                created_by=_uuid(actor.user_id),
                created_at=self.clock.now(),
            )
            session.add(row)
            session.flush()
            return _rate_view(row)

    # -- statements ------------------------------------------------------------------------------

    def create_statement(self, actor, data):
        """A draft of the tenant's month: its scored items published up to the month's end and in no
        statement yet (late ones included), and the reversals waiting for a statement."""
        data = load(api.StatementCreate, data)
        tenant_id = uuid.UUID(policy.statement_tenant(actor, data.get("tenant_id")))
        now = self.clock.now()
        if data["period"] > domain.period_of(now):
            raise InvalidInput.field("period", "Không lập bảng kê cho tháng chưa đến.", code="PERIOD_IN_FUTURE")
        with self.sessions.transaction() as session:
            statements = Statements(session, actor)
            if statements.current(tenant_id, data["period"]) is not None:
                raise Conflict(
                    f"Đã có bảng kê tháng {data['period']} của đơn vị.",
                    code="STATEMENT_EXISTS",
                    details={"errors": {"period": ["Đã có bảng kê cho kỳ này."]}},
                )
            items = Items(session, SYSTEM).stateable(tenant_id, domain.period_last_day(data["period"]))
            reversals = Ledger(session).open_reversals(tenant_id)
            if not items and not reversals:
                raise InvalidInput.field(
                    "period", "Không có khoản nhuận bút đã chấm điểm nào để lập bảng kê.", code="NOTHING_TO_STATE"
                )
            statement = Statement(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                period=data["period"],
                status="draft",
                created_by=_uuid(actor.user_id),
                created_at=now,
            )
            session.add(statement)
            session.flush()
            for item in items:
                item.statement_id = statement.id
            for entry in reversals:
                entry.statement_id = statement.id
            return self._statement_view(session, statement)

    def list_statements(self, actor, args):
        policy.require_reader(actor)
        args = load(api.StatementListArgs, args or {})
        with self.sessions.read() as session:
            rows, total = Statements(session, actor).page(args)
            return _page([self._statement_view(session, s, detail=False) for s in rows], total, args)

    def get_statement(self, actor, statement_id, args=None):
        policy.require_reader(actor)
        args = load(api.StatementArgs, args or {})
        with self.sessions.read() as session:
            statement = Statements(session, actor).get(statement_id)
            return self._statement_view(session, statement, payee_user_id=args.get("payee_user_id"))

    def approve_statement(self, actor, statement_id):
        """Freeze the draft: a charge entry per item and one line per payee, written once."""
        policy.require_officer(actor)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            statement = Statements(session, actor).get(statement_id, for_update=True)
            domain.check_statement_transition(statement.status, "approve")
            items = Items(session, SYSTEM).of_statement(statement.id, for_update=True)
            reversals = Ledger(session).of_statement(statement.id)
            if not items and not reversals:
                raise Conflict("Bảng kê không còn khoản nào để duyệt.", code="STATEMENT_EMPTY")
            book = Rates(session).book()
            withholding = book.withholding(domain.period_last_day(statement.period))
            ledger = Ledger(session)
            for item in items:
                ledger.add(
                    tenant_id=statement.tenant_id,
                    item_id=item.id,
                    statement_id=statement.id,
                    kind="charge",
                    payee_key=item.payee_key,
                    payee_user_id=item.payee_user_id,
                    payee_name=item.payee_name,
                    amount=int(item.amount),
                    created_at=now,
                )
                item.status = "approved"
            lines = domain.statement_lines([_entry(i) for i in items] + [_entry(e) for e in reversals], withholding)
            for line in lines:
                session.add(
                    StatementLine(
                        statement_id=statement.id,
                        tenant_id=statement.tenant_id,
                        payee_key=line["payee_key"],
                        payee_user_id=_uuid(line["payee_user_id"]),
                        payee_name=line["payee_name"],
                        entries=line["entries"],
                        gross=line["gross"],
                        withheld=line["withheld"],
                        net=line["net"],
                    )
                )
            sums = domain.totals(lines)
            statement.gross, statement.withheld, statement.net = sums["gross"], sums["withheld"], sums["net"]
            statement.withholding = withholding
            statement.status, statement.approved_by, statement.approved_at = "approved", _uuid(actor.user_id), now
            session.flush()
            outbox.add(
                session,
                events.STATEMENT_APPROVED,
                {
                    "tenant_id": str(statement.tenant_id),
                    "statement_id": str(statement.id),
                    "period": statement.period,
                    **sums,
                    "payees": len(lines),
                    "approved_at": now.isoformat(),
                },
                aggregate_id=statement.id,
                now=now,
            )
            return self._statement_view(session, statement)

    def pay_statement(self, actor, statement_id, data):
        """Record the payment of an approved statement (date and reference)."""
        policy.require_officer(actor)
        data = load(api.Payment, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            statement = Statements(session, actor).get(statement_id, for_update=True)
            domain.check_statement_transition(statement.status, "pay")
            if data["paid_on"] > domain.local_date(now):
                raise InvalidInput.field("paid_on", "Ngày chi trả không được ở tương lai.", code="PAID_ON_IN_FUTURE")
            if data["paid_on"] < domain.local_date(statement.approved_at):
                raise InvalidInput.field(
                    "paid_on", "Ngày chi trả không được trước ngày duyệt bảng kê.", code="PAID_BEFORE_APPROVAL"
                )
            for item in Items(session, SYSTEM).of_statement(statement.id, for_update=True):
                item.status, item.paid_on = "paid", data["paid_on"]
            statement.status, statement.paid_on = "paid", data["paid_on"]
            statement.payment_reference, statement.paid_by, statement.paid_at = (
                data["reference"],
                _uuid(actor.user_id),
                now,
            )
            outbox.add(
                session,
                events.STATEMENT_PAID,
                {
                    "tenant_id": str(statement.tenant_id),
                    "statement_id": str(statement.id),
                    "period": statement.period,
                    "net": statement.net,
                    "paid_on": data["paid_on"].isoformat(),
                    "reference": data["reference"],
                },
                aggregate_id=statement.id,
                now=now,
            )
            return self._statement_view(session, statement)

    def export_statement(self, actor, statement_id, args):
        """The statement as a CSV (UTF-8 with BOM) or XLSX file with Vietnamese headers, base64 in ``data``."""
        policy.require_reader(actor)
        args = load(api.ExportArgs, args or {})
        with self.sessions.read() as session:
            statement = Statements(session, actor).get(statement_id)
            view = self._statement_view(session, statement)
            tenant = Tenants(session).get(statement.tenant_id)
        view["tenant_name"] = tenant.name if tenant else str(statement.tenant_id)
        content, content_type = export.render(view, args["format"])
        return {
            "filename": f"bang-ke-nhuan-but-{statement.period}-{str(statement.id)[:8]}.{args['format']}",
            "content_type": content_type,
            "data": base64.b64encode(content).decode("ascii"),
        }

    def _statement_view(self, session, statement, *, detail=True, payee_user_id=None):
        view = {
            "id": str(statement.id),
            "tenant_id": str(statement.tenant_id),
            "period": statement.period,
            "status": statement.status,
            "withholding": statement.withholding,
            "created_at": statement.created_at.isoformat(),
            "approved_at": _iso(statement.approved_at),
            "paid_on": _iso(statement.paid_on),
            "payment_reference": statement.payment_reference,
        }
        if statement.status in ("approved", "paid"):
            lines = [_line_view(line) for line in Statements(session, SYSTEM).lines(statement.id)]
            view.update(gross=statement.gross, withheld=statement.withheld, net=statement.net)
            if not detail:
                return view
            entries = Ledger(session).of_statement(statement.id)
            items = Items(session, SYSTEM).by_ids({e.item_id for e in entries})
            rows = [_entry_view(e.kind, e.amount, items.get(e.item_id), e) for e in entries]
        else:
            items = Items(session, SYSTEM).of_statement(statement.id)
            reversals = Ledger(session).of_statement(statement.id)
            withholding = Rates(session).book().withholding(domain.period_last_day(statement.period))
            lines = domain.statement_lines([_entry(i) for i in items] + [_entry(e) for e in reversals], withholding)
            view.update(domain.totals(lines), withholding=withholding)
            if not detail:
                return view
            originals = Items(session, SYSTEM).by_ids({e.item_id for e in reversals})
            rows = [_entry_view("charge", i.amount, i) for i in items]
            rows += [_entry_view("reversal", e.amount, originals.get(e.item_id), e) for e in reversals]
        if payee_user_id:
            lines = [line for line in lines if line["payee_user_id"] == str(payee_user_id)]
            rows = [r for r in rows if r["payee_user_id"] == str(payee_user_id)]
        view["lines"], view["entries"] = lines, rows
        return view

    # -- reconciliation ----------------------------------------------------------------------------

    def reconciliation(self, actor, args):
        """A period's trail: publication events received, items created, scored, approved, paid, reversed,
        and every discrepancy between them (see the README for the checks)."""
        policy.require_reader(actor)
        args = load(api.ReconciliationArgs, args or {})
        if not (actor.is_platform_admin or actor.has(*policy.DESK_ROLES)):
            policy.require_officer(actor)
        if actor.is_platform_admin:
            tenant_ids = [args["tenant_id"]] if args.get("tenant_id") else None
        else:
            tenant_ids = [uuid.UUID(actor.tenant_id)]
        period = args["period"]
        on = domain.local_date(self.clock.now())
        with self.sessions.read() as session:
            received = Events(session).in_period(tenant_ids, period)
            items = Items(session, SYSTEM).in_period(tenant_ids, period)
            statements = {s.id: s for s in Statements(session, SYSTEM).of_tenants(tenant_ids)}
            entries = Ledger(session).of_items([i.id for i in items])
            counted = [e for e in received if e.outcome == "opened"]
            by_revision = Items(session, SYSTEM).count_by_revision([(e.article_id, e.revision) for e in counted])
            known_events = Events(session).known_ids({i.source_event_id for i in items})
            waiting = Ledger(session).unattached(tenant_ids)
            stated = [s.id for s in statements.values() if s.period == period and s.status in ("approved", "paid")]
            statement_sums = Statements(session, SYSTEM).sums(stated)
        return reconcile(
            period, on, received, items, statements, entries, by_revision, known_events, waiting, statement_sums
        )


def reconcile(period, on, received, items, statements, entries, by_revision, known_events, waiting, statement_sums):
    """Counts and discrepancies of one period (pure: the rows are already loaded)."""
    discrepancies = []

    def flag(code, message, **refs):
        discrepancies.append({"code": code, "message": message, **{k: _str(v) for k, v in refs.items()}})

    event_counts = {}
    for e in received:
        event_counts[e.event_type] = event_counts.get(e.event_type, 0) + 1
        if e.outcome == "opened" and by_revision.get((e.article_id, e.revision), 0) < e.expected_items:
            flag(
                "EVENT_WITHOUT_ITEMS",
                f"Sự kiện đăng bài nêu {e.expected_items} người nhận nhưng chỉ có "
                f"{by_revision.get((e.article_id, e.revision), 0)} khoản nhuận bút.",
                event_id=e.event_id,
                article_id=e.article_id,
            )
    charges = {(x.item_id, x.kind): x for x in entries}
    status_counts = {s: 0 for s in ("pending_score", "scored", "approved", "paid", "voided")}
    amounts = {"scored": 0, "approved": 0, "paid": 0, "reversed": 0}
    reversed_count = 0
    for item in items:
        status_counts[item.status] = status_counts.get(item.status, 0) + 1
        if item.source_event_id not in known_events:
            flag("ITEM_WITHOUT_EVENT", "Khoản nhuận bút không có sự kiện đăng bài tương ứng.", item_id=item.id)
        if item.status in ("scored", "approved", "paid"):
            amounts["scored"] += item.amount or 0
        charge = charges.get((item.id, "charge"))
        if item.status in ("approved", "paid"):
            amounts["approved"] += item.amount
            if charge is None:
                flag("APPROVED_WITHOUT_CHARGE", "Khoản đã duyệt nhưng không có bút toán chi.", item_id=item.id)
            elif charge.amount != item.amount:
                flag(
                    "CHARGE_MISMATCH",
                    f"Bút toán chi {charge.amount} đ khác số tiền của khoản {item.amount} đ.",
                    item_id=item.id,
                )
            statement = statements.get(charge.statement_id) if charge else None
            if statement is not None and statement.status == "paid" and item.status != "paid":
                flag("PAID_STATEMENT_ITEM_UNPAID", "Bảng kê đã chi nhưng khoản chưa ghi đã chi.", item_id=item.id)
        if item.status == "paid":
            amounts["paid"] += item.amount
        reversal = charges.get((item.id, "reversal"))
        if item.reversed_at is not None:
            reversed_count += 1
            if reversal is None or reversal.amount != -(item.amount or 0):
                flag("REVERSAL_MISSING", "Khoản bị gỡ sau khi duyệt nhưng thiếu bút toán hoàn.", item_id=item.id)
            else:
                amounts["reversed"] += -reversal.amount
        if item.status == "pending_score":
            flag("NOT_SCORED", "Khoản chưa được chấm điểm.", item_id=item.id, article_id=item.article_id)
        elif item.status == "scored" and item.statement_id is None:
            flag("NOT_STATED", "Khoản đã chấm điểm nhưng chưa vào bảng kê.", item_id=item.id)
        if item.status in ("pending_score", "scored", "approved") and item.reversed_at is None and item.due_on < on:
            flag("OVERDUE", f"Quá hạn chi trả (hạn {item.due_on:%d/%m/%Y}).", item_id=item.id)
    for statement_id, sums in statement_sums.items():
        statement = statements[statement_id]
        expected = (statement.gross, statement.withheld, statement.net)
        if sums["entries"] != statement.gross or sums["lines"] != expected:
            flag(
                "STATEMENT_TOTAL_MISMATCH",
                f"Tổng bảng kê {statement.gross} đ khác tổng bút toán {sums['entries']} đ hoặc tổng các dòng.",
                statement_id=statement.id,
            )
    for entry in waiting:
        flag(
            "REVERSAL_NOT_STATED",
            f"Bút toán hoàn {entry.amount} đ chờ đưa vào bảng kê kỳ sau.",
            item_id=entry.item_id,
        )
    return {
        "period": period,
        "events": {
            "published": event_counts.get("content.article_published", 0),
            "unpublished": event_counts.get("content.article_unpublished", 0),
            "corrected": event_counts.get("content.article_corrected", 0),
            "counted": sum(1 for e in received if e.outcome == "opened"),
        },
        "items": {"created": len(items), **status_counts, "reversed": reversed_count},
        "amounts": amounts,
        "discrepancies": discrepancies,
    }


@dataclass(frozen=True)
class _NewArticle:
    id: uuid.UUID
    tenant_id: uuid.UUID


# The columns a new item leaves empty, so bulk rows name every column (one statement shape).
_UNSCORED = dict.fromkeys(
    (
        "coefficient",
        "unit_value",
        "site_share",
        "amount",
        "scored_by",
        "scored_at",
        "statement_id",
        "reversed_at",
        "paid_on",
    )
)


def _entry(row):
    """A statement line is per person: a photographer's photo items join their author items."""
    key = f"user:{row.payee_user_id}" if row.payee_user_id else row.payee_key
    return domain.Entry(key, _str(row.payee_user_id), row.payee_name, int(row.amount))


def _entry_view(kind, amount, item, entry=None):
    return {
        "kind": kind,
        "item_id": _str(item.id) if item else _str(entry.item_id),
        "article_id": _str(item.article_id) if item else None,
        "title": item.title if item else None,
        "genre_label": domain.GENRE_LABELS.get(item.genre, item.genre) if item else None,
        "published_on": item.published_on.isoformat() if item else None,
        "payee_key": item.payee_key if item else entry.payee_key,
        "payee_user_id": _str(item.payee_user_id if item else entry.payee_user_id),
        "payee_name": item.payee_name if item else entry.payee_name,
        "coefficient": domain._num(item.coefficient) if item is not None and item.coefficient is not None else None,
        "unit_value": item.unit_value if item else None,
        "share": item.share if item else None,
        "site_share": item.site_share if item else None,
        "amount": int(amount),
    }


def _line_view(line):
    return {
        "payee_key": line.payee_key,
        "payee_user_id": _str(line.payee_user_id),
        "payee_name": line.payee_name,
        "entries": line.entries,
        "gross": line.gross,
        "withheld": line.withheld,
        "net": line.net,
    }


def _rate_view(r):
    return {
        "id": r.id,
        "kind": r.kind,
        "key": r.key,
        "effective_from": r.effective_from.isoformat(),
        "value": domain._num(r.value),
        "min_value": None if r.min_value is None else domain._num(r.min_value),
        "threshold": r.threshold,
        "note": r.note,
    }


def _in_force(book, row, on):
    found = book.in_force(row.kind, row.key, on)
    return found is not None and found.effective_from == row.effective_from


def _page(items, total, args):
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


def _uuid(value):
    if value in (None, ""):
        return None
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _str(value):
    return None if value is None else str(value)


def _iso(value):
    return None if value is None else value.isoformat()


def _time(value):
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        from datetime import UTC

        parsed = parsed.replace(tzinfo=UTC)
    return parsed
