"""The tenant copy's queries and writes. No nameko here."""

import uuid
from dataclasses import dataclass

from sqlalchemy import case, func, select

from platform_shared.database import as_uuid, dialect_insert
from platform_shared.views import parse_time as _time
from platform_shared.views import uuid_or_none as _uuid

# How far merges are followed: a chain longer than this is a data error, not a history.
MAX_MERGE_HOPS = 10


@dataclass(frozen=True)
class TenantChange:
    """What an applied event changed: the row before (None when new) and after."""

    before: dict | None
    row: object

    @property
    def created(self):
        return self.before is None

    @property
    def renamed(self):
        return self.before is not None and (self.before["name"], self.before["slug"]) != (
            self.row.name,
            self.row.slug,
        )

    @property
    def reparented(self):
        return self.before is not None and self.before["parent_id"] != self.row.parent_id


class TenantDirectory:
    """The service's copy of the tenant directory, for one session and one model class."""

    def __init__(self, session, model):
        self.session, self.model = session, model

    def get(self, tenant_id):
        return self.session.get(self.model, as_uuid(tenant_id, "tenant")) if tenant_id else None

    def by_ids(self, ids):
        """``{id: row}`` of those of ``ids`` known here, in one query."""
        ids = {as_uuid(i, "tenant") for i in ids if i}
        if not ids:
            return {}
        return {row.id: row for row in self.session.scalars(select(self.model).where(self.model.id.in_(ids)))}

    def by_code(self, code):
        return self.session.scalars(select(self.model).where(self.model.code == code)).first()

    def by_slug(self, slug):
        return self.session.scalars(select(self.model).where(self.model.slug == slug)).first()

    def of_kinds(self, kinds):
        return self.session.scalars(
            select(self.model).where(self.model.kind.in_(list(kinds))).order_by(self.model.name)
        ).all()

    def count(self):
        return self.session.scalar(select(func.count()).select_from(self.model))

    def surviving(self, tenant):
        """Follow merges from ``tenant`` (a row) to the tenant that carries its work today."""
        for _ in range(MAX_MERGE_HOPS):
            if tenant is None or tenant.status != "merged" or tenant.merged_into_id is None:
                break
            tenant = self.get(tenant.merged_into_id) or tenant
        return tenant

    def surviving_id(self, tenant_id):
        """The surviving tenant's id for ``tenant_id`` (the id itself when unknown here)."""
        current = as_uuid(tenant_id, "tenant")
        for _ in range(MAX_MERGE_HOPS):
            row = self.session.get(self.model, current)
            if row is None or row.status != "merged" or row.merged_into_id is None:
                return current
            current = row.merged_into_id
        return current

    def upsert(self, values, *, keep_merged=False):
        """Insert or update one tenant in one statement (an event and a sync may race); the row after.

        With ``keep_merged``, a row that is merged when the statement runs stays merged: the check
        is in the statement itself, so a merge committed by another handler while this one waited
        for the row's lock is seen (a check on the row read before would miss it)."""
        statement = dialect_insert(self.session, self.model).values(**values)
        updates = {k: statement.excluded[k] for k in values if k != "id"}
        if keep_merged and "status" in updates:
            current = self.model.__table__.c.status
            updates["status"] = case((current == "merged", current), else_=statement.excluded.status)
        self.session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=updates))
        return self.session.get(self.model, values["id"], populate_existing=True)

    def apply(self, payload, *, now, status=None):
        """An ``accounts.tenant_created/updated`` payload applied; what it changed."""
        before = self.get(payload["tenant_id"])
        snapshot = None
        if before is not None:
            snapshot = {"name": before.name, "slug": before.slug, "parent_id": before.parent_id}
        # A merge is final in accounts. Handlers run side by side, so a tenant_created or
        # tenant_updated published before the merge can be applied after it, or while the merge's
        # transaction commits (seen when a relay starts on a backlog); it must not make the merged
        # tenant active again: ``keep_merged`` decides in the statement, after the row's lock.
        row = self.upsert(
            {
                "id": uuid.UUID(payload["tenant_id"]),
                "code": payload["code"],
                "slug": payload.get("slug"),
                "name": payload["name"],
                "kind": payload.get("kind"),
                "parent_id": _uuid(payload.get("parent_id")),
                "status": status or payload.get("status") or "active",
                "updated_at": now,
            },
            keep_merged=True,
        )
        return TenantChange(snapshot, row)

    def record_merge(self, payload, *, now):
        """An ``accounts.tenant_merged`` payload: the merged tenant's row marked (created if unknown)."""
        merged, into = uuid.UUID(payload["tenant_id"]), uuid.UUID(payload["into_tenant_id"])
        row = self.get(merged)
        if row is None:
            # Known only from this event: a placeholder until the sync brings its real code and name
            # (inserted only if still absent: a tenant_created committed meanwhile keeps its names).
            placeholder = {"code": f"merged-{merged.hex[:12]}", "name": "—", "status": "merged", "updated_at": now}
            statement = dialect_insert(self.session, self.model).values(id=merged, **placeholder)
            self.session.execute(statement.on_conflict_do_nothing(index_elements=["id"]))
            row = self.session.get(self.model, merged, populate_existing=True)
        row.status, row.merged_into_id = "merged", into
        row.merged_at = _time(payload.get("merged_at")) or now
        return row

    def replace(self, tenants, *, now):
        """The accounts service's list (``TenantRead`` dumps) written over the copy; the count."""
        for t in tenants:
            self.upsert(
                {
                    "id": uuid.UUID(t["id"]),
                    "code": t["code"],
                    "slug": t.get("slug"),
                    "name": t["name"],
                    "kind": t.get("kind"),
                    "parent_id": _uuid(t.get("parent_id")),
                    "status": t["status"],
                    "merged_into_id": _uuid(t.get("merged_into_id")),
                    "merged_at": _time(t.get("merged_at")),
                    "updated_at": now,
                }
            )
        return len(tenants)
