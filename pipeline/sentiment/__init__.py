"""Sentiment of a customer's text in pl / ru / uk / en, honest about what it cannot score.

The one entry point is `analyze`; every other module of the project calls only that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Label = Literal["neg", "neu", "pos", "unscored"]


@dataclass(frozen=True)
class SentimentResult:
    lang: str  # ISO 639-1 code found ("pl", "ru", "uk", "en", another code) or "unknown"
    label: Label
    polarity: float | None  # [-1, 1]; None when unscored
    negativity: float | None  # [0, 1]; None when unscored
    confidence: float  # [0, 1]
    method: str
    drivers: tuple[str, ...] = field(default=())  # words / phrases that drove the score
    specificity: float = 0.0  # [0, 1]: numbers, dates, order numbers, money, names, places

    @property
    def scored(self) -> bool:
        return self.label != "unscored"


def analyze(text: str, rating: int | None = None, lang_hint: str | None = None) -> SentimentResult:
    """Placeholder until the multilingual scorer lands: TextBlob for English only."""
    from textblob import TextBlob

    polarity = float(TextBlob(text).sentiment.polarity) if text.strip() else 0.0
    if rating is not None:
        polarity = max(-1.0, min(1.0, 0.5 * polarity + (rating - 3) / 4))
    label: Label = "neg" if polarity < -0.05 else "pos" if polarity > 0.05 else "neu"
    return SentimentResult(
        lang=lang_hint or "unknown",
        label=label,
        polarity=polarity,
        negativity=max(0.0, -polarity),
        confidence=0.3,
        method="textblob+rating",
    )
