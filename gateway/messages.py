"""The prompt as chat messages: the generator's system prompt, the trimmed history, then the
numbered passages and the user's own question.

Each passage is rendered as the context budget counted it (context/render.py) under a line
"[n]", so the n-th passage is the one a model cites as [n]; the numbers and the framing words
(a few tokens per passage) come out of the budget's answer reserve.
"""

from __future__ import annotations

from answer.base import GenerationInput
from context.render import above_of, render_passage

Message = dict[str, str]

PASSAGES = "Passages:"
QUESTION = "Question:"
# Sent after the text a failed provider streamed, so the next one picks it up mid-answer.
CONTINUE = ("Your answer above was cut off. Continue it from exactly where it stops, without "
            "repeating any of it, citing the passages as before.")


def passages_text(request: GenerationInput) -> str:
    ps = request.context.passages
    return "\n\n".join(
        f"[{i + 1}]\n{render_passage(p, above_of(ps[i - 1] if i else None, p.source))}"
        for i, p in enumerate(ps))


def messages(system_prompt: str, request: GenerationInput) -> list[Message]:
    out = [{"role": "system", "content": system_prompt}]
    out += [{"role": t.role, "content": t.content} for t in request.history]
    out.append({"role": "user", "content": (f"{PASSAGES}\n\n{passages_text(request)}\n\n"
                                            f"{QUESTION} {request.question}")})
    if request.continue_from:
        out += [{"role": "assistant", "content": request.continue_from},
                {"role": "user", "content": CONTINUE}]
    return out
