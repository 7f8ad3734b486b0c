"""Drop each family of the sentiment language data in turn and measure the blended scorer.

    python benchmarks/sentiment_ablation.py [--rules] [--no-write]

The families are those of `pipeline/sentiment/data/<lang>.toml`: each `[phrases.<family>]`
table, the `[settling]` phrases and each `[words]` list, dropped in every language at once;
with `--rules`, also each `[rules]` key (set back to its default, an empty list for most). The
scorer is the shipped one (`analyze_many`, rules + trained model blended, language detected,
no rating); the trained model is not retrained, so a dropped family moves it only through the
engine signals it reads. Figures: negative F1 and balanced accuracy (neg vs rest) per language,
on the dev sets (`../shared/evaldata/dev/`) and on `benchmarks/sentiment_sets/team_v29/`, with
the change against the full data. Writes benchmarks/results/sentiment_ablation.md.

team_v29 was the blind set of the trained model; this ablation reads its totals per family, so
it is no longer blind for decisions about the rules (benchmarks/sentiment_sets/README.md). The
ablation reports only: it deletes nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.sentiment_eval import DEFAULT_DIR, TEAM_SETS, Metrics, Row, load_rows, metrics  # noqa: E402
from pipeline.sentiment import analyze_many, analyzers, langdata, languages  # noqa: E402
from pipeline.sentiment.rules import RULES, LanguageRules  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "sentiment_ablation.md"
LANGS = langdata.LANGS
SETS = {"dev": DEFAULT_DIR, "team_v29": TEAM_SETS / "team_v29"}


@contextmanager
def dropped(kind: str, name: str) -> Iterator[None]:
    """The scorer with one family of the language data left out (in every language)."""
    originals = {
        "domain_phrases": languages.domain_phrases,
        "phrases": languages.phrases,
        "settling_phrases": languages.settling_phrases,
        "own_words": languages.own_words,
    }
    saved_rules = dict(RULES)
    word_values = langdata.common().word_values

    def without(fn: Callable[[str], dict[str, float]], family: str) -> Callable:
        def patched(lang: str) -> dict[str, float]:
            gone = langdata.load()[lang].families.get(family, {})
            return {k: v for k, v in fn(lang).items() if k not in gone}

        return patched

    try:
        if kind == "phrases":
            languages.domain_phrases = without(originals["domain_phrases"], name)
            languages.phrases = without(originals["phrases"], name)
        elif kind == "settling":
            languages.settling_phrases = lambda lang: {}
        elif kind == "words":
            gone = {lang: set(langdata.load()[lang].word_lists.get(name, ())) for lang in LANGS}
            languages.own_words = lambda lang: {
                w: v
                for w, v in langdata.load()[lang].words(word_values).items()
                if w not in gone[lang]
            }
        elif kind == "rules":
            default = {f.name: f for f in dataclasses.fields(LanguageRules)}[name]
            value = default.default if default.default is not dataclasses.MISSING else frozenset()
            for lang in LANGS:
                RULES[lang] = dataclasses.replace(saved_rules[lang], **{name: value})
        _clear()
        yield
    finally:
        for attr, fn in originals.items():
            setattr(languages, attr, fn)
        RULES.update(saved_rules)
        _clear()


def _clear() -> None:
    languages.language_model.cache_clear()
    analyzers.analyzer_for.cache_clear()


def measure(rows_by_set: dict[str, list[Row]]) -> dict[tuple[str, str], Metrics]:
    out = {}
    for set_name, rows in rows_by_set.items():
        results = analyze_many([r.text for r in rows])
        for lang in LANGS:
            mine = [
                (r.label, res.label) for r, res in zip(rows, results, strict=True) if r.lang == lang
            ]
            out[(set_name, lang)] = metrics([g for g, _ in mine], [p for _, p in mine])
    return out


def families(with_rules: bool) -> list[tuple[str, str]]:
    found = [("phrases", f) for f in langdata.common().families]
    found.append(("settling", "settling"))
    found += [("words", w) for w in langdata.common().word_values]
    if with_rules:
        found += [("rules", f.name) for f in dataclasses.fields(LanguageRules) if f.name != "lang"]
    return found


def sizes(kind: str, name: str) -> str:
    """Entries per language: "pl 154, ru 250, ..."."""
    counts = []
    for lang in LANGS:
        data = langdata.load()[lang]
        if kind == "phrases":
            n = len(data.families.get(name, {}))
        elif kind == "settling":
            n = len(data.settling)
        elif kind == "words":
            n = len(data.word_lists.get(name, ()))
        else:
            value = getattr(RULES[lang], name)
            n = len(value) if isinstance(value, frozenset) else value
        counts.append(str(n))
    return "/".join(counts)


def report(
    full: dict[tuple[str, str], Metrics],
    runs: Sequence[tuple[str, str, dict[tuple[str, str], Metrics]]],
    seconds: float,
) -> str:
    lines = [
        "# Sentiment ablation: each family of the language data dropped in turn",
        "",
        "`python benchmarks/sentiment_ablation.py` (scorer: rules + trained model blended, "
        "language detected, no rating; the model is not retrained). Each cell: negative F1 / "
        "balanced accuracy (neg vs rest) with one family dropped in all four languages, and in "
        "brackets the change against the full data (negative: the family helps). Entries: the "
        "family's size per language (pl/ru/uk/en). **team_v29 is no longer blind for the "
        "rules**: this run read its totals once per family. Nothing was deleted on these "
        f"figures. Run time {seconds:.0f} s.",
        "",
    ]
    for set_name in SETS:
        lines += [
            f"## {set_name}",
            "",
            "| dropped | entries | " + " | ".join(LANGS) + " | mean Δ F1 | mean Δ BA |",
            "|---|---|" + "---|" * len(LANGS) + "---|---|",
        ]
        cells = [
            f"{full[(set_name, lang)].neg_f1:.3f} / {full[(set_name, lang)].balanced_accuracy:.3f}"
            for lang in LANGS
        ]
        lines.append("| (nothing: full data) | | " + " | ".join(cells) + " | | |")
        for kind, name, result in runs:
            cells, d_f1, d_ba = [], [], []
            for lang in LANGS:
                m, base = result[(set_name, lang)], full[(set_name, lang)]
                f1, ba = m.neg_f1 - base.neg_f1, m.balanced_accuracy - base.balanced_accuracy
                d_f1.append(f1)
                d_ba.append(ba)
                cells.append(f"{m.neg_f1:.3f} / {m.balanced_accuracy:.3f} ({f1:+.3f} / {ba:+.3f})")
            lines.append(
                f"| {kind}.{name} | {sizes(kind, name)} | " + " | ".join(cells) + " | "
                f"{sum(d_f1) / len(d_f1):+.3f} | {sum(d_ba) / len(d_ba):+.3f} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", action="store_true", help="also drop each [rules] key")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows_by_set = {name: load_rows(directory) for name, directory in SETS.items()}
    full = measure(rows_by_set)
    runs = []
    for kind, name in families(args.rules):
        with dropped(kind, name):
            runs.append((kind, name, measure(rows_by_set)))
        print(f"{kind}.{name} done", file=sys.stderr)
    text = report(full, runs, time.perf_counter() - started)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
