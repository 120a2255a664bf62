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
    args = parser.parse_args(argv)

    from accounts.signing import generate_key

    if args.cmd == "keygen":
        print(f"new signing key {generate_key(args.dir)} in {args.dir}")
    elif args.cmd == "ensure-key":
        if not list(Path(args.dir).glob("*.pem")):
            print(f"new signing key {generate_key(args.dir)} in {args.dir}")
    elif args.cmd == "seed":
        from accounts.manifest import MANIFEST
        from accounts.operations import Accounts, Settings
        from accounts.passwords import Passwords
        from accounts.seed import seed

        config = MANIFEST.config()
        sessions = SessionFactory(make_engine(require(config, "DATABASE_URL", MANIFEST.database_env), pool_size=2))
        passwords = Passwords(
            config.get("ARGON2_MEMORY_KIB", 65536),
            config.get("ARGON2_TIME_COST", 3),
            config.get("ARGON2_PARALLELISM", 4),
        )
        app = Accounts(sessions, signer=None, passwords=passwords, settings=Settings.from_config(config), clock=Clock())
        print("Seeding the demo federation tree…")
        result = seed(
            app,
            args.credentials_file,
            admin_password=os.environ.get("ADMIN_PASSWORD"),
            demo_password=os.environ.get("DEMO_PASSWORD"),
        )
        print(f"Demo logins kept in {args.credentials_file}")
        sessions.dispose()
        return 0 if result else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
