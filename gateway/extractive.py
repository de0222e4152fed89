"""The extractive answerer as the link `extractive` of a chain: no model, no cost, no
deadline (it answers in milliseconds from the passages at hand)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

from answer.base import Delta, Draft, Event, GenerationInput, Generator
from core.models import EXTRACTIVE, OK, Attempt
from gateway.link import totals


class ExtractiveLink:
    name = model_id = EXTRACTIVE
    continues = False  # it quotes passages; it cannot finish another model's sentence

    def __init__(self, answerer: Generator) -> None:
        self.answerer = answerer
        self.system_prompt, self.tokenizer = answerer.system_prompt, answerer.tokenizer

    def __repr__(self) -> str:
        return "ExtractiveLink()"

    def generate(self, request: GenerationInput) -> Draft:
        start = time.perf_counter()
        draft = self.answerer.generate(request)
        ms = round((time.perf_counter() - start) * 1000, 3)
        return replace(draft, usage=totals((Attempt(EXTRACTIVE, EXTRACTIVE, OK, ms),)))

    def stream(self, request: GenerationInput) -> Iterator[Event]:
        draft = self.generate(request)
        yield Delta(draft.text, EXTRACTIVE, EXTRACTIVE)
        yield draft
