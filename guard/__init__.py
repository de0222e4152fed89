"""Guards: prompt-injection detection for questions and documents, PII, output checks.

Pure detection and masking over core types: nothing here knows the pipeline or the API.
"""
