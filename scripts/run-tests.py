"""Run the suite as two pytest processes side by side (``make test`` calls this).

Why: a pytest process of this suite uses about 60 % of one core. Most of a test's time is
waiting: for a service container's reply, a relay's next poll, a timer, a browser step. And
eventlet's monkey patch (applied before anything is imported, as ``nameko run`` does) keeps a
process on one core: pytest-xdist's workers do not run under it. Two processes over disjoint
parts of the tree fill the two cores of the machine the suite is sized for. Each process has
its own PostgreSQL test databases (``TEST_DATABASE_TAG`` = the checkout's tag + its number), its
own S3 server, vhosts and browser, exactly as two checkouts running their suites at once.

The parts are whole directories, balanced by their measured time (below); every test directory
of ``pytest.ini``'s ``testpaths`` must be in exactly one part (checked before anything runs, so a
new directory cannot be skipped silently). Lines of each process are printed as they come,
prefixed with the part's number; the summaries are repeated at the end.

    scripts/run-tests.py [pytest arguments]     # e.g. -m "not slow", -x, -k name
    TEST_PROCESSES=1 scripts/run-tests.py ...   # one process over everything, as before

Arguments naming paths (``scripts/run-tests.py services/polls``) run one process over them.
"""

import configparser
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"

# Each part's share of the suite's time, measured per directory in one process (junit times,
# 2026-12-03, 2,947 tests; the machine shared, so only the shares are kept): tests/api 42.6 %,
# tests/browser 20.9 %, tests/web 10.4 %, tests/workspace 8.5 %, tests/adversarial 2.7 %,
# services/shared 3.4 %, services/royalties 2.0 %, services/media 1.7 %, services/content 1.7 %,
# gateway 2.5 %, tests/deploy 1.5 %, services/accounts 1.1 %, the rest < 1 % each.
PARTS = (
    # The pages (browser scenarios share one Chromium), hostile bodies, two services' own tests:
    # 47.6 % by the shares above, but the longer part in make test (17:28 against 15:15 for the
    # other at 387fcb9: the browser flows slow down most beside another suite), so royalties'
    # tests (~40 s) went to the other part.
    (
        "tests/browser",
        "tests/web",
        "tests/workspace",
        "tests/smoke",
        "tests/adversarial",
        "services/shared",
        "services/media",
    ),
    # The API end to end, contracts, deploy files, the gateway and the other services: 52.4 %.
    (
        "services/royalties",
        "tests/api",
        "tests/contract",
        "tests/deploy",
        "gateway",
        "services/accounts",
        "services/content",
        "services/feedback",
        "services/notifications",
        "services/polls",
    ),
)


def testpaths():
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    return config["pytest"]["testpaths"].split()


def check_parts():
    """Every directory holding tests is in one part, none in two, none missing."""
    listed = [path for part in PARTS for path in part]
    doubled = {path for path in listed if listed.count(path) > 1}
    if doubled:
        sys.exit(f"scripts/run-tests.py: {sorted(doubled)} listed in two parts")
    missing = []
    for top in testpaths():
        top_dir = ROOT / top
        if top in listed:
            continue
        for child in sorted(p for p in top_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
            relative = child.relative_to(ROOT).as_posix()
            covered = any(relative == path or relative.startswith(path + "/") for path in listed)
            if not covered and any(child.rglob("test_*.py")):
                missing.append(relative)
    if missing:
        sys.exit(f"scripts/run-tests.py: tests in {missing} are in no part of PARTS; add each to one")


def checkout_tag():
    """The tag the platform's pytest plugin gives this checkout's test databases (its own code,
    so the two cannot disagree)."""
    from platform_shared.testing.plugin import _checkout_tag

    return _checkout_tag()


def names_paths(args):
    return any(not arg.startswith("-") and (ROOT / arg.split("::")[0]).exists() for arg in args)


def create_databases(tag):
    env = dict(os.environ, TEST_DATABASE_TAG=tag)
    subprocess.run(
        [PYTHON, "-m", "platform_shared.testing.createdbs", "--recreate"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run_parts(args, parts):
    base = checkout_tag()
    processes, buffers = {}, {}
    selector = selectors.DefaultSelector()
    for number, part in enumerate(parts, start=1):
        tag = f"{base}p{number}"
        create_databases(tag)
        env = dict(os.environ, TEST_DATABASE_TAG=tag, PYTHONUNBUFFERED="1")
        process = subprocess.Popen(
            [ROOT / ".venv" / "bin" / "pytest", *args, *part],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes[number] = process
        buffers[number] = []
        selector.register(process.stdout, selectors.EVENT_READ, number)
        print(f"[{number}] pytest {' '.join(part)} (databases cdp_test_{tag}_*)", flush=True)

    interrupted = []

    def stop(signum, frame):
        # The first Ctrl-C is passed on as Ctrl-C: each pytest tears its fixtures down (containers,
        # servers, the browser) and prints what failed so far, read below like any other line. A
        # second one kills both at once.
        interrupted.append(signum)
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT if len(interrupted) == 1 else signal.SIGKILL)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    started = time.monotonic()
    pending = {number: b"" for number in processes}  # the part of a line not yet ended

    def show(number, raw):
        text = raw.decode(errors="replace")
        buffers[number].append(text)
        sys.stdout.write(f"[{number}] {text}")
        sys.stdout.flush()

    open_streams = len(processes)
    while open_streams:
        for key, _ in selector.select():
            number = key.data
            # os.read, not readline: a part printing a long line of dots must not hold the
            # other part's lines back.
            chunk = os.read(key.fileobj.fileno(), 65536)
            if not chunk:
                selector.unregister(key.fileobj)
                open_streams -= 1
                if pending[number]:
                    show(number, pending[number] + b"\n")
                continue
            *lines, pending[number] = (pending[number] + chunk).split(b"\n")
            for line in lines:
                show(number, line + b"\n")
    codes = {number: process.wait() for number, process in processes.items()}
    print(f"\n==> both parts finished in {(time.monotonic() - started) / 60:.1f} min", flush=True)
    for number, lines in buffers.items():
        summary = next((line.strip("= \n") for line in reversed(lines) if line.strip()), "(no output)")
        print(f"[{number}] {summary}  (exit {codes[number]})")
    # 5 = no test collected (e.g. -k matching tests of one part only): a failure only everywhere.
    if interrupted:
        return 130
    if all(code == 5 for code in codes.values()):
        return 5
    failed = [code for code in codes.values() if code not in (0, 5)]
    return failed[0] if failed else 0


def main(argv):
    processes = int(os.environ.get("TEST_PROCESSES", "2"))
    if processes == 1 or names_paths(argv):
        create_databases(checkout_tag())
        return subprocess.call([ROOT / ".venv" / "bin" / "pytest", *argv], cwd=ROOT)
    check_parts()
    return run_parts(argv, PARTS)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
