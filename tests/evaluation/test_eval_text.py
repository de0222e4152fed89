from evaluation.text import cited_numbers, content_words, sentences, squad_tokens, tokens


def test_tokens_alphanumeric_and_lowercase():
    expected = ["kubernetes", "label", "selector", "v1", "2"]
    assert tokens("Kubernetes-Label_Selector: v1.2!") == expected
    assert tokens("kubernetes label selector") == tokens("kubernetes-label-selector")


def test_content_words_drop_stop_words_and_contraction_parts():
    assert content_words("The operator doesn't restart on its own") == ["operator", "restart"]


def test_squad_tokens():
    assert squad_tokens("The Bulk-Import, an option.") == ["bulkimport", "option"]


def test_sentences_keep_markers_with_their_sentence():
    text = "Install it [1]. Configure v1.2 next. [2] Done!\n- item one [3]\n- item two [1, 2]"
    split = list(sentences(text))
    assert split == [
        "Install it [1].",
        "Configure v1.2 next. [2]",
        "Done!",
        "- item one [3]",
        "- item two [1, 2]",
    ]
    assert [cited_numbers(s) for s in split] == [{1}, {2}, set(), {3}, {1, 2}]


def test_cited_numbers_adjacent_markers_and_non_markers():
    assert cited_numbers("see [1][12]") == {1, 12}
    assert cited_numbers("a list [x] or [] is no marker") == set()
