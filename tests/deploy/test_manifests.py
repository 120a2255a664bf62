"""Static checks of deploy/: the image, docker compose and the Kubernetes manifests.

Nothing here needs Docker, a cluster, RabbitMQ or PostgreSQL: the files are parsed
with PyYAML and compared with what the platform's commands read. The one test that
runs ``docker compose config`` skips where the compose plugin is not installed.
"""

import base64
import copy
import functools
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "compose.yml"
ENV_EXAMPLE = DEPLOY / ".env.example"
DOCKERFILE = DEPLOY / "Dockerfile"
K8S = DEPLOY / "kubernetes"
SECRET_TEMPLATES = K8S / "secrets.example.yaml"

SERVICES = ("accounts", "content", "media", "feedback", "polls", "royalties", "notifications")
# Other process types of a service (``platform run SERVICE PROCESS``), by the name of their
# compose service and Kubernetes Deployment.
PROCESSES = {"media-worker": ("media", "worker")}
IMAGE = "congdoan-platform"  # the image name the Kubernetes manifests use
PLACEHOLDER = re.compile(r"^change-me")
SECRET_NAME = re.compile(r"PASSWORD|SECRET", re.IGNORECASE)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

COMMON_ENV = {"AMQP_URI", "RPC_TIMEOUT", "LOG_LEVEL"}
SERVICE_ENV = {
    "accounts": {"TOKEN_KEYS_DIR", "TOKEN_ISSUER", "TOKEN_AUDIENCE"},
    "media": {
        "MEDIA_STORAGE",
        "MEDIA_S3_ENDPOINT",
        "MEDIA_S3_ACCESS_KEY",
        "MEDIA_S3_SECRET_KEY",
        "MEDIA_S3_BUCKET",
        "MEDIA_S3_SECURE",
        "MEDIA_S3_PUBLIC_ENDPOINT",
        "MEDIA_HTTP_ADDRESS",
        "MEDIA_TMP_DIR",
    },
}
# The media worker reads and writes MinIO, but has no HTTP port and spools nothing.
PROCESS_ENV = {("media", "worker"): SERVICE_ENV["media"] - {"MEDIA_HTTP_ADDRESS", "MEDIA_TMP_DIR"}}
GATEWAY_ENV = COMMON_ENV | {
    "TOKEN_ISSUER",
    "TOKEN_AUDIENCE",
    "TRUSTED_PROXIES",
    "HOST",
    "GATEWAY_PORT",
    "MEDIA_HTTP_URL",
    "MAX_MEDIA_UPLOAD_BYTES",
}
# The media service's internal HTTP port (nameko web server): the gateway only.
MEDIA_HTTP_PORT = 8010
# Every platform process serves Prometheus metrics there (METRICS_PORT).
METRICS_PORT = 9100
MEDIA_CONFIG = ROOT / "services" / "media" / "config.yml"


def database_env(service):
    return f"{service.upper()}_DATABASE_URL"


def required_env(command):
    """The environment variables a platform command needs, from its argv."""
    match list(command):
        case ["platform", "run", service]:
            return COMMON_ENV | {database_env(service)} | SERVICE_ENV.get(service, set())
        case ["platform", "run", service, process]:
            return COMMON_ENV | {database_env(service)} | PROCESS_ENV[(service, process)]
        case ["platform", ("relay" | "migrate"), *services]:
            return {"AMQP_URI"} | {database_env(s) for s in services or SERVICES}
        case ["gunicorn", *_]:
            return GATEWAY_ENV
        case ["accounts", ("keygen" | "ensure-key"), _]:
            return set()
    raise AssertionError(f"unknown platform command {command!r}")


def covered_services(command):
    """The services a ``platform migrate``/``relay`` command covers (all by default); the one
    a ``platform run SERVICE [PROCESS]`` runs."""
    if command[:2] == ["platform", "run"]:
        return {command[2]}
    return set(command[2:]) or set(SERVICES)


def yaml_files():
    return sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yml", ".yaml"))


@functools.cache
def _parsed(path):
    with open(path, encoding="utf-8") as fh:
        return [doc for doc in yaml.load_all(fh, Loader=_YAML_LOADER) if doc is not None]


def load_all(path):
    """The documents of a YAML file (parsed once per run; each caller gets its own copy)."""
    return copy.deepcopy(_parsed(Path(path).resolve()))


# ------------------------------------------------------------------ every file


def test_deploy_folder_has_the_expected_parts():
    for name in (
        "Dockerfile",
        "Dockerfile.dockerignore",
        "compose.yml",
        ".env.example",
        "README.md",
        "postgres/init-databases.sh",
        "minio/create-bucket.sh",
        "kubernetes/kustomization.yaml",
        "kubernetes/secrets.example.yaml",
    ):
        assert (DEPLOY / name).is_file(), name


def test_the_platform_has_exactly_these_services():
    """A new service under services/ must be added to deploy/ (and to SERVICES)."""
    found = {p.parent.name for p in (ROOT / "services").glob("*/pyproject.toml")}
    assert found - {"shared"} == set(SERVICES)


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(DEPLOY)))
def test_every_yaml_file_parses(path):
    docs = load_all(path)
    assert docs, f"{path} holds no document"
    for doc in docs:
        assert isinstance(doc, dict)


# ------------------------------------------------------------------- the image


def dockerfile_text():
    return DOCKERFILE.read_text(encoding="utf-8")


def bootstrap_packages():
    text = (ROOT / "scripts" / "bootstrap.sh").read_text(encoding="utf-8")
    return re.search(r"PACKAGES=\(([^)]*)\)", text).group(1).split()


def test_dockerfile_builds_from_python_311_slim_as_non_root():
    text = dockerfile_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim", text, re.MULTILINE)
    stages = re.findall(r"^FROM (\S+)(?: AS (\S+))?", text, re.MULTILINE)
    assert len(stages) >= 2, "multi-stage build expected"
    assert all(image == "${PYTHON_IMAGE}" for image, _ in stages)
    users = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_installs_every_package_with_the_constraints():
    text = dockerfile_text()
    install = re.search(r"pip install --no-deps.*?pip check", text, re.DOTALL).group(0)
    assert "-c constraints.txt" in install
    assert set(re.findall(r"-e (\S+)", install)) == set(bootstrap_packages())
    assert "pip install -c constraints.txt -r /tmp/requirements.txt" in text
    assert "pip check" in text


def test_dockerfile_copies_only_files_that_exist():
    for source in re.findall(r"^COPY (?!--from)(\S+) ", dockerfile_text(), re.MULTILINE):
        assert (ROOT / source).exists(), source


def test_dockerfile_requirement_list_is_every_third_party_dependency():
    """Run the Dockerfile's own script against the repository's pyproject files."""
    script = re.search(r"<<'EOF'\n(.*?)\nEOF\n", dockerfile_text(), re.DOTALL).group(1)
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    names = {re.split(r"[\[<>=!~;]", r, maxsplit=1)[0].lower() for r in out}
    assert "platform-shared" not in names and not any(n.startswith("congdoan") for n in names)
    for expected in (
        "nameko",
        "sqlalchemy",
        "alembic",
        "psycopg2-binary",
        "flask",
        "gunicorn",
        "pillow",  # media: image checks and renditions (manylinux wheel, no apt packages)
        "minio",  # media: the S3 backend
    ):
        assert expected in names


def test_media_dependencies_are_pinned_and_installed_by_the_image():
    with open(ROOT / "services/media/pyproject.toml", "rb") as fh:
        deps = tomllib.load(fh)["project"]["dependencies"]
    assert {"pillow", "minio"} <= {re.split(r"[\[<>=!~;]", d, maxsplit=1)[0].lower() for d in deps}
    pins = {
        line.split("==")[0].lower()
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    assert {"pillow", "minio"} <= pins
    install = re.search(r"pip install --no-deps.*?pip check", dockerfile_text(), re.DOTALL).group(0)
    assert "-e services/media" in install


def test_dockerignore_keeps_secrets_and_local_state_out():
    lines = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    for needed in ("!constraints.txt", "!services/", "!gateway/"):
        assert needed in lines
    for excluded in ("**/*.pem", "**/.env", "**/tests", "**/var"):
        assert excluded in lines


def test_image_roles_point_at_real_files():
    assert (ROOT / "gateway/gateway/gunicorn.conf.py").is_file()
    assert (ROOT / "gateway/gateway/wsgi.py").is_file()
    cmd = re.search(r"^CMD (\[.*\])", dockerfile_text(), re.MULTILINE).group(1)
    assert yaml.safe_load(cmd)[:3] == [
        "gunicorn",
        "-c",
        "gateway/gateway/gunicorn.conf.py",
    ]


# ------------------------------------------------------------- docker compose

_INTERPOLATION = re.compile(r"\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\})")


class MissingVariable(Exception):
    pass


def interpolate(value, env):
    """Compose's ``${VAR}``, ``${VAR:-default}``, ``${VAR:?message}`` and ``$$``."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def repl(match):
        dollar, name, op, arg = match.groups()
        if dollar:
            return "$"
        current = env.get(name)
        unset = current is None or (op and op.startswith(":") and current == "")
        if op in ("-", ":-"):
            return arg if unset else current
        if op in ("?", ":?"):
            if unset:
                raise MissingVariable(name)
            return current
        return current or ""

    return _INTERPOLATION.sub(repl, value)


def compose():
    (doc,) = load_all(COMPOSE_FILE)
    return doc


def example_env():
    env = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def compose_services():
    return compose()["services"]


def platform_services():
    """Compose services running the platform image (built from deploy/Dockerfile)."""
    return {
        name: svc
        for name, svc in compose_services().items()
        if svc.get("build", {}).get("dockerfile") == "deploy/Dockerfile"
    }


def by_command(prefix):
    return {
        name: svc["command"]
        for name, svc in platform_services().items()
        if svc["command"][: len(prefix)] == list(prefix)
    }


def test_compose_has_rabbitmq_and_postgres_on_loopback():
    services = compose_services()
    rabbitmq, postgres = services["rabbitmq"], services["postgres"]
    assert "127.0.0.1:5672:5672" in rabbitmq["ports"]
    assert "127.0.0.1:15672:15672" in rabbitmq["ports"]
    assert "127.0.0.1:5432:5432" in postgres["ports"]
    assert interpolate(rabbitmq["image"], {}) == "rabbitmq:3.13-management"
    assert rabbitmq["healthcheck"]["test"] and postgres["healthcheck"]["test"]


def test_scripts_start_services_that_exist_in_compose():
    services = compose_services()
    for script in (ROOT / "scripts").glob("ensure-*.sh"):
        text = script.read_text(encoding="utf-8")
        for name in re.findall(r"docker compose -f deploy/compose\.yml up -d (\w+)", text):
            assert name in services, f"{script.name} starts {name}"


def test_compose_platform_containers_have_the_environment_they_need():
    assert platform_services()
    for name, svc in platform_services().items():
        env = svc.get("environment", {})
        assert isinstance(env, dict), f"{name}: environment must be a mapping"
        missing = required_env(svc["command"]) - set(env)
        assert not missing, f"{name} lacks {sorted(missing)}"
        for key, value in env.items():
            if key.endswith("_DATABASE_URL"):
                database = key.removesuffix("_DATABASE_URL").lower()
                assert value.startswith("postgresql+psycopg2://"), key
                assert value.endswith(f"@postgres:5432/{database}"), f"{name}: {key}"
            if key == "AMQP_URI":
                assert "@rabbitmq:5672/" in value
    gateway_env = compose_services()["gateway"]["environment"]
    assert gateway_env["HOST"] == "0.0.0.0" and str(gateway_env["GATEWAY_PORT"]) == "8000"


def test_compose_runs_each_service_its_relay_and_the_migrations():
    runs = {cmd[2] for cmd in by_command(("platform", "run")).values()}
    assert runs == set(SERVICES)
    processes = {name: tuple(cmd[2:]) for name, cmd in by_command(("platform", "run")).items() if len(cmd) > 3}
    assert processes == PROCESSES
    relayed = [s for cmd in by_command(("platform", "relay")).values() for s in covered_services(cmd)]
    assert sorted(relayed) == sorted(SERVICES), "exactly one relay per service"
    migrated = set().union(*map(covered_services, by_command(("platform", "migrate")).values()))
    assert migrated == set(SERVICES)


def test_compose_services_and_relays_start_after_their_migration():
    migrations = by_command(("platform", "migrate"))
    for prefix in (("platform", "run"), ("platform", "relay")):
        for name, command in by_command(prefix).items():
            depends = compose_services()[name].get("depends_on", {})
            done = [
                job
                for job, how in depends.items()
                if job in migrations and how.get("condition") == "service_completed_successfully"
            ]
            assert done, f"{name} does not wait for a migration"
            covered = set().union(*(covered_services(migrations[job]) for job in done))
            assert covered_services(command) <= covered, name


def test_compose_gateway_is_published_on_8000():
    gateway = compose_services()["gateway"]
    assert gateway["command"][0] == "gunicorn"
    assert any(str(port).endswith(":8000") for port in gateway["ports"])
    published = interpolate(gateway["ports"][0], {})
    assert published == "127.0.0.1:8000:8000"


def test_compose_accounts_reads_keys_from_a_volume():
    accounts = compose_services()["accounts"]
    keys_dir = accounts["environment"]["TOKEN_KEYS_DIR"]
    targets = [v.split(":")[1] for v in accounts["volumes"]]
    assert keys_dir in targets


def test_compose_files_it_mounts_and_builds_exist():
    for name, svc in compose_services().items():
        build = svc.get("build")
        if build:
            context = (DEPLOY / build["context"]).resolve()
            assert context == ROOT and (context / build["dockerfile"]).is_file(), name
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).is_file(), f"{name}: {source}"


def test_compose_secrets_have_no_default_value():
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for match in re.finditer(r"\$\{([A-Za-z0-9_]+)([^}]*)\}", text):
        name, rest = match.groups()
        if SECRET_NAME.search(name):
            assert rest.startswith(":?"), f"${{{name}{rest}}} must be required, with no default"
    for svc in compose_services().values():
        env = svc.get("environment", {})
        for key, value in env.items() if isinstance(env, dict) else ():
            if SECRET_NAME.search(key):
                assert "${" in str(value), f"{key} is a literal in compose.yml"


def test_compose_interpolates_with_the_example_env_and_refuses_without_it():
    doc = compose()
    interpolate(doc, example_env())  # raises MissingVariable when a setting is missing
    with pytest.raises(MissingVariable):
        interpolate(doc, {})
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Za-z0-9_]+)", text))
    documented = set(example_env())
    assert used - documented == set(), "document every variable in .env.example"
    assert documented - used == set(), ".env.example sets variables compose.yml ignores"


def test_env_example_holds_placeholders_only():
    for key, value in example_env().items():
        if SECRET_NAME.search(key):
            assert PLACEHOLDER.match(value), f"{key} in .env.example must be a change-me placeholder"


def test_docker_compose_config_accepts_the_file(tmp_path):
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("the docker client is not installed")
    version = subprocess.run([docker, "compose", "version"], check=False, capture_output=True, text=True)
    if version.returncode != 0:
        pytest.skip("the docker compose plugin is not installed ('docker compose version' failed)")
    env_file = tmp_path / "example.env"
    env_file.write_text(ENV_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    clean_env = {k: v for k, v in os.environ.items() if k not in example_env()}

    def config(env_path):
        return subprocess.run(
            [docker, "compose", "-f", str(COMPOSE_FILE), "--env-file", str(env_path)] + ["config", "--quiet"],
            check=False,
            capture_output=True,
            text=True,
            env=clean_env,
            timeout=60,
        )

    ok = config(env_file)
    assert ok.returncode == 0, ok.stderr
    empty = tmp_path / "empty.env"
    empty.write_text("", encoding="utf-8")
    refused = config(empty)
    assert refused.returncode != 0 and "PASSWORD" in refused.stderr


# ----------------------------------------------------------------- shell scripts


def shell_syntax_ok(shell, path_or_text):
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    if isinstance(path_or_text, Path):
        result = subprocess.run(
            [shell, "-n", str(path_or_text)],
            check=False,
            capture_output=True,
            text=True,
        )
    else:
        result = subprocess.run(
            [shell, "-n"],
            check=False,
            input=path_or_text,
            capture_output=True,
            text=True,
        )
    assert result.returncode == 0, result.stderr


def test_postgres_init_script_creates_every_database():
    script = DEPLOY / "postgres" / "init-databases.sh"
    shell_syntax_ok("bash", script)
    assert os.access(script, os.X_OK)
    listed = re.search(r"SERVICES=\(([^)]*)\)", script.read_text(encoding="utf-8")).group(1)
    assert tuple(listed.split()) == SERVICES
    postgres_env = compose_services()["postgres"]["environment"]
    assert {f"{s.upper()}_DB_PASSWORD" for s in SERVICES} <= set(postgres_env)


def minio_job_script():
    job = next(d for d in k8s_docs() if d["kind"] == "Job" and d["metadata"]["name"] == "minio-create-bucket")
    return job["spec"]["template"]["spec"]["containers"][0]["args"][0]


def test_minio_scripts_parse_and_grant_the_same_actions():
    script = DEPLOY / "minio" / "create-bucket.sh"
    shell_syntax_ok("sh", script)
    shell_syntax_ok("sh", minio_job_script())
    actions = set(re.findall(r'"(s3:\w+)"', script.read_text(encoding="utf-8")))
    assert actions and actions == set(re.findall(r'"(s3:\w+)"', minio_job_script()))


# ------------------------------------------------------------------- kubernetes


def kustomization_resources(directory=K8S):
    """Every manifest file a kustomization includes, following sub-kustomizations."""
    (kustomization,) = load_all(directory / "kustomization.yaml")
    files = []
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        assert path.exists(), f"{directory / 'kustomization.yaml'}: {entry} does not exist"
        files.extend(kustomization_resources(path) if path.is_dir() else [path])
    return files


def k8s_docs():
    return [doc for path in kustomization_resources() for doc in load_all(path)]


def of_kind(kind):
    return {d["metadata"]["name"]: d for d in k8s_docs() if d["kind"] == kind}


def pod_specs():
    """(resource name, pod spec) of every workload."""
    for doc in k8s_docs():
        if doc["kind"] in ("Deployment", "StatefulSet", "Job"):
            yield doc["metadata"]["name"], doc["spec"]["template"]["spec"]


def all_containers(spec):
    return spec.get("initContainers", []) + spec["containers"]


def platform_containers():
    for name, spec in pod_specs():
        for container in all_containers(spec):
            if container["image"] == IMAGE:
                yield name, container


def secret_templates():
    return {d["metadata"]["name"]: d for d in load_all(SECRET_TEMPLATES) if d["kind"] == "Secret"}


def test_kustomization_includes_every_manifest_but_the_secret_templates():
    included = set(kustomization_resources())
    manifests = {p.resolve() for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml" and p != SECRET_TEMPLATES}
    assert included == manifests
    assert SECRET_TEMPLATES.resolve() not in included, "placeholder Secrets must never be applied"
    assert not of_kind("Secret"), "Secrets are created by the operator, not by kustomize"


def test_kustomization_sets_namespace_and_platform_image():
    (top,) = load_all(K8S / "kustomization.yaml")
    (namespace,) = load_all(K8S / "namespace.yaml")
    assert top["namespace"] == namespace["metadata"]["name"] == "congdoan"
    assert [i["name"] for i in top["images"]] == [IMAGE]
    for doc in k8s_docs():
        name, namespace = doc["metadata"]["name"], doc["metadata"].get("namespace")
        assert namespace in (None, "congdoan"), f"{name} is in namespace {namespace}"


def test_each_service_has_a_deployment_with_its_migration():
    deployments = of_kind("Deployment")
    workloads = [spec for _, spec in pod_specs()]
    for service in SERVICES:
        deployment = deployments[service]
        assert "replicas" not in deployment["spec"], f"{service}: its HorizontalPodAutoscaler sets the count"
        spec = deployment["spec"]["template"]["spec"]
        assert [c["command"] for c in spec["containers"]] == [["platform", "run", service]]
        migrations = [
            c
            for s in workloads
            for c in all_containers(s)
            if c.get("command", [])[:2] == ["platform", "migrate"] and service in covered_services(c["command"])
        ]
        assert migrations, f"no migration step for {service}"
        assert any(c in spec.get("initContainers", []) for c in migrations), (
            f"{service}'s migration must run before it starts (init container)"
        )
    for name, (service, process) in PROCESSES.items():
        deployment = deployments[name]
        assert "replicas" not in deployment["spec"], f"{name}: its HorizontalPodAutoscaler sets the count"
        spec = deployment["spec"]["template"]["spec"]
        assert [c["command"] for c in spec["containers"]] == [["platform", "run", service, process]]
        # its queues are declared by its service's migration: either pod may start first
        assert [c["command"] for c in spec["initContainers"]] == [["platform", "migrate", service]], name


def test_each_service_has_two_relays_one_of_which_may_be_evicted():
    """One publishes (it holds the advisory lock), the other stands by; a drain keeps one."""
    deployments = of_kind("Deployment")
    budgets = list(of_kind("PodDisruptionBudget").values())
    for service in SERVICES:
        relay = deployments[f"relay-{service}"]
        assert relay["spec"]["replicas"] == 2
        pod = relay["spec"]["template"]
        (container,) = pod["spec"]["containers"]
        assert container["command"] == ["platform", "relay", service]
        matching = [b for b in budgets if selects(b["spec"]["selector"], pod["metadata"]["labels"])]
        assert len(matching) == 1, f"relay-{service}"
        assert matching[0]["spec"] == {"minAvailable": 1, "selector": relay["spec"]["selector"]}
        (spread,) = pod["spec"]["topologySpreadConstraints"]
        assert spread["topologyKey"] == "kubernetes.io/hostname"
        assert spread["labelSelector"] == relay["spec"]["selector"]


def test_platform_containers_have_the_environment_they_need():
    configmaps = of_kind("ConfigMap")
    for name, container in platform_containers():
        from_configmaps = set()
        for source in container.get("envFrom", []):
            from_configmaps |= set(configmaps[source["configMapRef"]["name"]]["data"])
        defined = set(from_configmaps)
        for var in container.get("env", []):
            for ref in re.findall(r"\$\(([A-Za-z0-9_]+)\)", var.get("value", "")):
                assert ref in defined, (
                    f"{name}/{container['name']}: $({ref}) used by {var['name']} is not defined before it"
                )
            defined.add(var["name"])
        missing = required_env(container["command"]) - defined
        assert not missing, f"{name}/{container['name']} lacks {sorted(missing)}"
        for var in container.get("env", []):
            if var["name"].endswith("_DATABASE_URL"):
                database = var["name"].removesuffix("_DATABASE_URL").lower()
                assert var["value"].startswith("postgresql+psycopg2://")
                assert re.search(rf":5432/{database}(\?|$)", var["value"]), var["value"]


def test_secret_and_configmap_references_resolve():
    configmaps = of_kind("ConfigMap")
    secrets = secret_templates()
    documented = {name: set(s.get("stringData", {})) | set(s.get("data", {})) for name, s in secrets.items()}
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for name, spec in pod_specs():
        for container in all_containers(spec):
            for var in container.get("env", []):
                ref = var.get("valueFrom", {})
                if "secretKeyRef" in ref:
                    secret, key = (
                        ref["secretKeyRef"]["name"],
                        ref["secretKeyRef"]["key"],
                    )
                    assert key in documented.get(secret, set()), f"{name}: secret {secret}/{key}"
                if "configMapKeyRef" in ref:
                    cm, key = (
                        ref["configMapKeyRef"]["name"],
                        ref["configMapKeyRef"]["key"],
                    )
                    assert key in configmaps[cm]["data"], f"{name}: configmap {cm}/{key}"
        for volume in spec.get("volumes", []):
            if "secret" in volume:
                secret = volume["secret"]["secretName"]
                assert secret in documented or secret in readme, f"{name}: undocumented secret {secret}"
    for cluster in of_kind("Cluster").values():
        for role in cluster["spec"]["managed"]["roles"]:
            template = secrets[role["passwordSecret"]["name"]]
            assert template["type"] == "kubernetes.io/basic-auth"
            assert template["stringData"]["username"] == role["name"]
    for user in of_kind("User").values():
        assert {"username", "password"} <= documented[user["spec"]["importCredentialsSecret"]["name"]]


def test_accounts_mounts_the_token_keys_secret():
    spec = of_kind("Deployment")["accounts"]["spec"]["template"]["spec"]
    (container,) = spec["containers"]
    keys_dir = next(v["value"] for v in container["env"] if v["name"] == "TOKEN_KEYS_DIR")
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == keys_dir)
    assert mount.get("readOnly") is True
    volume = next(v for v in spec["volumes"] if v["name"] == mount["name"])
    assert volume["secret"]["secretName"] == "token-keys"
    assert spec["securityContext"]["fsGroup"] == 10001 and volume["secret"]["defaultMode"] == 0o440


def test_every_container_has_requests_and_limits():
    for name, spec in pod_specs():
        for container in all_containers(spec):
            resources = container.get("resources", {})
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(kind, {})), f"{name}/{container['name']} {kind}"
    for cluster in list(of_kind("RabbitmqCluster").values()) + list(of_kind("Cluster").values()):
        assert {"requests", "limits"} <= set(cluster["spec"]["resources"])


def test_platform_pods_run_as_non_root_with_a_read_only_filesystem():
    for name, spec in pod_specs():
        if not any(c["image"] == IMAGE for c in spec["containers"]):
            continue
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] == 10001
        for container in all_containers(spec):
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name


def selects(selector, labels):
    return all(labels.get(k) == v for k, v in selector["matchLabels"].items())


def test_services_and_gateway_have_disruption_budgets():
    deployments = of_kind("Deployment")
    budgets = list(of_kind("PodDisruptionBudget").values())
    for name in SERVICES + tuple(PROCESSES) + ("gateway",):
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        matching = [b for b in budgets if selects(b["spec"]["selector"], labels)]
        assert len(matching) == 1, name
        assert matching[0]["spec"].get("minAvailable") == 1
        assert selects(deployments[name]["spec"]["selector"], labels)


def test_gateway_probes_service_and_ingress():
    deployment = of_kind("Deployment")["gateway"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["command"] == [
        "gunicorn",
        "-c",
        "gateway/gateway/gunicorn.conf.py",
        "gateway.wsgi:app",
    ]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": 8000, "metrics": METRICS_PORT}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    config = of_kind("ConfigMap")["platform-config"]["data"]
    assert config["HOST"] == "0.0.0.0" and config["GATEWAY_PORT"] == "8000"
    assert container["readinessProbe"]["timeoutSeconds"] > float(config["READINESS_TIMEOUT"])
    service = of_kind("Service")["gateway"]
    assert selects({"matchLabels": service["spec"]["selector"]}, labels)
    service_ports = {p["name"]: p for p in service["spec"]["ports"]}
    assert service_ports["http"]["targetPort"] in ports
    ingress = of_kind("Ingress")["gateway"]
    backends = [p["backend"]["service"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]]
    assert backends and all(b["name"] == "gateway" and b["port"]["name"] in service_ports for b in backends)


def test_rabbitmq_is_a_three_node_cluster_with_quorum_queues():
    config = of_kind("ConfigMap")["platform-config"]["data"]
    (cluster,) = of_kind("RabbitmqCluster").values()
    assert cluster["spec"]["replicas"] == 3
    assert cluster["metadata"]["name"] == config["RABBITMQ_HOST"]
    vhost = of_kind("Vhost")[config["RABBITMQ_VHOST"]]
    assert vhost["spec"]["name"] == config["RABBITMQ_VHOST"]
    assert vhost["spec"]["defaultQueueType"] == "quorum"
    (permission,) = of_kind("Permission").values()
    assert permission["spec"]["vhost"] == config["RABBITMQ_VHOST"]
    assert permission["spec"]["userReference"]["name"] in of_kind("User")


def test_postgres_has_one_database_and_role_per_service():
    config = of_kind("ConfigMap")["platform-config"]["data"]
    (cluster,) = of_kind("Cluster").values()
    assert f"{cluster['metadata']['name']}-rw" == config["POSTGRES_HOST"]
    assert {r["name"] for r in cluster["spec"]["managed"]["roles"]} == set(SERVICES)
    databases = {d["spec"]["name"]: d["spec"] for d in of_kind("Database").values()}
    assert set(databases) == set(SERVICES)
    for name, spec in databases.items():
        assert spec["owner"] == name and spec["cluster"]["name"] == cluster["metadata"]["name"]


def test_minio_is_distributed_over_four_pods():
    config = of_kind("ConfigMap")["platform-config"]["data"]
    minio = of_kind("StatefulSet")["minio"]
    replicas = minio["spec"]["replicas"]
    assert replicas == 4 and minio["spec"]["podManagementPolicy"] == "Parallel"
    (container,) = minio["spec"]["template"]["spec"]["containers"]
    first, last = map(int, re.search(r"\{(\d+)\.\.\.(\d+)\}", container["args"][1]).groups())
    assert last - first + 1 == replicas, "the server list must name every pod"
    assert minio["spec"]["serviceName"] in of_kind("Service")
    host, port = config["MEDIA_S3_ENDPOINT"].split(":")
    assert int(port) in {p["port"] for p in of_kind("Service")[host]["spec"]["ports"]}


# --------------------------------------------------------------------- media

# Lower case: tmpfs and nginx sizes (binary: nginx's 1100m is 1100 MiB); the rest
# are Kubernetes quantities.
_SIZE_UNITS = {
    "": 1,
    "k": 1024,
    "m": 1024**2,
    "g": 1024**3,
    "Ki": 1024,
    "Mi": 1024**2,
    "Gi": 1024**3,
    "Ti": 1024**4,
    "K": 1000,
    "M": 1000**2,
    "G": 1000**3,
}


def size_bytes(value):
    """``4Gi`` (Kubernetes), ``2g`` (tmpfs), ``1100m`` (nginx) -> bytes."""
    number, unit = re.fullmatch(r"(\d+)([A-Za-z]*)", str(value)).groups()
    return int(number) * _SIZE_UNITS[unit]


def media_config_variables():
    """The environment variables services/media/config.yml reads."""
    return set(re.findall(r"\$\{([A-Z0-9_]+)", MEDIA_CONFIG.read_text(encoding="utf-8")))


def host_port(address):
    host, _, port = address.rpartition(":")
    return host, int(port)


def test_media_config_reads_the_settings_deploy_sets():
    read = media_config_variables()
    assert "MEDIA_HTTP_ADDRESS" in read and "MEDIA_STORAGE" in read
    media_env = set(compose_services()["media"]["environment"])
    config = of_kind("ConfigMap")["platform-config"]["data"]
    (container,) = of_kind("Deployment")["media"]["spec"]["template"]["spec"]["containers"]
    k8s_env = set(config) | {v["name"] for v in container["env"]}
    gateway_only = {"MEDIA_HTTP_URL"}
    for where, names in (("compose", media_env), ("kubernetes", k8s_env)):
        unknown = {n for n in names if n.startswith("MEDIA_") and n != "MEDIA_DATABASE_URL"} - gateway_only - read
        assert not unknown, f"{where}: the media service reads no {sorted(unknown)} (typo?)"


# compose


def compose_media_env(env=None):
    return interpolate(compose_services()["media"]["environment"], example_env() if env is None else env)


def test_compose_media_uses_minio_with_required_secrets():
    raw = compose_services()["media"]["environment"]
    env = compose_media_env()
    assert env["MEDIA_STORAGE"] == "s3"
    host, port = host_port(env["MEDIA_S3_ENDPOINT"])
    assert host == "minio" and host in compose_services() and port == 9000
    assert env["MEDIA_S3_SECURE"] == "false"
    assert env["MEDIA_S3_BUCKET"] == "congdoan-media"
    assert raw["MEDIA_S3_SECRET_KEY"].startswith("${MEDIA_S3_SECRET_KEY:?"), "the secret key has no default"
    assert raw["MEDIA_S3_ACCESS_KEY"].startswith("${MEDIA_S3_ACCESS_KEY")
    # the bucket and the user minio-init creates are the ones media uses
    init = interpolate(compose_services()["minio-init"]["environment"], example_env())
    for key in ("MEDIA_S3_BUCKET", "MEDIA_S3_ACCESS_KEY", "MEDIA_S3_SECRET_KEY"):
        assert init[key] == env[key], key
    # presigned URLs name an address browsers reach: MinIO's published S3 port
    public_host, public_port = host_port(env["MEDIA_S3_PUBLIC_ENDPOINT"])
    published = [interpolate(p, example_env()) for p in compose_services()["minio"]["ports"]]
    assert f"{public_host}:{public_port}:9000" in published


def test_compose_media_http_port_is_internal_only():
    media = compose_services()["media"]
    env = compose_media_env()
    assert host_port(env["MEDIA_HTTP_ADDRESS"]) == ("0.0.0.0", MEDIA_HTTP_PORT)
    assert "ports" not in media, "the media port trusts X-Platform-Actor: never publish it"
    assert media.get("network_mode") is None
    for name, svc in compose_services().items():
        for port in svc.get("ports", []):
            target = str(interpolate(port, example_env())).split("/")[0].rsplit(":", 1)[-1]
            assert target != str(MEDIA_HTTP_PORT), f"{name} publishes {port}"
        # a container sharing media's network namespace could publish its port
        assert svc.get("network_mode") != "service:media", name


def test_compose_gateway_reaches_media_http_port():
    gateway = interpolate(compose_services()["gateway"]["environment"], example_env())
    assert gateway["MEDIA_HTTP_URL"] == f"http://media:{MEDIA_HTTP_PORT}"
    media = compose_media_env()
    assert int(gateway["MAX_MEDIA_UPLOAD_BYTES"]) >= int(media["MEDIA_MAX_VIDEO_BYTES"]) + 1024 * 1024


def test_compose_media_spools_uploads_to_a_big_enough_tmpfs():
    media = compose_services()["media"]
    env = compose_media_env()
    tmp_dir = env["MEDIA_TMP_DIR"]
    mounts = {}
    for entry in media["tmpfs"]:
        path, _, options = entry.partition(":")
        mounts[path] = dict(o.partition("=")[::2] for o in options.split(",") if o)
    assert "/tmp" in mounts
    spool = mounts[tmp_dir]
    assert size_bytes(spool["size"]) > int(env["MEDIA_MAX_VIDEO_BYTES"])
    assert spool.get("uid") == "10001", "the platform user must be able to write there"


# kubernetes


def env_of(container):
    """Name -> literal value, or ("secret"|"configmap", name, key), envFrom included."""
    configmaps = of_kind("ConfigMap")
    env = {}
    for source in container.get("envFrom", []):
        env.update(configmaps[source["configMapRef"]["name"]]["data"])
    for var in container.get("env", []):
        ref = var.get("valueFrom", {})
        if "secretKeyRef" in ref:
            env[var["name"]] = ("secret", ref["secretKeyRef"]["name"], ref["secretKeyRef"]["key"])
        elif "configMapKeyRef" in ref:
            env[var["name"]] = ("configmap", ref["configMapKeyRef"]["name"], ref["configMapKeyRef"]["key"])
        else:
            env[var["name"]] = var.get("value")
    return env


def media_pod():
    return of_kind("Deployment")["media"]["spec"]["template"]


def gateway_pod():
    return of_kind("Deployment")["gateway"]["spec"]["template"]


def service_port(url_or_address):
    """The Service and port a ``host:port`` or ``http://host:port`` names."""
    host, port = host_port(re.sub(r"^[a-z]+://", "", url_or_address).rstrip("/"))
    return of_kind("Service")[host], port


def test_k8s_media_uses_minio_with_secrets_from_secret_refs():
    (container,) = media_pod()["spec"]["containers"]
    env = env_of(container)
    assert env["MEDIA_STORAGE"] == "s3"
    service, port = service_port(env["MEDIA_S3_ENDPOINT"])
    assert port in {p["port"] for p in service["spec"]["ports"]}
    assert service["spec"]["selector"]["app.kubernetes.io/name"] == "minio"
    assert env["MEDIA_S3_SECURE"] == "false"
    assert env["MEDIA_S3_BUCKET"] == "congdoan-media"
    assert env["MEDIA_S3_ACCESS_KEY"] == ("secret", "media-s3-credentials", "access-key")
    assert env["MEDIA_S3_SECRET_KEY"] == ("secret", "media-s3-credentials", "secret-key")
    config = of_kind("ConfigMap")["platform-config"]["data"]
    assert not {k for k in config if "SECRET" in k or "ACCESS_KEY" in k}, "S3 keys belong in a Secret"
    # the Job creates that bucket for that user
    job = of_kind("Job")["minio-create-bucket"]
    job_env = env_of(job["spec"]["template"]["spec"]["containers"][0])
    assert job_env["MEDIA_S3_BUCKET"] == ("configmap", "platform-config", "MEDIA_S3_BUCKET")
    assert job_env["MEDIA_S3_ACCESS_KEY"] == env["MEDIA_S3_ACCESS_KEY"]
    assert job_env["MEDIA_S3_SECRET_KEY"] == env["MEDIA_S3_SECRET_KEY"]


def test_k8s_presigned_urls_name_a_public_minio_host():
    (container,) = media_pod()["spec"]["containers"]
    public = env_of(container)["MEDIA_S3_PUBLIC_ENDPOINT"]
    assert public and ":" not in public, "host only: the Ingress listens on the default ports"
    routes = [
        path["backend"]["service"]
        for ingress in of_kind("Ingress").values()
        for rule in ingress["spec"]["rules"]
        if rule.get("host") == public
        for path in rule["http"]["paths"]
    ]
    assert routes and all(r["name"] == "minio" and r["port"]["name"] == "api" for r in routes)


def test_k8s_media_binds_its_http_port_on_every_interface():
    (container,) = media_pod()["spec"]["containers"]
    env = env_of(container)
    assert host_port(env["MEDIA_HTTP_ADDRESS"]) == ("0.0.0.0", MEDIA_HTTP_PORT)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": MEDIA_HTTP_PORT, "metrics": METRICS_PORT}
    # ready when the port the gateway streams to is open, not merely the metrics one
    assert container["readinessProbe"]["tcpSocket"]["port"] == "http"
    assert not any("hostPort" in p for p in container["ports"]) and not media_pod()["spec"].get("hostNetwork")


def test_k8s_media_spools_uploads_to_a_big_enough_empty_dir():
    spec = media_pod()["spec"]
    (container,) = spec["containers"]
    env = env_of(container)
    tmp_dir = env["MEDIA_TMP_DIR"]
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == tmp_dir)
    volume = next(v for v in spec["volumes"] if v["name"] == mount["name"])
    assert volume["emptyDir"].get("medium") != "Memory", "a 1 GiB video does not belong in the pod's RAM"
    assert size_bytes(volume["emptyDir"]["sizeLimit"]) > int(env["MEDIA_MAX_VIDEO_BYTES"])


def test_k8s_media_service_is_cluster_internal_on_8010():
    service = of_kind("Service")["media"]
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert selects({"matchLabels": service["spec"]["selector"]}, media_pod()["metadata"]["labels"])
    (port,) = service["spec"]["ports"]
    assert port["port"] == MEDIA_HTTP_PORT and "nodePort" not in port
    (container,) = media_pod()["spec"]["containers"]
    assert {p["name"]: p["containerPort"] for p in container["ports"]}[port["targetPort"]] == MEDIA_HTTP_PORT
    for ingress in of_kind("Ingress").values():
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                assert path["backend"]["service"]["name"] != "media", "the media port must never be public"


def test_k8s_gateway_reaches_media_http_port():
    (container,) = gateway_pod()["spec"]["containers"]
    env = env_of(container)
    assert env["MEDIA_HTTP_URL"] == f"http://media:{MEDIA_HTTP_PORT}"
    service, port = service_port(env["MEDIA_HTTP_URL"])
    assert service["metadata"]["name"] == "media" and port in {p["port"] for p in service["spec"]["ports"]}
    (media,) = media_pod()["spec"]["containers"]
    assert int(env["MAX_MEDIA_UPLOAD_BYTES"]) >= int(env_of(media)["MEDIA_MAX_VIDEO_BYTES"]) + 1024 * 1024


def test_k8s_network_policy_admits_only_the_gateway_to_media():
    media_labels = media_pod()["metadata"]["labels"]
    gateway_labels = gateway_pod()["metadata"]["labels"]
    others = [
        d["spec"]["template"]["metadata"]["labels"]
        for name, d in of_kind("Deployment").items()
        if name not in ("gateway", "media")
    ]
    policies = [
        p
        for p in of_kind("NetworkPolicy").values()
        if selects(p["spec"]["podSelector"], media_labels) and "Ingress" in p["spec"].get("policyTypes", ["Ingress"])
    ]
    assert policies, "no NetworkPolicy isolates the media pods"
    for policy in policies:
        rules = policy["spec"].get("ingress", [])
        assert rules, f"{policy['metadata']['name']} admits nothing (the gateway needs 8010)"
        for rule in rules:
            sources, ports = rule.get("from"), rule.get("ports")
            assert sources, "a rule without `from` admits every source"
            assert ports, "a rule without `ports` admits every port"
            if not any(p.get("port") == MEDIA_HTTP_PORT for p in ports):
                # Prometheus: the metrics port alone, never 8010
                assert all(p.get("port") == METRICS_PORT and p.get("protocol", "TCP") == "TCP" for p in ports)
                assert all(s.get("podSelector", {}).get("matchLabels") for s in sources), "a named scraper only"
                continue
            assert all(p.get("port") == MEDIA_HTTP_PORT and p.get("protocol", "TCP") == "TCP" for p in ports), (
                "only the media HTTP port"
            )
            for source in sources:
                assert set(source) == {"podSelector"}, "pods of this namespace only (no ipBlock / namespaceSelector)"
                assert source["podSelector"].get("matchLabels"), "an empty podSelector admits every pod"
                assert selects(source["podSelector"], gateway_labels)
                assert not any(selects(source["podSelector"], labels) for labels in others)
    admitted_gateway = any(
        selects(s["podSelector"], gateway_labels)
        for p in policies
        for r in p["spec"]["ingress"]
        for s in r["from"]
        if any(port.get("port") == MEDIA_HTTP_PORT for port in r["ports"])
    )
    assert admitted_gateway
    # the policy selects the media service pods, not its relay or anything else
    for policy in policies:
        assert not any(selects(policy["spec"]["podSelector"], labels) for labels in others + [gateway_labels])


def test_k8s_ingress_lets_large_media_uploads_through_unbuffered():
    (container,) = gateway_pod()["spec"]["containers"]
    limit = int(env_of(container)["MAX_MEDIA_UPLOAD_BYTES"])
    media_ingresses = [
        ingress
        for ingress in of_kind("Ingress").values()
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
        if path["path"] == "/api/v1/media" and path["backend"]["service"]["name"] == "gateway"
    ]
    assert len(media_ingresses) == 1
    annotations = media_ingresses[0]["metadata"]["annotations"]
    assert size_bytes(annotations["nginx.ingress.kubernetes.io/proxy-body-size"]) >= limit
    assert annotations["nginx.ingress.kubernetes.io/proxy-request-buffering"] == "off"
    # the rest of the site keeps the small limit
    main = of_kind("Ingress")["gateway"]["metadata"]["annotations"]
    assert size_bytes(main["nginx.ingress.kubernetes.io/proxy-body-size"]) < limit


def test_readme_explains_the_media_setup():
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert "## Media" in readme
    for needed in (
        "MEDIA_S3_PUBLIC_ENDPOINT",
        "X-Platform-Actor",
        "8010",
        "NetworkPolicy",
        "timeout = 60",
        "proxy-request-buffering",
    ):
        assert needed in readme, needed


# ------------------------------------------------------------------- secrets

_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_AWS_KEY = re.compile(r"\bAKIA[0-9A-Z]{16}\b")
_URL_CREDENTIALS = re.compile(r"\b[a-z][a-z0-9+.-]*://([^\s:/@'\"]+):([^\s@'\"]+)@")


def secret_docs():
    for path in yaml_files():
        for doc in load_all(path):
            if doc.get("kind") == "Secret":
                yield path, doc


def test_secret_manifests_hold_placeholders_only():
    found = list(secret_docs())
    assert found, "the Secret templates are missing"
    for path, doc in found:
        values = dict(doc.get("stringData", {}))
        for key, encoded in doc.get("data", {}).items():
            values[key] = base64.b64decode(encoded).decode()
        for key, value in values.items():
            assert not key.endswith(".pem"), f"{path}: private keys never go into a manifest"
            if re.search(r"password|secret", key, re.IGNORECASE):
                assert PLACEHOLDER.match(value), f"{path}: {doc['metadata']['name']}/{key} is not a placeholder"


def test_no_file_in_deploy_contains_a_real_secret():
    for path in sorted(p for p in DEPLOY.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        assert not _PRIVATE_KEY.search(text), f"{path} contains a private key"
        assert not _AWS_KEY.search(text), f"{path} contains an access key id"
        # ${VAR...} (compose) and $(VAR) (Kubernetes) stand for values given at run time
        bare = re.sub(r"\$\{[^}]*\}|\$\([A-Za-z0-9_]+\)", "VAR", text)
        for _user, password in _URL_CREDENTIALS.findall(bare):
            assert password in ("VAR", "***") or password.startswith(("<", "change-me")), (
                f"{path}: a URL embeds the password {password!r}"
            )


# ------------------------------------------------- kubernetes: the API's schemas
#
# kubernetes-validate ships the JSON schemas made from the Kubernetes OpenAPI
# documents inside the package (kubernetes_validate/kubernetes-json-schema/, one
# folder per minor version) and resolves their $refs from that folder through a
# `referencing` Registry that has no retriever: it never opens a network
# connection. Strict mode refuses any field the schema does not name.
#
# Operator resources (RabbitmqCluster, Vhost, User, Permission of the RabbitMQ
# operators; Cluster and Database of CloudNativePG) have no schema there, and no
# PyPI or npm package ships their CRDs' schemas (the only candidate, npm's
# @cdk8s-kit/crds, holds generated TypeScript constructs for postgresql.cnpg.io, no
# schema, and nothing for rabbitmq.com). They keep the structural checks above and
# the field allow-lists below, copied by hand from the operators' API references.

# The oldest Kubernetes these manifests claim (deploy/README.md; autoscaling/v2, policy/v1, the
# kubernetes.io/metadata.name namespace label are all older), and the newest the
# package knows.
K8S_VERSIONS = ("1.27", "latest")
OPERATOR_KINDS = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"),
    ("rabbitmq.com/v1beta1", "Vhost"),
    ("rabbitmq.com/v1beta1", "User"),
    ("rabbitmq.com/v1beta1", "Permission"),
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("postgresql.cnpg.io/v1", "Database"),
}
OPERATOR_SPEC_FIELDS = {
    "RabbitmqCluster": {
        "replicas",
        "image",
        "imagePullSecrets",
        "service",
        "persistence",
        "resources",
        "rabbitmq",
        "affinity",
        "tolerations",
        "override",
        "tls",
        "secretBackend",
        "terminationGracePeriodSeconds",
        "skipPostDeployScripts",
        "delayStartSeconds",
        "autoEnableAllFeatureFlags",
    },
    "Vhost": {"name", "defaultQueueType", "tracing", "tags", "rabbitmqClusterReference", "deletionPolicy"},
    "User": {"tags", "importCredentialsSecret", "rabbitmqClusterReference"},
    "Permission": {"vhost", "user", "userReference", "permissions", "rabbitmqClusterReference"},
    "Cluster": {
        "instances",
        "imageName",
        "imageCatalogRef",
        "imagePullPolicy",
        "primaryUpdateStrategy",
        "primaryUpdateMethod",
        "storage",
        "walStorage",
        "resources",
        "postgresql",
        "managed",
        "bootstrap",
        "backup",
        "monitoring",
        "affinity",
        "superuserSecret",
        "enableSuperuserAccess",
        "description",
        "inheritedMetadata",
        "startDelay",
        "stopDelay",
        "switchoverDelay",
        "maxSyncReplicas",
        "minSyncReplicas",
        "logLevel",
        "plugins",
        "topologySpreadConstraints",
        "priorityClassName",
    },
    "Database": {
        "cluster",
        "name",
        "owner",
        "ensure",
        "databaseReclaimPolicy",
        "template",
        "encoding",
        "locale",
        "localeProvider",
        "lcCollate",
        "lcCtype",
        "icuLocale",
        "icuRules",
        "builtinLocale",
        "collationVersion",
        "isTemplate",
        "allowConnections",
        "connectionLimit",
        "tablespace",
        "extensions",
        "schemas",
    },
}
# Kinds the namespace of the kustomization does not apply to.
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}


def rendered_docs():
    """What ``kubectl apply -k deploy/kubernetes`` would send, as far as these manifests
    use kustomize: the namespace, the common labels (metadata only: the kustomization's
    ``labels`` sets no selectors) and the image of the platform containers."""
    (top,) = load_all(K8S / "kustomization.yaml")
    labels = {k: v for entry in top.get("labels", []) for k, v in entry["pairs"].items()}
    images = {i["name"]: f"{i.get('newName', i['name'])}:{i['newTag']}" for i in top.get("images", [])}
    docs = []
    for doc in k8s_docs():
        doc = copy.deepcopy(doc)
        meta = doc["metadata"]
        meta["labels"] = {**meta.get("labels", {}), **labels}
        if doc["kind"] not in CLUSTER_SCOPED:
            meta["namespace"] = top["namespace"]
        if "template" in doc.get("spec", {}):
            for container in all_containers(doc["spec"]["template"]["spec"]):
                container["image"] = images.get(container["image"], container["image"])
        docs.append(doc)
    return docs


def _doc_id(doc):
    return f"{doc['kind']}/{doc['metadata']['name']}"


@pytest.fixture(scope="module")
def kubernetes_validate():
    return pytest.importorskip("kubernetes_validate", reason="pip install -c constraints.txt kubernetes-validate")


def test_rendering_applies_namespace_labels_and_image():
    docs = rendered_docs()
    assert all(d["metadata"]["labels"]["app.kubernetes.io/part-of"] == "congdoan" for d in docs)
    assert all(d["metadata"].get("namespace") == "congdoan" for d in docs if d["kind"] != "Namespace")
    images = {
        c["image"]
        for d in docs
        if "template" in d.get("spec", {})
        for c in all_containers(d["spec"]["template"]["spec"])
    }
    assert IMAGE not in images and "registry.example.org/congdoan/congdoan-platform:0.1.0" in images


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize(
    "doc", [d for d in rendered_docs() if (d["apiVersion"], d["kind"]) not in OPERATOR_KINDS], ids=_doc_id
)
def test_every_manifest_matches_the_kubernetes_schema(doc, version, kubernetes_validate):
    """Operator resources are left out: no shipped CRD schema (see the comment above)."""
    if version == "latest":
        version = kubernetes_validate.latest_version()
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = ".".join(str(p) for p in error.path)
        pytest.fail(f"{_doc_id(doc)} against Kubernetes {version}: {where}: {error.message}")


def test_only_operator_resources_lack_a_kubernetes_schema(kubernetes_validate):
    """A misspelt apiVersion or kind of a built-in resource would otherwise pass as unknown."""
    unknown = set()
    for doc in rendered_docs():
        try:
            kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            unknown.add((doc["apiVersion"], doc["kind"]))
    assert unknown == OPERATOR_KINDS


def test_the_schema_check_refuses_a_misspelt_field(kubernetes_validate):
    doc = copy.deepcopy(of_kind("HorizontalPodAutoscaler")["content"])
    doc["spec"]["minReplica"] = doc["spec"].pop("minReplicas")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def test_operator_resources_use_fields_their_operators_know():
    seen = set()
    for doc in k8s_docs():
        if (doc["apiVersion"], doc["kind"]) in OPERATOR_KINDS:
            seen.add(doc["kind"])
            assert set(doc) <= {"apiVersion", "kind", "metadata", "spec"}, _doc_id(doc)
            unknown = set(doc["spec"]) - OPERATOR_SPEC_FIELDS[doc["kind"]]
            assert not unknown, f"{_doc_id(doc)}: unknown spec fields {sorted(unknown)}"
    assert seen == {kind for _, kind in OPERATOR_KINDS}


# ------------------------------------------- kubernetes: scaling and metrics


def autoscaler_of(deployment):
    (hpa,) = [
        h
        for h in of_kind("HorizontalPodAutoscaler").values()
        if h["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment}
    ]
    return hpa


def test_services_and_gateway_scale_with_a_cpu_autoscaler():
    deployments = of_kind("Deployment")
    for name in SERVICES + tuple(PROCESSES) + ("gateway",):
        hpa = autoscaler_of(name)
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["minReplicas"] >= 2, f"{name}: one pod is no redundancy"
        assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
        (metric,) = hpa["spec"]["metrics"]
        assert metric["type"] == "Resource" and metric["resource"]["name"] == "cpu"
        assert 0 < metric["resource"]["target"]["averageUtilization"] <= 90
        deployment = deployments[name]
        assert "replicas" not in deployment["spec"], f"{name}: a re-apply would reset the autoscaler's count"
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert "cpu" in container["resources"]["requests"], "utilisation is measured against the request"
    assert set(of_kind("HorizontalPodAutoscaler")) == set(SERVICES) | set(PROCESSES) | {"gateway"}


def test_postgres_connections_cover_the_autoscalers_ceiling():
    """Every service pod at the autoscaler's ceiling, plus the rollout's surge pod, with
    its pools full (writers: pool + overflow; readers: pool, no overflow —
    platform_shared.database.make_engine and _read_engine_for), and every
    relay (pool 2 + overflow 2 + the advisory-lock connection, platform_shared.cli)."""
    from platform_shared.manifest import platform_defaults

    (cluster,) = of_kind("Cluster").values()
    max_connections = int(cluster["spec"]["postgresql"]["parameters"]["max_connections"])
    deployments = of_kind("Deployment")
    needed = 0
    for name, (service, _) in PROCESSES.items():  # a process type may set its own (smaller) pool
        (container,) = deployments[name]["spec"]["template"]["spec"]["containers"]
        pool = int(
            env_of(container).get(
                f"{service.upper()}_DATABASE_POOL_SIZE", platform_defaults(service)["DATABASE_POOL_SIZE"]
            )
        )
        surge = deployments[name]["spec"]["strategy"]["rollingUpdate"]["maxSurge"]
        needed += (autoscaler_of(name)["spec"]["maxReplicas"] + surge) * 3 * pool
    for service in SERVICES:
        for name, container in platform_containers():
            if name not in PROCESSES:
                assert f"{service.upper()}_DATABASE_POOL_SIZE" not in env_of(container), "update this budget"
        pool = platform_defaults(service)["DATABASE_POOL_SIZE"]
        surge = deployments[service]["spec"]["strategy"]["rollingUpdate"]["maxSurge"]
        needed += (autoscaler_of(service)["spec"]["maxReplicas"] + surge) * 3 * pool
        relay = deployments[f"relay-{service}"]["spec"]
        needed += (relay["replicas"] + relay["strategy"]["rollingUpdate"]["maxSurge"]) * (2 * 2 + 1)
    assert needed <= max_connections * 0.9, f"{needed} connections at the ceiling, max_connections {max_connections}"


def metrics_containers():
    """The long-running platform containers: services, their other processes, relays, the gateway."""
    deployments = of_kind("Deployment")
    for name in SERVICES + tuple(PROCESSES) + tuple(f"relay-{s}" for s in SERVICES) + ("gateway",):
        pod = deployments[name]["spec"]["template"]
        (container,) = pod["spec"]["containers"]
        yield name, pod, container


def test_platform_processes_serve_metrics_that_prometheus_scrapes():
    for name, pod, container in metrics_containers():
        env = env_of(container)
        assert env["METRICS_PORT"] == str(METRICS_PORT), name
        assert env["METRICS_ADDRESS"] == "0.0.0.0", f"{name}: the kubelet and Prometheus come from outside the pod"
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports["metrics"] == METRICS_PORT, name
        annotations = pod["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true", name
        assert annotations["prometheus.io/port"] == str(METRICS_PORT)
        assert annotations["prometheus.io/path"] == "/metrics"
    for _, container in platform_containers():
        if container["command"][:2] == ["platform", "migrate"]:
            assert "METRICS_PORT" not in env_of(container), "a migration serves nothing"


def test_services_without_http_are_probed_through_the_metrics_port():
    metrics_probe = {"path": "/metrics", "port": "metrics"}
    for name, _, container in metrics_containers():
        if name.startswith("relay-"):
            # the standby relay is idle by design; a crash is restarted by the kubelet
            assert "readinessProbe" not in container and "livenessProbe" not in container, name
            continue
        if name == "gateway":
            # its public port keeps /readyz and /healthz (test_gateway_probes_service_and_ingress)
            continue
        assert container["livenessProbe"]["httpGet"] == metrics_probe, name
        if name == "media":
            assert container["readinessProbe"]["tcpSocket"] == {"port": "http"}
        else:
            assert container["readinessProbe"]["httpGet"] == metrics_probe, name
