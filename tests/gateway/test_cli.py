"""`lore providers` and `lore ask --stream` as a user runs them: real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import yaml

from api.app import create_app
from tests.api.conftest import serving
from tests.gateway.conftest import ASKED, FAST, NO_CACHE, entry
from tests.gateway.faults import closed_port

ROOT = Path(__file__).resolve().parents[2]


def lore(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "LORE_PROVIDERS"}
    environ |= {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "COLUMNS": "200", **env}
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], cwd=ROOT,
                          env=environ, capture_output=True, text=True, timeout=300)


def providers_file(tmp_path: Path, *entries: dict) -> str:
    path = tmp_path / "providers.yaml"
    path.write_text(yaml.safe_dump({"providers": list(entries)}))
    return str(path)


def test_providers_lists_the_chain_and_probes_each(faults, tmp_path):
    path = providers_file(tmp_path, entry("primary", faults("ok").base_url),
                          entry("down", closed_port()))
    run = lore("providers", "--json", LORE_PROVIDERS=path)
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)
    assert [(r["name"], r["breaker"]) for r in rows] == [
        ("primary", "closed"), ("down", "closed"), ("extractive", None)]
    assert rows[0]["probe"] == "ok (1 models)"
    assert rows[1]["probe"].startswith("connection: down")
    table = lore("providers", LORE_PROVIDERS=path)
    assert "primary" in table.stdout and "fault-model" in table.stdout


def test_providers_without_a_file_says_answers_are_extractive(tmp_path):
    run = lore("providers", "--home", tmp_path)
    assert run.returncode == 0 and "LORE_PROVIDERS is unset" in run.stdout


def test_a_bad_providers_file_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("providers: [{name: a}]\n")
    run = lore("providers", LORE_PROVIDERS=str(bad))
    assert run.returncode == 2 and run.stderr.startswith("lore: LORE_PROVIDERS")
    assert "Traceback" not in run.stderr


def test_providers_reads_a_running_servers_live_breakers(faults, sample_index, lore_for,
                                                         tmp_path):
    path = providers_file(tmp_path, entry("primary", faults("fail").base_url))
    settings = sample_index[0].changed(providers=path, **FAST, **NO_CACHE).changed(
        breaker_failures=1, breaker_reset_seconds=60)
    with serving(create_app(settings, lore_for(settings))) as url:
        httpx.post(f"{url}/ask", json={"question": ASKED}, timeout=60)
        run = lore("providers", "--server", url, "--json")
    assert run.returncode == 0, run.stderr
    assert [(r["name"], r["breaker"]) for r in json.loads(run.stdout)] == [
        ("primary", "open"), ("extractive", None)]


def test_ask_stream_prints_the_draft_then_its_citations(faults, sample_index, tmp_path):
    settings, _ = sample_index
    ok = faults("ok")
    path = providers_file(tmp_path, entry("primary", ok.base_url))
    run = lore("ask", ASKED, "--stream", "--home", settings.home, LORE_PROVIDERS=path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].endswith("[1]")  # the streamed draft, verified as it was
    assert any(line.startswith("[1] ") for line in lines[1:])  # its citation
    assert "fault-model via primary" in run.stdout
    assert ok.seen and ok.seen[0].body["stream"] is True
