"""The royalties service's copy of the tenant directory, and what a merge moves. Plain Python.

The copy itself (apply, merge, sync) is the kit's ``TenantDirectoryOperations``; desks
are found in it by code, and merges are followed to the tenant that pays today. Each
aggregate has its own use cases: ``items/`` (``Publications``, ``RoyaltyItems``),
``rates/`` (``RateTables``), ``statements/`` (``MonthlyStatements``),
``reconciliation/`` (``Reconciliation``).
"""

from platform_shared.actor import SYSTEM
from platform_shared.tenant_directory import TenantDirectoryOperations
from royalties.items.store import Articles, Items
from royalties.models import TenantCopy
from royalties.settings import Settings
from royalties.statements import domain as statement_rules
from royalties.statements.store import Ledger, Statements


class Royalties(TenantDirectoryOperations):
    tenant_model = TenantCopy

    def __init__(self, sessions, *, clock, settings=None):
        self.sessions = sessions
        self.clock = clock
        self.settings = settings or Settings()

    def on_tenant_merged(self, session, merged_id, into_id, payload):
        """Past statements of the merged tenant stay as they are; its open work moves to the survivor.

        Open work: items and reversal entries in no statement, and those of its draft
        statements (the drafts are cancelled: the survivor's officers state them again).
        Articles are paid by the survivor from now on.
        """
        items = Items(session, SYSTEM, merged_id)
        ledger = Ledger(session, SYSTEM, merged_id)
        for draft in Statements(session, SYSTEM, merged_id).drafts():
            statement_rules.cancel(draft)
            items.release(draft.id)
            ledger.release(draft.id, into_id)
        session.flush()
        items.move_open(into_id)
        ledger.move_open(into_id)
        Articles(session, SYSTEM, merged_id).move_all(into_id)
