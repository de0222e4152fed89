"""Evidence for a misspelt question: one edit away from a context term counts as that term."""

from __future__ import annotations

from answer.relevance import relevance

SENTENCES = [
    "Developer Hub imports repositories in bulk from GitHub and GitLab.",
    "The catalog lists every registered component.",
]
TOPICS = ["Bulk import", "Catalog"]


def test_a_misspelt_term_counts_as_the_context_term_one_edit_away() -> None:
    spelt = relevance("How does Developer Hub import repositories?", SENTENCES, TOPICS)
    typos = relevance("How does Develper Hub inport repositories?", SENTENCES, TOPICS)
    assert typos.weight == spelt.weight
    assert typos.covered([0]) == spelt.covered([0]) == 1.0


def test_short_or_distant_terms_are_not_respelt() -> None:
    # "cat" is one edit from "car" (too short to tell); "importer" is two edits from "import".
    rel = relevance("Which cat importers exist?", [*SENTENCES, "A car is parked."],
                    [*TOPICS, "Parking"])
    assert {"cat", "importer"} <= set(rel.weight)
    assert rel.covered([0]) < 1.0
