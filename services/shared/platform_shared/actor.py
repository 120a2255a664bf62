"""Who is acting: taken from a verified access token, passed first to every RPC."""

from dataclasses import dataclass, field

ROLES = (
    "platform_admin",
    "tenant_admin",
    # Administers one unit of its tenant (a grassroots union, CĐCS) and everything under it, in
    # accounts only: bound to ``Actor.unit_id``. Other services give it no right of its tenant.
    "unit_admin",
    "editor",
    "contributor",
    "responder",
    "moderator",
    "royalty_officer",
    "member",
)
TENANT_ROLES = tuple(r for r in ROLES if r != "platform_admin")


@dataclass(frozen=True)
class Actor:
    user_id: str | None
    tenant_id: str | None
    roles: frozenset = field(default_factory=frozenset)
    system: bool = False
    # The unit a ``unit_admin`` is bound to (the token's ``unit`` claim); None for everyone else.
    unit_id: str | None = None

    @classmethod
    def load(cls, data):
        """Build an actor from the dict that travels over RPC; refuses anything else."""
        from platform_shared.errors import Unauthorized

        if isinstance(data, Actor):
            return data
        if not isinstance(data, dict):
            raise Unauthorized("Thiếu thông tin người thực hiện.", code="ACTOR_MISSING")
        if data.get("system"):
            return SYSTEM
        return cls(
            user_id=_opt_str(data.get("user_id")),
            tenant_id=_opt_str(data.get("tenant_id")),
            roles=frozenset(data.get("roles") or ()),
            unit_id=_opt_str(data.get("unit_id")),
        )

    @classmethod
    def anonymous(cls):
        return cls(user_id=None, tenant_id=None, roles=frozenset())

    def dump(self):
        if self.system:
            return {"system": True, "user_id": None, "tenant_id": None, "roles": []}
        dumped = {"user_id": self.user_id, "tenant_id": self.tenant_id, "roles": sorted(self.roles)}
        if self.unit_id is not None:
            dumped["unit_id"] = self.unit_id
        return dumped

    @property
    def authenticated(self):
        return self.system or self.user_id is not None

    @property
    def is_platform_admin(self):
        return self.system or "platform_admin" in self.roles

    def has(self, *roles):
        return self.system or bool(self.roles.intersection(roles))


def _opt_str(value):
    return None if value is None else str(value)


SYSTEM = Actor(user_id=None, tenant_id=None, roles=frozenset(), system=True)
