"""Owners' sentiment corrections: which one counts, how it overrides a score, and its export as
labelled JSONL in the evaluation format, so each business grows its own test set.

Pure functions; the CLI (`repute correct`, `repute export-corrections`) does the I/O.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from pipeline.events import SentimentCorrected
from pipeline.sentiment import SentimentResult
from pipeline.text.language import detect_language

# a corrected text keeps at least this much polarity in the direction the owner gave
CORRECTED_STRENGTH = 0.5


def latest_corrections(
    corrections: Iterable[SentimentCorrected],
) -> dict[tuple[str, str], SentimentCorrected]:
    """(business_id, target_event_id) -> the correction that counts: the latest by time,
    then by event_id, so replaying the stream in any order gives the same answer."""
    latest: dict[tuple[str, str], SentimentCorrected] = {}
    for correction in corrections:
        key = (correction.business_id, correction.target_event_id)
        current = latest.get(key)
        order = (correction.occurred_at, correction.event_id)
        if current is None or order > (current.occurred_at, current.event_id):
            latest[key] = correction
    return latest


def corrected_scores(
    label: str, polarity: float | None, negativity: float | None
) -> tuple[float, float]:
    """(polarity, negativity) of a text whose owner set `label`: the scorer's strength, at least
    CORRECTED_STRENGTH, in the owner's direction."""
    magnitude = max(abs(polarity or 0.0), CORRECTED_STRENGTH)
    corrected_polarity = {"neg": -magnitude, "pos": magnitude}.get(label, 0.0)
    corrected_negativity = max(negativity or 0.0, magnitude) if label == "neg" else 0.0
    return corrected_polarity, corrected_negativity


def corrected(result: SentimentResult, label: str) -> SentimentResult:
    """The result as every feed and mart must show it once an owner set `label`."""
    polarity, negativity = corrected_scores(label, result.polarity, result.negativity)
    return replace(
        result,
        label=label,  # type: ignore[arg-type]
        polarity=polarity,
        negativity=negativity,
        confidence=1.0,
        method=f"corrected:{result.method}",
        unscored_reason=None,
    )


def eval_rows(
    corrections: Iterable[SentimentCorrected],
    texts: Mapping[str, str],
    langs: Mapping[str, str] | None = None,
    detect: Callable[[str], str] = lambda text: detect_language(text).lang,
) -> list[dict[str, str]]:
    """One eval row per corrected text: {"id", "lang", "text", "label", "source"}.

    `texts` maps a target event_id to its text (review or complaint); corrections of events
    without a known, non-empty text are left out. `langs` may give the language already found.
    """
    rows = []
    for (business_id, target), correction in sorted(latest_corrections(corrections).items()):
        text = texts.get(target, "")
        if not text.strip():
            continue
        lang = (langs or {}).get(target) or detect(text)
        rows.append(
            {
                "id": target,
                "lang": lang,
                "text": text,
                "label": correction.label,
                "source": f"correction:{business_id}",
            }
        )
    return rows


def to_jsonl(rows: Iterable[Mapping[str, str]]) -> str:
    return "".join(json.dumps(dict(row), ensure_ascii=False) + "\n" for row in rows)
