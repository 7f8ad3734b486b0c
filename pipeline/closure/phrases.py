"""Phrase patterns and word classes of closure quality, loaded from `data/<lang>.toml`.

The language data is data: one TOML file per language (`[cues]`: phrase patterns per cue;
`[classes]`: word classes for the structural conduct rules) and `common.toml` for what every
language shares. `load()` reads and validates them once: a pattern listed twice for one cue,
the same pattern for a good step and for misconduct (a contradiction), a word listed twice in a
class, an unknown cue or class, or a file that is missing one, is rejected with
`PhraseDataError` naming the file and the entry.

A pattern is a space-separated sequence of elements that must occur in that order inside one
sentence, with at most `gap` other words between two elements (`...` widens that one gap).

Element syntax:
  `a|b|c`   one word whose lowercased surface form OR lemma equals one of the alternatives
  `abc*`    a word whose surface form or lemma starts with `abc`
  `=abc`    the surface form only (simplemma lemmatizes Polish "ma" to "mój")
  `a+b`     several words in a row, as one alternative: `in+charge|responsible`
  `<NUM>`   a number: digits or a number word ("seven", "siedem", "семь", "сім")
  `<NAME>`  a capitalised word that is not a pronoun of address or a calendar word
  `<EOS>`   the end of the sentence (right after the previous element unless `...` precedes)
  `<BOS>`   the start of the sentence
  `<FUT>`   a verb about the future (pymorphy3 tags for ru/uk; a non-past verb for pl)
  `<1SG>`   "I will ...": a first-person singular future verb (pl/ru/uk)
  `...`     allow a wider gap (up to `wide_gap` words) before the next element
  `!a|b`    only as the first element: the match must NOT be preceded (within 2 words) by any
            of these words; e.g. `!we|us we should have ...` excludes "we should have"

Lemmas: simplemma for pl/en, pymorphy3 for ru/uk; `ё` is written `е`; apostrophes are `'`.
English contractions are expanded before matching ("can't" -> "can not", "I'll" -> "I will").

Cue kinds (see docs/closure.md):
  good steps (seed 001): apology, understanding, commitment (+ a named person = ownership),
    deadline / next_action (= next step with a deadline)
  good refusal (seed 000): positive_opening, regret (+ refusal), reason, perspective;
    boundary (a firm, polite limit to an abusive customer, seed 000 / 004)
  conduct problems (seed 002): rude, personal, blames, argues, sarcasm, dismissive,
    dismissive_soft (dismissive only when the text has no regret, apology or perspective),
    non_apology ("sorry you feel that way": cancels the apology)
  customer side: unhappy (the customer's last words are still negative), happy
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

LANGS = ("en", "pl", "ru", "uk")

# Cues whose hits are good conduct, and cues whose hits are misconduct (or a still unhappy
# customer): one pattern in both is a contradiction.
GOOD_CUES = frozenset(
    {
        "apology",
        "understanding",
        "commitment",
        "name_intro",
        "promise",
        "deadline",
        "next_action",
        "positive_opening",
        "regret",
        "reason",
        "reason_in_refusal",
        "perspective",
        "boundary",
        "happy",
    }
)
# staff misconduct (seed 002): each is also a problem of the closure grade
CONDUCT_CUES = ("rude", "personal", "threatens", "blames", "argues", "sarcasm", "dismissive")
BAD_CUES = frozenset({*CONDUCT_CUES, "dismissive_soft", "non_apology", "unhappy"})
NEUTRAL_CUES = frozenset({"refusal"})
KNOWN_CUES = GOOD_CUES | BAD_CUES | NEUTRAL_CUES
CLASS_NAMES = (
    "negators",
    "number_words",
    "second_person",
    "informal",
    "cease",
    "enough",
    "not_cease_after",
    "fault",
    "self",
    "counterfactual",
    "offer_verbs",
    "customer_words",
    "manner",
    "say_verbs",
    "times",
    "no_more",
    "sarcasm_openers",
    "sarcasm_follow",
    "ours",
    "courtesy_words",
    "past_needed",
    "past_markers",
    "no_words",
    "can",
    "question_words",
    "more_q",
    "seriously",
    "again",
    "time_reproach",
    "advice",
    "conditional",
    "reassure",
    "request",
    "mistake",
    "untruth",
    "affair",
    "force",
    "drama",
    "too",
    "hard",
)
COMMON_SETS = ("not_names", "scare_quote_words", "contrast")

Cues = dict[str, tuple[str, ...]]


class PhraseDataError(ValueError):
    """The closure language data is malformed, duplicated or contradicts itself."""


@dataclass(frozen=True)
class LanguageData:
    lang: str
    cues: Cues
    classes: dict[str, frozenset[str]]


@dataclass(frozen=True)
class PhraseData:
    languages: dict[str, LanguageData]
    gap: int
    wide_gap: int
    not_names: frozenset[str]
    scare_quote_words: frozenset[str]
    contrast: frozenset[str]

    def cls(self, name: str) -> dict[str, frozenset[str]]:
        """A word class by language: `data.cls("second_person")["pl"]`."""
        return {lang: data.classes[name] for lang, data in self.languages.items()}


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def normalized_pattern(pattern: str) -> str:
    """The form two patterns are compared in: lowercased, `ё` as `е`, single spaces, and the
    alternatives of each element sorted ("we|i" equals "i|we")."""
    elements = pattern.lower().replace("ё", "е").split()
    return " ".join("|".join(sorted(e.split("|"))) if "|" in e else e for e in elements)


def _read(name: str) -> dict:
    source = resources.files("pipeline.closure").joinpath("data", name)
    try:
        return tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise PhraseDataError(f"closure data file {name} is missing") from error
    except tomllib.TOMLDecodeError as error:
        raise PhraseDataError(f"{name}: {error}") from error


def _unique_words(name: str, key: str, values: object) -> frozenset[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise PhraseDataError(f"{name}: {key} must be a list of strings")
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise PhraseDataError(f"{name}: {key} lists {value!r} twice")
        seen.add(value)
    return frozenset(values)


def validate_cues(name: str, cues: dict[str, object]) -> Cues:
    """Each cue a list of unique patterns; no pattern both good and bad."""
    checked: Cues = {}
    owner: dict[str, str] = {}  # normalized pattern -> the first cue that lists it
    for cue, patterns in cues.items():
        if cue not in KNOWN_CUES:
            raise PhraseDataError(f"{name}: unknown cue {cue!r}")
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise PhraseDataError(f"{name}: cue {cue!r} must be a list of patterns")
        seen: set[str] = set()
        for pattern in patterns:
            key = normalized_pattern(pattern)
            if not key:
                raise PhraseDataError(f"{name}: cue {cue!r} has an empty pattern")
            if key in seen:
                raise PhraseDataError(f"{name}: cue {cue!r} lists {pattern!r} twice")
            seen.add(key)
            other = owner.get(key)
            if other and _contradict(cue, other):
                raise PhraseDataError(
                    f"{name}: {pattern!r} is both {other!r} and {cue!r} (good and bad conduct)"
                )
            owner.setdefault(key, cue)
        checked[cue] = tuple(patterns)
    return checked


def _contradict(cue: str, other: str) -> bool:
    return (cue in GOOD_CUES and other in BAD_CUES) or (cue in BAD_CUES and other in GOOD_CUES)


def lemma_collisions(
    cues: Cues, lemmatize: Callable[[str], str]
) -> list[tuple[str, str, str, str]]:
    """Patterns that become one after lemmatising their plain words, as (cue, pattern, other
    cue, other pattern): listed twice in one cue, or good in one cue and bad in the other."""
    found: list[tuple[str, str, str, str]] = []
    owner: dict[str, tuple[str, str]] = {}
    for cue, patterns in cues.items():
        for pattern in patterns:
            key = " ".join(
                "|".join(sorted({lemmatize(a) if a.isalpha() else a for a in e.split("|")}))
                for e in normalized_pattern(pattern).split()
            )
            if key in owner:
                other_cue, other_pattern = owner[key]
                if other_cue == cue or _contradict(cue, other_cue):
                    found.append((cue, pattern, other_cue, other_pattern))
            else:
                owner[key] = (cue, pattern)
    return found


def load_language(lang: str) -> LanguageData:
    name = f"{lang}.toml"
    raw = _read(name)
    unknown = set(raw) - {"cues", "classes"}
    if unknown:
        raise PhraseDataError(f"{name}: unknown sections {sorted(unknown)}")
    cues = validate_cues(name, raw.get("cues", {}))
    raw_classes = raw.get("classes", {})
    extra = set(raw_classes) - set(CLASS_NAMES)
    if extra:
        raise PhraseDataError(f"{name}: unknown classes {sorted(extra)}")
    missing = [c for c in CLASS_NAMES if c not in raw_classes]
    if missing:
        raise PhraseDataError(f"{name}: missing classes {missing}")
    classes = {c: _unique_words(name, c, raw_classes[c]) for c in CLASS_NAMES}
    return LanguageData(lang, cues, classes)


@cache
def load() -> PhraseData:
    """All the closure language data, validated; read once per process."""
    common = _read("common.toml")
    for key in ("gap", "wide_gap", *COMMON_SETS):
        if key not in common:
            raise PhraseDataError(f"common.toml: missing {key!r}")
    return PhraseData(
        languages={lang: load_language(lang) for lang in LANGS},
        gap=int(common["gap"]),
        wide_gap=int(common["wide_gap"]),
        not_names=_unique_words("common.toml", "not_names", common["not_names"]),
        scare_quote_words=_unique_words(
            "common.toml", "scare_quote_words", common["scare_quote_words"]
        ),
        contrast=_unique_words("common.toml", "contrast", common["contrast"]),
    )
