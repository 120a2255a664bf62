"""The service class is a thin boundary: each RPC hands the loaded actor to its aggregate's use case
(nameko's ``worker_factory``: dependencies are mocks, no broker, no database)."""

import pytest
from nameko.rpc import Rpc
from nameko.testing.services import worker_factory

from platform_shared.actor import Actor
from royalties.service import RoyaltiesService

ACTOR = {"user_id": "00000000-0000-4000-8000-000000000001", "tenant_id": None, "roles": ["royalty_officer"]}

# RPC → (use cases attribute, method, the arguments after the actor)
DELEGATES = {
    "list_items": ("royalty_items", "list", ({"page": 2},)),
    "get_item": ("royalty_items", "get", ("item-id",)),
    "score_item": ("royalty_items", "score", ("item-id", {"coefficient": 5})),
    "overdue_items": ("royalty_items", "overdue", ({},)),
    "list_rates": ("rate_tables", "list", ({},)),
    "create_rate": ("rate_tables", "create", ({"kind": "unit_value"},)),
    "create_statement": ("monthly_statements", "create", ({"period": "2026-10"},)),
    "list_statements": ("monthly_statements", "list", ({},)),
    "get_statement": ("monthly_statements", "get", ("statement-id", {})),
    "approve_statement": ("monthly_statements", "approve", ("statement-id",)),
    "pay_statement": ("monthly_statements", "pay", ("statement-id", {"reference": "UNC-1"})),
    "export_statement": ("monthly_statements", "export", ("statement-id", {"format": "csv"})),
    "reconciliation": ("reconciliations", "period", ({"period": "2026-10"},)),
}


def test_the_rpc_methods_are_the_published_ones():
    rpcs = {
        name
        for name in dir(RoyaltiesService)
        if any(isinstance(e, Rpc) for e in getattr(getattr(RoyaltiesService, name), "nameko_entrypoints", ()))
    }
    assert rpcs == set(DELEGATES) | {"sync_tenants", "ping", "list_parked_events", "replay_parked_event"}


@pytest.mark.parametrize("rpc", sorted(DELEGATES))
def test_each_rpc_hands_the_actor_to_its_aggregate(rpc):
    attribute, method, args = DELEGATES[rpc]
    service = worker_factory(RoyaltiesService)
    use_case = getattr(getattr(service, attribute), method)
    use_case.return_value = {"ok": rpc}
    assert getattr(service, rpc)(ACTOR, *args) == {"ok": rpc}
    (actor, *passed), _ = use_case.call_args
    assert actor == Actor.load(ACTOR) and tuple(passed) == args
