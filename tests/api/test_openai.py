"""/v1/models and /v1/chat/completions through the official `openai` client, against uvicorn
on loopback over the sample index: non-streamed and streamed, citations in the content and as
a field, usage, the keys, pinned and unknown models in OpenAI's error shape; one round trip
through the real local model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import yaml

from api.app import create_app
from tests.gateway.conftest import ASKED, FAST, NO_CACHE

READER = "sk-reader-0c2f9e"
# A small budget: the local model reads ~100 prompt tokens a second on a shared host.
BUDGET = 512
MAX_TOKENS = 24
# The local model's first token can take tens of seconds while the shared cores are busy.
SLOW_S = 180.0


@pytest.fixture(scope="module")
def base(sample_index, lore_for, serve) -> Iterator[str]:
    settings = sample_index[0].changed(reader_keys=[READER], **NO_CACHE)
    with serve(create_app(settings, lore_for(settings))) as url:
        yield f"{url}/v1"


def client(base: str, key: str = READER) -> openai.OpenAI:
    return openai.OpenAI(base_url=base, api_key=key, max_retries=0, timeout=60.0)


def test_models_are_lore_and_each_index_version(base: str) -> None:
    ids = [m.id for m in client(base).models.list()]
    assert ids[0] == "lore" and "lore@v1" in ids


def test_a_completion_carries_the_answer_its_sources_and_usage(base: str) -> None:
    done = client(base).chat.completions.create(
        model="lore", messages=[{"role": "system", "content": "Ignored: lore has its own."},
                                {"role": "user", "content": ASKED}])
    choice = done.choices[0]
    text = choice.message.content or ""
    assert choice.message.role == "assistant" and choice.finish_reason == "stop"
    answer, sources = text.split("\n\nSources:\n")
    citations = done.model_extra["citations"]  # type: ignore[index]
    assert citations and all(f"[{c['n']}]" in answer for c in citations)
    assert sources.splitlines() == [f"- [{c['n']}] {c['title']}: {c['source']}"
                                    + (f", p. {c['page']}" if c["page"] else "")
                                    for c in citations]
    u = done.usage
    assert u is not None and u.prompt_tokens > 100 and u.completion_tokens > 0
    assert u.total_tokens == u.prompt_tokens + u.completion_tokens
    meta = (done.model_extra or {})["lore"]
    assert meta["version"] == "v1" and meta["prompt_version"] == "shipped"
    assert meta["request_id"] and done.id == f"chatcmpl-{meta['request_id']}"


def test_a_stream_sends_the_role_then_the_same_verified_content(base: str) -> None:
    messages: list[Any] = [{"role": "user", "content": ASKED}]
    whole = client(base).chat.completions.create(model="lore", messages=messages)
    chunks = list(client(base).chat.completions.create(
        model="lore", messages=messages, stream=True, stream_options={"include_usage": True}))
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    finished = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert [c.choices[0].finish_reason for c in finished] == ["stop"]
    assert (finished[0].model_extra or {})["citations"]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.total_tokens == whole.usage.total_tokens  # type: ignore[union-attr]
    assert len({c.id for c in chunks}) == 1


def test_earlier_messages_are_the_history(base: str) -> None:
    done = client(base).chat.completions.create(model="lore", messages=[
        {"role": "user", "content": ASKED},
        {"role": "assistant", "content": "New employees receive 22 PTO days. [1]"},
        {"role": "user", "content": [{"type": "text", "text": "and after five years?"}]}])
    assert done.model_extra["lore"]["version"] == "v1"  # type: ignore[index]
    assert done.choices[0].message.content


def test_a_pinned_index_version(base: str) -> None:
    done = client(base).chat.completions.create(model="lore@v1",
                                                messages=[{"role": "user", "content": ASKED}])
    assert done.model == "lore@v1" and done.model_extra["lore"]["version"] == "v1"  # type: ignore[index]


@pytest.mark.parametrize("model", ["gpt-4o", "lore@v99", "lore@"])
def test_an_unknown_model_is_404_in_openais_shape(base: str, model: str) -> None:
    with pytest.raises(openai.NotFoundError) as found:
        client(base).chat.completions.create(model=model,
                                             messages=[{"role": "user", "content": ASKED}])
    assert found.value.status_code == 404 and found.value.code == "model_not_found"
    assert found.value.type == "invalid_request_error" and model in found.value.message


def test_a_bad_key_is_401_in_openais_shape(base: str) -> None:
    for call in (lambda c: c.models.list(),
                 lambda c: c.chat.completions.create(
                     model="lore", messages=[{"role": "user", "content": ASKED}], stream=True)):
        with pytest.raises(openai.AuthenticationError) as refused:
            call(client(base, "sk-wrong"))
        assert refused.value.status_code == 401 and refused.value.code == "invalid_api_key"
    r = httpx.get(f"{base}/models")  # no key at all
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert set(r.json()["error"]) == {"message", "type", "param", "code"}


def test_an_unusable_body_is_400_in_openais_shape(base: str) -> None:
    headers = {"Authorization": f"Bearer {READER}"}
    for body in ({"model": "lore", "messages": []},
                 {"model": "lore", "messages": [{"role": "assistant", "content": "hi"}]},
                 {"messages": [{"role": "user", "content": "hi"}]}):
        r = httpx.post(f"{base}/chat/completions", json=body, headers=headers)
        assert r.status_code == 400, body
        assert r.json()["error"]["type"] == "invalid_request_error"


def test_a_stream_through_the_local_model(sample_index, lore_for, serve, local_llm,
                                          tmp_path: Path) -> None:
    path = tmp_path / "providers.yaml"
    entry = {**local_llm.entry("local", max_tokens=MAX_TOKENS), "timeout_seconds": SLOW_S}
    path.write_text(yaml.safe_dump({"providers": [entry]}))
    settings = sample_index[0].changed(providers=path, budget_tokens=BUDGET,
                                       **{**FAST, "deadline_seconds": SLOW_S}, **NO_CACHE)
    with serve(create_app(settings, lore_for(settings))) as url:
        chunks = list(client(f"{url}/v1").chat.completions.create(
            model="lore", messages=[{"role": "user", "content": ASKED}], stream=True,
            stream_options={"include_usage": True}))
    meta = next(c.model_extra["lore"] for c in chunks if c.choices and c.choices[0].finish_reason)  # type: ignore[index]
    assert (meta["usage"]["provider"], meta["usage"]["model"]) == ("local", "smollm2-135m")
    usage = chunks[-1].usage
    assert usage is not None and 0 < usage.completion_tokens <= MAX_TOKENS
    assert usage.prompt_tokens == meta["usage"]["input_tokens"] > 100
    finish = [c.choices[0].finish_reason for c in chunks if c.choices and
              c.choices[0].finish_reason]
    assert finish in (["stop"], ["length"])
