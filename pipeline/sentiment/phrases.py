"""Complaint and praise phrases of service and shop reviews, written by us (not from any data set).

The phrases are data: the `[phrases.complaints]` and `[phrases.compliments]` tables of
`data/<lang>.toml` (loaded and validated by `langdata.py`). Phrases are matched on lemmas, so one
form covers its inflections ("nikt nie odpowiada" also matches "nikt nie odpowiadał"). A
complaint phrase preceded by a negator is the problem absent, mild praise ("nie było brudno"); a
praise phrase preceded by a negator flips.
"""

from __future__ import annotations

from pipeline.sentiment.langdata import load

FAMILIES = ("compliments", "complaints")


def phrases(lang: str) -> dict[str, float]:
    """Phrase -> valence for `lang` (complaints negative, praise positive)."""
    data = load().get(lang)
    return data.phrases(FAMILIES) if data else {}
