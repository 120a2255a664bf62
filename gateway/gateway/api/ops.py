"""Operations: liveness, readiness, parked events."""

import time
from concurrent.futures import ThreadPoolExecutor

from flask import current_app, jsonify
from marshmallow import Schema, fields

from gateway.api.common import Blueprint, call, documented, replies
from gateway.auth import current_actor
from platform_shared.errors import NotFound, PlatformError

blp = Blueprint("ops", __name__, url_prefix="", description="Vận hành")
_pool = ThreadPoolExecutor(max_workers=6, thread_name_prefix="readyz")


class Health(Schema):
    status = fields.String(required=True, metadata={"description": "ok"})


class ServiceState(Schema):
    ok = fields.Boolean(required=True)
    ms = fields.Float(metadata={"description": "ping time, when it answered"})
    error = fields.String(metadata={"description": "error code or exception name, when it did not"})
    message = fields.String()


class Readiness(Schema):
    status = fields.String(required=True, metadata={"description": "ready or not_ready"})
    services = fields.Dict(keys=fields.String(), values=fields.Nested(ServiceState), required=True)


class ParkedEvent(Schema):
    """``platform_shared.parking``: an event a handler gave up on."""

    id = fields.Integer(required=True)
    handler = fields.String()
    queue = fields.String()
    event_type = fields.String()
    event_id = fields.String()
    payload = fields.Raw(metadata={"description": "the event as received"})
    error = fields.String(allow_none=True)
    attempts = fields.Integer()
    parked_at = fields.DateTime()
    replayed_at = fields.DateTime(allow_none=True)


class ParkedEvents(Schema):
    items = fields.List(fields.Nested(ParkedEvent), required=True)


@blp.route("/healthz", methods=["GET"])
@replies(blp, 200, Health)
def healthz():
    """The process is up (no dependency checked)."""
    return {"status": "ok"}


def _ping(app, service, timeout):
    started = time.monotonic()
    try:
        with app.app_context():
            app.extensions["rpc"].call(service, "ping", timeout=timeout)
        return service, {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    except PlatformError as exc:
        return service, {"ok": False, "error": exc.code, "message": exc.message}
    except Exception as exc:  # a bug in a service must not hide the others' state
        return service, {"ok": False, "error": type(exc).__name__}


@blp.route("/readyz", methods=["GET"])
@replies(blp, 200, Readiness)
@blp.alt_response(
    503, schema=Readiness, description="Một dịch vụ hoặc hàng đợi chưa sẵn sàng (chi tiết trong services)"
)
def readyz():
    """Ready when the broker and every service answer a ping within READINESS_TIMEOUT."""
    app = current_app._get_current_object()
    settings = app.extensions["settings"]
    results = dict(_pool.map(lambda s: _ping(app, s, settings.readiness_timeout), settings.services))
    ready = all(r["ok"] for r in results.values())
    response = jsonify({"status": "ready" if ready else "not_ready", "services": results})
    response.status_code = 200 if ready else 503
    return response


@blp.route("/api/v1/ops/parked-events/<service>", methods=["GET"])
@replies(blp, 200, ParkedEvents)
@blp.doc(security=[{"bearer": []}])
@documented(blp, 401, 403, 404, 503)
def parked_events(service):
    """Sự kiện bị treo của một dịch vụ (quản trị hệ thống)."""
    _known(service)
    return {"items": call(service, "list_parked_events", current_actor())}


@blp.route("/api/v1/ops/parked-events/<service>/<int:parked_id>/replay", methods=["POST"])
@replies(blp, 200, ParkedEvent, description="Sự kiện đã được đưa lại vào hàng đợi")
@blp.doc(security=[{"bearer": []}])
@documented(blp, 401, 403, 404, 409, 503)
def replay_parked(service, parked_id):
    """Phát lại một sự kiện bị treo (quản trị hệ thống)."""
    _known(service)
    return call(service, "replay_parked_event", current_actor(), parked_id)


def _known(service):
    if service not in current_app.extensions["settings"].services:
        raise NotFound(f"Không có dịch vụ «{service}».", code="SERVICE_NOT_FOUND")
