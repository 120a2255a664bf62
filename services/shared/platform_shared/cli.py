"""``platform``: the operator's command for every service.

    platform createdb [SERVICE...] [--recreate]   create the PostgreSQL databases
    platform migrate  [SERVICE...] [--no-queues]  alembic upgrade + declare event queues
    platform run SERVICE [PROCESS]                run one nameko service (or another process type of
                                                  it, e.g. ``media worker``) until Ctrl-C / SIGTERM
    platform relay    [SERVICE...]                run the outbox relays until Ctrl-C (METRICS_PORT: metrics)
    platform parked list SERVICE                  events a handler gave up on
    platform parked replay SERVICE ID             put one back on its queue
    platform check    [SERVICE...]                validate configuration, print the effective values

Settings come from each service's config.yml and the environment
(``<SERVICE>_DATABASE_URL``, ``AMQP_URI``).
"""

import argparse
import json
import logging
import os
import sys

from sqlalchemy.engine import make_url

from platform_shared import logs
from platform_shared.config import require
from platform_shared.manifest import manifests

log = logging.getLogger("platform")


def cmd_createdb(args):
    import sqlalchemy as sa

    for m in manifests(args.services):
        url = make_url(require(m.config(), "DATABASE_URL", m.database_env))
        if url.get_backend_name() != "postgresql":
            print(f"{m.name}: {url.get_backend_name()} needs no createdb")
            continue
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname=:d"), {"d": url.database}).first()
            if exists and args.recreate:
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=:d AND pid<>pg_backend_pid()"
                    ),
                    {"d": url.database},
                )
                conn.execute(sa.text(f'DROP DATABASE "{url.database}"'))
                exists = None
            if not exists:
                conn.execute(sa.text(f"CREATE DATABASE \"{url.database}\" ENCODING 'UTF8' TEMPLATE template0"))
                print(f"{m.name}: created database {url.database}")
            else:
                print(f"{m.name}: database {url.database} exists")
        admin.dispose()


def cmd_migrate(args):
    from platform_shared.migrations import upgrade

    for m in manifests(args.services):
        config = m.config()
        url = require(config, "DATABASE_URL", m.database_env)
        upgrade(m.migrations_dir, url)
        print(f"{m.name}: database at head ({make_url(url).render_as_string(hide_password=True)})")
        if not args.no_queues:
            from platform_shared.queues import declare_event_queues

            for service_cls in m.classes():  # the event queues of its other processes too
                for name in declare_event_queues(service_cls, config):
                    print(f"{m.name}: queue {name} declared")


def cmd_run(args):
    import warnings

    warnings.filterwarnings("ignore", message="(?s).*Eventlet is deprecated")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="eventlet")
    import eventlet
    from eventlet import hubs

    # A service process watches a handful of sockets; the poll hub re-registers them
    # without the epoll_ctl calls eventlet's epoll hub makes on every database wait
    # (measured: about 0.3 ms less per query round trip here).
    hubs.use_hub(os.environ.get("EVENTLET_HUB", "poll"))
    eventlet.monkey_patch()
    import logging.config

    from nameko.cli.run import run

    (m,) = manifests([args.service])
    config = m.config()
    require(config, "DATABASE_URL", m.database_env)
    logging.config.dictConfig(config["LOGGING"])
    run([m.load_class(args.process)], config)


def cmd_relay(args):
    from platform_shared import metrics
    from platform_shared.database import make_engine
    from platform_shared.relay import Relay, run_relays

    relays = []
    for m in manifests(args.services):
        config = m.config()
        url = require(config, "DATABASE_URL", m.database_env)
        amqp_uri = require(config, "AMQP_URI", "AMQP_URI")
        relays.append(Relay(m.name, make_engine(url, pool_size=2), amqp_uri))
    port = metrics.configured_port()
    if port is not None:  # one endpoint for the process, one series per service it relays
        metrics.serve(port, metrics.configured_address())
        for relay in relays:
            relay.export_metrics()
    log.info("relaying outboxes of %s", ", ".join(r.service for r in relays))
    run_relays(relays)


def cmd_parked(args):
    from platform_shared import handlers, parking
    from platform_shared.database import SessionFactory, make_engine

    (m,) = manifests([args.service])
    config = m.config()
    sessions = SessionFactory(make_engine(require(config, "DATABASE_URL", m.database_env), pool_size=1))
    if args.action == "list":
        with sessions.transaction() as session:
            print(json.dumps(parking.list_open(session), ensure_ascii=False, indent=2))
    else:
        if not args.id:
            raise SystemExit("platform parked replay SERVICE ID: the parked event id is missing")
        item = handlers.replay(sessions, require(config, "AMQP_URI", "AMQP_URI"), args.id)
        print(f"replayed parked event #{item['id']} to {item['queue']}")


def cmd_check(args):
    for m in manifests(args.services):
        config = m.config()
        require(config, "DATABASE_URL", m.database_env)
        require(config, "AMQP_URI", "AMQP_URI")
        safe = {
            k: ("***" if any(s in k for s in ("PASSWORD", "SECRET", "KEY")) else v)
            for k, v in config.items()
            if k != "LOGGING"
        }
        print(m.name, json.dumps(safe, default=str, ensure_ascii=False))


def main(argv=None):
    import warnings

    warnings.filterwarnings("ignore", message="(?s).*Eventlet is deprecated")
    parser = argparse.ArgumentParser(
        prog="platform", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("createdb")
    p.add_argument("services", nargs="*")
    p.add_argument("--recreate", action="store_true", help="drop and create (tests only)")
    p.set_defaults(fn=cmd_createdb)
    p = sub.add_parser("migrate")
    p.add_argument("services", nargs="*")
    p.add_argument("--no-queues", action="store_true", help="do not touch the broker")
    p.set_defaults(fn=cmd_migrate)
    p = sub.add_parser("run")
    p.add_argument("service")
    p.add_argument("process", nargs="?", help="another process type of the service (e.g. media's worker)")
    p.set_defaults(fn=cmd_run)
    p = sub.add_parser("relay")
    p.add_argument("services", nargs="*")
    p.set_defaults(fn=cmd_relay)
    p = sub.add_parser("parked")
    p.add_argument("action", choices=["list", "replay"])
    p.add_argument("service")
    p.add_argument("id", nargs="?")
    p.set_defaults(fn=cmd_parked)
    p = sub.add_parser("check")
    p.add_argument("services", nargs="*")
    p.set_defaults(fn=cmd_check)
    args = parser.parse_args(argv)
    logs.setup("platform-" + args.cmd)
    try:
        args.fn(args)
    except Exception as exc:  # a clear line for operators, the trace in the log
        from platform_shared.errors import ConfigurationError

        if isinstance(exc, ConfigurationError):
            print(f"configuration error: {exc}", file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
