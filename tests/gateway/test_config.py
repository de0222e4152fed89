"""The providers file: the contract's shape, ${ENV} keys, errors that say what to fix, and a
key that no repr, status or error shows."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from answer.extractive import ExtractiveAnswerer
from core.errors import BadInput
from core.models import EXTRACTIVE
from gateway.build import build_gateway
from gateway.config import GatewaySettings, load_providers
from lore.settings import Settings

KEY = "sk-very-secret-0xC0FFEE"
CONTRACT = """
providers:
  - name: primary
    base_url: http://127.0.0.1:8081/v1   # any OpenAI-compatible server
    api_key: ${PRIMARY_KEY}               # optional; from the environment
    model: smollm2-135m
  - name: backup
    base_url: http://127.0.0.1:8082/v1
    model: smollm2-135m
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "providers.yaml"
    path.write_text(text)
    return path


def test_the_contract_shape_loads_in_order_with_the_key_from_the_environment(tmp_path):
    spec = load_providers(write(tmp_path, CONTRACT), env={"PRIMARY_KEY": KEY})
    primary, backup = spec.providers
    assert primary.model is not None and primary.api_key is not None
    assert (primary.name, primary.base_url, primary.model.id) == (
        "primary", "http://127.0.0.1:8081/v1", "smollm2-135m")
    assert primary.api_key.get_secret_value() == KEY and backup.api_key is None
    assert spec.extractive and primary.model.stream and primary.model.tokenizer == "approx"


def test_the_chain_ends_with_the_extractive_answerer_and_hides_the_key(tmp_path):
    path = write(tmp_path, CONTRACT.replace("${PRIMARY_KEY}", KEY))
    gw = build_gateway(GatewaySettings(providers=path), ExtractiveAnswerer(), 1024)
    try:
        assert [link.name for link in gw.generator.links] == ["primary", "backup", EXTRACTIVE]
        shown = " ".join([repr(gw), repr(gw.generator), *map(repr, gw.generator.links),
                          *map(repr, gw.providers), str(gw.status()),
                          repr(load_providers(path))])
        assert KEY not in shown
        assert gw.status()[0]["address"] == "127.0.0.1:8081"
    finally:
        gw.close()


def test_a_model_may_be_a_mapping_with_prices_and_limits(tmp_path):
    spec = load_providers(write(tmp_path, yaml.safe_dump({"providers": [{
        "name": "openai", "base_url": "https://api.openai.com/v1", "model": {
            "id": "gpt-4o-mini", "context_window": 128000, "price_input": 0.15,
            "price_output": 0.6, "max_tokens": 400, "temperature": 0}}],
        "extractive": False})))
    model = spec.providers[0].model
    assert model is not None
    assert (model.id, model.context_window, model.price_output, model.max_tokens) == (
        "gpt-4o-mini", 128000, 0.6, 400)
    assert not spec.extractive


@pytest.mark.parametrize(("text", "says"), [
    (CONTRACT, "${PRIMARY_KEY}, which is not set"),
    ("providers: [", "not valid YAML"),
    ("providers: []", "providers"),
    ("providers:\n  - name: a\n    model: m\n", "needs base_url and model"),
    ("providers:\n  - {name: a, base_url: 'http://x', model: m}\n"
     "  - {name: a, base_url: 'http://y', model: m}\n", "must be unique"),
    ("providers:\n  - {name: a, base_url: 'http://x', model: m, api_kee: oops}\n", "api_kee"),
])
def test_a_bad_file_says_what_to_fix(tmp_path, text, says):
    with pytest.raises(BadInput) as bad:
        load_providers(write(tmp_path, text), env={})
    assert says in str(bad.value)


def test_a_missing_file_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match="cannot read"):
        load_providers(tmp_path / "nope.yaml")


def test_a_validation_error_never_echoes_a_value(tmp_path):
    text = f"providers:\n  - {{name: a, base_url: 'http://x', model: m, api_key: [{KEY}]}}\n"
    with pytest.raises(BadInput) as bad:
        load_providers(write(tmp_path, text), env={})
    assert KEY not in str(bad.value) and "api_key" in str(bad.value)


def test_a_budget_that_overflows_a_context_window_is_refused(tmp_path):
    path = write(tmp_path, yaml.safe_dump({"providers": [{
        "name": "small", "base_url": "http://x/v1",
        "model": {"id": "m", "context_window": 2048, "max_tokens": 256}}]}))
    build_gateway(GatewaySettings(providers=path), ExtractiveAnswerer(), 1024).close()
    with pytest.raises(BadInput, match="do not fit the context window of m"):
        build_gateway(GatewaySettings(providers=path), ExtractiveAnswerer(), 2000)


def test_settings_carry_the_gateway_group_under_flat_names(tmp_path):
    s = Settings.of(home=tmp_path, providers=tmp_path / "p.yaml", deadline_seconds=5,
                    retries=1, breaker_failures=3)
    g = s.gateway
    assert (g.providers, g.deadline_seconds, g.retries, g.breaker_failures) == (
        tmp_path / "p.yaml", 5, 1, 3)
    assert Settings.of(home=tmp_path).gateway.providers is None
