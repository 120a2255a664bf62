"""A small service the kit's interface tests run, in-process or as a subprocess.

As a subprocess (``python probe.py``) it reads AMQP_URI and PROBE_DATABASE_URL
from the environment and runs like ``platform run`` does: eventlet-patched, with
psycopg made green at start.
"""

import os

from sqlalchemy import text

from platform_shared import inbox, outbox
from platform_shared.dependencies import Database
from platform_shared.handlers import handle_event
from platform_shared.rpc import rpc


class Probe:
    """Records each effect as an outbox row of type ``probe.effect`` (visible, countable)."""

    name = "probe"
    db = Database()
    deliveries = []  # every call of the handler, duplicates included (in-process runs only)
    fail_with = None  # set to an exception class to make the handler fail

    @handle_event("accounts", "accounts.tenant_created")
    def handle_tenant_created(self, payload):
        Probe.deliveries.append(payload["event_id"])
        if Probe.fail_with is not None:
            raise Probe.fail_with("the handler is broken")
        with self.db.transaction() as session:
            if inbox.seen(session, "handle_tenant_created", payload["event_id"]):
                return
            outbox.add(session, "probe.effect", {"of": payload["event_id"], "seq": payload.get("seq")}, contract=False)

    @rpc
    def wait_for_lock(self, key):
        """Blocks inside PostgreSQL until the advisory lock ``key`` is free."""
        with self.db.transaction() as session:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
        return "got the lock"

    @rpc
    def quick(self):
        with self.db.transaction() as session:
            return session.execute(text("SELECT 42")).scalar()


def effects(sessions):
    """The effect rows the probe wrote, in order."""
    from sqlalchemy import select

    from platform_shared.tables import outbox as table

    with sessions.transaction() as session:
        rows = (
            session.execute(select(table.c.payload).where(table.c.event_type == "probe.effect").order_by(table.c.id))
            .scalars()
            .all()
        )
    return [r["of"] for r in rows], [r.get("seq") for r in rows]


if __name__ == "__main__":
    import eventlet

    # eventlet's own psycopg patch is left off: the green-database test must prove
    # that the Database dependency's psycogreen patch alone keeps the hub free.
    eventlet.monkey_patch(psycopg=False)
    from nameko.cli.run import run

    run(
        [Probe],
        {"AMQP_URI": os.environ["AMQP_URI"], "DATABASE_URL": os.environ["PROBE_DATABASE_URL"], "max_workers": 10},
    )
