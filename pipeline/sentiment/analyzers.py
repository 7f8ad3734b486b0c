"""The analyzers per language: the lexicon + rules engine over each language's word lists.

English uses AFINN + TextBlob's + VADER's word lists under our rules. VADER's own analyzer,
averaged in, moved dev negative F1 by less than 0.01 and cost a quarter of the English time,
so it is not used.
"""

from __future__ import annotations

from functools import cache

from pipeline.sentiment import diacritics
from pipeline.sentiment.base import LanguageAnalyzer, TextScore, squash
from pipeline.sentiment.engine import SETTLING_RULE, Evidence, score
from pipeline.sentiment.irony import mocking_opener, retracted_praise
from pipeline.sentiment.languages import SUPPORTED, language_model
from pipeline.sentiment.mismatch import wrong_item_hit
from pipeline.sentiment.ratings import is_middling_verdict, stated_rating_hit
from pipeline.sentiment.waiting import late_appointment_hit
from pipeline.text.tokens import tokenize

_LEXICONS = {
    "pl": "polvader+afinn-pl",
    "ru": "nlpjs-ru-stems+afinn-ru",
    "uk": "afinn-uk",
    "en": "afinn+textblob+vader-lexicons",
}


class LexiconAnalyzer(LanguageAnalyzer):
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.method = f"rules:{_LEXICONS[lang]}"
        self._model = language_model(lang)

    def score(self, text: str) -> TextScore:
        method = self.method
        if self.lang == "pl" and (restored := diacritics.restore(text)) != text:
            text, method = restored, f"{method}+diacritics"
        tokens = tokenize(text)
        evidence = retracted_praise(
            tokens, mocking_opener(text, tokens, score(tokens, self._model))
        )
        evidence = with_stated_rating(evidence, text, len(tokens))
        if late := late_appointment_hit(text, self.lang, len(tokens)):
            evidence = Evidence((*evidence.hits, late), evidence.word_count)
        if not evidence.hits and (found := wrong_item_hit(text, self.lang, len(tokens))):
            evidence = Evidence((found,), evidence.word_count)
        if any(is_middling_verdict(h) for h in evidence.hits):
            return TextScore(0.0, evidence, method)
        if evidence.score < 0 and settles(evidence):
            return TextScore(0.0, evidence, method)
        return TextScore(squash(evidence.score), evidence, method)


def settles(evidence: Evidence) -> bool:
    """The writer settles for it ("за свою цену сойдёт") and neither says "never again" nor
    states one or two stars: a three-star verdict, not a complaint."""
    rules = {h.rule for h in evidence.hits}
    return (
        SETTLING_RULE in rules
        and "never-again" not in rules
        and not any(h.rule == "stated-rating" and h.value < 0 for h in evidence.hits)
    )


def with_stated_rating(evidence: Evidence, text: str, end: int) -> Evidence:
    """The evidence plus the star rating the text itself states, if any ("ставлю 4 звезды")."""
    hit = stated_rating_hit(text, end)
    if hit is None:
        return evidence
    return Evidence((*evidence.hits, hit), evidence.word_count)


def symbols_score(text: str) -> TextScore:
    """Emoji and emoticons alone ("😡😡", ":("), for texts without letters: any language."""
    emoji_only = [t for t in tokenize(text) if t.kind == "emoji"]
    evidence = score(emoji_only, language_model("en"))
    return TextScore(squash(evidence.score), evidence, "emoji")


@cache
def analyzer_for(lang: str) -> LanguageAnalyzer:
    """The analyzer of a supported language, built once per process."""
    if lang not in SUPPORTED:
        raise ValueError(f"no sentiment analyzer for language {lang!r}; supported: {SUPPORTED}")
    return LexiconAnalyzer(lang)


def preload() -> None:
    """Load every lexicon and lemmatizer now rather than on the first text of each language."""
    for lang in SUPPORTED:
        analyzer_for(lang).score("preload")
    diacritics.preload()
