"""Train the injection classifiers (guard/injection.npz) on the shared train split, and report.

    .venv/bin/python benchmarks/train_injection.py [--write] [--repeats 5]

Two logistic regressions, as guard/injection.py combines them: the first over
guard/features.py (hashed character n-grams + the MiniLM embedding), the second over the
multilingual encoder (guard/multilingual.py), asked where the first is unsure; the rules of
guard/rules.py in front as at run time. Reported, all on data the reported model did not see:
5-fold cross-validation repeated with `--repeats` shuffles (mean and range of accuracy,
precision, recall), the extra set tests/guard/injections_extra.jsonl (written by hand, never
trained or tuned on) and tests/guard/injections_heldout.jsonl (written after the models were
chosen), and the share of real benign questions (rhdh dev + sample eval) flagged
per threshold. `--write` stores the models fitted on the whole split. The deepset test split
is kept aside by the project: it is never read here.
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

from evaluation.dataset import load_eval_set
from guard.features import features
from guard.injection import MODEL, InjectionDetector, combined, probabilities, unsure
from guard.multilingual import multilingual_encoder
from guard.rules import DIRECT, fired, prepared
from lore.settings import Settings
from lore.stores import load_embedder

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT.parent / "shared" / "datasets" / "prompt-injections" / "train.jsonl"
EXTRA = ROOT / "tests" / "guard" / "injections_extra.jsonl"
# Written in the train split's style after the models were chosen: 40 attacks, 40 questions.
HELDOUT = ROOT / "tests" / "guard" / "injections_heldout.jsonl"
BENIGN = (ROOT.parent / "shared" / "datasets" / "rhdh" / "qa-dev.jsonl",
          ROOT / "data" / "eval.jsonl")
# Inverse regularisation: 4, 16 and 64 cross-validated within 0.005 of each other for either
# model; 16 is the middle.
C = 16.0
# 0.5 and 0.6 cross-validate alike (0.962, 0.961), but 0.6 flags 11.5% of the real benign
# questions against 19.2% (technical questions score higher than the train split's); 0.7
# loses recall (0.950).
THRESHOLD = 0.6
THRESHOLDS = (0.5, 0.6, 0.7, 0.8)


def load(path: Path) -> tuple[list[str], np.ndarray]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])


def scores(pred: np.ndarray, y: np.ndarray) -> dict[str, float]:
    tp = int(((pred == 1) & (y == 1)).sum())
    return {"accuracy": float((pred == y).mean()), "precision": tp / max(1, int(pred.sum())),
            "recall": tp / max(1, int(y.sum()))}


def fit(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=5000).fit(x, y)


def cross_validated(x: np.ndarray, x2: np.ndarray, y: np.ndarray, ruled: np.ndarray,
                    repeats: int) -> dict:
    runs: list[dict] = []
    by_threshold: dict[float, list[dict]] = {t: [] for t in THRESHOLDS}
    for seed in range(repeats):
        p, p2 = np.zeros(len(y)), np.zeros(len(y))
        for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(x, y):
            p[test] = fit(x[train], y[train]).predict_proba(x[test])[:, 1]
            p2[test] = fit(x2[train], y[train]).predict_proba(x2[test])[:, 1]
        for t in THRESHOLDS:
            flagged = (combined(p, p2, unsure(p, t)) >= t) | ruled
            by_threshold[t].append(scores(flagged.astype(int), y))
        both = combined(p, p2, unsure(p, THRESHOLD))
        runs.append(scores(((both >= THRESHOLD) | ruled).astype(int), y))
        runs[-1]["first_classifier_only"] = scores(((p >= THRESHOLD) | ruled).astype(int), y)[
            "accuracy"]
        runs[-1]["classifiers_without_rules"] = scores((both >= THRESHOLD).astype(int), y)[
            "accuracy"]
    out: dict = {k: (float(np.mean([r[k] for r in runs])), min(r[k] for r in runs),
               max(r[k] for r in runs)) for k in runs[0]}
    out["by_threshold"] = {str(t): {k: float(np.mean([r[k] for r in rs])) for k in rs[0]}
                           for t, rs in by_threshold.items()}
    return out


def benign_flagged(detector: InjectionDetector) -> dict:
    """Per threshold: the share of real questions flagged, and of those asked twice."""
    questions = [item.question for path in BENIGN for item in load_eval_set(path)]
    first = probabilities(questions, detector.embed(questions), detector.weights)
    ruled = np.array([fired(prepared(q), DIRECT) is not None for q in questions])
    out: dict = {"questions": len(questions)}
    for threshold in THRESHOLDS:
        flagged = InjectionDetector(detector.embed, detector.second, threshold).check_many(
            questions)
        out[str(threshold)] = {"flagged": float(np.mean([v.flagged for v in flagged])),
                               "asked_twice": float((unsure(first, threshold) & ~ruled).mean())}
    return out


def cost_ms(detector: InjectionDetector, texts: list[str]) -> tuple[float, float]:
    """p50/p95 of one check with its query embedding already known (retrieval's, at run
    time); the multilingual encoder runs as it would, for the unsure texts."""
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
    ap.add_argument("--write", action="store_true", help=f"store the models in {MODEL}")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    embedder, second = load_embedder(Settings()), multilingual_encoder()
    texts, y = load(TRAIN)
    x, x2 = features(texts, embedder.embed(texts)), second(texts)
    ruled = np.array([fired(prepared(t), DIRECT) is not None for t in texts])
    report = {"train": len(y), "injections": int(y.sum()),
              "cross_validated": cross_validated(x, x2, y, ruled, args.repeats)}
    first, other = fit(x, y), fit(x2, y)
    if args.write:
        np.savez_compressed(MODEL, coef=first.coef_[0].astype(np.float32),
                            bias=np.float32(first.intercept_[0]),
                            second_coef=other.coef_[0].astype(np.float32),
                            second_bias=np.float32(other.intercept_[0]),
                            threshold=np.float32(THRESHOLD))
    detector = InjectionDetector(embedder.embed, second, model=MODEL)
    for name, path in (("extra", EXTRA), ("heldout", HELDOUT)):
        written, labels = load(path)
        verdicts = detector.check_many(written)
        report[name] = scores(np.array([v.flagged for v in verdicts]).astype(int), labels)
        report[f"{name}_missed"] = [t for t, v, lab in zip(written, verdicts, labels, strict=True)
                                    if v.flagged != bool(lab)]
    report["benign_flagged"] = benign_flagged(detector)
    report["check_ms_p50_p95"] = cost_ms(detector, texts)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
