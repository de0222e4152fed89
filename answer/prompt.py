"""The default system prompt: the instructions a model reads before the passages."""

# The passages are rendered unnumbered (context/render.py): [n] is the n-th in the prompt.
SYSTEM_PROMPT = (
    "Answer from the passages only; cite the n-th passage as [n] after each sentence. "
    "If none answers, say it is not found in the indexed documents."
)
