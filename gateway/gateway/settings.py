"""Gateway settings, all from the environment (see the README's table)."""

import os
from dataclasses import dataclass, field


def _env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


@dataclass
class Settings:
    amqp_uri: str = field(default_factory=lambda: _env("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672//"))
    rpc_timeout: float = field(default_factory=lambda: float(_env("RPC_TIMEOUT", "10")))
    readiness_timeout: float = field(default_factory=lambda: float(_env("READINESS_TIMEOUT", "2")))
    token_issuer: str = field(default_factory=lambda: _env("TOKEN_ISSUER", "https://congdoan.vn/accounts"))
    token_audience: str = field(default_factory=lambda: _env("TOKEN_AUDIENCE", "congdoan-portal"))
    jwks_ttl: float = field(default_factory=lambda: float(_env("JWKS_TTL_SECONDS", "300")))
    # Ended sessions (gateway.sessions): a token older than this (by its iat) is refused whatever
    # its exp (a little above accounts' ACCESS_TOKEN_TTL_SECONDS); the catch-up's period.
    max_token_age: float = field(default_factory=lambda: float(_env("GATEWAY_MAX_TOKEN_AGE_SECONDS", "960")))
    sessions_catch_up_interval: float = field(
        default_factory=lambda: float(_env("GATEWAY_SESSIONS_CATCH_UP_SECONDS", "30"))
    )
    trusted_proxies: int = field(default_factory=lambda: int(_env("TRUSTED_PROXIES", "0")))
    max_upload_bytes: int = field(default_factory=lambda: int(_env("MAX_UPLOAD_BYTES", str(5 * 1024 * 1024))))
    media_http_url: str = field(default_factory=lambda: _env("MEDIA_HTTP_URL", "http://127.0.0.1:8010"))
    max_media_upload_bytes: int = field(
        default_factory=lambda: int(_env("MAX_MEDIA_UPLOAD_BYTES", str(1024 * 1024 * 1024 + 1024 * 1024)))
    )
    public_cache_ttl: float = field(default_factory=lambda: float(_env("PUBLIC_CACHE_TTL_SECONDS", "300")))
    # GET /me and GET /tenants kept in the gateway (public_cache's private topics), dropped by
    # accounts' facts; the safety expiry of an entry, 0 turns it off (every request an RPC).
    accounts_cache_ttl: float = field(default_factory=lambda: float(_env("ACCOUNTS_CACHE_TTL_SECONDS", "300")))
    # Poll responses (gateway.intake): the broker they are queued on (default AMQP_URI), the key
    # that signs receipts (the same in every gateway process), the definition cache's lifetime.
    polls_intake_amqp_uri: str | None = field(default_factory=lambda: _env("POLLS_INTAKE_AMQP_URI"))
    polls_receipt_secret: str | None = field(default_factory=lambda: _env("POLLS_RECEIPT_SECRET"))
    polls_definition_ttl: float = field(default_factory=lambda: float(_env("POLLS_DEFINITION_TTL_SECONDS", "30")))
    polls_confirm_timeout: float = field(default_factory=lambda: float(_env("POLLS_CONFIRM_TIMEOUT_SECONDS", "5")))
    # A response is accepted without Flask's request machinery (gateway.api.polls.LeanResponses);
    # false: through Flask like every other request (same answers; the bench compares the two).
    polls_lean_path: bool = field(
        default_factory=lambda: _env("POLLS_LEAN_PATH", "true").strip().lower() not in ("0", "false", "no", "off")
    )
    # Web pages (gateway.web): the key that signs page-session cookies (default: derived from
    # POLLS_RECEIPT_SECRET; the same in every process) and the portal's public address, used in
    # canonical links, RSS and sitemaps (default: the address the request came to).
    web_session_secret: str | None = field(default_factory=lambda: _env("WEB_SESSION_SECRET"))
    portal_base_url: str | None = field(default_factory=lambda: _env("PORTAL_BASE_URL"))
    services: tuple = ("accounts", "content", "media", "feedback", "polls", "royalties", "notifications")
    log_level: str = field(default_factory=lambda: _env("LOG_LEVEL", "INFO"))
