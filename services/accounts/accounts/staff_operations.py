"""Use cases of personnel records (staff): create, edit, read, list by term.

Mixed into ``operations.Accounts``. A unit administrator keeps the records of its branch: each
with a unit of it (required), linked only to an account of it.
"""

from accounts import policy
from accounts.models import StaffRecord
from accounts.store import StaffStore, UnitStore, UserStore
from platform_shared.clock import VN_TZ
from platform_shared.errors import InvalidInput, NotFound
from platform_shared.schemas import accounts as api
from platform_shared.schemas import load


class StaffOperations:
    def create_staff(self, actor, data):
        data = load(api.StaffCreate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenant = self._admin_tenant(session, actor, data.pop("tenant_id"), branch=True)
            self._check_staff_links(session, actor, tenant.id, data, creating=True)
            return StaffStore(session, actor).add(
                StaffRecord(tenant_id=tenant.id, status="active", created_at=now, updated_at=now, **data)
            )

    def update_staff(self, actor, staff_id, data):
        data = load(api.StaffUpdate, data)
        with self.sessions.transaction() as session:
            record = StaffStore(session, actor).get(staff_id)
            policy.require_branch_admin_of(actor, record.tenant_id)
            self._check_staff_links(session, actor, record.tenant_id, data)
            start = data.get("term_start", record.term_start)
            end = data.get("term_end", record.term_end)
            if end is not None and end < start:
                raise InvalidInput.field("term_end", "Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.")
            for key, value in data.items():
                setattr(record, key, value)
            record.updated_at = self.clock.now()
            return record

    def get_staff(self, actor, staff_id):
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            record = StaffStore(session, actor).get(staff_id)
            policy.require_may_read_staff(actor)
            return record

    def list_staff(self, actor, args):
        args = load(api.StaffListArgs, args or {})
        with self.sessions.read() as session:
            tenant_id = self._administered_listing_tenant(actor, args.pop("tenant_id", None))
            today = self.clock.now().astimezone(VN_TZ).date()
            items, total = StaffStore(session, actor).list(tenant_id=tenant_id, today=today, **args)
            return items, total, args

    def _check_staff_links(self, session, actor, tenant_id, data, *, creating=False):
        units = UnitStore(session, actor)
        if units.branch_root() is not None and (creating or "unit_id" in data) and not data.get("unit_id"):
            raise InvalidInput.field("unit_id", "Chọn đơn vị công tác trong nhánh đơn vị bạn quản trị.")
        if data.get("unit_id"):
            units.get(data["unit_id"], tenant_id=tenant_id)
        if data.get("user_id"):
            user = UserStore(session, actor).get(data["user_id"])
            if user.tenant_id != tenant_id:
                raise NotFound.of("user", data["user_id"])
