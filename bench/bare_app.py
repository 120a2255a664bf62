"""The baseline: a bare Flask + SQLAlchemy app running the same queries as the
gateway → RPC → accounts path, on the same database, under the same gunicorn
settings — no token check, no broker, no second process."""

import os
import uuid

from flask import Flask, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.models import Tenant, User
from platform_shared.database import SessionFactory, make_engine, paginate
from platform_shared.schemas.accounts import TenantRead, UserRead

app = Flask(__name__)
app.json.ensure_ascii = False
sessions = SessionFactory(make_engine(os.environ["BENCH_DATABASE_URL"], pool_size=8))
_user, _tenant = UserRead(), TenantRead()


@app.get("/noop")
def noop():
    return {"status": "ok"}


@app.get("/me")
def me():
    with sessions.read() as session:
        user = (
            session.scalars(
                select(User).where(User.id == uuid.UUID(request.args["user_id"])).options(joinedload(User.role_rows))
            )
            .unique()
            .one()
        )
        tenant = session.get(Tenant, user.tenant_id)
        return jsonify({"user": _user.dump(user), "tenant": _tenant.dump(tenant)})


@app.get("/tenants")
def tenants():
    page, per_page = int(request.args.get("page", 1)), int(request.args.get("per_page", 20))
    with sessions.read() as session:
        items, total = paginate(session, select(Tenant).order_by(Tenant.name, Tenant.id), page, per_page)
        return jsonify({"items": _tenant.dump(items, many=True), "total": total, "page": page, "per_page": per_page})
