"""An idempotent demo federation tree with one user in each role, for ``make run``.

Run twice, it changes nothing. The platform administrator is ``admin`` with the
password in ``$ADMIN_PASSWORD``; when unset, a password is generated once,
kept in the credentials file (``var/``, never committed) and printed.
Every other demo user shares ``$DEMO_PASSWORD`` (generated the same way).
"""

import json
import os
import secrets
import string
from pathlib import Path

from accounts.store import SystemStore
from platform_shared.actor import SYSTEM

TENANTS = [
    # code, slug, name, kind, parent
    ("TLD", "tong-lien-doan", "Tổng Liên đoàn Lao động Việt Nam", "confederation", None),
    ("VP-TLD", "van-phong", "Văn phòng Tổng Liên đoàn", "department", "TLD"),
    ("BTG", "ban-tuyen-giao", "Ban Tuyên giáo Tổng Liên đoàn", "department", "TLD"),
    ("BLD", "bao-lao-dong", "Báo Lao Động", "newspaper", "TLD"),
    ("LDLD-HN", "ha-noi", "Liên đoàn Lao động thành phố Hà Nội", "provincial_federation", "TLD"),
    ("LDLD-HCM", "tp-ho-chi-minh", "Liên đoàn Lao động Thành phố Hồ Chí Minh", "provincial_federation", "TLD"),
    ("LDLD-DN", "da-nang", "Liên đoàn Lao động thành phố Đà Nẵng", "provincial_federation", "TLD"),
    ("CD-GTVT", "giao-thong-van-tai", "Công đoàn Giao thông Vận tải Việt Nam", "sectoral_union", "TLD"),
    ("CD-EVN", "dien-luc", "Công đoàn Tập đoàn Điện lực Việt Nam", "corporate_union", "TLD"),
]

UNITS = [
    # tenant code, unit code, name, kind, parent unit code
    ("LDLD-HN", "KCN-TL", "Công đoàn các Khu công nghiệp Thăng Long", "upper_grassroots", None),
    ("LDLD-HN", "CDCS-CANON", "Công đoàn cơ sở Công ty TNHH Canon Việt Nam", "grassroots", "KCN-TL"),
    ("LDLD-HN", "CDCS-MAY10", "Công đoàn cơ sở Tổng công ty May 10", "grassroots", None),
    ("LDLD-DN", "CDCS-DAMAN", "Công đoàn cơ sở Công ty Cổ phần Dệt may 29/3", "grassroots", None),
    ("LDLD-HCM", "CDCS-POUYUEN", "Công đoàn cơ sở Công ty TNHH PouYuen Việt Nam", "grassroots", None),
]

USERS = [
    # username, tenant code, full name, roles
    ("admin", "VP-TLD", "Quản trị hệ thống Văn phòng Tổng Liên đoàn", ["platform_admin"]),
    ("hanoi.admin", "LDLD-HN", "Nguyễn Thị Hà", ["tenant_admin"]),
    ("hanoi.contributor", "LDLD-HN", "Trần Văn Bình", ["contributor"]),
    ("hanoi.responder", "LDLD-HN", "Lê Thị Thu", ["responder"]),
    ("hanoi.moderator", "LDLD-HN", "Phạm Quang Minh", ["moderator"]),
    ("hanoi.member", "LDLD-HN", "Đỗ Thị Lan", ["member"]),
    ("canon.admin", "LDLD-HN", "Lý Thị Hoa", ["unit_admin"]),
    ("danang.admin", "LDLD-DN", "Hoàng Văn Nam", ["tenant_admin"]),
    ("laodong.editor", "BLD", "Vũ Thị Hồng", ["editor"]),
    ("laodong.royalty", "BLD", "Ngô Văn Tài", ["royalty_officer"]),
    ("tuyengiao.editor", "BTG", "Đặng Thị Mai", ["editor"]),
    ("tuyengiao.royalty", "BTG", "Bùi Văn Khánh", ["royalty_officer"]),
]

# Where a demo user works: a unit administrator administers this unit and everything under it.
USER_UNITS = {"canon.admin": "CDCS-CANON"}


def _generate_password():
    alphabet = string.ascii_letters + string.digits
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def load_credentials(path):
    path = Path(path)
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {}


def _save_credentials(path, data):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)


class _SameSaltForDemo:
    """Hashes each demo password once: the demo users share one password, and one
    Argon2id hash per distinct password keeps seeding quick. Demo data only."""

    def __init__(self, passwords):
        self._passwords = passwords
        self._hashes = {}

    def hash(self, password):
        if password not in self._hashes:
            self._hashes[password] = self._passwords.hash(password)
        return self._hashes[password]

    def __getattr__(self, name):
        return getattr(self._passwords, name)


def seed(app, credentials_path, *, admin_password=None, demo_password=None, log=print):
    """Create whatever of the demo tree is missing; returns the logins to print."""
    app.passwords = _SameSaltForDemo(app.passwords)
    stored = load_credentials(credentials_path)
    admin_password = admin_password or stored.get("admin") or _generate_password()
    demo_password = demo_password or stored.get("demo") or _generate_password()
    _save_credentials(credentials_path, {"admin": admin_password, "demo": demo_password})

    with app.sessions.transaction() as session:
        system = SystemStore(session)
        tenants = {code: system.tenant_by_code(code) for code, *_ in TENANTS}
    for code, slug, name, kind, parent in TENANTS:
        if tenants[code] is None:
            tenants[code] = app.create_tenant(
                SYSTEM,
                {
                    "code": code,
                    "slug": slug,
                    "name": name,
                    "kind": kind,
                    "parent_id": str(tenants[parent].id) if parent else None,
                },
            )
            log(f"  + {name}")

    unit_ids = {}
    for tenant_code, code, name, kind, parent in UNITS:
        tenant = tenants[tenant_code]
        items, _, _ = app.list_units(SYSTEM, {"tenant_id": str(tenant.id), "q": code, "per_page": 100})
        existing = next((u for u in items if u.code == code), None)
        if existing is None:
            existing = app.create_unit(
                SYSTEM,
                {
                    "tenant_id": str(tenant.id),
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "parent_id": str(unit_ids[parent]) if parent else None,
                },
            )
            log(f"  + {name}")
        unit_ids[code] = existing.id

    with app.sessions.transaction() as session:
        taken = SystemStore(session).usernames_taken()
    for username, tenant_code, full_name, roles in USERS:
        password = admin_password if username == "admin" else demo_password
        if username not in taken:
            invitation = app.invite_user(
                SYSTEM,
                {
                    "tenant_id": str(tenants[tenant_code].id),
                    "username": username,
                    "email": f"{username}@demo.congdoan.vn",
                    "full_name": full_name,
                    "roles": roles,
                    "unit_id": str(unit_ids[USER_UNITS[username]]) if username in USER_UNITS else None,
                },
            )
            app.activate(SYSTEM, invitation["activation_token"], password)
            log(f"  + {username}")
        elif username == "admin" and os.environ.get("ADMIN_PASSWORD"):
            _set_password(app, username, password)
    return {"admin": admin_password, "demo": demo_password, "users": [u[0] for u in USERS]}


def _set_password(app, username, password):
    with app.sessions.transaction() as session:
        user = SystemStore(session).user_by_username(username)
        if not app.passwords.verify(user.password_hash, password):
            user.password_hash = app.passwords.hash(password)
