"""The model gateway: LLM answers through one front door.

A provider (gateway/openai.py) owns the HTTP client, base URL, key and timeouts; a model
(gateway/config.py `ModelSpec`) declares its id, context window, tokenizer and prices. Both
meet in a ModelGenerator (gateway/model.py), a Generator of the answer seam. Retry, the
circuit breaker, instrumentation and the fallback chain wrap that seam, one module each;
gateway/build.py assembles the chain from LORE_PROVIDERS, the extractive answerer last.
"""
