"""Lemmas and stems per language, cached per word (the vocabulary of reviews repeats a lot)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache, partial

_CACHE_SIZE = 200_000


@cache
def morph_analyzer(lang: str):  # pymorphy3.MorphAnalyzer; imported lazily, it loads in ~0.1 s
    """One pymorphy3 analyzer per language per process, shared by sentiment and closure."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=_CACHE_SIZE)
def _pymorphy_parse(lang: str, word: str) -> tuple[str, str, bool]:
    """(lemma, part of speech, unrealised) of the most likely reading: the part of speech is ""
    when pymorphy3 gives no tag; unrealised is True for an infinitive, future or imperative form
    ("вернуть", "вернут", "поверніть")."""
    best = morph_analyzer(lang).parse(word)[0]
    grammemes = set(str(best.tag).replace(" ", ",").split(","))
    unrealised = not grammemes.isdisjoint(("INFN", "infn", "futr", "impr"))
    return best.normal_form, str(best.tag.POS or ""), unrealised


_AS_LIKELY = 0.5  # another reading counts when at least this share as likely as the first


@lru_cache(maxsize=_CACHE_SIZE)
def _other_pymorphy_lemmas(lang: str, word: str) -> tuple[str, ...]:
    """The adjective lemma of a word read first as a noun made from that adjective, when the
    adjective reading is as likely: Ukrainian "поганого" reads first as "погане" (the bad), as
    likely as "поганий" (bad), which the lexicons know."""
    parses = morph_analyzer(lang).parse(word)
    best = parses[0]
    if best.tag.POS != "NOUN":
        return ()
    return tuple(
        dict.fromkeys(
            p.normal_form
            for p in parses[1:]
            if p.tag.POS == "ADJF" and p.score >= best.score * _AS_LIKELY
        )
    )


def other_lemmas(lang: str) -> Callable[[str], tuple[str, ...]] | None:
    """word -> the adjective lemmas of a word read first as a noun, for the languages with a
    tagger."""
    if lang in ("ru", "uk"):
        return partial(_other_pymorphy_lemmas, lang)
    return None


def _polish_unrealised(word: str) -> bool:
    """An infinitive ("wymienić"), a present / future form ("wymienią", "zwróci") or an imperative
    ("zwróćcie"): no past tense ("-ł", "-li", "-no") or passive participle ("-ny", "-ty")
    ending."""
    return not word.endswith(_POLISH_DONE)


_POLISH_DONE = ("ł", "ła", "ło", "li", "ły", "łem", "łam", "liśmy", "łyśmy", "no", "to")
_POLISH_DONE += ("ny", "na", "ne", "ni", "ty", "ta", "te", "ci", "ona", "ony", "one")


def _english_unrealised(word: str) -> bool:
    return False


def unrealised(lang: str) -> Callable[[str], bool]:
    """word -> True when the verb form says what is to happen, not what happened (infinitive,
    future, imperative); English relies on the words before it ("will", "to") instead."""
    if lang in ("ru", "uk"):
        return lambda word: _pymorphy_parse(lang, word)[2]
    if lang == "pl":
        return _polish_unrealised
    return _english_unrealised


def _simplemma_lemma(lang: str, word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang=lang).lower()


@cache
def _snowball_ru():
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("russian")


@lru_cache(maxsize=_CACHE_SIZE)
def russian_stem(word: str) -> str:
    return _snowball_ru().stem(word.replace("ё", "е"))


def _identity(word: str) -> str:
    return word


@cache
def lemmatizer(lang: str) -> Callable[[str], str]:
    """The lemmatizer used for `lang`: simplemma for pl, pymorphy3 for ru/uk, none for en. Each
    is cached per word on its own, so a word seen before costs one lookup and no Python call."""
    if lang == "pl":
        return lru_cache(maxsize=_CACHE_SIZE)(partial(_simplemma_lemma, "pl"))
    if lang in ("ru", "uk"):
        return lru_cache(maxsize=_CACHE_SIZE)(lambda word: _pymorphy_parse(lang, word)[0])
    return _identity


def part_of_speech(lang: str) -> Callable[[str], str] | None:
    """pymorphy3's part-of-speech tag ("VERB", "NOUN", "ADJF", ...) for ru/uk; None elsewhere."""
    if lang in ("ru", "uk"):
        return lambda word: _pymorphy_parse(lang, word)[1]
    return None
