"""The reconciliation RPC, mixed into RoyaltiesService. Thin; use case in ``reconciliation.operations``."""

from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.rpc import rpc
from royalties.dependencies import UseCases
from royalties.reconciliation.operations import Reconciliation

EXPECTED = transport.EXPECTED


class ReconciliationRpc:
    reconciliations = UseCases(Reconciliation)

    @rpc(expected_exceptions=EXPECTED)
    def reconciliation(self, actor, args):
        """A period's events, items, amounts and discrepancies (desk staff, officers). Raises InvalidInput, Forbidden."""
        return self.reconciliations.period(Actor.load(actor), args)
