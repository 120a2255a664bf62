"""``outbox.add`` checks every payload against its contract: the documented shape is the real one."""

import pytest

from platform_shared.contracts import ContractViolation, check, contract_for
from platform_shared.contracts.accounts import TENANT_CREATED, TenantCreated
from platform_shared.contracts.content import SITE_UPDATED

ENVELOPE = {"event_id": "e-1", "event_type": SITE_UPDATED, "schema_version": 1, "occurred_at": "2026-12-02T09:00:00Z"}
TENANT = "6f1c1e2a-9b3d-4c5e-8f7a-6b5c4d3e2f1a"


def test_every_event_type_finds_its_schema_by_name():
    assert contract_for(TENANT_CREATED) is TenantCreated


def test_a_payload_as_documented_passes():
    check(SITE_UPDATED, ENVELOPE | {"tenant_id": TENANT, "reason": "renamed"})


def test_a_field_the_contract_does_not_document_is_refused():
    with pytest.raises(ContractViolation) as caught:
        check(SITE_UPDATED, ENVELOPE | {"tenant_id": TENANT, "reason": "renamed", "secret_extra": 1})
    assert "secret_extra" in caught.value.errors


def test_a_missing_required_field_is_refused():
    with pytest.raises(ContractViolation) as caught:
        check(SITE_UPDATED, {k: v for k, v in ENVELOPE.items() if k != "event_id"} | {"tenant_id": TENANT})
    assert "event_id" in caught.value.errors


def test_an_event_type_without_a_contract_is_refused():
    with pytest.raises(ContractViolation):
        check("content.article_teleported", ENVELOPE)
