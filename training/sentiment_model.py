"""Train the sentiment model (pipeline/sentiment/model.py) and measure it.

    .venv/bin/python -m training.sentiment_model            # fit, measure, write the artefact
    .venv/bin/python -m training.sentiment_model --check    # measure only

Training data (training/data/MANIFEST.md): the licensed corpora in ../shared/corpora (pl, ru,
en; none exist for Ukrainian), the team-written review sets that were already looked at
(benchmarks/sentiment_sets/team_v1 .. team_v27) and the reviews written for training
(training/data/reviews/w*_*.jsonl). Sources are weighted by how much they look like reviews.
Never trained on: ../shared/evaldata/dev (the dev set), the blind team sets (BLIND_SETS), and a
fifth of the corpora's real-text sources (HOLDOUT_SOURCES, chosen by a hash of the row id): the
held-out real texts on which the blend of engine and model is chosen (ENGINE_WEIGHTS).
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.linear_model import LinearModel  # noqa: E402
from pipeline.sentiment import model as sentiment_model  # noqa: E402
from pipeline.sentiment import score_text  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
DEV = ROOT.parent / "shared" / "evaldata" / "dev"
TEAM_SETS = ROOT / "benchmarks" / "sentiment_sets"
REVIEWS = ROOT / "training" / "data" / "reviews"
MODEL_STEM = ROOT / "pipeline" / "sentiment" / "models" / sentiment_model.MODEL_NAME
LANGS = ("en", "pl", "ru", "uk")
BLIND_SETS = ("team_v28", "team_v29")
# real texts that are held out of training: a fifth of each, by a hash of the row id
HOLDOUT_SOURCES = (
    "allegro_reviews",
    "vader_amazon_snippets",
    "uci_imdb",
    "cedr",
    "opensentimentcorpus",
)
HOLDOUT_SHARE = 5
# the candidate shares of the rule engine in a text's polarity (the rest is the model's)
ENGINE_WEIGHTS = (0.0, 0.25, 0.4, 0.5, 0.6, 0.75, 1.0)
NEUTRAL_BANDS = (0.0, 0.2, 0.4)
SEED = 20261207
C = 1.0
# how far each source is trusted as a picture of review sentiment
SOURCE_WEIGHT = {
    "allegro_reviews": 1.0,
    "uci_imdb": 0.6,
    "vader_amazon_snippets": 1.0,
    "vader_movie_snippets": 0.5,
    "vader_tweets": 0.4,
    "xed_en": 0.2,
    "xed_pl_projected": 0.2,
    "xed_ru_projected": 0.2,
    "cedr": 0.4,
    "opensentimentcorpus": 0.4,
    "team": 3.0,
    "team_train": 3.0,
}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def attributions(sources: set[str], path: Path = CORPORA / "SOURCES.md") -> list[str]:
    """ "<source>: <licence>. <attribution>" of each corpus source used, from SOURCES.md."""
    out, name, licence = [], None, ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            name = line[4:].split(" ", 1)[0]
        elif line.startswith("- Licence:") and name in sources:
            licence = line.split("**")[1] if "**" in line else line[10:].strip()
        elif line.startswith("- Attribution:") and name in sources:
            out.append(f"{name}: {licence}. {line[len('- Attribution:') :].strip()}")
    return out


def held_out(row: dict) -> bool:
    return row["source"] in HOLDOUT_SOURCES and zlib.crc32(row["id"].encode()) % HOLDOUT_SHARE == 0


def corpus_rows() -> list[dict]:
    rows: list[dict] = []
    for lang in LANGS:
        path = CORPORA / f"{lang}.jsonl"
        if path.exists():
            rows.extend(r for r in _jsonl(path) if r.get("label") in sentiment_model.CLASSES)
    return rows


def training_rows() -> list[dict]:
    rows: list[dict] = [
        {**row, "weight": SOURCE_WEIGHT.get(row["source"], 0.3)}
        for row in corpus_rows()
        if not held_out(row)
    ]
    for folder in sorted(TEAM_SETS.glob("team_v*")):
        if folder.name in BLIND_SETS:
            continue
        for path in folder.glob("*.jsonl"):
            for row in _jsonl(path):
                rows.append({**row, "source": "team", "weight": SOURCE_WEIGHT["team"]})
    for path in sorted(REVIEWS.glob("w*_*.jsonl")):
        for row in _jsonl(path):
            rows.append({**row, "source": "team_train", "weight": SOURCE_WEIGHT["team_train"]})
    return [r for r in rows if r.get("label") in sentiment_model.CLASSES and r.get("text")]


def engine_scores(rows: list[dict]) -> list:
    scores = []
    for row in rows:
        try:
            scores.append(score_text(row["text"], row["lang"]))
        except Exception:  # noqa: BLE001 - one odd corpus line must not stop training
            scores.append(None)
    return scores


def fit(rows: list[dict], scores: list, c: float = C) -> sentiment_model.SentimentModel:
    from sklearn.linear_model import LogisticRegression

    labels = [r["label"] for r in rows]
    # each language's classes balanced, times the source's weight
    counts = Counter((r["lang"], r["label"]) for r in rows)
    per_lang = Counter(r["lang"] for r in rows)
    weight = np.array(
        [r["weight"] * per_lang[r["lang"]] / (3 * counts[(r["lang"], r["label"])]) for r in rows]
    )
    matrix = sentiment_model.vectorize([r["text"] for r in rows], [r["lang"] for r in rows], scores)
    model = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    model.fit(matrix, labels, sample_weight=weight)
    weights = csr_matrix(model.coef_.T)
    weights.data[np.abs(weights.data) < 1e-4] = 0.0
    weights.eliminate_zeros()
    classes = tuple(str(k) for k in model.classes_)
    return sentiment_model.SentimentModel(
        LinearModel(classes, weights, model.intercept_.copy(), {})
    )


def neg_figures(gold: list[str], predicted: list[str]) -> dict[str, float]:
    tp = sum(g == "neg" and p == "neg" for g, p in zip(gold, predicted, strict=True))
    fp = sum(g != "neg" and p == "neg" for g, p in zip(gold, predicted, strict=True))
    fn = sum(g == "neg" and p != "neg" for g, p in zip(gold, predicted, strict=True))
    tn = len(gold) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    specificity = tn / (tn + fp) if tn + fp else 0.0
    return {
        "neg_f1": round(f1, 3),
        "balanced_accuracy": round((recall + specificity) / 2, 3),
        "n": len(gold),
    }


def blended_labels(
    scores: list, probabilities: list[dict[str, float]], engine_weight: float, band: float
) -> list[str]:
    """The label `analyze` gives a text (no rating) at this share of the engine and band."""
    from pipeline.sentiment import label_of, settled

    engine = [s.polarity if s is not None else 0.0 for s in scores]
    return [
        label_of(settled(sentiment_model.blend(e, p, engine_weight, band)))
        for e, p in zip(engine, probabilities, strict=True)
    ]


def _variant(weight: float, band: float) -> str:
    return f"engine {weight} band {band}"


def measure(model: sentiment_model.SentimentModel, rows: list[dict]) -> dict[str, dict]:
    """Per language and variant (share of the engine: 1.0 the engine alone, 0.0 the model
    alone; neutral band): negative F1 and balanced accuracy of neg vs the rest."""
    scores = engine_scores(rows)
    probabilities = model.predict([r["text"] for r in rows], [r["lang"] for r in rows], scores)
    out: dict[str, dict] = {}
    for lang in LANGS:
        idx = [i for i, r in enumerate(rows) if r["lang"] == lang]
        if not idx:
            continue
        gold = [rows[i]["label"] for i in idx]
        out[lang] = {
            _variant(weight, band): neg_figures(
                gold,
                blended_labels(
                    [scores[i] for i in idx], [probabilities[i] for i in idx], weight, band
                ),
            )
            for weight in ENGINE_WEIGHTS
            for band in NEUTRAL_BANDS
        }
    return out


def choose_blend(holdout: dict[str, dict]) -> dict[str, list[float]]:
    """Per language with held-out real texts, the (share of the engine, neutral band) with the
    best mean of its negative F1 and balanced accuracy there; "shared": the best mean over
    those languages together, for a language without held-out texts (Ukrainian)."""
    pairs = [(w, b) for w in ENGINE_WEIGHTS for b in NEUTRAL_BANDS]

    def merit(langs: list[str], pair: tuple[float, float]) -> float:
        cells = [holdout[lang][_variant(*pair)] for lang in langs]
        return sum(c["neg_f1"] + c["balanced_accuracy"] for c in cells) / (2 * len(cells))

    def best(langs: list[str]) -> list[float]:
        return list(max(pairs, key=lambda pair: (round(merit(langs, pair), 4), pair)))

    return {"shared": best(list(holdout)), **{lang: best([lang]) for lang in holdout}}


def eval_sets(blind: bool = True) -> dict[str, list[dict]]:
    sets = {
        "holdout": [r for r in corpus_rows() if held_out(r)],
        "dev": [r for lang in LANGS for r in _jsonl(DEV / f"{lang}.jsonl")],
    }
    for name in BLIND_SETS if blind else ():
        sets[name] = [r for p in sorted((TEAM_SETS / name).glob("*.jsonl")) for r in _jsonl(p)]
    return sets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="measure, do not write")
    parser.add_argument("--c", type=float, default=C)
    parser.add_argument("--out", default=str(MODEL_STEM), help="artefact path without suffix")
    parser.add_argument(
        "--without-blind", action="store_true", help="do not measure on the blind sets"
    )
    args = parser.parse_args(argv)
    rows = training_rows()
    print(f"training rows: {len(rows)}", dict(Counter((r["lang"], r["label"]) for r in rows)))
    model = fit(rows, engine_scores(rows), args.c)
    figures = {
        name: measure(model, data) for name, data in eval_sets(not args.without_blind).items()
    }
    for name, table in figures.items():
        for lang, by_weight in table.items():
            for variant, f in by_weight.items():
                print(
                    f"  {name:9} {lang}  {variant}: {f['neg_f1']:.3f}/{f['balanced_accuracy']:.3f}"
                )
    blend = choose_blend(figures["holdout"])
    print(f"chosen on the held-out real texts (engine weight, band): {blend}")
    if args.check:
        return 0
    card = {
        "trained_on": {
            "rows": len(rows),
            "by_language_and_label": {
                f"{k[0]}/{k[1]}": v
                for k, v in Counter((r["lang"], r["label"]) for r in rows).items()
            },
            "sources": sorted({r["source"] for r in rows}),
            "never_trained_on": [
                "../shared/evaldata/dev",
                *BLIND_SETS,
                f"1/{HOLDOUT_SHARE} of {', '.join(HOLDOUT_SOURCES)} (crc32 of the id)",
            ],
        },
        "attribution": attributions({r["source"] for r in rows}),
        "licence": "trained on the corpora above (their licences and attributions ship with"
        " the model; allegro_reviews and opensentimentcorpus are ShareAlike) and on reviews"
        " written by the repute team",
        "blend": blend,
        "figures_by_variant": figures,
        "seed": SEED,
        "c": args.c,
    }
    linear = model.linear
    model = sentiment_model.SentimentModel(
        LinearModel(linear.classes, linear.weights, linear.intercept, card)
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    sentiment_model.save(args.out, model)
    print(f"wrote {args.out}.npz / .json: {linear.weights.nnz} weights")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
