"""Use cases of units (the grassroots tree of a tenant): create, rename, move a branch, list.

Mixed into ``operations.Accounts``. A unit administrator works inside its branch: its store
finds nothing else (404); it adds units under a unit of the branch, renames, re-codes, moves
units within the branch and archives them, but never moves or archives its own unit (that is
the tenant administrators' — the unit's place in the tree is above the branch).
"""

import uuid

from accounts import domain, policy
from accounts.models import Unit
from accounts.store import UnitStore
from platform_shared.errors import Conflict, Forbidden, InvalidInput
from platform_shared.schemas import accounts as api
from platform_shared.schemas import load


class UnitOperations:
    def create_unit(self, actor, data):
        data = load(api.UnitCreate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenant = self._admin_tenant(session, actor, data.pop("tenant_id"), branch=True)
            units = UnitStore(session, actor)
            parent = units.get(data["parent_id"], tenant_id=tenant.id) if data["parent_id"] else None
            if parent is None and units.branch_root() is not None:
                raise InvalidInput.field("parent_id", _IN_YOUR_BRANCH)
            if parent is not None and parent.status != "active":
                raise InvalidInput.field("parent_id", "Đơn vị cấp trên đã ngừng hoạt động.")
            if data["code"] and units.code_taken(tenant.id, data["code"]):
                raise Conflict.taken("code", data["code"], "Mã đơn vị", "UNIT_CODE_TAKEN")
            unit_id = uuid.uuid4()
            return units.add(
                Unit(
                    id=unit_id,
                    tenant_id=tenant.id,
                    parent_id=parent.id if parent else None,
                    name=data["name"],
                    code=data["code"],
                    kind=data["kind"],
                    status="active",
                    path=domain.unit_path(parent.path if parent else None, unit_id),
                    depth=(parent.depth + 1) if parent else 0,
                    created_at=now,
                    updated_at=now,
                )
            )

    def update_unit(self, actor, unit_id, data):
        data = load(api.UnitUpdate, data)
        with self.sessions.transaction() as session:
            units = UnitStore(session, actor)
            unit = units.get(unit_id)
            policy.require_branch_admin_of(actor, unit.tenant_id)
            root = units.branch_root()
            if unit.id == root:
                _check_own_unit_change(unit, data)
            if "parent_id" in data and data["parent_id"] != unit.parent_id:
                parent = units.get(data["parent_id"], tenant_id=unit.tenant_id) if data["parent_id"] else None
                if parent is None and root is not None:
                    raise InvalidInput.field("parent_id", _IN_YOUR_BRANCH)
                domain.check_unit_move(unit, parent)
                units.move_branch(
                    unit,
                    domain.unit_path(parent.path if parent else None, unit.id),
                    (parent.depth + 1) if parent else 0,
                )
                unit.parent_id = parent.id if parent else None
            if (
                data.get("code")
                and data["code"] != unit.code
                and units.code_taken(unit.tenant_id, data["code"], unit.id)
            ):
                raise Conflict.taken("code", data["code"], "Mã đơn vị", "UNIT_CODE_TAKEN")
            for key in ("name", "code", "kind", "status"):
                if key in data:
                    setattr(unit, key, data[key])
            unit.updated_at = self.clock.now()
            return unit

    def get_unit(self, actor, unit_id):
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            return UnitStore(session, actor).get(unit_id)

    def list_units(self, actor, args):
        policy.require_signed_in(actor)
        args = load(api.UnitListArgs, args or {})
        with self.sessions.read() as session:
            units = UnitStore(session, actor)
            tenant_id = self._listing_tenant(actor, args.pop("tenant_id", None))
            root_id = args.pop("root_id", None)
            root = units.get(root_id) if root_id else None
            items, total = units.list(tenant_id=tenant_id, root=root, **args)
            return items, total, args


_IN_YOUR_BRANCH = "Chọn đơn vị cấp trên trong nhánh đơn vị bạn quản trị."


def _check_own_unit_change(unit, data):
    """A unit administrator renames its own unit but does not move or archive it."""
    moved = "parent_id" in data and data["parent_id"] != unit.parent_id
    archived = "status" in data and data["status"] != unit.status
    if moved or archived:
        raise Forbidden(
            "Bạn không chuyển hay cho ngừng hoạt động được chính đơn vị mình quản trị; "
            "việc này do quản trị viên của Liên đoàn làm.",
            code="OWN_UNIT_LOCKED",
        )
