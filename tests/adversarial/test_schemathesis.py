"""Schemathesis against the real gateway over the real services (issue 12).

Every operation of ``/api/v1/openapi.json`` is called with requests generated from the
document — valid ones (positive) and ones that break it (negative) — and every answer goes
through all of schemathesis's checks: no server error, the status and the body as
documented, the content type and headers as documented, valid data accepted, invalid data
refused, unsupported methods answered 405, a request without the token refused — and every
status met must be named by the operation (the document's ``default`` would let any through).
The checks that need chains of calls (use_after_free, ensure_resource_availability,
object_level_authorization) belong to schemathesis's stateful phase, which is not run here:
its scenarios depend on what earlier ones left in the database, and hypothesis then refuses
to replay them (FlakyStrategyDefinition) — the access matrix (test_access_matrix.py) covers
objects of another tenant.

Who calls: the administrator of a tenant made for this test (a throw-away tenant, so what
the generated requests create, edit or delete touches nothing of the demo federation's),
and nobody for the operations the document marks public. The run is bounded
(``EXAMPLES`` per operation and mode) and derandomised: the same document gives the same
requests, so CI does not flip. The figures (operations, requests, answers by status class)
are printed at the end (``-s`` shows them) and written to ``var/schemathesis-summary.json``.
"""

import json
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

EXAMPLES = {"positive": 20, "negative": 10}
SUMMARY = Path(__file__).resolve().parents[2] / "var" / "schemathesis-summary.json"
ADMIN_ROLES = ["tenant_admin", "contributor", "responder", "moderator", "royalty_officer"]
PASSWORD = "Thu-nghiem-schemathesis-2026"


@pytest.fixture
def media_backend(tmp_path):
    """The document is the gateway's: the filesystem backend only (the S3 path has its own tests)."""
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


@pytest.fixture
def gateway(
    make_polls_gateway, content_service, feedback_service, polls_service, royalties_service, notifications_service
):
    return make_polls_gateway()


@pytest.fixture
def throwaway_admin(gateway, client_of, login, rabbit_config):
    """An access token of the administrator of a tenant made for this test, synced to every service."""
    from nameko.standalone.rpc import ServiceRpcProxy

    from platform_shared.actor import SYSTEM

    api = client_of(gateway)
    office = api.as_(login("admin"))
    tenants = office.get("/api/v1/tenants", query_string={"per_page": 100}).json["items"]
    root = next(t for t in tenants if t["kind"] == "confederation")
    tenant = office.post(
        "/api/v1/tenants",
        json={"code": "THU-NGHIEM", "name": "Công đoàn thử nghiệm", "kind": "corporate_union", "parent_id": root["id"]},
    )
    assert tenant.status_code == 201, tenant.json
    invite = office.post(
        "/api/v1/users",
        json={
            "email": "quantri@thu-nghiem.vn",
            "full_name": "Quản Trị Thử Nghiệm",
            "roles": ADMIN_ROLES,
            "tenant_id": tenant.json["id"],
        },
    )
    assert invite.status_code == 201, invite.json
    activated = api.client.post(
        "/api/v1/auth/activate", json={"token": invite.json["activation_token"], "password": PASSWORD}
    )
    assert activated.status_code == 200, activated.json
    for service in ("content", "feedback", "polls", "royalties"):
        with ServiceRpcProxy(service, {"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=20) as proxy:
            proxy.sync_tenants(SYSTEM.dump())
    return api.login(invite.json["user"]["username"], PASSWORD)["access_token"]


# Rules between fields, or about data, that JSON Schema does not say: a request the document
# calls valid may be refused with these statuses. Each refusal names its field in ``errors``.
REFUSED_BY_RULES = {
    "POST /api/v1/auth/activate": (["400"], "an activation token that was never issued"),
    "POST /api/v1/auth/password": (["422"], "the current password; a new one the password policy accepts"),
    "POST /api/v1/tenants/import": (["422"], "the rows of the CSV file"),
    "POST /api/v1/members/import": (["422"], "the rows of the CSV file"),
    "POST /api/v1/units/admins/import": (["422"], "the rows of the CSV or XLSX file"),
    "POST /api/v1/users": (["422"], "a unit for a unit administrator (unit_admin is bound to one)"),
    "POST /api/v1/members/imports/check": (["422"], "the rows of the CSV or XLSX file"),
    "POST /api/v1/members/imports": (["422"], "the rows of the CSV or XLSX file"),
    "PATCH /api/v1/members/{member_id}": (["422"], "a phone or e-mail the register accepts, a unit of one's own"),
    "POST /api/v1/media": (["422"], "the file type, read from its bytes"),
    "POST /api/v1/staff": (["422"], "term_end after term_start"),
    "PATCH /api/v1/staff/{staff_id}": (["422"], "term_end after term_start"),
    "GET /api/v1/articles": (["422"], "a section that exists"),
    "POST /api/v1/articles": (["422"], "a section that exists; the authors' shares add up to 100%"),
    "PATCH /api/v1/articles/{article_id}": (["422"], "the authors' shares add up to 100%"),
    "POST /api/v1/articles/{article_id}/correct": (["422"], "the authors' shares add up to 100%"),
    "GET /api/v1/public/articles": (["422"], "a section that exists"),
    "GET /api/v1/public/documents": (["422"], "at most 12 words in q (QUERY_TOO_LONG)"),
    "GET /api/v1/quotas/compliance": (["422"], "week 53 of a year that has 52"),
    "PATCH /api/v1/sections/{section_id}": (["422"], "move one place, or a menu_order, not both"),
    "PATCH /api/v1/comments/settings": (["422"], "a section content knows (UNKNOWN_SECTION)"),
    "POST /api/v1/documents": (["422"], "recipients, or all tenants"),
    "POST /api/v1/royalties/rates": (["422"], "what each kind of rate needs"),
    "POST /api/v1/royalties/items/{item_id}/score": (["422"], "at most two decimal places"),
    "POST /api/v1/royalties/statements": (["422"], "scored items in the month (NOTHING_TO_STATE)"),
    "POST /api/v1/questions": (["422"], "a guest's name and phone or e-mail when not signed in"),
    "POST /api/v1/polls": (["422"], "closes_at after opens_at"),
    "PATCH /api/v1/polls/{poll_id}": (["422"], "closes_at after opens_at"),
    "GET /api/v1/reports/semiannual": (["422"], "a half-year that has begun (PERIOD_NOT_STARTED)"),
    "GET /api/v1/reports/semiannual/status": (["422"], "a half-year that has begun (PERIOD_NOT_STARTED)"),
    "GET /api/v1/reports/semiannual/overview": (["422"], "a half-year that has begun (PERIOD_NOT_STARTED)"),
    "GET /api/v1/reports/semiannual/rollup": (["422"], "a half-year that has begun (PERIOD_NOT_STARTED)"),
    "GET /api/v1/reports/semiannual/rollup/export": (["422"], "a half-year that has begun (PERIOD_NOT_STARTED)"),
    "GET /api/v1/coverage": (["422"], "a half-year that has begun (PERIOD_NOT_STARTED)"),
    "GET /api/v1/coverage/national": (["422"], "a half-year that has begun (PERIOD_NOT_STARTED)"),
}
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]


def _config():
    from schemathesis.config import SchemathesisConfig

    return SchemathesisConfig.from_dict(
        {
            "operations": [
                {
                    "include-name": label,
                    "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED + statuses}},
                }
                for label, (statuses, _rule) in REFUSED_BY_RULES.items()
            ]
        }
    )


def _fuzz(operation, mode, examples, headers, record):
    """``examples`` generated requests of one operation, each answer checked; returns the failure."""
    from schemathesis import GenerationMode

    generation_mode = GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE

    @given(case=operation.as_strategy(generation_mode=generation_mode))
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    def run(case):
        if mode == "positive" and case.headers and "Idempotency-Key" in case.headers:
            # A client sends a new key with each new request; hypothesis repeats its values,
            # and a key reused for another body is refused (422) by design.
            case.headers["Idempotency-Key"] = uuid.uuid4().hex
        response = case.call(headers=headers)
        record(response.status_code)
        case.validate_response(response, headers=headers)

    try:
        run()
    except Unsatisfiable:
        if mode == "negative":
            return None  # nothing to break: no parameter and no body (GET /healthz)
        raise
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # schemathesis's FailureGroup is an exception group
        return f"{type(exc).__name__}: {str(exc).strip()[:1500]}"
    return None


@pytest.mark.slow
def test_every_operation_answers_as_documented_to_generated_requests(gateway, throwaway_admin):
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", gateway, config=_config())
    statuses, failures, per_operation = Counter(), [], Counter()
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        secured = bool(operation.definition.raw.get("security"))
        headers = {"Authorization": f"Bearer {throwaway_admin}"} if secured else {}

        seen = set()

        def record(status, label=label, seen=seen):
            statuses[f"{status // 100}xx"] += 1
            per_operation[label] += 1
            seen.add(str(status))

        for mode, examples in EXAMPLES.items():
            failure = _fuzz(operation, mode, examples, headers, record)
            if failure:
                failures.append(f"{label} ({mode}): {failure}")
        # The document's "default" answer would make any status conform: each status met must be named.
        unnamed = sorted(seen - set(operation.definition.raw.get("responses", {})))
        if unnamed:
            failures.append(f"{label}: answered {', '.join(unnamed)}, which its responses do not name")
    summary = {
        "operations": len(per_operation),
        "requests": sum(per_operation.values()),
        "responses": dict(sorted(statuses.items())),
        "failures": len(failures),
        "seconds": round(time.monotonic() - started, 1),
        "examples_per_operation": EXAMPLES,
    }
    SUMMARY.parent.mkdir(exist_ok=True)
    SUMMARY.write_text(json.dumps(summary, indent=2) + "\n")
    print("\nschemathesis:", json.dumps(summary))
    print("by operation:", json.dumps(dict(sorted(per_operation.items()))))
    assert not failures, "\n\n".join(failures)
    assert statuses.get("5xx", 0) == 0
