"""``make run``: the whole platform on this machine, from a fresh clone.

Migrates one SQLite database per service under var/, declares the event queues,
creates a signing key, seeds the demo federation tree, starts every service, the
outbox relays and the gateway (the Procfile's processes under supervisord), waits
until /readyz says ready, and prints the URL and the demo logins. A process that
dies is restarted with backoff while the rest keep answering (the gateway answers
503 for the part that is down); Ctrl-C stops every process.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("PLATFORM_VAR") or ROOT / "var").resolve()
BIN = ROOT / ".venv" / "bin"
SERVICES = ("accounts", "content", "media", "feedback", "polls", "royalties", "notifications")


def step(message):
    print(f"\033[1;34m==>\033[0m {message}", flush=True)


def secret_file(path):
    """A random secret kept in var/ (created once, mode 600)."""
    import secrets

    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def free_port(preferred):
    return preferred if port_free(preferred) else _any_port()


def _any_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(port):
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("TOKEN_KEYS_DIR", str(VAR / "keys"))
    # Media: files under var/media, presigned URLs signed with a key kept in var/,
    # the internal upload/download port on loopback only.
    env.setdefault("MEDIA_STORAGE", "filesystem")
    env.setdefault("MEDIA_FS_ROOT", str(VAR / "media"))
    env.setdefault("MEDIA_URL_SIGNING_KEY", secret_file(VAR / "media-signing-key"))
    env.setdefault("MEDIA_HTTP_ADDRESS", f"127.0.0.1:{free_port(8010)}")
    env.setdefault("MEDIA_HTTP_URL", f"http://{env['MEDIA_HTTP_ADDRESS']}")
    # Poll receipts are signed by the gateway; every gateway process needs the same key.
    env.setdefault("POLLS_RECEIPT_SECRET", secret_file(VAR / "polls-receipt-key"))
    for name in SERVICES:
        env.setdefault(f"{name.upper()}_DATABASE_URL", f"sqlite:///{VAR / (name + '.db')}")
    env["GATEWAY_PORT"] = str(port)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def supervisor_config(env):
    """var/supervisord.conf: one program per Procfile line, restarted when it dies.

    supervisord (a well-kept supervisor, from PyPI) restarts a process that exits after
    running ``startsecs``; one that dies sooner is retried after 1, 2, 3 … seconds
    (``startretries`` times). Every program's output goes to this terminal.

    The programs are one group, ``platform`` (``supervisorctl restart platform:polls``):
    supervisord stops a group's processes together but its groups one after the other, and
    with one group per program Ctrl-C took ~3 s per program (a nameko service's graceful stop).
    """
    sections = [
        "[supervisord]",
        "nodaemon=true",
        f"logfile={VAR / 'supervisord.log'}",
        "logfile_maxbytes=1MB",
        "logfile_backups=1",
        f"pidfile={VAR / 'supervisord.pid'}",
        f"childlogdir={VAR}",
        "",
        "[unix_http_server]",
        f"file={VAR / 'supervisor.sock'}",
        "chmod=0700",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{VAR / 'supervisor.sock'}",
    ]
    names = []
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if not command.strip():
            continue
        names.append(name.strip())
        program, *args = command.split()
        sections += [
            "",
            f"[program:{name.strip()}]",
            "command=" + " ".join([str(BIN / program), *args]).replace("%", "%%"),
            f"directory={ROOT}",
            "autorestart=true",
            "startsecs=3",
            "startretries=20",
            "stopasgroup=true",
            "killasgroup=true",
            "stopwaitsecs=15",
            "redirect_stderr=true",
            "stdout_logfile=/dev/stdout",
            "stdout_logfile_maxbytes=0",
        ]
    sections += ["", "[group:platform]", "programs=" + ",".join(names)]
    path = VAR / "supervisord.conf"
    path.write_text("\n".join(sections) + "\n", encoding="utf-8")
    return path


def run(cmd, env):
    result = subprocess.run(cmd, env=env, cwd=ROOT)
    if result.returncode:
        sys.exit(f"failed: {' '.join(map(str, cmd))}")


def wait_ready(url, procs, timeout=120):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if procs.poll() is not None:
            sys.exit("a platform process stopped during start-up; see the lines above")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(1)
    print(f"the platform did not become ready within {timeout} s ({last})", file=sys.stderr)
    return False


def main():
    port = int(os.environ.get("PORT", "8000"))
    if not port_free(port):
        sys.exit(f"port {port} is already in use: stop what runs there or start with PORT=8080 make run")
    VAR.mkdir(exist_ok=True)
    env = environment(port)

    step("Signing key")
    run([BIN / "accounts", "ensure-key", env["TOKEN_KEYS_DIR"]], env)
    step("Databases (SQLite under var/) and event queues")
    run([BIN / "platform", "migrate"], env)
    step("Demo data")
    run([BIN / "accounts", "seed", "--credentials-file", str(VAR / "demo-credentials.json")], env)
    credentials = json.loads((VAR / "demo-credentials.json").read_text(encoding="utf-8"))

    step("Starting the services, the relays and the gateway (Ctrl-C stops them all)")
    config = supervisor_config(env)
    procs = subprocess.Popen([BIN / "supervisord", "-c", config], env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        if wait_ready(f"{url}/readyz", procs):
            demo_poll(url, credentials)
            print(banner(url, credentials), flush=True)
        procs.wait()
    except KeyboardInterrupt:
        procs.send_signal(signal.SIGINT)
        try:
            procs.wait(timeout=60)  # every program gets 15 s (stopwaitsecs), then SIGKILL
        except subprocess.TimeoutExpired:
            procs.kill()
    finally:
        kill_leftovers()
    return procs.returncode or 0


def kill_leftovers():
    """SIGKILL any program of this run still alive once supervisord is gone (it was killed
    before it could stop them all): found by the supervisor socket in their environment."""
    marker = f"SUPERVISOR_SERVER_URL=unix://{VAR / 'supervisor.sock'}".encode()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                os.kill(int(entry.name), signal.SIGKILL)
                print(f"stopped a process left running: {entry.name}", file=sys.stderr)
        except (OSError, ValueError):
            continue  # gone already, or not ours to read


def demo_poll(url, credentials):
    """One open VGCL-wide poll for the demo (once; hanoi.member can answer it)."""
    from datetime import UTC, datetime, timedelta

    def call(path, body=None, token=None):
        request = urllib.request.Request(
            url + path,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    title = "Lấy ý kiến đoàn viên về bữa ăn ca (demo)"
    try:
        token = call("/api/v1/auth/login", {"username": "admin", "password": credentials["admin"]})["access_token"]
        if any(p["title"] == title for p in call("/api/v1/polls?per_page=100", token=token)["items"]):
            return
        now = datetime.now(UTC)
        poll = call(
            "/api/v1/polls",
            {
                "title": title,
                "opens_at": now.isoformat(),
                "closes_at": (now + timedelta(days=30)).isoformat(),
                "audience": {"all": True},
                "questions": [
                    {"text": "Anh/chị đánh giá chất lượng bữa ăn ca?", "kind": "rating"},
                    {
                        "text": "Điều cần cải thiện nhất?",
                        "kind": "single",
                        "options": [{"label": "Định lượng"}, {"label": "Vệ sinh"}, {"label": "Thực đơn"}],
                    },
                    {"text": "Ý kiến khác", "kind": "text", "required": False},
                ],
            },
            token,
        )
        call(f"/api/v1/polls/{poll['id']}/open", {}, token)
    except Exception as exc:  # the demo runs without it
        print(f"demo poll not created: {exc}", file=sys.stderr)


def banner(url, credentials):
    from textwrap import dedent

    return dedent(f"""
        ──────────────────────────────────────────────────────────────────
         Cổng thông tin Công đoàn is running:  {url}
           Portal:    {url}/          (what members and the public read)
           Workspace: {url}/quan-tri/ (staff: sign in with a login below)
           API:      {url}/api/v1   (OpenAPI: {url}/api/v1/openapi.json)
           Ready:    {url}/readyz

         Platform administrator (VGCL Office):  admin / {credentials["admin"]}
         Demo users (password {credentials["demo"]}):
           hanoi.admin (tenant_admin, Hà Nội)      laodong.editor (editor, Lao Động desk)
           hanoi.contributor   hanoi.responder     tuyengiao.editor (editor, Propaganda Dept)
           hanoi.moderator     hanoi.member        laodong.royalty (royalty_officer)
           danang.admin (tenant_admin, Đà Nẵng)  tuyengiao.royalty (royalty_officer, Propaganda Dept)
         Passwords are kept in {VAR / "demo-credentials.json"}. Ctrl-C stops everything.
        ──────────────────────────────────────────────────────────────────
    """)


if __name__ == "__main__":
    sys.exit(main())
