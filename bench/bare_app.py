"""The baseline: a bare Flask + SQLAlchemy app running the same queries as the
gateway → RPC → accounts path, on the same database, under the same gunicorn
settings — no token check, no broker, no second process. The queries are the accounts service's
own (its stores, as a platform admin like the benchmark's user): when the service's SQL gets
cheaper, the baseline's does too, and the ratio keeps measuring the platform's overhead."""

import os

from flask import Flask, jsonify, request

from accounts.store import TenantStore, UserStore
from platform_shared.actor import Actor
from platform_shared.database import SessionFactory, make_engine
from platform_shared.schemas.accounts import TenantRead, UserRead

app = Flask(__name__)
app.json.ensure_ascii = False
sessions = SessionFactory(make_engine(os.environ["BENCH_DATABASE_URL"], pool_size=8))
_user, _tenant = UserRead(), TenantRead()
_ADMIN = Actor(None, None, frozenset({"platform_admin"}))


@app.get("/noop")
def noop():
    return {"status": "ok"}


@app.get("/me")
def me():
    actor = Actor(request.args["user_id"], None, frozenset({"platform_admin"}))
    with sessions.read() as session:
        user, tenant = UserStore(session, actor).me()
        return jsonify({"user": _user.dump(user), "tenant": _tenant.dump(tenant)})


@app.get("/tenants")
def tenants():
    page, per_page = int(request.args.get("page", 1)), int(request.args.get("per_page", 20))
    with sessions.read() as session:
        items, total = TenantStore(session, _ADMIN).list(page=page, per_page=per_page)
        return jsonify({"items": _tenant.dump(items, many=True), "total": total, "page": page, "per_page": per_page})
