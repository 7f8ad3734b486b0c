"""The per-language lexicon + rules models, built once per process on first use."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import cache

from pipeline.sentiment import resources
from pipeline.sentiment.domain import domain_phrases, own_words, settling_phrases
from pipeline.sentiment.engine import (
    SETTLING_RULE,
    LanguageModel,
    LexiconSource,
    PhraseIndex,
    add_phrases,
    resolution_index,
)
from pipeline.sentiment.phrases import phrases
from pipeline.sentiment.rules import RULES
from pipeline.text.lemmas import (
    lemmatizer,
    other_lemmas,
    part_of_speech,
    russian_stem,
    unrealised,
)

SUPPORTED = ("pl", "ru", "uk", "en")


def _is_word_entry(key: str) -> bool:
    return any(ch.isalpha() for ch in key)


def _split(
    lexicon: resources.Lexicon,
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """(single words, multi-word phrases, emoji) of one lexicon."""
    words, multi, emoji = {}, {}, {}
    for key, value in lexicon.items():
        if not _is_word_entry(key):
            emoji[key] = value
        elif " " in key:
            multi[key] = value
        else:
            words[key] = value
    return words, multi, emoji


def lemma_keyed(words: dict[str, float], lemmatize: Callable[[str], str]) -> dict[str, float]:
    """Re-key a word list by lemma (mean of the forms that share one), keeping surface keys too."""
    by_lemma: dict[str, list[float]] = defaultdict(list)
    for word, value in words.items():
        by_lemma[lemmatize(word)].append(value)
    keyed = {lemma: sum(vs) / len(vs) for lemma, vs in by_lemma.items()}
    for word, value in words.items():
        keyed.setdefault(word, value)
    return keyed


def _not_neutral(
    phrases: dict[str, float], overrides: dict[str, float], lemmatize: Callable[[str], str]
) -> dict[str, float]:
    """A packaged multi-word entry whose head word we hold neutral ("bać się" of "bać") says no
    more than that word."""
    return {
        phrase: value
        for phrase, value in phrases.items()
        if overrides.get(lemmatize(phrase.split()[0])) != 0.0
    }


def _lemma_then_surface(surface: str, lemma: str) -> tuple[str, ...]:
    return (lemma, surface) if lemma != surface else (surface,)


def _stem_keys(surface: str, lemma: str) -> tuple[str, ...]:
    return (russian_stem(surface),)


def merged(sources: list[LexiconSource]) -> tuple[LexiconSource, ...]:
    """Sources keyed the same way become one dict whose values add up: one lookup per word."""
    by_keys: dict[object, dict[str, float]] = {}
    for source in sources:
        entries = by_keys.setdefault(source.keys_of, {})
        for key, value in source.entries.items():
            entries[key] = entries.get(key, 0.0) + value
    return tuple(LexiconSource(entries, keys_of) for keys_of, entries in by_keys.items())


@cache
def language_model(lang: str) -> LanguageModel:
    """The scorer's resources for one of SUPPORTED; loads lexicons on first call."""
    lemmatize = lemmatizer(lang)
    overrides = lemma_keyed(own_words(lang), lemmatize)
    words, multi, emoji = _split(resources.multilang_lexicon(lang))
    phrase_index = PhraseIndex()
    sources: list[LexiconSource] = []
    if lang == "pl":
        pv_words, pv_multi, _ = _split(resources.polvader_lexicon())
        sources.append(LexiconSource(pv_words, _lemma_then_surface))
        add_phrases(phrase_index, _not_neutral(pv_multi, overrides, lemmatize), lemmatize, False)
    if lang == "ru":
        sources.append(LexiconSource(resources.nlpjs_russian_stems(), _stem_keys))
    sources.append(LexiconSource(lemma_keyed(words, lemmatize), _lemma_then_surface))
    add_phrases(phrase_index, _not_neutral(multi, overrides, lemmatize), lemmatize, ours=False)
    if lang == "en":
        # TextBlob's and VADER's own word lists, under our rules (their keys are surface forms)
        for extra in (resources.textblob_lexicon(), resources.vader_lexicon()):
            extra_words, _, _ = _split(extra)
            sources.append(LexiconSource(extra_words, _lemma_then_surface))
    # our lists: the review-domain lexicon, then the complaint / praise phrases (which win)
    add_phrases(phrase_index, {**domain_phrases(lang), **phrases(lang)}, lemmatize, ours=True)
    add_phrases(phrase_index, settling_phrases(lang), lemmatize, ours=True, rule=SETTLING_RULE)
    return LanguageModel(
        rules=RULES[lang],
        lemmatize=lemmatize,
        sources=merged(sources),
        phrases=phrase_index,
        emoji=emoji,
        overrides=overrides,
        part_of_speech=part_of_speech(lang),
        resolutions=resolution_index(RULES[lang].resolution_markers, lemmatize),
        unrealised=unrealised(lang),
        other_lemmas=other_lemmas(lang),
    )
