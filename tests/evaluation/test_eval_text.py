from evaluation.text import content_words, squad_tokens, tokens


def test_tokens_alphanumeric_and_lowercase():
    expected = ["kubernetes", "label", "selector", "v1", "2"]
    assert tokens("Kubernetes-Label_Selector: v1.2!") == expected
    assert tokens("kubernetes label selector") == tokens("kubernetes-label-selector")


def test_content_words_drop_stop_words_and_contraction_parts():
    assert content_words("The operator doesn't restart on its own") == ["operator", "restart"]


def test_squad_tokens():
    assert squad_tokens("The Bulk-Import, an option.") == ["bulkimport", "option"]
