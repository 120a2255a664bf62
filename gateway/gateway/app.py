"""The gateway's application factory."""

import logging
import re
import time

from flask import Flask, Request, g, request
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway import errors, ids, json_body
from gateway.auth import make_session_watch, make_verifier
from gateway.intake import ReceiptSigner
from gateway.public_cache import ACCOUNTS_TOPICS, PublicCache
from gateway.rpc import RpcPool
from gateway.settings import Settings
from platform_shared import logs, metrics, tracing
from platform_shared.schemas import ErrorSchema

log = logging.getLogger("gateway")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# The methods counted by name; anything else a client invents is "OTHER" (bounded labels).
_METHODS = {m: m for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")}


class PlatformApi(Api):
    """flask-smorest with the platform's error shape, and its OpenAPI document built once a process.

    Building the document costs ~0.25 s per app (apispec deep-copies every operation), and it
    depends on the code only — the blueprints are module-level and no setting changes it. A
    process that makes several apps (the test suite makes one per test, ~1,000 in a run) builds
    it for the first and shares it with the next; a gunicorn worker makes one app anyway.
    """

    ERROR_SCHEMA = ErrorSchema
    _built = None  # the first app's document (an apispec ``APISpec``), shared read-only

    def handle_http_exception(self, error):
        return errors.http_error(error)

    def register_blueprint(self, blp, *, parameters=None, **options):
        if PlatformApi._built is None:
            return super().register_blueprint(blp, parameters=parameters, **options)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][options.get("name", blp.name)] = self
        self._app.register_blueprint(blp, **options)

    def documented(self):
        """After every blueprint: keep this document for the next app, or take the one kept."""
        if PlatformApi._built is None:
            PlatformApi._built = self.spec
        else:
            self.spec = PlatformApi._built


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON with bounded parsing: ``request.get_json()`` never recurses without limit."""

    def loads(self, s, **kwargs):
        return json_body.loads(s, **kwargs)


class PlatformRequest(Request):
    def on_json_loading_failed(self, e):
        if isinstance(e, json_body.BodyRefused):
            raise e  # answered 400 with its code by errors.body_refused
        return super().on_json_loading_failed(e)


# Pages: scripts, styles and fonts from this origin only, no inline script, never framed.
# Images and video may come from the object store's presigned URLs (another origin).
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https: http:; "
    "media-src 'self' blob: https: http:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Everything else (JSON, files): nothing in it may run or load anything.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def request_id_of(environ):
    """The request's id: the client's ``X-Request-ID`` when it is well formed, else a new one;
    kept in the environ, so every part of the gateway that answers the request uses the same."""
    found = environ.get("platform.request_id")
    if found is None:
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        found = environ["platform.request_id"] = incoming if _REQUEST_ID.match(incoming) else ids.uuid4().hex
    return found


def create_app(settings=None, *, rpc=None):
    """The gateway app. Raises ``ConfigurationError`` at once when a required setting is missing."""
    settings = settings or Settings()
    ReceiptSigner(settings.polls_receipt_secret)  # no key, no gateway: receipts must verify in every process
    app = Flask(__name__, static_folder="web/static", template_folder="web/templates")
    app.request_class = PlatformRequest
    app.json = BoundedJSONProvider(app)
    app.config.update(
        API_TITLE="Cổng thông tin Công đoàn — API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    # Poll responses skip Flask's request machinery (see LeanResponses: why) unless traces are
    # exported: then every request goes through Flask, whose instrumentation makes the spans.
    if settings.polls_lean_path and tracing.configure("gateway") is None:
        from gateway.api.polls import LeanResponses

        app.wsgi_app = LeanResponses(
            app,
            app.wsgi_app,
            headers=[*SECURITY_HEADERS, ("Content-Security-Policy", DATA_POLICY)],
            hsts=HSTS,
            request_id=request_id_of,
        )
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)

    pool = rpc or RpcPool(settings.amqp_uri, timeout=settings.rpc_timeout)
    app.extensions["rpc"] = pool
    app.extensions["settings"] = settings
    app.extensions["verifier"] = make_verifier(pool, settings)
    app.extensions["sessions"] = make_session_watch(pool, settings)
    app.extensions["public_cache"] = PublicCache(
        settings.amqp_uri,
        ttl=settings.public_cache_ttl,
        enabled=settings.public_cache_ttl > 0,
        private=ACCOUNTS_TOPICS if settings.accounts_cache_ttl > 0 else None,
        private_ttl=settings.accounts_cache_ttl,
    )

    api = PlatformApi(
        app,
        spec_kwargs={
            "info": {
                "description": "API của Cổng thông tin điện tử Tổng Liên đoàn Lao động Việt Nam. "
                "Mọi lỗi có dạng {code, message, errors?, request_id}."
            },
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        },
    )
    errors.register(app)

    from gateway.api import accounts, content, coverage, feedback, media, notifications, ops, polls, reports, royalties
    from gateway.web import setup as web

    areas = (accounts, content, royalties, feedback, polls, reports, coverage, notifications)
    for blueprint in (*(bp for area in areas for bp in area.blueprints), media.blp, ops.blp):
        api.register_blueprint(blueprint)
    api.documented()
    web.register(app, settings)  # the pages: portal and workspace; Vietnamese error pages on page paths

    _instrument(app)

    @app.before_request
    def _request_id():
        g.request_id = request_id_of(request.environ)
        logs.request_id_var.set(g.request_id)

    @app.before_request
    def _json_body():
        """Every JSON body is parsed here, bounded, before any view or authentication runs; the
        parsed document is cached on the request for the views and the arguments parser."""
        if request.is_json and request.get_data(cache=True).strip():
            request.get_json()

    @app.after_request
    def _stamp(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name, value)
        html = response.mimetype == "text/html"
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY if html else DATA_POLICY)
        if request.is_secure:  # TLS here or, with TRUSTED_PROXIES, at the proxy in front
            response.headers.setdefault(*HSTS)
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def _instrument(app):
    """Count every request in ``platform_http_requests_total`` / ``platform_http_request_duration_seconds``
    by its route pattern (the Flask rule, ``<unmatched>`` when none matched: a 404, a 405), and
    trace it with OpenTelemetry when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set. The metrics are served
    on their own port (``gunicorn.conf.py``, ``METRICS_PORT``), never on this app's."""
    if tracing.configure("gateway") is not None:
        from opentelemetry.instrumentation.flask import FlaskInstrumentor

        FlaskInstrumentor().instrument_app(app, tracer_provider=tracing.provider())

    def started():
        g.metrics_started = time.perf_counter()

    def counted(response):
        rule = request.url_rule
        route = metrics.UNMATCHED_ROUTE if rule is None else rule.rule
        method = _METHODS.get(request.method, "OTHER")
        started = g.get("metrics_started")
        elapsed = 0.0 if started is None else time.perf_counter() - started
        metrics.http_request(route, method, response.status_code, elapsed)
        if tracing.tracer() is not None:
            tracing.tag_current(g.get("request_id"))
        return response

    # First before every other hook, last after every other (after_request runs in reverse order).
    app.before_request_funcs.setdefault(None, []).insert(0, started)
    app.after_request(counted)
