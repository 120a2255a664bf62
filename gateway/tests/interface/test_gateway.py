"""The gateway on its own: error shapes, request ids, the RPC client's failure modes, OpenAPI."""

import pytest
from kombu import Connection, Exchange, Queue
from nameko.rpc import rpc

from platform_shared.errors import Conflict, NotFound


class Echo:
    """A stand-in service for the gateway's own tests."""

    name = "accounts"

    @rpc
    def get_jwks(self, actor):
        return {"keys": []}

    @rpc
    def ping(self):
        return {"ok": True}

    @rpc
    def get_tenant(self, actor, tenant_id):
        if tenant_id == "conflict":
            raise Conflict("Xung đột.", code="SOMETHING_CONFLICTS", details={"errors": {"x": ["y"]}})
        if tenant_id == "boom":
            raise ZeroDivisionError("a bug inside the service")
        raise NotFound.of("tenant", tenant_id)


@pytest.fixture
def app(make_gateway):
    return make_gateway(rpc_timeout=1)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def as_member(monkeypatch):
    """Skip token verification: these tests are about what happens after it."""
    from gateway import auth

    monkeypatch.setattr(
        auth, "current_actor", lambda required=True: {"user_id": "u", "tenant_id": "t", "roles": ["member"]}
    )
    import gateway.api.accounts as accounts_api

    monkeypatch.setattr(accounts_api, "current_actor", auth.current_actor)


def test_unknown_paths_and_methods_answer_json(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json["code"] == "NOT_FOUND"
    assert missing.json["request_id"] == missing.headers["X-Request-ID"]
    wrong = client.delete("/api/v1/auth/login")
    assert wrong.status_code == 405 and wrong.json["code"] == "METHOD_NOT_ALLOWED"


def test_a_valid_incoming_request_id_is_kept_and_a_bad_one_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-12345678"}).headers["X-Request-ID"] == "abc-12345678"
    assert client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


def test_shared_errors_keep_their_status_code_and_fields(client, container_factory, rabbit_config, as_member):
    container_factory(Echo, rabbit_config).start()
    not_found = client.get("/api/v1/tenants/abc")
    assert not_found.status_code == 404 and not_found.json["code"] == "TENANT_NOT_FOUND"
    conflict = client.get("/api/v1/tenants/conflict")
    assert conflict.status_code == 409 and conflict.json["errors"] == {"x": ["y"]}


def test_a_bug_in_a_service_is_a_500_with_the_request_id_and_no_trace(
    client, container_factory, rabbit_config, as_member
):
    container_factory(Echo, rabbit_config).start()
    response = client.get("/api/v1/tenants/boom")
    assert response.status_code == 500
    assert response.json["code"] == "INTERNAL_ERROR" and response.json["request_id"]
    assert "Traceback" not in response.get_data(as_text=True)
    assert "ZeroDivisionError" not in response.get_data(as_text=True)


def test_a_service_that_never_ran_is_503_at_once(client, as_member):
    response = client.get("/api/v1/tenants/abc")
    assert response.status_code == 503
    assert response.json["code"] == "SERVICE_UNAVAILABLE"
    assert "accounts" in response.json["message"]


def test_a_stopped_service_is_503_within_the_timeout_never_a_hang(client, rabbit_config, as_member):
    with Connection(rabbit_config["AMQP_URI"]) as conn:  # it ran before: its queue exists, nobody consumes
        Queue(
            "rpc-accounts", Exchange("nameko-rpc", type="topic", durable=True), routing_key="accounts.*", durable=True
        )(conn.channel()).declare()
    response = client.get("/api/v1/tenants/abc")
    assert response.status_code == 503 and response.json["code"] == "SERVICE_TIMEOUT"


def test_the_request_a_gateway_gave_up_on_expires_instead_of_running_later(
    client, rabbit_config, rabbit_manager, as_member
):
    with Connection(rabbit_config["AMQP_URI"]) as conn:
        Queue(
            "rpc-accounts", Exchange("nameko-rpc", type="topic", durable=True), routing_key="accounts.*", durable=True
        )(conn.channel()).declare()
    assert client.get("/api/v1/tenants/abc").status_code == 503
    from platform_shared.testing.waiting import wait_for

    wait_for(
        lambda: rabbit_manager.get_queue(rabbit_config["vhost"], "rpc-accounts").get("messages") == 0,
        message="the abandoned request to expire from the queue",
    )


def test_an_unreachable_broker_is_503(make_gateway, as_member):
    app = make_gateway(amqp_uri="amqp://guest:guest@127.0.0.1:1//", rpc_timeout=1)
    response = app.test_client().get("/api/v1/tenants/abc")
    assert response.status_code == 503 and response.json["code"] == "BROKER_UNAVAILABLE"


def test_the_rpc_client_survives_a_broker_connection_loss(
    client, container_factory, rabbit_config, rabbit_manager, as_member
):
    container_factory(Echo, rabbit_config).start()
    assert client.get("/api/v1/tenants/abc").status_code == 404
    for connection in rabbit_manager._get("connections"):  # the broker drops every client connection
        if connection["vhost"] == rabbit_config["vhost"]:
            rabbit_manager._delete("connections", connection["name"])
    first = client.get("/api/v1/tenants/abc")
    assert first.status_code in (404, 503)  # the broken connection may cost this one request
    from platform_shared.testing.waiting import wait_for

    wait_for(lambda: client.get("/api/v1/tenants/abc").status_code == 404, message="the gateway to reconnect")


def test_readyz_reports_each_service(client, container_factory, rabbit_config):
    container_factory(Echo, rabbit_config).start()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["services"]["accounts"]["ok"] is True
    assert response.json["services"]["royalties"]["ok"] is False
    assert client.get("/healthz").json == {"status": "ok"}


def test_an_upload_over_the_limit_is_413(make_gateway, as_member):
    app = make_gateway(max_upload_bytes=1000)
    response = app.test_client().post("/api/v1/tenants/import", data=b"x" * 5000, content_type="text/csv")
    assert response.status_code == 413 and response.json["code"] == "PAYLOAD_TOO_LARGE"


def test_the_openapi_document_lists_every_endpoint_with_its_errors(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path, methods in {
        "/api/v1/auth/login": ["post"],
        "/api/v1/auth/refresh": ["post"],
        "/api/v1/auth/logout": ["post"],
        "/api/v1/auth/activate": ["post"],
        "/api/v1/auth/jwks": ["get"],
        "/api/v1/me": ["get"],
        "/api/v1/tenants": ["get", "post"],
        "/api/v1/tenants/{tenant_id}": ["get", "patch"],
        "/api/v1/tenants/import": ["post"],
        "/api/v1/tenants/{tenant_id}/merge": ["post"],
        "/api/v1/units": ["get", "post"],
        "/api/v1/units/{unit_id}": ["get", "patch"],
        "/api/v1/users": ["get", "post"],
        "/api/v1/users/{user_id}": ["get", "patch"],
        "/api/v1/staff": ["get", "post"],
        "/api/v1/staff/{staff_id}": ["get", "patch"],
        "/readyz": ["get"],
    }.items():
        for method in methods:
            operation = paths[path][method]
            errors = [code for code in operation["responses"] if code.startswith(("4", "5"))]
            assert errors, f"{method} {path} documents no error answer"
    assert "get" in paths["/healthz"]
    error_schema = doc["components"]["schemas"]["Error"]
    assert {"code", "message"} <= set(error_schema["properties"])
