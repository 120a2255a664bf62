"""What the royalties stores share: the scope every tenant-owned store is built with.

Only the store modules query the database (``items/store.py``, ``rates/store.py``,
``statements/store.py``, and the kit's ``TenantDirectory`` for the tenant copy).
"""

from sqlalchemy import select

from platform_shared.database import as_uuid
from platform_shared.errors import NotFound

LABELS = {"royalty_item": "khoản nhuận bút", "statement": "bảng kê nhuận bút"}


def not_found(kind, ident):
    return NotFound(
        f"Không tìm thấy {LABELS[kind]} «{ident}».", code=f"{kind.upper()}_NOT_FOUND", details={"resource": kind}
    )


def parse_id(value, kind):
    """An id from a caller as a UUID; a malformed one names nothing: NotFound of ``kind``."""
    try:
        return as_uuid(value, kind)
    except NotFound:
        raise not_found(kind, value) from None


class Scoped:
    """A store of tenant-owned rows for one actor, optionally narrowed to one tenant.

    ``Items(session, actor)`` sees what ``actor`` may see (``policy``); ``Items(session,
    actor, tenant_id)`` only that tenant's part of it. Event handlers pass ``SYSTEM``
    (everything) and the tenant they work for. Subclasses set ``model`` and ``visible``
    (``staticmethod`` of a policy function ``(actor, model) → SQL condition``).
    """

    model = None
    visible = None

    def __init__(self, session, actor, tenant_id=None):
        self.session, self.actor = session, actor
        self.tenant_id = None if tenant_id is None else as_uuid(tenant_id, "tenant")

    def _scope(self, model=None):
        """The SQL conditions of this store's scope, on its model or on another tenant-owned ``model``
        (e.g. a statement's lines, which carry their statement's tenant)."""
        model = model or self.model
        conditions = [self.visible(self.actor, model)]
        if self.tenant_id is not None:
            conditions.append(model.tenant_id == self.tenant_id)
        return conditions

    def _select(self, *columns):
        """``SELECT`` of the model (or of ``columns``) within the scope."""
        return select(*(columns or (self.model,))).where(*self._scope())

    def _tenant(self):
        """The tenant the store is narrowed to; writes that move a tenant's rows need one."""
        if self.tenant_id is None:
            raise ValueError(f"{type(self).__name__} needs a tenant for this")
        return self.tenant_id
