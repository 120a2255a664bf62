"""RPC methods of the results, mixed into PollsService. Thin.

The use cases live in ``polls.results.operations``; this class wires them to the service's
database and to ``accounts.count_members`` (the eligible-member figure). Attribute names
carry a ``results_`` prefix so that they never shadow the polls core's own dependencies.
"""

from platform_shared import transport
from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import Clock
from platform_shared.dependencies import in_thread
from platform_shared.rpc import ServiceRpc, rpc
from platform_shared.schemas import polls as api
from platform_shared.views import page
from polls.results.operations import PollResults

EXPECTED = transport.EXPECTED

_receipt, _results, _answer, _file = api.ReceiptRead(), api.ResultsRead(), api.TextAnswerRead(), api.FileRead()


class ResultsRpc:
    """Receipts, live results, free-text answers and their moderation, exports."""

    results_accounts = ServiceRpc("accounts")

    def _results(self):
        return PollResults(self.db, clock=Clock(), count_members=self._count_members)

    def _count_members(self, tenant_ids):
        if not tenant_ids:
            return 0
        counts = self.results_accounts.count_members(SYSTEM.dump(), list(tenant_ids))
        return sum(int(n) for n in counts.values())

    @rpc(expected_exceptions=EXPECTED)
    def get_receipt(self, actor, receipt_id):
        """counted / duplicate / rejected(+reason) for the member who got the receipt; None if not written yet."""
        found = self._results().get_receipt(Actor.load(actor), receipt_id)
        return None if found is None else _receipt.dump(found)

    @rpc(expected_exceptions=EXPECTED)
    def poll_results(self, actor, poll_id, args=None):
        """Live counts and percentages (small groups suppressed); per-tenant breakdown for the VGCL.

        Managers and platform admins at any time, eligible people once published. Raises
        NotFound, Forbidden (not published yet; ``tenant`` by others than the VGCL)."""
        return _results.dump(self._results().results(Actor.load(actor), poll_id, args))

    @rpc(expected_exceptions=EXPECTED)
    def list_text_answers(self, actor, poll_id, args=None):
        """Free-text answers: all for moderators (by status), approved ones once results are published."""
        items, total, args = self._results().text_answers(Actor.load(actor), poll_id, args)
        return page(_answer.dump(items, many=True), total, args)

    @rpc(expected_exceptions=EXPECTED)
    def moderate_text_answer(self, actor, poll_id, answer_id, data):
        """Approve or hide a free-text answer (moderators of the owner tenant, its managers)."""
        return _answer.dump(self._results().moderate(Actor.load(actor), poll_id, answer_id, data))

    @rpc(expected_exceptions=EXPECTED)
    def export_results(self, actor, poll_id, fmt, question_id=None, args=None):
        """CSV, XLSX or a question's PNG chart, base64 in ``content_b64`` (rendered off the hub)."""
        filename, content_type, content = self._results().export(
            Actor.load(actor), poll_id, fmt, question_id, args, run=in_thread
        )
        return _file.dump({"filename": filename, "content_type": content_type, "content": content})
