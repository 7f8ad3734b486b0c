"""The analyzers per language: lexicon + rules for pl / ru / uk; for en the same rules over
AFINN + TextBlob + VADER word lists, averaged with VADER's own analyzer."""

from __future__ import annotations

from functools import cache

from pipeline.sentiment.base import LanguageAnalyzer, TextScore, squash
from pipeline.sentiment.engine import score
from pipeline.sentiment.languages import SUPPORTED, language_model
from pipeline.sentiment.text import tokenize

_LEXICONS = {
    "pl": "polvader+afinn-pl",
    "ru": "nlpjs-ru-stems",
    "uk": "afinn-uk",
    "en": "afinn+textblob+vader-lexicons",
}


class LexiconAnalyzer(LanguageAnalyzer):
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.method = f"rules:{_LEXICONS[lang]}"
        self._model = language_model(lang)

    def score(self, text: str) -> TextScore:
        evidence = score(tokenize(text), self._model)
        return TextScore(squash(evidence.score), evidence, self.method)


class EnglishAnalyzer(LexiconAnalyzer):
    """Our rules averaged with VADER's compound score (it handles caps, '!' and idioms)."""

    def __init__(self) -> None:
        super().__init__("en")
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._vader = SentimentIntensityAnalyzer()
        self.method = f"{self.method}+vader"

    def score(self, text: str) -> TextScore:
        rules = super().score(text)
        compound = float(self._vader.polarity_scores(text)["compound"])
        return TextScore((rules.polarity + compound) / 2, rules.evidence, self.method)


@cache
def analyzer_for(lang: str) -> LanguageAnalyzer:
    """The analyzer of a supported language, built once per process."""
    if lang not in SUPPORTED:
        raise ValueError(f"no sentiment analyzer for language {lang!r}; supported: {SUPPORTED}")
    return EnglishAnalyzer() if lang == "en" else LexiconAnalyzer(lang)
