"""`make run` as a new user runs it: the platform comes up, the VGCL Office imports its
member organisations, a new administrator activates, builds its tree and invites
staff; a service killed with SIGKILL is restarted while the rest keep answering;
Ctrl-C stops every process."""

import io
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]

REGISTRATIONS = (
    "code,name,kind,parent_code,admin_name,admin_email\n"
    "LDLD-QN,Liên đoàn Lao động tỉnh Quảng Ninh,provincial_federation,TLD,Đinh Thị Yến,yen.qn@example.vn\n"
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def platform(rabbit_config, tmp_path):
    port = free_port()
    env = dict(
        os.environ,
        PORT=str(port),
        PLATFORM_VAR=str(tmp_path / "var"),
        AMQP_URI=rabbit_config["AMQP_URI"],
        ADMIN_PASSWORD="Van-phong-TLD-2026",
        DEMO_PASSWORD="Demo-cong-doan-2026",
    )
    for name in ("ACCOUNTS", "CONTENT", "MEDIA", "FEEDBACK", "POLLS", "ROYALTIES", "NOTIFICATIONS"):
        env.pop(f"{name}_DATABASE_URL", None)
    proc = subprocess.Popen(
        ["make", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
    )
    lines = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 360
    while not any("Cổng thông tin Công đoàn is running" in line for line in lines):
        if proc.poll() is not None or time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("make run did not come up:\n" + "".join(lines[-60:]))
        time.sleep(0.5)
    yield url, lines, proc, Path(env["PLATFORM_VAR"])
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.slow
def test_make_run_serves_the_platform_and_ctrl_c_stops_it(platform):
    url, lines, proc, var = platform
    output = "".join(lines)
    assert f"Cổng thông tin Công đoàn is running:  {url}" in output
    assert "admin / Van-phong-TLD-2026" in output

    assert requests.get(f"{url}/readyz", timeout=10).json()["status"] == "ready"
    assert "Cổng thông tin" in requests.get(url, timeout=10).text

    admin = requests.post(
        f"{url}/api/v1/auth/login", json={"username": "admin", "password": "Van-phong-TLD-2026"}, timeout=10
    ).json()
    office = {"Authorization": f"Bearer {admin['access_token']}"}
    imported = requests.post(
        f"{url}/api/v1/tenants/import",
        headers=office,
        timeout=30,
        files={"file": ("dk.csv", io.BytesIO(REGISTRATIONS.encode()), "text/csv")},
    )
    assert imported.status_code == 200, imported.text
    (credential,) = imported.json()["credentials"]

    activated = requests.post(
        f"{url}/api/v1/auth/activate",
        timeout=10,
        json={"token": credential["activation_token"], "password": "Quang-Ninh-vung-than-2026"},
    )
    assert activated.status_code == 200, activated.text
    qn = requests.post(
        f"{url}/api/v1/auth/login",
        timeout=10,
        json={"username": "yen.qn@example.vn", "password": "Quang-Ninh-vung-than-2026"},
    ).json()
    qn_headers = {"Authorization": f"Bearer {qn['access_token']}"}
    unit = requests.post(
        f"{url}/api/v1/units",
        headers=qn_headers,
        timeout=10,
        json={"name": "Công đoàn Than Quảng Ninh", "kind": "upper_grassroots"},
    )
    assert unit.status_code == 201, unit.text
    invite = requests.post(
        f"{url}/api/v1/users",
        headers=qn_headers,
        timeout=10,
        json={
            "email": "thuky.qn@example.vn",
            "full_name": "Bùi Văn Khải",
            "roles": ["contributor"],
            "unit_id": unit.json()["id"],
        },
    )
    assert invite.status_code == 201, invite.text

    # a photo with its credit, and its thumbnail through the short-lived URL
    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (1200, 800), (200, 40, 40)).save(photo, "JPEG")
    uploaded = requests.post(
        f"{url}/api/v1/media",
        headers=qn_headers,
        timeout=30,
        files={"file": ("dai-hoi.jpg", photo.getvalue(), "image/jpeg")},
        data={"caption": "Đại hội Công đoàn Than", "credit_name": "Đinh Thị Yến"},
    )
    assert uploaded.status_code == 201, uploaded.text
    # The thumb is made by media's worker just after the answer (the relay feeds it).
    deadline = time.monotonic() + 30
    while (seen := requests.get(f"{url}/api/v1/media/{uploaded.json()['id']}", headers=qn_headers, timeout=10).json())[
        "rendition_status"
    ] == "pending":
        assert time.monotonic() < deadline, "the photo's renditions were not made"
        time.sleep(0.2)
    thumb = requests.get(url + seen["renditions"]["thumb"]["url"], timeout=10)
    assert thumb.status_code == 200 and thumb.headers["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 320

    # a news item with that photo goes through the Lao Động desk onto the portal (relay, events, cache)
    article = requests.post(
        f"{url}/api/v1/articles",
        headers=qn_headers,
        timeout=30,
        json={
            "section": "news",
            "genre": "news",
            "title": "Công đoàn Than Quảng Ninh tổ chức Đại hội",
            "body": "<p>Đại hội bầu Ban Chấp hành nhiệm kỳ mới.</p>",
            "asset_ids": [uploaded.json()["id"]],
        },
    )
    assert article.status_code == 201, article.text
    article_id = article.json()["id"]
    assert requests.post(f"{url}/api/v1/articles/{article_id}/submit", headers=qn_headers, timeout=10).ok
    editor = requests.post(
        f"{url}/api/v1/auth/login", timeout=10, json={"username": "laodong.editor", "password": "Demo-cong-doan-2026"}
    ).json()
    editor_headers = {"Authorization": f"Bearer {editor['access_token']}"}
    for action in ("open", "approve", "publish"):
        step = requests.post(f"{url}/api/v1/articles/{article_id}/{action}", headers=editor_headers, timeout=10)
        assert step.status_code == 200, step.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        portal = requests.get(f"{url}/api/v1/public/articles?section=news", timeout=10).json()
        if article_id in [a["id"] for a in portal["items"]]:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the published item did not reach the portal")
    published = next(a for a in portal["items"] if a["id"] == article_id)
    home = requests.get(f"{url}/", timeout=10)  # the portal's pages, in Vietnamese
    assert home.status_code == 200 and '<html lang="vi">' in home.text
    assert f'href="/bai-viet/{published["slug"]}"' in home.text
    assert requests.get(f"{url}/bai-viet/{published['slug']}", timeout=10).status_code == 200
    photo_id = uploaded.json()["id"]
    deadline = time.monotonic() + 30
    while requests.get(f"{url}/api/v1/media/{photo_id}/content?rendition=thumb", timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "the published photo did not become public"
        time.sleep(0.5)

    # a service dies (kill -9): the rest keep answering, the supervisor starts it again
    ctl = [str(ROOT / ".venv/bin/supervisorctl"), "-c", str(var / "supervisord.conf")]
    polls_pid = int(subprocess.check_output([*ctl, "pid", "platform:polls"], text=True).strip())
    os.kill(polls_pid, signal.SIGKILL)
    assert requests.get(f"{url}/api/v1/me", headers=qn_headers, timeout=10).status_code == 200
    assert requests.get(f"{url}/healthz", timeout=10).status_code == 200
    deadline = time.monotonic() + 90
    while True:
        assert time.monotonic() < deadline, "the killed polls service was not restarted:\n" + "".join(lines[-40:])
        restarted = subprocess.run([*ctl, "pid", "platform:polls"], capture_output=True, text=True).stdout.strip()
        if restarted.isdigit() and int(restarted) not in (0, polls_pid):
            ready = requests.get(f"{url}/readyz", timeout=10)
            if ready.status_code == 200:
                break
        time.sleep(0.5)
    polls = requests.get(f"{url}/api/v1/polls", headers=qn_headers, timeout=10)
    assert polls.status_code == 200, polls.text

    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    proc.wait(timeout=60)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break  # no process of the group is left
        time.sleep(0.5)
    else:
        pytest.fail("some processes of make run survived Ctrl-C")
    # supervisord's programs run in process groups of their own: none of them may outlive it
    assert not processes_of(var), f"services left running after Ctrl-C: {processes_of(var)}"


def processes_of(var):
    """The pids of the processes supervisord started for this run (its socket in their environment)."""
    marker = f"SUPERVISOR_SERVER_URL=unix://{var.resolve() / 'supervisor.sock'}".encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found
