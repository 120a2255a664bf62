"""Tables of the accounts service. Every tenant-owned table has ``tenant_id``."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.domain import TENANT_KIND_LABELS, UNIT_KIND_LABELS, staff_in_office
from platform_shared.clock import VN_TZ, utcnow
from platform_shared.database import UTCDateTime, make_base, new_id

Base = make_base()


class Tenant(Base):
    """A member organisation. Ids are stable across merges and re-parenting."""

    __tablename__ = "tenant"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), server_default=text("'active'"))
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenant.id"))
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Every access token naming this tenant issued until then is refused (merge, suspension).
    sessions_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def kind_label(self):
        return TENANT_KIND_LABELS.get(self.kind, self.kind)


class Unit(Base):
    """A union unit inside a tenant (down to grassroots unions, CĐCS).

    ``path`` is the materialised path of ids (``/<root>/.../<self>/``) so a subtree
    is one indexed prefix query and a move rewrites only the moved branch.
    """

    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        Index("ix_unit_tenant_path", "tenant_id", "path"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id"), index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    code: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), server_default=text("'active'"))
    path: Mapped[str] = mapped_column(String(2000))
    depth: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def kind_label(self):
        return UNIT_KIND_LABELS.get(self.kind, self.kind)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id"), index=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit.id"))
    username: Mapped[str] = mapped_column(String(254), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Carried in each access token (claim ``sv``); raised to end every session of the user at
    # once (deactivation, new roles), when ``sessions_revoked_at`` is set too.
    session_version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    sessions_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def roles(self):
        return sorted(r.role for r in self.role_rows)

    @property
    def admin_unit_id(self):
        """The unit this user administers as ``unit_admin``, or None."""
        return next((r.unit_id for r in self.role_rows if r.role == "unit_admin"), None)


class UserRole(Base):
    __tablename__ = "user_role"
    # count_members counts a tenant's ``member`` roles without reading every user.
    __table_args__ = (Index("ix_user_role_tenant_role", "tenant_id", "role"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id"), index=True)
    # The unit a ``unit_admin`` administers (with everything under it); null for every other role.
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit.id"), index=True)


class ActivationToken(Base):
    """A one-time activation secret; only its SHA-256 is stored."""

    __tablename__ = "activation_token"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RefreshToken(Base):
    """A rotating refresh token; reuse of a rotated one revokes its whole family."""

    __tablename__ = "refresh_token"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"), index=True)
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the family's first token was issued (sign-in): a session ends at the latest
    # REFRESH_SESSION_MAX_DAYS after it, however often it is refreshed.
    session_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class LoginThrottle(Base):
    """Failed sign-ins per account or client address, in a sliding window."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StaffRecord(Base):
    """A personnel record: who holds which position in which unit, for which term."""

    __tablename__ = "staff_record"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id"), index=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit.id"), index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(120))
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16), server_default=text("'active'"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def in_office(self):
        return self.status == "active" and staff_in_office(self.term_start, self.term_end, vn_today())


def vn_today():
    return utcnow().astimezone(VN_TZ).date()


class Member(Base):
    """A union member in the register (đoàn viên): the person's record behind a ``member`` user.

    ``number`` (số thẻ đoàn viên) is unique inside a tenant; an import matches rows on it.
    """

    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        # A page of a register of 10⁵–10⁶ members by name reads the index, not a sort.
        Index("ix_member_tenant_name", "tenant_id", "full_name", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"), unique=True)
    number: Mapped[str] = mapped_column(String(32))
    full_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("unit.id"), index=True)
    joined_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MemberImport(Base):
    """A member file applied in batches in the background (``member_imports`` has the rules).

    ``done_rows`` is written in the same transaction as each batch: the job resumes after its
    last committed batch. ``carried``: the register fields the file sets; ``problems``: the rows
    skipped while applying (``{row, column, message}``)."""

    __tablename__ = "member_import"
    __table_args__ = (
        Index("ix_member_import_tenant_created", "tenant_id", "created_at"),
        Index("ix_member_import_state", "state"),
        UniqueConstraint("created_by", "request_key"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id"))
    # The unit its importer administers (a unit administrator's job stays in that branch); null: tenant-wide.
    unit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    request_key: Mapped[str | None] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16))
    total_rows: Mapped[int] = mapped_column(Integer)
    done_rows: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    created: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    updated: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    unchanged: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    reissued: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    skipped: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    reissue: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    carried: Mapped[list] = mapped_column(JSON)
    problems: Mapped[list] = mapped_column(JSON)
    seal_kid: Mapped[str] = mapped_column(String(64))
    tokens_expire_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sheet_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sheet_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failures: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MemberImportRow(Base):
    """One checked row of a job, kept until the job's sheet expires.

    ``token_hash``: the SHA-256 of the activation token the row gets if it creates a member (or
    is re-issued one); ``sealed_token``: that token sealed (``member_imports.Sealer``), never in
    clear. ``outcome`` and ``issued`` are set when its batch is applied."""

    __tablename__ = "member_import_row"
    __table_args__ = (UniqueConstraint("job_id", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member_import.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    row: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(32))
    full_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    joined_on: Mapped[date | None] = mapped_column(Date)
    username: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64))
    sealed_token: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(16))
    issued: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
