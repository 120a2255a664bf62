"""Fixtures for gateway and cross-service tests: a gateway bound to the test's vhost,
an API client that signs requests as someone, and a seeded demo platform."""

import pytest


class ApiClient:
    """Flask's test client with a bearer token and JSON by default."""

    def __init__(self, client, token=None):
        self.client = client
        self.token = token

    def as_(self, who):
        token = who if isinstance(who, str) or who is None else who["access_token"]
        return ApiClient(self.client, token)

    def _headers(self, headers):
        merged = dict(headers or {})
        if self.token:
            merged.setdefault("Authorization", f"Bearer {self.token}")
        return merged

    def get(self, path, headers=None, **kwargs):
        return self.client.get(path, headers=self._headers(headers), **kwargs)

    def post(self, path, headers=None, **kwargs):
        return self.client.post(path, headers=self._headers(headers), **kwargs)

    def patch(self, path, headers=None, **kwargs):
        return self.client.patch(path, headers=self._headers(headers), **kwargs)

    def delete(self, path, headers=None, **kwargs):
        return self.client.delete(path, headers=self._headers(headers), **kwargs)

    def login(self, username, password):
        response = self.client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.json
        return response.json


@pytest.fixture
def gateway_app(rabbit_config):
    from gateway.app import create_app
    from gateway.settings import Settings

    app = create_app(Settings(amqp_uri=rabbit_config["AMQP_URI"], rpc_timeout=5, readiness_timeout=1))
    app.testing = True
    yield app
    app.extensions["rpc"].close()


@pytest.fixture
def api(gateway_app):
    return ApiClient(gateway_app.test_client())


@pytest.fixture
def accounts_service(start_service):
    return start_service("accounts")


@pytest.fixture
def demo(accounts_service, service_config, databases):
    """The demo federation tree of ``make run`` in the test database; returns its passwords."""
    from accounts.operations import Accounts, Settings
    from accounts.passwords import Passwords
    from accounts.seed import seed
    from platform_shared.clock import Clock

    config = service_config("accounts")
    app = Accounts(
        databases.sessions("accounts"),
        signer=None,
        passwords=Passwords(config["ARGON2_MEMORY_KIB"], config["ARGON2_TIME_COST"], config["ARGON2_PARALLELISM"]),
        settings=Settings.from_config(config),
        clock=Clock(),
    )
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result = seed(
            app,
            f"{tmp}/credentials.json",
            admin_password="Quan-tri-2026!",
            demo_password="Mat-khau-demo-2026",
            log=lambda *_: None,
        )
    return result


@pytest.fixture
def login(api, demo):
    """``login("hanoi.admin")`` → a token pair for a demo user."""
    cache = {}

    def do(username):
        if username not in cache:
            password = demo["admin"] if username == "admin" else demo["demo"]
            cache[username] = api.login(username, password)
        return cache[username]

    return do
