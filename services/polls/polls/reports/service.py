"""RPC methods and timers of the semiannual reports, mixed into PollsService."""


class ReportsRpc:
    """Semiannual reports: compiled figures, the tenant's evaluation, submission, roll-up."""
