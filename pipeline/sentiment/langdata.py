"""The sentiment scorer's language data, loaded from `data/<lang>.toml` and validated.

One TOML file per language and `common.toml` for what every language shares (the value levels
and the names of the phrase families). A language file has four sections:

- `[rules]`: the per-language rule words and settings, one key per field of
  `rules.LanguageRules` (negators, boosters, contrast words, ...); a list of entries, or a
  number / flag / string for the few scalar settings. A missing key takes the field's default.
- `[phrases.<family>]`: review phrases, `"phrase" = "level"`, one table per family (defects,
  service, ..., complaints); a level is a name of `common.toml` `[levels]` ("strong" = -1.5,
  "complaint" = -0.75, ...). Matched on lemmas (`engine.add_phrases`); an entry written
  "=postoję" is matched as written.
- `[settling]`: `phrases`, what a writer who settles for it says ("за свою цену сойдёт"): a
  three-star verdict (value 0, rule "settling").
- `[words]`: single words with our own value, one list per `common.toml` `[word_values]` name
  (`neutral` topic words, `fault_verbs`, `good`, `ok`, `bad`, `meh`).

`load()` reads every file once and rejects, with `LanguageDataError` naming the file and the
entry: an unknown section, rule key, family, level or word list; an entry listed twice (in one
list, or in two families / two word lists with the same value); the same phrase or word with two
values (a conflict: once, a later list silently overrode an earlier one); a phrase that is both
settling and scored; a malformed entry (not lower-case, empty, a word list entry with a space).
Entries that become one after lemmatisation need the lemmatiser, so `lemma_collisions` reports
them separately (tests/pipeline/test_sentiment_langdata.py checks the shipped data).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

LANGS = ("pl", "ru", "uk", "en")
SECTIONS = frozenset({"rules", "phrases", "settling", "words"})


class LanguageDataError(ValueError):
    """The sentiment language data is malformed, duplicated or contradicts itself."""


@dataclass(frozen=True)
class Common:
    levels: dict[str, float]  # phrase value levels: "strong" -> -1.5
    word_values: dict[str, float]  # word lists: "neutral" -> 0.0, "bad" -> -1.0
    families: tuple[str, ...]  # the phrase families, in the order they are listed


@dataclass(frozen=True)
class LanguageData:
    lang: str
    rules: dict[str, object]  # LanguageRules field -> frozenset / int / bool / str
    families: dict[str, dict[str, float]]  # family -> phrase -> value
    settling: tuple[str, ...]
    word_lists: dict[str, tuple[str, ...]]  # word list name -> its words

    def phrases(self, families: tuple[str, ...] | None = None) -> dict[str, float]:
        """Phrase -> value of the named families (all unless named)."""
        merged: dict[str, float] = {}
        for name, entries in self.families.items():
            if families is None or name in families:
                merged.update(entries)
        return merged

    def words(self, word_values: dict[str, float]) -> dict[str, float]:
        """Word -> our value, over all word lists."""
        return {
            word: word_values[name] for name, words in self.word_lists.items() for word in words
        }


def _directory(directory: Path | Traversable | None) -> Path | Traversable:
    return directory if directory is not None else resources.files("pipeline.sentiment") / "data"


def _read(directory: Path | Traversable, name: str) -> dict:
    try:
        text = directory.joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise LanguageDataError(f"sentiment data file {name} is missing") from error
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # a key listed twice in one table lands here
        raise LanguageDataError(f"{name}: {error}") from error


def _numbers(name: str, key: str, table: object) -> dict[str, float]:
    if not isinstance(table, dict) or not table:
        raise LanguageDataError(f"{name}: [{key}] must be a table of names and numbers")
    for level, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise LanguageDataError(f"{name}: [{key}] {level!r} must be a number")
    return {level: float(value) for level, value in table.items()}


def load_common(directory: Path | Traversable | None = None) -> Common:
    name = "common.toml"
    raw = _read(_directory(directory), name)
    unknown = set(raw) - {"levels", "word_values", "families"}
    if unknown:
        raise LanguageDataError(f"{name}: unknown keys {sorted(unknown)}")
    families = raw.get("families")
    if not isinstance(families, list) or not all(isinstance(f, str) for f in families):
        raise LanguageDataError(f"{name}: families must be a list of names")
    if len(set(families)) != len(families):
        raise LanguageDataError(f"{name}: families lists a name twice")
    return Common(
        levels=_numbers(name, "levels", raw.get("levels")),
        word_values=_numbers(name, "word_values", raw.get("word_values")),
        families=tuple(families),
    )


def normalized(entry: str) -> str:
    """The form two entries are compared in: lower-case, `’` as `'`, single spaces."""
    return " ".join(entry.lower().replace("’", "'").split())


def _entry(name: str, where: str, entry: object, one_word: bool = False) -> str:
    if not isinstance(entry, str) or not entry.strip():
        raise LanguageDataError(f"{name}: {where} has an empty or non-text entry {entry!r}")
    if entry != entry.strip() or entry != entry.lower() or "  " in entry:
        raise LanguageDataError(f"{name}: {where} entry {entry!r} is not lower-case single-spaced")
    if one_word and " " in entry:
        raise LanguageDataError(f"{name}: {where} entry {entry!r} is not one word")
    return entry


def _unique_list(name: str, where: str, values: object, one_word: bool = False) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise LanguageDataError(f"{name}: {where} must be a list")
    seen: set[str] = set()
    for value in values:
        key = normalized(_entry(name, where, value, one_word))
        if key in seen:
            raise LanguageDataError(f"{name}: {where} lists {value!r} twice")
        seen.add(key)
    return tuple(values)


def _rules(name: str, raw: object) -> dict[str, object]:
    from pipeline.sentiment.rules import LanguageRules  # rules.py builds RULES from load()

    if not isinstance(raw, dict):
        raise LanguageDataError(f"{name}: [rules] must be a table")
    schema = {f.name: f for f in fields(LanguageRules) if f.name != "lang"}
    checked: dict[str, object] = {}
    for key, value in raw.items():
        field = schema.get(key)
        if field is None:
            raise LanguageDataError(f"{name}: unknown rule key {key!r}")
        default = field.default
        if default is MISSING or isinstance(default, frozenset):
            checked[key] = frozenset(_unique_list(name, f"rules.{key}", value))
        elif type(value) is not type(default):
            raise LanguageDataError(
                f"{name}: rules.{key} must be a {type(default).__name__}, not {value!r}"
            )
        else:
            checked[key] = value
    missing = [f for f, d in schema.items() if d.default is MISSING and f not in checked]
    if missing:
        raise LanguageDataError(f"{name}: [rules] is missing {missing}")
    return checked


def _families(name: str, raw: object, common: Common) -> dict[str, dict[str, float]]:
    if not isinstance(raw, dict):
        raise LanguageDataError(f"{name}: [phrases] must hold one table per family")
    unknown = set(raw) - set(common.families)
    if unknown:
        raise LanguageDataError(f"{name}: unknown phrase families {sorted(unknown)}")
    owner: dict[str, tuple[str, str, float]] = {}  # normalized -> (family, phrase, value)
    checked: dict[str, dict[str, float]] = {}
    for family in common.families:
        entries = raw.get(family, {})
        if not isinstance(entries, dict):
            raise LanguageDataError(f"{name}: [phrases.{family}] must be a table")
        valued: dict[str, float] = {}
        for phrase, level in entries.items():
            _entry(name, f"phrases.{family}", phrase)
            if level not in common.levels:
                raise LanguageDataError(
                    f"{name}: phrases.{family} {phrase!r} has unknown level {level!r}"
                )
            value = common.levels[level]
            key = normalized(phrase)
            if key in owner:
                other_family, other, other_value = owner[key]
                what = "conflicting values" if other_value != value else "a duplicate"
                raise LanguageDataError(
                    f"{name}: {what}: {phrase!r} is {value} in phrases.{family} and "
                    f"{other!r} is {other_value} in phrases.{other_family}"
                )
            owner[key] = (family, phrase, value)
            valued[phrase] = value
        checked[family] = valued
    return checked


def _settling(name: str, raw: object, scored: dict[str, dict[str, float]]) -> tuple[str, ...]:
    if not isinstance(raw, dict) or set(raw) - {"phrases"}:
        raise LanguageDataError(f"{name}: [settling] must hold only `phrases`")
    listed = _unique_list(name, "settling.phrases", raw.get("phrases", []))
    for family, entries in scored.items():
        both = {normalized(p) for p in entries} & {normalized(p) for p in listed}
        if both:
            raise LanguageDataError(
                f"{name}: {sorted(both)[0]!r} is both settling and in phrases.{family}"
            )
    return listed


def _word_lists(name: str, raw: object, common: Common) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise LanguageDataError(f"{name}: [words] must be a table of word lists")
    unknown = set(raw) - set(common.word_values)
    if unknown:
        raise LanguageDataError(f"{name}: unknown word lists {sorted(unknown)}")
    owner: dict[str, str] = {}
    checked: dict[str, tuple[str, ...]] = {}
    for list_name, values in raw.items():
        words = _unique_list(name, f"words.{list_name}", values, one_word=True)
        for word in words:
            other = owner.get(word)
            if other is not None:
                value, other_value = common.word_values[list_name], common.word_values[other]
                what = "conflicting values" if value != other_value else "a duplicate"
                raise LanguageDataError(
                    f"{name}: {what}: {word!r} is in words.{other} ({other_value}) and "
                    f"words.{list_name} ({value})"
                )
            owner[word] = list_name
        checked[list_name] = words
    return checked


def load_language(
    lang: str, directory: Path | Traversable | None = None, common: Common | None = None
) -> LanguageData:
    """One language file, validated (`directory`: another data directory, for tests)."""
    name = f"{lang}.toml"
    common = common or load_common(directory)
    raw = _read(_directory(directory), name)
    unknown = set(raw) - SECTIONS
    if unknown:
        raise LanguageDataError(f"{name}: unknown sections {sorted(unknown)}")
    families = _families(name, raw.get("phrases", {}), common)
    settling = _settling(name, raw.get("settling", {}), families)
    word_lists = _word_lists(name, raw.get("words", {}), common)
    return LanguageData(lang, _rules(name, raw.get("rules", {})), families, settling, word_lists)


@cache
def load() -> dict[str, LanguageData]:
    """Every language's data, validated; read once per process."""
    common = load_common()
    return {lang: load_language(lang, common=common) for lang in LANGS}


@cache
def common() -> Common:
    return load_common()


def lemma_collisions(
    data: LanguageData, lemmatize: Callable[[str], str]
) -> list[tuple[str, str, float, str, str, float]]:
    """Phrases of `data` that become one after lemmatising their words (as the engine matches
    them), as (family, phrase, value, other family, other phrase, other value). Entries written
    "=..." are matched as written and are compared as written."""
    found = []
    owner: dict[tuple[str, ...], tuple[str, str, float]] = {}
    for family, entries in data.families.items():
        for phrase, value in entries.items():
            words = normalized(phrase.removeprefix("=")).split()
            key = tuple(words) if phrase.startswith("=") else tuple(lemmatize(w) for w in words)
            key = (phrase.startswith("="), *key)
            if key in owner:
                found.append((family, phrase, value, *owner[key]))
            else:
                owner[key] = (family, phrase, value)
    return found


def main() -> None:
    """`python -m pipeline.sentiment.langdata`: validate the data and list the phrases that
    collide after lemmatisation (a value in brackets where the two differ)."""
    from pipeline.text.lemmas import lemmatizer

    for lang, data in load().items():
        found = lemma_collisions(data, lemmatizer(lang))
        print(f"{lang}: {len(found)} phrase pairs share their lemmas")
        for family, phrase, value, other_family, other, other_value in found:
            mark = f"  [{value} vs {other_value}]" if value != other_value else ""
            print(f"  {family}: {phrase!r} = {other_family}: {other!r}{mark}")


if __name__ == "__main__":
    main()
