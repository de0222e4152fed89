from __future__ import annotations

import pytest

from core.errors import BadInput
from ingestion.trust import DEFAULT_TRUST, load_trust


def test_first_matching_rule_wins_and_default_applies(tmp_path):
    cfg = tmp_path / "trust.yaml"
    cfg.write_text(
        "default: 0.4\nrules:\n"
        "  - {glob: 'policies/drafts/*', weight: 0.2, tags: [draft]}\n"
        "  - {glob: 'policies/**', weight: 1.0, tags: [policy]}\n"
    )
    trust = load_trust(cfg)
    assert trust.lookup("policies/drafts/x.md") == (0.2, ("draft",))
    assert trust.lookup("policies/sec/y.docx") == (1.0, ("policy",))
    assert trust.lookup("notes/z.txt") == (0.4, ())


def test_toml_config(tmp_path):
    cfg = tmp_path / "trust.toml"
    cfg.write_text('default = 0.5\n[[rules]]\nglob = "*.pdf"\nweight = 0.9\n')
    assert load_trust(cfg).lookup("a.pdf") == (0.9, ())


def test_no_config_means_default():
    assert load_trust(None).lookup("anything") == (DEFAULT_TRUST, ())


@pytest.mark.parametrize(
    "body, fragment",
    [("default: 2\n", "default"), ("rules: [{glob: '*', weight: -1}]\n", "rule 1"),
     ("rules: [{weight: 1}]\n", "glob"), ("- just a list\n", "mapping")],
)
def test_bad_configs_say_what_to_fix(tmp_path, body, fragment):
    cfg = tmp_path / "trust.yaml"
    cfg.write_text(body)
    with pytest.raises(BadInput, match=fragment):
        load_trust(cfg)
