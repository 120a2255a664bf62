"""``accounts``: tools of the accounts service.

accounts keygen DIR        add an Ed25519 signing key (rotation: add, restart, drop the old one later)
accounts ensure-key DIR    create a key only when DIR has none (used by make run)
accounts seed              create the demo federation tree and users (idempotent)
"""

import argparse
import os
import sys
from pathlib import Path

from platform_shared.clock import Clock
from platform_shared.config import require
from platform_shared.database import SessionFactory, make_engine


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="accounts", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("keygen")
    p.add_argument("dir")
    p = sub.add_parser("ensure-key")
    p.add_argument("dir")
    p = sub.add_parser("seed")
    p.add_argument("--credentials-file", default="var/demo-credentials.json")
    p = sub.add_parser("create-admin")
    p.add_argument("username")
    p.add_argument("--tenant-code", default="VP-TLD")
    p.add_argument("--email", required=True)
    p.add_argument("--name", required=True)
    args = parser.parse_args(argv)

    from accounts.signing import generate_key

    if args.cmd == "keygen":
        print(f"new signing key {generate_key(args.dir)} in {args.dir}")
    elif args.cmd == "ensure-key":
        if not list(Path(args.dir).glob("*.pem")):
            print(f"new signing key {generate_key(args.dir)} in {args.dir}")
    elif args.cmd == "create-admin":
        return _create_admin(args)
    elif args.cmd == "seed":
        from accounts.seed import seed

        app = _app()
        print("Seeding the demo federation tree…")
        seed(
            app,
            args.credentials_file,
            admin_password=os.environ.get("ADMIN_PASSWORD"),
            demo_password=os.environ.get("DEMO_PASSWORD"),
        )
        print(f"Demo logins kept in {args.credentials_file}")
        app.sessions.dispose()
    return 0


def _create_admin(args):
    from accounts.store import SystemStore
    from platform_shared.actor import SYSTEM
    from platform_shared.errors import PlatformError

    app = _app()
    with app.sessions.read() as session:
        system = SystemStore(session)
        tenant = system.tenant_by_code(args.tenant_code)
        empty = not system.existing_tenants()
    try:
        if tenant is None and empty:
            root = app.create_tenant(
                SYSTEM,
                {
                    "code": "TLD",
                    "slug": "tong-lien-doan",
                    "kind": "confederation",
                    "name": "Tổng Liên đoàn Lao động Việt Nam",
                    "parent_id": None,
                },
            )
            tenant = app.create_tenant(
                SYSTEM,
                {
                    "code": args.tenant_code,
                    "kind": "department",
                    "name": "Văn phòng Tổng Liên đoàn",
                    "parent_id": str(root.id),
                },
            )
            print(f"created {root.name} and {tenant.name}")
        elif tenant is None:
            print(f"no tenant with code {args.tenant_code}", file=sys.stderr)
            return 2
        invitation = app.invite_user(
            SYSTEM,
            {
                "tenant_id": str(tenant.id),
                "username": args.username,
                "email": args.email,
                "full_name": args.name,
                "roles": ["platform_admin"],
            },
        )
    except PlatformError as exc:
        print(f"{exc.code}: {exc.message}", file=sys.stderr)
        return 2
    finally:
        app.sessions.dispose()
    print(f"platform administrator {invitation['user'].username} invited in {tenant.name}")
    print(f"activation token (one use, until {invitation['expires_at']:%Y-%m-%d %H:%M} UTC):")
    print(invitation["activation_token"])
    return 0


def _app():
    from accounts.manifest import MANIFEST
    from accounts.operations import Accounts, Settings
    from accounts.passwords import Passwords

    config = MANIFEST.config()
    sessions = SessionFactory(make_engine(require(config, "DATABASE_URL", MANIFEST.database_env), pool_size=2))
    passwords = Passwords(
        config.get("ARGON2_MEMORY_KIB", 65536), config.get("ARGON2_TIME_COST", 3), config.get("ARGON2_PARALLELISM", 4)
    )
    return Accounts(sessions, signer=None, passwords=passwords, settings=Settings.from_config(config), clock=Clock())


if __name__ == "__main__":
    sys.exit(main())
