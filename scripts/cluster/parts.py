"""The parts of the one-machine cluster, each started and stopped by this module.

- ``RabbitCluster``: three RabbitMQ nodes from the Debian package, each with its own node
  name, ports, data folder and (shared) Erlang cookie under ``var/cluster/rabbitmq``, joined
  into one cluster; the vhost ``platform`` declares quorum queues by default.
- ``PostgresServers``: one PostgreSQL server per service (initdb'd under
  ``var/cluster/postgres/<service>``, run as the ``postgres`` user).
- ``S3Server``: moto's S3 server on loopback, as in the tests.
- ``Supervisor``: supervisord running two replicas of every service, two relays per service
  and two gateways, restarting any that dies.
- ``Balancer``: HAProxy in front of the gateways (health check ``/readyz``) and of media's
  internal HTTP ports.
"""

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

from topology import (
    BALANCER_PORT,
    BIN,
    COOKIE_FILE,
    GATEWAY_PORTS,
    MEDIA_BALANCER_PORT,
    MEDIA_PORTS,
    PG_PORTS,
    RABBIT_NODES,
    REPLICAS,
    ROOT,
    S3_PORT,
    SERVICES,
    STATS_PORT,
    VAR,
    VHOST,
    amqp_uri,
    database_url,
    metrics_port,
)

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")


def say(message):
    print(f"\033[1;34m==>\033[0m {message}", flush=True)


def port_open(port, host="127.0.0.1"):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def wait_for(predicate, timeout, what, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise SystemExit(f"{what} did not happen within {timeout:g} s")


def secret_file(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


# -- RabbitMQ ---------------------------------------------------------------------------------


class RabbitCluster:
    """Three nodes on 127.0.0.1 (``cdp1@localhost`` …), their own cookie, quorum by default."""

    def __init__(self):
        self.procs = {}

    def _env(self, node):
        home = node.home
        return {
            "PATH": f"{RABBIT_BIN}:/usr/bin:/bin:/usr/sbin:/sbin",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "RABBITMQ_NODENAME": node.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(node.amqp_port),
            "RABBITMQ_DIST_PORT": str(node.dist_port),
            "RABBITMQ_MNESIA_BASE": str(home / "mnesia"),
            "RABBITMQ_LOG_BASE": str(home / "log"),
            "RABBITMQ_PID_FILE": str(home / "rabbitmq.pid"),
            "RABBITMQ_CONFIG_FILE": str(home / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(home / "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": str(home / "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(home / "enabled_plugins"),
        }

    def ctl(self, node, *args, check=True, timeout=60):
        """``rabbitmqctl -n <node> …`` with the cluster's cookie."""
        result = subprocess.run(
            [RABBIT_BIN / "rabbitmqctl", "-n", node.name, *args],
            env=self._env(node),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode:
            raise SystemExit(f"rabbitmqctl -n {node.name} {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result

    def _prepare(self, node):
        home = node.home
        (home / "log").mkdir(parents=True, exist_ok=True)
        cookie = home / ".erlang.cookie"
        if not cookie.exists():
            shutil.copyfile(COOKIE_FILE, cookie)
            cookie.chmod(0o400)
        (home / "enabled_plugins").write_text("[].\n")
        (home / "rabbitmq-env.conf").write_text("")
        (home / "rabbitmq.conf").write_text(
            "\n".join(
                [
                    f"listeners.tcp.default = 127.0.0.1:{node.amqp_port}",
                    # Quorum queues need a majority: with 3 nodes, one may be lost.
                    "cluster_formation.peer_discovery_backend = classic_config",
                    "vm_memory_high_watermark.relative = 0.2",
                    "disk_free_limit.absolute = 200MB",
                    "log.file.level = warning",
                    "",
                ]
            )
        )
        (home / "advanced.config").write_text("[].\n")

    def start(self):
        if not COOKIE_FILE.exists():
            COOKIE_FILE.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(COOKIE_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(20).upper())
        for node in RABBIT_NODES:
            if port_open(node.amqp_port):
                raise SystemExit(
                    f"port {node.amqp_port} is in use: a cluster is already running (stop it) or set CLUSTER_PORT_BASE"
                )
            self._prepare(node)
            with open(node.home / "log" / "server.out", "ab") as out:
                self.procs[node.name] = subprocess.Popen(
                    [RABBIT_BIN / "rabbitmq-server"],
                    env=self._env(node),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        for node in RABBIT_NODES:
            # The node registers with epmd a few seconds after it starts; await_startup needs it.
            wait_for(lambda n=node: self.ctl(n, "ping", check=False).returncode == 0, 120, f"{node.name} to start")
            self.ctl(node, "await_startup", "--timeout", "120", timeout=150)
        first = RABBIT_NODES[0]
        for node in RABBIT_NODES[1:]:
            status = self.ctl(node, "cluster_status", "--formatter", "json").stdout
            if first.name in status:
                continue  # joined on an earlier start (the data folders are kept)
            self.ctl(node, "stop_app")
            self.ctl(node, "join_cluster", first.name)
            self.ctl(node, "start_app")
        if VHOST not in self.ctl(first, "list_vhosts", "--silent").stdout.split():
            self.ctl(first, "add_vhost", VHOST, "--default-queue-type", "quorum")
        self.ctl(first, "set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*")
        running = self.running_nodes()
        if len(running) != len(RABBIT_NODES):
            raise SystemExit(f"the RabbitMQ cluster has {len(running)} running nodes: {running}")

    def running_nodes(self, via=None):
        import json

        for node in [via] if via else RABBIT_NODES:
            result = self.ctl(node, "cluster_status", "--formatter", "json", check=False)
            if result.returncode == 0:
                return sorted(json.loads(result.stdout).get("running_nodes", []))
        return []

    def stop_app(self, node):
        self.ctl(node, "stop_app", timeout=120)

    def start_app(self, node):
        self.ctl(node, "start_app", timeout=120)

    def queues(self):
        """``{name: (type, messages)}`` of the platform's vhost."""
        for node in RABBIT_NODES:
            result = self.ctl(node, "list_queues", "-p", VHOST, "name", "type", "messages", "--silent", check=False)
            if result.returncode == 0:
                rows = [line.split("\t") for line in result.stdout.splitlines() if line.strip()]
                return {r[0]: (r[1], int(r[2]) if r[2].isdigit() else 0) for r in rows if len(r) >= 3}
        return {}

    def stop(self):
        for node in RABBIT_NODES:
            if node.name in self.procs and self.procs[node.name].poll() is None:
                self.ctl(node, "stop", check=False, timeout=60)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)


# -- PostgreSQL -------------------------------------------------------------------------------


def _pg_bin():
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not versions:
        raise SystemExit("PostgreSQL's server binaries are missing: apt-get install postgresql")
    return versions[-1].parent


class PostgresServers:
    """One server per service on its own port, data under var/cluster/postgres/<service>."""

    def __init__(self):
        self.bin = _pg_bin()
        self.root = VAR / "postgres"

    def _as_postgres(self, *cmd, check=True):
        user = pwd.getpwnam("postgres")

        def demote():
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)

        result = subprocess.run(
            [str(c) for c in cmd],
            preexec_fn=demote if os.geteuid() == 0 else None,
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        )
        if check and result.returncode:
            raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{result.stdout}{result.stderr}")
        return result

    def data(self, service):
        return self.root / service

    def start(self):
        self.root.mkdir(parents=True, exist_ok=True)
        user = pwd.getpwnam("postgres")
        os.chown(self.root, user.pw_uid, user.pw_gid)
        for service, port in PG_PORTS.items():
            data = self.data(service)
            if port_open(port):
                raise SystemExit(f"port {port} is in use (PostgreSQL of {service}): stop what runs there")
            if not (data / "PG_VERSION").exists():
                self._as_postgres(
                    self.bin / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"
                )
            self._pg_ctl(service, "start")
        for service, port in PG_PORTS.items():
            wait_for(lambda p=port: port_open(p), 60, f"PostgreSQL of {service} on {port}")

    def _pg_ctl(self, service, action, *extra):
        port = PG_PORTS[service]
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c max_connections=80 -c shared_buffers=32MB -c fsync=on -c synchronous_commit=on"
        )
        return self._as_postgres(
            self.bin / "pg_ctl",
            "-D",
            self.data(service),
            "-l",
            self.data(service) / "server.log",
            "-o",
            options,
            "-w",
            "-t",
            "60",
            *extra,
            action,
        )

    def restart(self, service):
        """``pg_ctl restart -m fast``: every connection of that service is cut."""
        self._pg_ctl(service, "restart", "-m", "fast")

    def stop(self):
        for service in PG_PORTS:
            if (self.data(service) / "postmaster.pid").exists():
                self._pg_ctl(service, "stop", "-m", "fast")


# -- S3 ---------------------------------------------------------------------------------------


class S3Server:
    def __init__(self):
        self.proc = None

    def start(self):
        if port_open(S3_PORT):
            raise SystemExit(f"port {S3_PORT} is in use (the S3 server): stop what runs there")
        with open(VAR / "s3.log", "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(S3_PORT)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(lambda: port_open(S3_PORT), 60, f"the S3 server on {S3_PORT}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# -- the platform's processes -----------------------------------------------------------------


def platform_env():
    """What every platform process of the cluster shares."""
    env = dict(os.environ)
    env.update(
        {
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            "AMQP_URI": amqp_uri(),
            "TOKEN_KEYS_DIR": str(VAR / "keys"),
            "MEDIA_STORAGE": "s3",
            "MEDIA_S3_ENDPOINT": f"127.0.0.1:{S3_PORT}",
            "MEDIA_S3_ACCESS_KEY": "cluster",
            "MEDIA_S3_SECRET_KEY": secret_file(VAR / "s3-secret"),
            "MEDIA_S3_BUCKET": "congdoan-media",
            "MEDIA_HTTP_URL": f"http://127.0.0.1:{MEDIA_BALANCER_PORT}",
            "MEDIA_URL_SIGNING_KEY": secret_file(VAR / "media-signing-key"),
            "POLLS_RECEIPT_SECRET": secret_file(VAR / "polls-receipt-key"),
            "PUBLIC_CACHE_TTL_SECONDS": "300",
            "ACCOUNTS_CACHE_TTL_SECONDS": "300",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    )
    for service in SERVICES:
        env[f"{service.upper()}_DATABASE_URL"] = database_url(service)
        # Two replicas share one server: keep each one's pool modest.
        env.setdefault(f"{service.upper()}_DATABASE_POOL_SIZE", "5")
    return env


def programs():
    """``[(name, argv, extra_env)]``: every process supervisord keeps running."""
    result = []
    for index, service in enumerate(SERVICES):
        for replica in range(1, REPLICAS + 1):
            extra = {"METRICS_PORT": str(metrics_port("service", index, replica))}
            if service == "media":
                extra["MEDIA_HTTP_ADDRESS"] = f"127.0.0.1:{MEDIA_PORTS[replica - 1]}"
            result.append((f"{service}-{replica}", [BIN / "platform", "run", service], extra))
    for replica in range(1, REPLICAS + 1):  # media's second process type: the renditions
        extra = {"METRICS_PORT": str(metrics_port("worker", 0, replica))}
        result.append((f"media-worker-{replica}", [BIN / "platform", "run", "media", "worker"], extra))
    for index, service in enumerate(SERVICES):
        for replica in range(1, REPLICAS + 1):
            extra = {"METRICS_PORT": str(metrics_port("relay", index, replica))}
            result.append((f"relay-{service}-{replica}", [BIN / "platform", "relay", service], extra))
    for replica, port in enumerate(GATEWAY_PORTS, start=1):
        extra = {
            "GATEWAY_PORT": str(port),
            "METRICS_PORT": str(metrics_port("gateway", 0, replica)),
            "TRUSTED_PROXIES": "1",  # HAProxy adds X-Forwarded-For: the client's address, not its own
        }
        argv = [BIN / "gunicorn", "-c", ROOT / "gateway/gateway/gunicorn.conf.py", "gateway.wsgi:app"]
        result.append((f"gateway-{replica}", argv, extra))
    return result


class Supervisor:
    """supervisord with one program per process; its XML-RPC socket lets the fault test kill one."""

    def __init__(self, env):
        self.env = env
        self.proc = None
        self.socket = VAR / "supervisor.sock"

    def config(self):
        lines = [
            "[supervisord]",
            "nodaemon=true",
            "silent=true",
            f"logfile={VAR / 'supervisord.log'}",
            "logfile_maxbytes=5MB",
            f"pidfile={VAR / 'supervisord.pid'}",
            f"childlogdir={VAR / 'logs'}",
            "",
            "[unix_http_server]",
            f"file={self.socket}",
            "chmod=0700",
            "",
            "[rpcinterface:supervisor]",
            "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
            "",
            "[supervisorctl]",
            f"serverurl=unix://{self.socket}",
        ]
        for name, argv, extra in programs():
            extra = {**extra, "PGAPPNAME": name}  # libpq names the connections: pg_stat_activity tells who
            environment = ",".join(f'{k}="{v}"' for k, v in extra.items())
            lines += [
                "",
                f"[program:{name}]",
                "command=" + " ".join(map(str, argv)).replace("%", "%%"),
                f"directory={ROOT}",
                f"environment={environment}",
                "autorestart=true",
                "startsecs=2",
                "startretries=50",
                "stopasgroup=true",
                "killasgroup=true",
                "stopwaitsecs=15",
                "redirect_stderr=true",
                f"stdout_logfile={VAR / 'logs' / (name + '.log')}",
                "stdout_logfile_maxbytes=20MB",
                "stdout_logfile_backups=1",
            ]
        path = VAR / "supervisord.conf"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def start(self):
        (VAR / "logs").mkdir(parents=True, exist_ok=True)
        for port in (*GATEWAY_PORTS, *MEDIA_PORTS):
            if port_open(port):
                raise SystemExit(f"port {port} is in use (left from an earlier cluster?): stop what runs there")
        config = self.config()
        self.proc = subprocess.Popen(
            [BIN / "supervisord", "-c", config], env=self.env, cwd=ROOT, start_new_session=True
        )
        wait_for(self.socket.exists, 30, "supervisord's socket")

    def rpc(self):
        from supervisor.xmlrpc import SupervisorTransport

        transport = SupervisorTransport(None, None, f"unix://{self.socket}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor

    def kill(self, name):
        """SIGKILL one program; supervisord restarts it (autorestart)."""
        self.rpc().signalProcess(name, "KILL")

    def pid(self, name):
        return self.rpc().getProcessInfo(name)["pid"]

    def states(self):
        return {p["name"]: p["statename"] for p in self.rpc().getAllProcessInfo()}

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                pids = [p["pid"] for p in self.rpc().getAllProcessInfo() if p["pid"]]
            except Exception:
                pids = []
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
            for pid in pids:  # a program supervisord did not get to stop in time
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass


class Balancer:
    """HAProxy: the portal port in front of both gateways (checked on /readyz), and media's
    internal HTTP port in front of both media replicas."""

    def __init__(self):
        self.proc = None

    def config(self):
        gateways = "\n".join(
            f"    server gateway-{i} 127.0.0.1:{port} check" for i, port in enumerate(GATEWAY_PORTS, start=1)
        )
        media = "\n".join(f"    server media-{i} 127.0.0.1:{port} check" for i, port in enumerate(MEDIA_PORTS, start=1))
        text = f"""global
    maxconn 4096
    log stderr format short local0 notice

defaults
    mode http
    log global
    option httplog
    option dontlognull
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    # A refused connection (a gateway that just died) is tried on the other one.
    retries 2
    option redispatch

frontend portal
    bind 127.0.0.1:{BALANCER_PORT}
    default_backend gateways

backend gateways
    balance leastconn
    option forwardfor
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 1s fastinter 500ms fall 3 rise 2
{gateways}

frontend media_internal
    bind 127.0.0.1:{MEDIA_BALANCER_PORT}
    default_backend media

backend media
    balance leastconn
    default-server inter 1s fall 2 rise 2
{media}

frontend stats
    bind 127.0.0.1:{STATS_PORT}
    stats enable
    stats uri /
    stats refresh 5s
"""
        path = VAR / "haproxy.cfg"
        path.write_text(text)
        return path

    def start(self):
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(haproxy).exists():
            raise SystemExit(
                "HAProxy is missing: scripts/ensure-cluster-tools.sh installs it (apt-get install haproxy)"
            )
        for port in (BALANCER_PORT, MEDIA_BALANCER_PORT, STATS_PORT):
            if port_open(port):
                raise SystemExit(f"port {port} is in use: stop what runs there or set CLUSTER_PORT")
        config = self.config()
        subprocess.run([haproxy, "-c", "-q", "-f", config], check=True)
        with open(VAR / "logs" / "haproxy.log", "ab") as log:
            self.proc = subprocess.Popen(
                [haproxy, "-db", "-f", config], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_for(lambda: port_open(BALANCER_PORT), 30, f"HAProxy on {BALANCER_PORT}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
