"""The small interface every per-language analyzer implements, and what it returns."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

from pipeline.sentiment.engine import Evidence

# polarity = score / sqrt(score^2 + POLARITY_ALPHA): one strong lexicon word (1.0) gives 0.58
POLARITY_ALPHA = 2.0


def squash(score: float, alpha: float = POLARITY_ALPHA) -> float:
    """Map an unbounded evidence sum to [-1, 1], keeping its sign (VADER's normalisation)."""
    return score / math.sqrt(score * score + alpha) if score else 0.0


@dataclass(frozen=True)
class TextScore:
    polarity: float  # [-1, 1] from the text alone
    evidence: Evidence
    method: str

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence.hits) or self.polarity != 0.0


class LanguageAnalyzer(ABC):
    """Scores a text already known to be in `lang`; pure, resources loaded once."""

    lang: str
    method: str

    @abstractmethod
    def score(self, text: str) -> TextScore: ...
