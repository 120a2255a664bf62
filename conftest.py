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


@pytest.fixture(scope="session")
def rabbit_manager(request):
    """nameko's client of RabbitMQ's management API, for which a vhost already gone counts as
    deleted.

    nameko's vhost pipeline retries a failed DELETE of a test's vhost; when the first one failed
    after RabbitMQ had removed the vhost (its management API under a full suite's load), every
    retry answered 404 and the pipeline's deleting thread died: no later vhost was deleted and
    the last test of the session errored at teardown (seen in CI)."""
    from nameko.testing.rabbit import Client, HTTPError

    class TestClient(Client):
        def delete_vhost(self, vhost):
            try:
                return super().delete_vhost(vhost)
            except HTTPError as exc:
                if exc.response is None or exc.response.status_code != 404:
                    raise

    return TestClient(request.config.getoption("RABBIT_API_URI"))


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def media_http_address():
    """Where the media service's internal HTTP port listens in this test."""
    return f"127.0.0.1:{free_port()}"


@pytest.fixture
def make_gateway(rabbit_config, media_http_address):
    """``make_gateway(**settings)``: a gateway app bound to this test's vhost and media port.

    Its public cache and its cache of ``/me`` and ``/tenants`` are off unless asked for
    (``public_cache_ttl=300``, ``accounts_cache_ttl=300``): only a test that runs the relays
    can see the invalidations that come by event (a write through another app, or straight to
    a service)."""
    from gateway.app import create_app
    from gateway.settings import Settings

    apps = []

    def make(**overrides):
        settings = {
            "amqp_uri": rabbit_config["AMQP_URI"],
            "rpc_timeout": 5,
            "readiness_timeout": 1,
            "media_http_url": f"http://{media_http_address}",
            "public_cache_ttl": 0,
            "accounts_cache_ttl": 0,
            "polls_receipt_secret": "test-receipts-key",  # the gateway does not start without one
            **overrides,
        }
        app = create_app(Settings(**settings))
        app.testing = True
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["rpc"].close()
        app.extensions["public_cache"].close()
        app.extensions["sessions"].close()
        # made on the first poll response: left open, its listener thread kept reconnecting to
        # the test's deleted vhost during later tests (a unit test was failed for it)
        intake = app.extensions.pop("polls_intake", None)
        if intake is not None:
            intake.close()


@pytest.fixture
def gateway_app(make_gateway):
    return make_gateway()


@pytest.fixture
def api(gateway_app):
    return ApiClient(gateway_app.test_client())


@pytest.fixture
def accounts_service(start_service):
    return start_service("accounts")


_SEED_HASHES = {}


def _seed_passwords(*params):
    """The accounts service's own Argon2id hasher, except that a demo password is hashed once per
    test session: the seed stores the same two passwords for its 11 users before every test that
    uses it (about 0.35 s a test, most of ``demo``). The stored hashes are real Argon2id and
    every sign-in still verifies them; what differs from production is only that the demo users
    share a salt. Salts and hashing are tested in accounts' own tests, which do not use ``demo``."""
    from accounts.passwords import Passwords

    class SeedPasswords(Passwords):
        def hash(self, password):
            key = (params, password)
            if key not in _SEED_HASHES:
                _SEED_HASHES[key] = super().hash(password)
            return _SEED_HASHES[key]

    return SeedPasswords(*params)


_DEMO = {}  # the demo's accounts database after its first seed in this session, and the seed's answer


@pytest.fixture
def demo(accounts_service, service_config, databases):
    """The demo federation tree of ``make run`` in the test database; returns its passwords.

    Seeded by ``accounts.seed`` the first time in a session (26 use cases, about 0.3 s); later
    tests get the same rows restored into the emptied database (``databases.restore``), the
    seed's answer with them. The rows are the seed's own, so a change to the seed shows in every
    test; only the ids and creation times are the first seeding's rather than new each test."""
    import copy

    if _DEMO and databases.restore("accounts", _DEMO["rows"]):
        return copy.deepcopy(_DEMO["answer"])
    from_scratch = not _DEMO and databases.holds_no_row("accounts")
    result = _seed_demo(service_config, databases)
    if from_scratch:
        _DEMO.update(rows=databases.snapshot("accounts"), answer=copy.deepcopy(result))
    return result


def _seed_demo(service_config, databases):
    from accounts.operations import Accounts, Settings
    from accounts.seed import seed
    from platform_shared.clock import Clock

    config = service_config("accounts")
    params = (config["ARGON2_MEMORY_KIB"], config["ARGON2_TIME_COST"], config["ARGON2_PARALLELISM"])
    app = Accounts(
        databases.sessions("accounts"),
        signer=None,
        passwords=_seed_passwords(*params),
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


# -- media ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-protocol server (moto's standalone server) on loopback for the whole session."""
    import subprocess
    import sys
    import time

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import socket

    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("the S3 test server did not start") from None
            time.sleep(0.2)
    yield {"endpoint": f"127.0.0.1:{port}", "access_key": "testing", "secret_key": "testing"}
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(params=["filesystem", "s3"])
def media_backend(request, tmp_path):
    """Storage settings of the media service: every media test runs on both backends."""
    import uuid

    if request.param == "s3":
        s3 = request.getfixturevalue("s3_server")
        return {
            "MEDIA_STORAGE": "s3",
            "MEDIA_S3_ENDPOINT": s3["endpoint"],
            "MEDIA_S3_ACCESS_KEY": s3["access_key"],
            "MEDIA_S3_SECRET_KEY": s3["secret_key"],
            "MEDIA_S3_BUCKET": f"test-{uuid.uuid4().hex[:16]}",
        }
    return {
        "MEDIA_STORAGE": "filesystem",
        "MEDIA_FS_ROOT": str(tmp_path / "media"),
        "MEDIA_URL_SIGNING_KEY": "test-signing-key-" + uuid.uuid4().hex,
    }


@pytest.fixture
def media_settings(media_backend, media_http_address):
    return {"WEB_SERVER_ADDRESS": media_http_address, **media_backend}


@pytest.fixture
def media_worker(start_service, media_settings):
    """The media worker (``platform run media worker``): a photo's renditions from
    ``media.asset_stored``, once the media relay publishes it (``relay("media")``)."""
    from media.worker import MediaWorker

    # In the test process: the run keeps its CPU priority, and its real threads (shared with the
    # media service's, in this process) are not put at idle priority.
    return start_service(
        "media", service_cls=MediaWorker, MEDIA_WORKER_NICE=0, MEDIA_WORKER_IDLE_IMAGES=False, **media_settings
    )


@pytest.fixture
def media_service(start_service, media_settings, accounts_service, media_worker):
    """The media service with its worker, as production runs them (two processes; here two containers)."""
    return start_service("media", **media_settings)


@pytest.fixture
def media_storage(media_service):
    """The service's own storage backend, to look at what is (not) stored."""
    from media.dependencies import make_storage

    return make_storage(media_service.config)


# -- content -------------------------------------------------------------------------


@pytest.fixture
def content_service(start_service, media_service, demo):
    """Content with media and accounts running, its tenant copy synced from accounts."""
    from nameko.standalone.rpc import ServiceRpcProxy

    from platform_shared.actor import SYSTEM

    container = start_service(
        "content", CONTENT_PUBLISH_INTERVAL_SECONDS=0.3, CONTENT_TENANT_SYNC_INTERVAL_SECONDS=3600
    )
    with ServiceRpcProxy("content", {"AMQP_URI": container.config["AMQP_URI"]}, timeout=20) as proxy:
        proxy.sync_tenants(SYSTEM.dump())
    return container


@pytest.fixture
def relay(rabbit_config, databases):
    """``relay("content")`` starts ``platform relay content`` as a process; all are killed at teardown."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    started = []

    def start(*services):
        env = dict(os.environ, AMQP_URI=rabbit_config["AMQP_URI"])
        for name in services:
            env[f"{name.upper()}_DATABASE_URL"] = databases.url(name)
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "platform"), "relay", *services],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)


# -- royalties -------------------------------------------------------------------------


@pytest.fixture
def royalties_service(start_service, demo):
    """The royalties service with accounts running and the demo tenants seeded (its tenant copy
    is synced from accounts at start, before the fixture returns)."""
    from nameko.standalone.rpc import ServiceRpcProxy

    from platform_shared.actor import SYSTEM

    container = start_service("royalties", ROYALTIES_TENANT_SYNC_INTERVAL_SECONDS=3600)
    with ServiceRpcProxy("royalties", {"AMQP_URI": container.config["AMQP_URI"]}, timeout=20) as proxy:
        proxy.sync_tenants(SYSTEM.dump())
    return container


@pytest.fixture
def content_event(rabbit_config):
    """``content_event(payload)``: put a content fact on ``content.events`` as the relay does (confirmed)."""
    import json

    import amqp

    from platform_shared.broker import amqp_params

    conn = amqp.Connection(**amqp_params(rabbit_config["AMQP_URI"]), confirm_publish=True)
    conn.connect()
    channel = conn.channel()
    channel.exchange_declare("content.events", "topic", durable=True, auto_delete=False)

    def publish(payload):
        message = amqp.Message(
            json.dumps(payload, ensure_ascii=False),
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
            message_id=payload["event_id"],
            application_headers={"nameko.event_id": payload["event_id"]},
        )
        channel.basic_publish(message, exchange="content.events", routing_key=payload["event_type"])
        return payload

    yield publish
    conn.collect()


# -- feedback --------------------------------------------------------------------------


@pytest.fixture
def feedback_settings():
    """Settings of the feedback service in a test; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
def feedback_service(start_service, demo, feedback_settings):
    """The feedback service with accounts running and its copy of the demo tenants synced."""
    from nameko.standalone.rpc import ServiceRpcProxy

    from platform_shared.actor import SYSTEM

    container = start_service("feedback", FEEDBACK_TENANT_SYNC_INTERVAL_SECONDS=3600, **feedback_settings)
    with ServiceRpcProxy("feedback", {"AMQP_URI": container.config["AMQP_URI"]}, timeout=20) as proxy:
        proxy.sync_tenants(SYSTEM.dump())
    return container


@pytest.fixture
def feedback_rpc(feedback_service):
    """A standalone RPC proxy to the feedback service (for RPCs the gateway does not expose)."""
    from nameko.standalone.rpc import ServiceRpcProxy

    with ServiceRpcProxy("feedback", {"AMQP_URI": feedback_service.config["AMQP_URI"]}, timeout=20) as proxy:
        yield proxy


# -- notifications -------------------------------------------------------------------------


@pytest.fixture
def notifications_service(start_service, demo):
    """The notifications service with accounts running and the demo people in it (it asks accounts
    whom to tell when it handles an event)."""
    return start_service("notifications")


# -- polls -----------------------------------------------------------------------------


@pytest.fixture
def polls_service(start_service, demo):
    """The polls service with accounts running, the demo tenants seeded and copied into polls."""
    from nameko.standalone.rpc import ServiceRpcProxy

    from platform_shared.actor import SYSTEM

    container = start_service("polls", POLLS_CLOSE_INTERVAL_SECONDS=0.3, POLLS_TENANT_SYNC_INTERVAL_SECONDS=3600)
    with ServiceRpcProxy("polls", {"AMQP_URI": container.config["AMQP_URI"]}, timeout=20) as proxy:
        proxy.sync_tenants(SYSTEM.dump())
    return container


@pytest.fixture
def make_polls_gateway(make_gateway):
    """A gateway for poll responses; settings as ``make_gateway`` (which closes its intake)."""

    def make(**overrides):
        return make_gateway(polls_receipt_secret="test-receipts-key", **overrides)

    return make


@pytest.fixture
def client_of():
    """An ``ApiClient`` around a gateway app built with other settings (``make_gateway(...)``).

    A fixture rather than ``from conftest import ApiClient``: the root conftest is not an
    importable module when pytest runs as ``.venv/bin/pytest`` (as ``make test`` does)."""
    return lambda app: ApiClient(app.test_client())


@pytest.fixture
def polls_api(make_polls_gateway):
    return ApiClient(make_polls_gateway().test_client())


@pytest.fixture
def member_token(service_config, accounts_service, demo):
    """``member_token("LDLD-HN")`` → an access token of a new member of that demo tenant
    (any ``user_id``/``roles`` may be given): polls never asks accounts who a member is."""
    import uuid
    from datetime import UTC, datetime

    from nameko.standalone.rpc import ServiceRpcProxy

    from accounts.signing import Signer
    from platform_shared.actor import SYSTEM

    config = service_config("accounts")
    signer = Signer(config["TOKEN_KEYS_DIR"], issuer=config["TOKEN_ISSUER"], audience=config["TOKEN_AUDIENCE"])
    with ServiceRpcProxy("accounts", {"AMQP_URI": config["AMQP_URI"]}, timeout=20) as proxy:
        tenants = {t["code"]: t["id"] for t in proxy.list_tenants(SYSTEM.dump(), {"per_page": 100})["items"]}

    def mint(code, user_id=None, roles=("member",)):
        return signer.access_token(
            user_id=user_id or str(uuid.uuid4()), tenant_id=tenants[code], roles=roles, now=datetime.now(UTC)
        )

    mint.tenants = tenants
    return mint


# -- the portal's published material (web and browser tests) --------------------------------


class Newsroom:
    """Publishes real articles through /api/v1 as the demo newsroom does: Hà Nội's contributor
    writes (with photos it uploads and describes), the desk of the section opens, approves and
    publishes. ``publish`` returns the article as the public API reads it."""

    DESKS = {"news": "laodong.editor", "thematic": "tuyengiao.editor"}  # the demo has no directives desk user
    CENTRAL = ("news", "thematic", "directives")

    def __init__(self, api, login, relay):
        self.api, self.login, self._relay, self._relaying = api, login, relay, False

    def photo(self, caption, alt_text, credit_name, *, seed=0):
        import io
        import sys
        from pathlib import Path

        sys.path.insert(0, str(Path(__file__).resolve().parent / "services" / "media" / "tests"))
        import samples

        contributor = self.api.as_(self.login("hanoi.contributor"))
        form = {"file": (io.BytesIO(samples.jpeg_with_gps(800, 600, seed=seed)), f"anh-{seed}.jpg", "image/jpeg")}
        uploaded = contributor.post("/api/v1/media", data=form, content_type="multipart/form-data")
        assert uploaded.status_code == 201, uploaded.json
        described = contributor.patch(
            f"/api/v1/media/{uploaded.json['id']}",
            json={"caption": caption, "alt_text": alt_text, "credit_name": credit_name},
        )
        assert described.status_code == 200, described.json
        return uploaded.json["id"]

    def publish(self, title, *, section="news", body=None, summary=None, asset_ids=(), tags=(), desk=None):
        contributor = self.api.as_(self.login("hanoi.contributor"))
        created = contributor.post(
            "/api/v1/articles",
            json={
                "section": section,
                "genre": "news",
                "title": title,
                "summary": summary,
                "body": body or "<p>Công đoàn thành phố thăm hỏi, tặng quà công nhân có hoàn cảnh khó khăn.</p>",
                "asset_ids": list(asset_ids),
                "tags": list(tags),
            },
        )
        assert created.status_code == 201, created.json
        path = f"/api/v1/articles/{created.json['id']}"
        assert contributor.post(f"{path}/submit").status_code == 200
        editor = desk or self.api.as_(self.login(self.DESKS.get(section, "laodong.editor")))
        for action in ("open", "approve", "publish"):
            response = editor.post(f"{path}/{action}")
            assert response.status_code == 200, response.json
        slug = response.json["slug"]
        if asset_ids:
            self._photos_public(response.json["id"], list(asset_ids))
        site = {} if section in self.CENTRAL else {"site": "ha-noi"}
        public = self.api.get(f"/api/v1/public/articles/{slug}", query_string=site)
        assert public.status_code == 200, public.json
        return public.json

    def _photos_public(self, article_id, asset_ids):
        """Media makes an article's photos public when it hears ``content.article_published``:
        the content relay runs from the first article with photos, and this waits for it."""
        from platform_shared.testing.waiting import wait_for

        if not self._relaying:
            self._relay("content")
            self._relaying = True
        staff = self.api.as_(self.login("hanoi.contributor"))
        wait_for(
            lambda: all(staff.get(f"/api/v1/media/{i}").json.get("public") for i in asset_ids),
            message=f"media to make the photos of article {article_id} public",
        )


@pytest.fixture
def newsroom(api, login, content_service, relay):
    """``newsroom.publish("Tiêu đề", asset_ids=[newsroom.photo(...)])``: real published articles
    (with photos: the content relay runs so that media makes them public, as in production)."""
    return Newsroom(api, login, relay)
