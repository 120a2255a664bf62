"""RPC methods of the rate tables, mixed into RoyaltiesService. Thin; use cases in ``rates.operations``."""

from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.rpc import rpc
from royalties.dependencies import UseCases
from royalties.rates.operations import RateTables

EXPECTED = transport.EXPECTED


class RatesRpc:
    rate_tables = UseCases(RateTables)

    @rpc(expected_exceptions=EXPECTED)
    def list_rates(self, actor, args=None):
        """The rate tables with their effective dates (anyone signed in). Raises InvalidInput."""
        return self.rate_tables.list(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def create_rate(self, actor, data):
        """A new rate row (royalty officers, platform admins). Raises Conflict when the date is taken, Forbidden."""
        return self.rate_tables.create(Actor.load(actor), data)
