"""``make cluster``: the platform as replicas on this machine, until Ctrl-C.

Starts a three-node RabbitMQ cluster of its own (quorum queues), one PostgreSQL server per
service, moto's S3 server, two replicas of every service, two outbox relays per service (one
leads, one stands by), two gateways and HAProxy in front of them; prints where it listens.
Ctrl-C (or SIGTERM) stops everything it started. ``faults.py`` (``make cluster-test``) uses
the same ``Cluster``.
"""

import json
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))

from parts import (  # noqa: E402
    Balancer,
    PostgresServers,
    RabbitCluster,
    S3Server,
    Supervisor,
    platform_env,
    say,
)
from topology import (  # noqa: E402
    BALANCER_PORT,
    BIN,
    GATEWAY_PORTS,
    PG_PORTS,
    RABBIT_NODES,
    REPLICAS,
    ROOT,
    SERVICES,
    STATS_PORT,
    VAR,
)


class Cluster:
    """Everything ``make cluster`` runs, as one context manager."""

    def __init__(self):
        self.rabbit = RabbitCluster()
        self.postgres = PostgresServers()
        self.s3 = S3Server()
        self.env = None
        self.supervisor = None
        self.balancer = Balancer()
        self.credentials = None
        self.url = f"http://127.0.0.1:{BALANCER_PORT}"

    def __enter__(self):
        self._stack = ExitStack()
        try:
            VAR.mkdir(parents=True, exist_ok=True)
            say(f"RabbitMQ: three nodes joined into one cluster ({', '.join(n.name for n in RABBIT_NODES)})")
            self._stack.callback(self.rabbit.stop)
            self.rabbit.start()
            say(f"PostgreSQL: one server per service (ports {min(PG_PORTS.values())}–{max(PG_PORTS.values())})")
            self._stack.callback(self.postgres.stop)
            self.postgres.start()
            say("S3: moto's server on loopback")
            self._stack.callback(self.s3.stop)
            self.s3.start()
            self.env = platform_env()
            say("Signing key, databases, migrations, quorum event queues, demo data")
            self._run([BIN / "accounts", "ensure-key", self.env["TOKEN_KEYS_DIR"]])
            self._run([BIN / "platform", "createdb"])
            self._run([BIN / "platform", "migrate"])
            credentials = VAR / "demo-credentials.json"
            self._run([BIN / "accounts", "seed", "--credentials-file", str(credentials)])
            self.credentials = json.loads(credentials.read_text(encoding="utf-8"))
            say(f"Starting {REPLICAS} replicas of every service, {REPLICAS} relays per service, {REPLICAS} gateways")
            self.supervisor = Supervisor(self.env)
            self._stack.callback(self.supervisor.stop)
            self.supervisor.start()
            say("HAProxy in front of the gateways and of media's internal port")
            self._stack.callback(self.balancer.stop)
            self.balancer.start()
            self.wait_ready()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc):
        say("Stopping the cluster")
        self._stack.close()

    def _run(self, cmd):
        result = subprocess.run([str(c) for c in cmd], env=self.env, cwd=ROOT, capture_output=True, text=True)
        if result.returncode:
            raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{result.stdout}{result.stderr}")
        return result.stdout

    def wait_ready(self, timeout=240):
        deadline = time.monotonic() + timeout
        ready = set()
        while time.monotonic() < deadline:
            for port in GATEWAY_PORTS:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=3) as response:
                        if response.status == 200:
                            ready.add(port)
                except Exception:
                    pass
            if len(ready) == len(GATEWAY_PORTS):
                try:
                    with urllib.request.urlopen(f"{self.url}/readyz", timeout=3) as response:
                        if response.status == 200:
                            return
                except Exception:
                    pass
            time.sleep(1)
        raise SystemExit(f"the cluster did not become ready within {timeout} s; logs: {VAR / 'logs'}")

    def banner(self):
        nodes = ", ".join(f"{n.name} :{n.amqp_port}" for n in RABBIT_NODES)
        return f"""
──────────────────────────────────────────────────────────────────
 The platform runs as a cluster on this machine:
   Portal, workspace and API:  {self.url}/   (HAProxy → gateways :{", :".join(map(str, GATEWAY_PORTS))})
   HAProxy statistics:         http://127.0.0.1:{STATS_PORT}/
   RabbitMQ nodes (vhost platform, quorum queues): {nodes}
   PostgreSQL per service:     {", ".join(f"{s} :{p}" for s, p in PG_PORTS.items())}
   Processes ({REPLICAS} of each of {", ".join(SERVICES)}, relays, gateways): supervisord, logs in {VAR / "logs"}
 Platform administrator: admin / {self.credentials["admin"]}   (demo users: password {self.credentials["demo"]})
 Ctrl-C stops everything.
──────────────────────────────────────────────────────────────────"""


def main():
    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        with Cluster() as cluster:
            print(cluster.banner(), flush=True)
            while True:
                time.sleep(1)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
