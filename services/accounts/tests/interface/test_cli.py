"""The operator's commands of the accounts service."""

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def run(args, databases, **env):
    environment = dict(
        os.environ,
        ACCOUNTS_DATABASE_URL=databases.url("accounts"),
        ARGON2_MEMORY_KIB="19456",
        ARGON2_TIME_COST="2",
        ARGON2_PARALLELISM="1",
        **env,
    )
    return subprocess.run([str(BIN / "accounts"), *args], env=environment, capture_output=True, text=True, timeout=60)


def test_create_admin_bootstraps_an_empty_installation(databases, api, start_service):
    start_service("accounts")
    result = run(["create-admin", "vanphong", "--email", "vanphong@congdoan.vn", "--name", "Văn phòng TLĐ"], databases)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    activated = api.post("/api/v1/auth/activate", json={"token": token, "password": "Van-phong-that-2026"})
    assert activated.status_code == 200, activated.json
    me = api.as_(api.login("vanphong", "Van-phong-that-2026")).get("/api/v1/me").json
    assert me["user"]["roles"] == ["platform_admin"] and me["tenant"]["code"] == "VP-TLD"
    again = run(["create-admin", "vanphong", "--email", "x@congdoan.vn", "--name", "Trùng tên"], databases)
    assert again.returncode == 2 and "USERNAME_TAKEN" in again.stderr


def test_seed_is_idempotent(databases, tmp_path):
    credentials = str(tmp_path / "credentials.json")
    first = run(["seed", "--credentials-file", credentials], databases)
    assert first.returncode == 0, first.stderr
    assert "+ Liên đoàn Lao động thành phố Hà Nội" in first.stdout
    second = run(["seed", "--credentials-file", credentials], databases)
    assert second.returncode == 0 and "+ " not in second.stdout
