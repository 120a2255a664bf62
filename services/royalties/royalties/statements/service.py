"""RPC methods of monthly statements, mixed into RoyaltiesService. Thin; use cases in ``statements.operations``."""

from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.rpc import rpc
from royalties.dependencies import UseCases
from royalties.statements.operations import MonthlyStatements

EXPECTED = transport.EXPECTED


class StatementsRpc:
    monthly_statements = UseCases(MonthlyStatements)

    @rpc(expected_exceptions=EXPECTED)
    def create_statement(self, actor, data):
        """Draft the tenant's monthly statement. Raises Conflict (exists), InvalidInput (nothing to state)."""
        return self.monthly_statements.create(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def list_statements(self, actor, args=None):
        """The statements of the actor's desk with their sums, paginated. Raises InvalidInput."""
        return self.monthly_statements.list(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def get_statement(self, actor, statement_id, args=None):
        """A statement with its lines per payee and its entries. Raises NotFound."""
        return self.monthly_statements.get(Actor.load(actor), statement_id, args)

    @rpc(expected_exceptions=EXPECTED)
    def approve_statement(self, actor, statement_id):
        """Freeze a draft into ledger entries. Raises Conflict unless it is a draft."""
        return self.monthly_statements.approve(Actor.load(actor), statement_id)

    @rpc(expected_exceptions=EXPECTED)
    def pay_statement(self, actor, statement_id, data):
        """Record the payment (date, reference) of an approved statement. Raises Conflict, InvalidInput."""
        return self.monthly_statements.pay(Actor.load(actor), statement_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def export_statement(self, actor, statement_id, args=None):
        """``{filename, content_type, data}`` (base64) for format csv or xlsx. Raises NotFound, InvalidInput."""
        return self.monthly_statements.export(Actor.load(actor), statement_id, args)
