"""Train the reply-conduct model (pipeline/closure/conduct.py) from the team-written corpus.

    .venv/bin/python -m training.closure_conduct            # validate, fit, write the artefact
    .venv/bin/python -m training.closure_conduct --check    # cross-writer figures only

Data (training/data/MANIFEST.md): training/data/closure_replies*/w*_<lang>.jsonl, written from
the briefs beside them by independent writers, plus the good replies of
tests/data/closure_replies.jsonl's tuned-on splits. Sentences quoted as a bad reply's evidence
carry its kind; the other sentences of a bad reply count as `none` at a low weight; every
sentence of a good reply is `none`.

The model is fitted on everything with a fixed seed. Its two thresholds (when a reply is
misconduct; when a phrase-list or structural rule hit counts) are then chosen on whole closures
it never trained on, graded by the full grader: the tuning batches
benchmarks/closure_sets/v*_tuning_<lang>.jsonl. The choice maximises the worst language's
badly-closed F1 with false alarms on good closures at most TARGET_FALSE_ALARMS in every
language. Figures on the card are cross-writer too: the writers are split in two halves (each
holds writers of every language); a model fitted on one half judges the other half's replies.
The artefact is written to pipeline/closure/models/.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.closure import conduct  # noqa: E402
from pipeline.closure.grade import _normalize, rule_cues, rule_families  # noqa: E402
from pipeline.linear_model import LinearModel  # noqa: E402

CORPORA = tuple(
    ROOT / "training" / "data" / name
    for name in (
        "closure_replies",
        "closure_replies_batch2",
        "closure_replies_batch3",
        "closure_replies_batch4",
    )
)
TUNING = ROOT / "benchmarks" / "closure_sets"
TUNED_REPLIES = ROOT / "tests" / "data" / "closure_replies.jsonl"
TUNED_SPLITS = ("dev", "holdout1", "holdout2", "holdout3")
MODEL_STEM = ROOT / "pipeline" / "closure" / "models" / conduct.MODEL_NAME
LANGS = ("en", "pl", "ru", "uk")
HALF_A = ("w1", "w3", "w5", "w7", "w15", "w17", "w19", "w21", "w31", "w33")
HALF_B = ("w2", "w4", "w6", "w8", "w16", "w18", "w20", "w22", "w32")
SEED = 20261207
C = 4.0
CONTEXT_WEIGHT = 0.05  # a bad reply's sentences that are not its evidence
TARGET_FALSE_ALARMS = 0.05
F1_TOLERANCE = 0.01
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97)
# a phrase-list or structural rule hit counts when the model gives misconduct this chance:
# fixed, not chosen on the tuning closures, which preferred 0.35 by one closure while the
# seed cases' blatant short lines the model underrates ("Gratulujemy spostrzegawczości,
# znalazł Pan rysę.": 0.23) then passed (tests/pipeline/test_closure.py)
CORROBORATIONS = (0.2,)
# a structural rule family makes a closure bad without the model when, on the corpus (which
# the rules were never tuned on), it is this precise with this much support; the phrase
# lists never are: on whole closures nobody tuned them on, their single words misfired
# (one bar: with none, or a higher one, blatant lines the model alone scores low, such as
# "stop calling us every hour", would pass: the seed cases in tests/pipeline/test_closure.py)
TRUSTED_PRECISIONS = (0.8,)
TRUSTED_SUPPORT = 5
REQUIRED = ("id", "lang", "writer", "reply_text", "conduct", "evidence")


@dataclass
class Reply:
    id: str
    lang: str
    writer: str
    conduct: str
    units: conduct.Units
    labels: list[str]  # one a unit: each sentence, then the whole reply
    weights: list[float]
    families: frozenset[str] = frozenset()  # the rule families that fire on the reply


def _key(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    return "".join(ch for ch in text if ch.isalnum())


def _label_sentences(
    texts: list[str], conduct_kind: str, evidence: list[str], lang: str
) -> tuple[list[str], list[float]]:
    if conduct_kind == "none":
        return ["none"] * len(texts), [1.0] * len(texts)
    # the sentences' texts have English contractions expanded: so must the quotes
    quoted = [_key(_normalize(e, lang)) for e in evidence if _key(e)]
    labels, weights = [], []
    for text in texts:
        key = _key(text)
        hit = bool(key) and any(q in key or (key in q and len(key) >= 8) for q in quoted)
        labels.append(conduct_kind if hit else "none")
        weights.append(1.0 if hit else CONTEXT_WEIGHT)
    return labels, weights


def corpus_files(folders: tuple[Path, ...] = CORPORA) -> list[Path]:
    return [path for folder in folders for path in sorted(folder.glob("w*_*.jsonl"))]


def read_corpus(folders: tuple[Path, ...] = CORPORA) -> tuple[list[dict], Counter]:
    rows, problems = [], Counter()
    seen: set[str] = set()
    for path in corpus_files(folders):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                problems[f"{path.name}: not JSON"] += 1
                continue
            if any(k not in row for k in REQUIRED) or row["conduct"] not in conduct.KINDS:
                problems[f"{path.name}: missing field or unknown kind"] += 1
                continue
            if row["id"] in seen or row["lang"] not in LANGS:
                problems[f"{path.name}: duplicate id or unknown language"] += 1
                continue
            if row["conduct"] != "none" and not row["evidence"]:
                problems[f"{path.name}: bad reply without evidence"] += 1
                continue
            seen.add(row["id"])
            row["_source"] = f"{path.name}:{n}"
            rows.append(row)
    return rows, problems


def read_tuned_good_replies(path: Path = TUNED_REPLIES) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("split") in TUNED_SPLITS and not row["expected_conduct"]:
            for i, text in enumerate([*row.get("earlier_replies", []), row["reply_text"]]):
                if text and text.strip():
                    rows.append(
                        {
                            "id": f"{row['id']}#{i}",
                            "lang": row["lang"],
                            "writer": "tests",
                            "reply_text": text,
                            "conduct": "none",
                            "evidence": [],
                        }
                    )
    return rows


def featurize(row: dict) -> Reply:
    cues, sentences, courteous = rule_cues(row["reply_text"], row["lang"])
    families = frozenset(f for found in rule_families(cues).values() for _, f in found)
    units = conduct.reply_units(sentences, row["lang"], courteous)
    labels, weights = _label_sentences(
        units.texts[: units.sentences], row["conduct"], row["evidence"], row["lang"]
    )
    if units.texts:  # the whole reply carries the reply's label
        labels.append(row["conduct"])
        weights.append(1.0)
    return Reply(
        row["id"], row["lang"], row["writer"], row["conduct"], units, labels, weights, families
    )


def fit(replies: list[Reply], c: float = C) -> tuple[tuple[str, ...], csr_matrix, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    replies = [r for r in replies if r.units.texts]
    labels = [label for r in replies for label in r.labels]
    weights = np.array([w for r in replies for w in r.weights])
    classes_present = sorted(set(labels))
    counts = Counter(labels)
    # balanced classes, times the sentence's own weight
    balance = {k: len(labels) / (len(classes_present) * v) for k, v in counts.items()}
    sample_weight = weights * np.array([balance[label] for label in labels])
    model = LogisticRegression(C=c, max_iter=3000, random_state=SEED)
    model.fit(conduct.vectorize([r.units for r in replies]), labels, sample_weight=sample_weight)
    classes = tuple(str(c) for c in model.classes_)
    weights_matrix = csr_matrix(model.coef_.T)
    weights_matrix.data[np.abs(weights_matrix.data) < 1e-4] = 0.0
    weights_matrix.eliminate_zeros()
    return classes, weights_matrix, model.intercept_.copy()


def reply_scores(model: conduct.ConductModel, replies: list[Reply]) -> list[float]:
    """Each reply's highest unit probability of misconduct."""
    return [v.bad_probability for v in model.judge([r.units for r in replies])]


def figures(
    replies: list[Reply], scores: list[float], threshold: float | dict[str, float]
) -> dict[str, dict]:
    """Per language and overall: P / R / F1 and false alarms at the threshold (one for all
    languages, or each language's own)."""
    out: dict[str, dict] = {}
    for lang in (*LANGS, "all"):
        tp = fp = fn = tn = 0
        for reply, score in zip(replies, scores, strict=True):
            if lang != "all" and reply.lang != lang:
                continue
            limit = threshold if isinstance(threshold, float) else threshold[reply.lang]
            bad, flagged = reply.conduct != "none", score >= limit
            tp += bad and flagged
            fp += (not bad) and flagged
            fn += bad and not flagged
            tn += (not bad) and not flagged
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[lang] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "false_alarms": round(fp / (fp + tn), 3) if fp + tn else 0.0,
            "n": tp + fp + fn + tn,
        }
    return out


def cross_writer(replies: list[Reply], c: float = C) -> tuple[list[Reply], list[float]]:
    """Each half of the writers judged by a model fitted without it; replies of no half (the
    sign-off formulas) always train."""
    judged, scores = [], []
    for half in (HALF_A, HALF_B):
        test = [r for r in replies if r.writer in half]
        train = [r for r in replies if r.writer not in half]
        classes, weights, intercept = fit(train, c)
        model = conduct.ConductModel(LinearModel(classes, weights, intercept, {}), 0.5)
        judged.extend(test)
        scores.extend(reply_scores(model, test))
    return judged, scores


def rule_family_stats(replies: list[Reply]) -> dict[str, dict[str, float]]:
    """How often each rule family fires on good and on bad replies of the corpus (which the
    rules were never tuned on), and its precision."""
    good, bad = Counter(), Counter()
    for reply in replies:
        (good if reply.conduct == "none" else bad).update(reply.families)
    return {
        family: {
            "good": good[family],
            "bad": bad[family],
            "precision": round(bad[family] / (good[family] + bad[family]), 3),
        }
        for family in sorted(set(good) | set(bad))
    }


def trusted_families(families: dict[str, dict[str, float]], precision: float) -> frozenset[str]:
    return frozenset(
        family
        for family, s in families.items()
        if not family.endswith(":list")
        and s["precision"] >= precision
        and s["bad"] >= TRUSTED_SUPPORT
    )


def tuning_closures(folder: Path = TUNING) -> dict[str, list[dict]]:
    from benchmarks.closure_eval import load_blind

    return load_blind(folder, kind="tuning")


def _memoized_grading() -> None:
    """Each reply's rule cues, model units and features computed once while the grid below
    grades the same closures at every threshold (only the model's verdict and the rules'
    corroboration depend on those)."""
    from scipy.sparse import vstack

    from pipeline.closure import grade

    plain_vectorize, vectors = conduct.vectorize, {}
    plain_rule_cues, cues_memo = grade.rule_cues, {}
    plain_units, units_memo = conduct.reply_units, {}

    def vectorize(replies: list[conduct.Units]) -> csr_matrix:
        blocks = []
        for units in replies:
            key = tuple(units.texts)
            if key not in vectors:
                vectors[key] = plain_vectorize([units])
            blocks.append(vectors[key])
        return vstack(blocks, format="csr")

    def rule_cues(text: str, lang: str) -> tuple[grade.TextCues, list, bool]:
        if (text, lang) not in cues_memo:
            cues_memo[(text, lang)] = plain_rule_cues(text, lang)
        cues, sentences, courteous = cues_memo[(text, lang)]
        # the grader edits the hits it is given: each call gets its own copy
        fresh = replace(
            cues,
            hits={cue: list(found) for cue, found in cues.hits.items()},
            generic={problem: list(found) for problem, found in cues.generic.items()},
        )
        return fresh, sentences, courteous

    def reply_units(sentences: list, lang: str, courteous: bool) -> conduct.Units:
        key = (tuple(s.text for s in sentences), lang, courteous)
        if key not in units_memo:
            units_memo[key] = plain_units(sentences, lang, courteous)
        return units_memo[key]

    conduct.vectorize = vectorize
    grade.rule_cues = rule_cues
    conduct.reply_units = reply_units


def _language_threshold(figures_at: dict[float, dict[str, float]]) -> float:
    """One language's threshold: among those with false alarms within the target (else the
    fewest false alarms), the highest whose F1 is within F1_TOLERANCE of the best. A lower
    threshold must win clearly: on 240 closures a language, one closure moves F1 by ~0.005."""
    within = [t for t, f in figures_at.items() if f["false_alarms"] <= TARGET_FALSE_ALARMS]
    if not within:
        fewest = min(f["false_alarms"] for f in figures_at.values())
        within = [t for t, f in figures_at.items() if f["false_alarms"] == fewest]
    best = max(figures_at[t]["f1"] for t in within)
    return max(t for t in within if figures_at[t]["f1"] >= best - F1_TOLERANCE)


def choose_thresholds(
    linear: LinearModel, closures: list[dict], families: dict[str, dict[str, float]]
) -> tuple[conduct.ConductModel, dict]:
    """The model with each language's threshold, and the corroboration and trusted rule
    families shared by all, whose worst language's badly-closed F1 is highest while false
    alarms stay within the target in every language (the fewest false alarms if none does).
    A language's threshold only changes its own closures' verdicts, so each language takes the
    threshold best for it. On a tie, the rules count for more: the lower corroboration, more
    trusted families."""
    from benchmarks.closure_eval import blind_figures, grade_row

    _memoized_grading()
    best: tuple[tuple, conduct.ConductModel, dict] | None = None
    for precision in TRUSTED_PRECISIONS:
        trusted = trusted_families(families, precision)
        for corroboration in CORROBORATIONS:
            tables = {}
            for threshold in THRESHOLDS:
                model = conduct.ConductModel(linear, threshold, corroboration, trusted)
                tables[threshold] = blind_figures(
                    closures, [grade_row(row, model).badly_closed for row in closures]
                )
            thresholds = {
                lang: _language_threshold({t: table[lang] for t, table in tables.items()})
                for lang in LANGS
            }
            model = conduct.ConductModel(
                linear, max(thresholds.values()), corroboration, trusted, thresholds
            )
            table = blind_figures(
                closures, [grade_row(row, model).badly_closed for row in closures]
            )
            worst_fa = max(table[lang]["false_alarms"] for lang in LANGS)
            worst_f1 = min(table[lang]["f1"] for lang in LANGS)
            mean_f1 = sum(table[lang]["f1"] for lang in LANGS) / len(LANGS)
            within = worst_fa <= TARGET_FALSE_ALARMS
            fa_key = 0.0 if within else -worst_fa
            key = (within, fa_key, worst_f1, mean_f1, -corroboration, -precision)
            print(
                f"  trusted at {precision} corroboration {corroboration} thresholds {thresholds}:"
                f" worst F1 {worst_f1} worst false alarms {worst_fa}"
            )
            if best is None or key > best[0]:
                best = (key, model, table)
    assert best is not None
    return best[1], best[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="cross-writer figures only")
    parser.add_argument("--c", type=float, default=C)
    parser.add_argument("--out", default=str(MODEL_STEM), help="artefact path without suffix")
    args = parser.parse_args(argv)

    rows, problems = read_corpus()
    for problem, n in problems.items():
        print(f"skipped {n}: {problem}")
    print(
        f"corpus: {len(rows)} replies",
        dict(Counter((r["lang"], r["conduct"] != "none") for r in rows)),
    )
    corpus = [featurize(r) for r in rows]
    tuned = [featurize(r) for r in read_tuned_good_replies()]

    judged, scores = cross_writer(corpus, args.c)
    for candidate in THRESHOLDS:
        f = figures(judged, scores, candidate)["all"]
        print(f"  cross-writer at {candidate}: P {f['precision']} R {f['recall']}", end=" ")
        print(f"F1 {f['f1']} FA {f['false_alarms']}")
    if args.check:
        return 0
    classes, weights, intercept = fit(corpus + tuned, args.c)
    linear = LinearModel(classes, weights, intercept, {})
    batches = tuning_closures()
    closures = [row for rows in batches.values() for row in rows]
    print(f"choosing the thresholds on {len(closures)} tuning closures:")
    written = [r for r in corpus if r.writer != "w0"]
    families = rule_family_stats(written)
    chosen, tuning = choose_thresholds(linear, closures, families)
    print(
        f"chosen: thresholds {chosen.language_thresholds}, corroboration {chosen.corroboration},"
        f" trusted {sorted(chosen.trusted_rule_families)}"
    )
    card = {
        "trained_on": {
            "corpus": [str(p.relative_to(ROOT)) for p in corpus_files()],
            "replies": len(corpus),
            "tuned_good_replies": len(tuned),
            "units": sum(len(r.units.texts) for r in corpus + tuned),
        },
        "thresholds_chosen_on": list(batches),
        "tuning_figures": tuning,
        "cross_writer_figures": figures(judged, scores, chosen.language_thresholds),
        "rule_families": families,
        "seed": SEED,
        "c": args.c,
        "licence": "written by the repute team for this model; no third-party data",
    }
    model = replace(chosen, linear=LinearModel(classes, weights, intercept, card))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    conduct.save(args.out, model)
    print(f"wrote {args.out}.npz / .json: {weights.nnz} weights, classes {classes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
