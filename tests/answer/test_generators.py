"""The Generator contract on every generator: the extractive answerer, and a double that writes
what an unreliable model writes (a fabricated claim under a valid marker, a marker to a passage
the prompt never had), so the contract shows the verify step catching it."""

from __future__ import annotations

import pytest

from answer.base import Draft, GenerationInput
from answer.extractive import ExtractiveAnswerer
from answer.prompt import SYSTEM_PROMPT
from core.tokenizer import Tokenizer
from tests.answer.generator_contract import GeneratorContract


class Fabricator:
    """Cites correctly once, then makes things up: the failure verification exists for."""

    system_prompt = SYSTEM_PROMPT

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer

    def generate(self, request: GenerationInput) -> Draft:
        passages = request.context.passages
        if not passages:
            return Draft("I could not find that.", abstained=False)
        first = passages[0].text.split("\n")[0]
        return Draft(
            f"{first} [1] Employees also get a company car after one year. [1] "
            f"The CEO approves every expense personally. [{len(passages) + 3}] And a bonus.",
            abstained=False,
        )


class TestExtractive(GeneratorContract):
    @pytest.fixture
    def generator(self) -> ExtractiveAnswerer:
        return ExtractiveAnswerer()


class TestFabricating(GeneratorContract):
    @pytest.fixture
    def generator(self, tokenizer: Tokenizer) -> Fabricator:
        return Fabricator(tokenizer)
