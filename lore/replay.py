"""What a trace keeps of a request's final state: enough to replay every decision it made."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from context.render import render_passages
from pipeline.state import State

Mask = Callable[[str], str]  # hides personal data before a text is kept (guard policy)
# Hits kept with their score breakdown: the ones the context could have used.
TOP_HITS = 20


def replay(state: State, system_prompt: str, mask: Mask) -> dict[str, Any]:
    """Every text is masked by policy: what the caller sent, the documents' passages and what
    the model wrote (a trace outlives the request, and may be shown to whoever debugs it)."""
    q = state.query
    out: dict[str, Any] = {
        "version": state.version, "question": mask(q.question),
        "history_turns": len(q.history),
        "filters": asdict(q.filters) if q.filters else None, "budget": q.budget,
    }
    if state.cache is not None:  # what decided it is in the trace of the request it came from
        return out | _answered(state, mask) | {"cache": state.cache}
    out["standalone"] = mask(state.standalone)
    if state.retrieval is not None:
        out["hits"] = [{"chunk_id": h.chunk.id, "source": h.chunk.source, "score": h.score,
                        "breakdown": asdict(h.breakdown)} for h in state.retrieval.hits[:TOP_HITS]]
    if state.prompt is not None:
        ctx = state.prompt.context
        out["context"] = {"tokens": ctx.tokens, "budget": asdict(ctx.budget),
                          "passages": [{"source": p.source, "page": p.page, "tokens": p.tokens,
                                        "chunk_ids": list(p.chunk_ids)} for p in ctx.passages],
                          "dropped": [asdict(d) for d in ctx.dropped]}
        out["prompt"] = {"system": system_prompt,
                         "history": [mask(t.content) for t in state.prompt.history],
                         "passages": mask(render_passages(ctx.passages)),
                         "question": out["question"]}
    if state.draft is not None:
        out["draft"] = mask(state.draft.text)
        out["finish_reason"] = state.draft.finish_reason
        if state.draft.usage is not None:
            u = state.draft.usage
            out["usage"] = asdict(u)
            out["tokens"], out["cost"] = u.input_tokens + u.output_tokens, u.cost
    return out | _answered(state, mask)


def _answered(state: State, mask: Mask) -> dict[str, Any]:
    a = state.answer
    if a is None:
        return {}
    return {"answer": mask(a.text), "abstained": a.abstained,
            "citations": [{"n": c.n, "source": c.source, "page": c.page,
                           "chunk_id": c.chunk_id} for c in a.citations]}
