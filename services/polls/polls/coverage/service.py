"""RPC methods of the grassroots coverage tracker, mixed into PollsService. Thin.

The use cases live in ``polls.coverage.operations``; this class wires them to the service's
database and to the accounts and content services. Attribute names carry a ``coverage_`` prefix
so that they never shadow the polls core's or the reports' dependencies.
"""

import logging

import eventlet
from nameko.dependency_providers import Config
from nameko.exceptions import IncorrectSignature, MethodNotFound, RemoteError

from platform_shared import transport
from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import Clock
from platform_shared.errors import PlatformError, Unavailable
from platform_shared.rpc import ServiceRpc, rpc
from platform_shared.schemas import polls as api
from polls.coverage.operations import GrassrootsCoverage
from polls.reports.operations import Settings

EXPECTED = transport.EXPECTED
log = logging.getLogger("polls.coverage")

_coverage, _national = api.CoverageRead(), api.NationalCoverageRead()


class CoverageSources:
    """accounts' and content's parts of the coverage; ``None`` when a service cannot answer."""

    def __init__(self, accounts, content):
        self._proxies = {"accounts": accounts, "content": content}

    def _ask(self, service, method, *args):
        try:
            return getattr(self._proxies[service], method)(SYSTEM.dump(), *args)
        except (Unavailable, MethodNotFound) as exc:
            log.warning("coverage: %s.%s unavailable: %s", service, method, exc)
        except (PlatformError, IncorrectSignature, RemoteError) as exc:
            log.error("coverage: %s.%s failed: %r", service, method, exc)
        return None

    def contributors(self, tenant_ids, start, end):
        return self._ask("content", "contributors_in_period", list(tenant_ids), start, end)

    def grassroots_coverage(self, tenant_ids, authors):
        return self._ask("accounts", "grassroots_coverage", list(tenant_ids), authors)

    def gather(self, calls):
        """``[(method, *args)]`` asked at once (one green thread each)."""
        pool = eventlet.GreenPool(max(1, min(len(calls), 8)))
        return list(pool.imap(lambda call: getattr(self, call[0])(*call[1:]), calls))


class CoverageRpc:
    """How far each federation brings the portal to its grassroots unions («100% CĐCS»)."""

    coverage_config = Config()
    coverage_accounts = ServiceRpc("accounts")
    coverage_content = ServiceRpc("content")

    def coverage_sources(self):
        return CoverageSources(self.coverage_accounts, self.coverage_content)

    def _coverage(self):
        return GrassrootsCoverage(
            self.db,
            clock=Clock(),
            sources=self.coverage_sources(),
            settings=Settings.from_config(self.coverage_config),
        )

    @rpc(expected_exceptions=EXPECTED)
    def get_coverage(self, actor, args=None):
        """``CoverageRead``: the grassroots coverage of ``args.tenant`` (id or code; default: own) in
        ``args.period`` (``2026-H2``; default: the current half-year, Vietnam time).

        A federation's administrators: their own (another → NotFound); platform admins and the
        Propaganda Dept's editors: any. Raises InvalidInput (``period``: malformed or not begun),
        NotFound, Forbidden. ``available: false`` when accounts or content cannot answer."""
        return _coverage.dump(self._coverage().get(Actor.load(actor), args))

    @rpc(expected_exceptions=EXPECTED)
    def national_coverage(self, actor, args=None):
        """``NationalCoverageRead``: every federation's coverage in ``args.period`` (one row each,
        ``sort`` by name, grassroots or a share, ``order`` asc/desc) with the national totals.

        Platform admins and the Propaganda Dept's editors only (Forbidden otherwise). Raises
        InvalidInput (``period``, ``sort``, ``order``)."""
        return _national.dump(self._coverage().national(Actor.load(actor), args))
