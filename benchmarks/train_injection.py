"""Train the injection classifier (guard/injection.npz) on the shared train split, and report.

    .venv/bin/python benchmarks/train_injection.py [--write] [--repeats 5]

Logistic regression over guard/features.py (hashed character n-grams + the MiniLM embedding),
with the rules of guard/rules.py in front as at run time. Reported, all on data the reported
model did not see: 5-fold cross-validation repeated with `--repeats` shuffles (mean and range
of accuracy, precision, recall), and the extra set tests/guard/injections_extra.jsonl (written
by hand, never trained or tuned on). `--write` stores the model fitted on the whole split.
The deepset test split is kept aside by the project: it is never read here.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from guard.features import features
from guard.injection import MODEL, InjectionDetector
from guard.rules import DIRECT, fired, prepared
from lore.settings import Settings
from lore.stores import load_embedder

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT.parent / "shared" / "datasets" / "prompt-injections" / "train.jsonl"
EXTRA = ROOT / "tests" / "guard" / "injections_extra.jsonl"
# Inverse regularisation: 8, 16 and 32 cross-validated within 0.005 of each other; 16 is the
# middle. The threshold 0.5 beat 0.4 (more false alarms than catches) on the same folds.
C = 16.0
THRESHOLD = 0.5


def load(path: Path) -> tuple[list[str], np.ndarray]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])


def scores(pred: np.ndarray, y: np.ndarray) -> dict[str, float]:
    tp = int(((pred == 1) & (y == 1)).sum())
    return {"accuracy": float((pred == y).mean()), "precision": tp / max(1, int(pred.sum())),
            "recall": tp / max(1, int(y.sum()))}


def fit(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=5000).fit(x, y)


def cross_validated(x: np.ndarray, y: np.ndarray, ruled: np.ndarray, repeats: int) -> dict:
    runs = []
    for seed in range(repeats):
        p = np.zeros(len(y))
        for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(x, y):
            p[test] = fit(x[train], y[train]).predict_proba(x[test])[:, 1]
        runs.append(scores(((p >= THRESHOLD) | ruled).astype(int), y))
        runs[-1]["classifier_only_accuracy"] = scores((p >= THRESHOLD).astype(int), y)["accuracy"]
    return {k: (float(np.mean([r[k] for r in runs])), min(r[k] for r in runs),
                max(r[k] for r in runs)) for k in runs[0]}


def cost_ms(detector: InjectionDetector, texts: list[str]) -> tuple[float, float]:
    """p50/p95 of one check with its embedding already known (retrieval's, at run time)."""
    vectors = detector.embed(texts)
    lookup = dict(zip(texts, vectors, strict=True))
    detector.embed = lambda batch: np.stack([lookup[t] for t in batch])
    times = []
    for text in texts:
        start = time.perf_counter()
        detector.check(text)
        times.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write", action="store_true", help=f"store the model in {MODEL}")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    embedder = load_embedder(Settings())
    texts, y = load(TRAIN)
    x = features(texts, embedder.embed(texts))
    ruled = np.array([fired(prepared(t), DIRECT) is not None for t in texts])
    report = {"train": len(y), "injections": int(y.sum()),
              "cross_validated": cross_validated(x, y, ruled, args.repeats)}
    model = fit(x, y)
    if args.write:
        np.savez_compressed(MODEL, coef=model.coef_[0].astype(np.float32),
                            bias=np.float32(model.intercept_[0]), threshold=np.float32(THRESHOLD))
    detector = InjectionDetector(embedder.embed, model=MODEL)
    extra_texts, extra_y = load(EXTRA)
    verdicts = detector.check_many(extra_texts)
    report["extra"] = scores(np.array([v.flagged for v in verdicts]).astype(int), extra_y)
    report["extra_missed"] = [t for t, v, lab in zip(extra_texts, verdicts, extra_y, strict=True)
                              if v.flagged != bool(lab)]
    report["check_ms_p50_p95"] = cost_ms(detector, texts)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
