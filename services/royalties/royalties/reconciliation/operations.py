"""The reconciliation of a period: what was received, created, scored, approved, paid and
reversed, and every discrepancy between them (the checks: ``reconciliation/domain.py``).

Reads the tenant's rows of the month through the stores, then checks them in pure
Python. Reply: a ``Reconciliation`` dump.
"""

from platform_shared.actor import SYSTEM
from platform_shared.schemas import load
from platform_shared.schemas import royalties as api
from royalties import domain, policy
from royalties.items.store import Items, ReceivedEvents
from royalties.reconciliation.domain import reconcile
from royalties.statements.store import Ledger, Statements

REPORT = api.Reconciliation()


class Reconciliation:
    def __init__(self, sessions, *, clock, settings=None):
        self.sessions = sessions
        self.clock = clock

    def period(self, actor, args):
        """A period's trail and discrepancies: the actor's tenant; all tenants or one for platform admins.

        Desk staff and royalty officers. Raises InvalidInput (period), Forbidden."""
        policy.require_reader(actor)
        args = load(api.ReconciliationArgs, args or {})
        tenant_id = policy.reconciliation_tenant(actor, args.get("tenant_id"))
        period = args["period"]
        on = domain.local_date(self.clock.now())
        with self.sessions.read() as session:
            received = ReceivedEvents(session, actor, tenant_id).in_period(period)
            items = Items(session, actor, tenant_id).in_period(period)
            # Across tenants on purpose: a merge moves a tenant's open work (items, reversals in no
            # statement) but not the events it came from nor its approved items, so an event, its
            # items and their ledger entries may now belong to different tenants.
            entries = Ledger(session, SYSTEM).of_items([i.id for i in items])
            statements = Statements(session, actor, tenant_id)
            final = statements.final_of_period(period)
            by_id = statements.by_ids({e.statement_id for e in entries if e.statement_id} - {s.id for s in final})
            by_id.update((s.id, s) for s in final)
            waiting = Ledger(session, actor, tenant_id).unattached()
            statement_sums = statements.sums([s.id for s in final])
            counted = [(e.article_id, e.revision) for e in received if e.outcome == "opened"]
            by_revision = Items(session, SYSTEM).count_by_revision(counted)
            known_events = ReceivedEvents(session, SYSTEM).known_ids({i.source_event_id for i in items})
        return REPORT.dump(
            reconcile(period, on, received, items, by_id, entries, by_revision, known_events, waiting, statement_sums)
        )
