"""Praise the review takes back. A heading of praise ("Отличный сервис: ждали час, принесли
холодное", "Great service: 40 minutes for a coffee"): a short opener followed by a colon or a
dash, then a review that complains and praises nothing of note. A last word of "Never."
("Обов'язково повернемось. Ніколи."). The praise taken back counts negative."""

from __future__ import annotations

import re

from pipeline.sentiment.engine import Evidence, Hit, praise_mocked_in
from pipeline.text.tokens import Token

OPENER_WORDS = 4  # "Дуже дякую за сервіс:" at the most
COMPLAINT_TO_PRAISE = 4.0  # the rest must complain at least this many times over its praise
MIN_COMPLAINT = 0.75  # and at least as much as one complaint phrase
_OPENER = re.compile(rf"^\s*(?P<words>[^\W\d_]+(?:\s+[^\W\d_]+){{0,{OPENER_WORDS - 1}}})\s*[:—–]")


def mocking_opener(text: str, tokens: list[Token], evidence: Evidence) -> Evidence:
    """The evidence with the opener's praise turned negative when the review takes it back."""
    opener = _OPENER.match(text)
    if opener is None:
        return evidence
    words = len(opener.group("words").split())
    head = [h for h in evidence.hits if h.position < words]
    rest = [h for h in evidence.hits if h.position >= words]
    if not head or any(h.value <= 0 for h in head):
        return evidence
    against = -sum(h.value for h in rest if h.value < 0)
    for_ = sum(h.value for h in rest if h.value > 0)
    if against < MIN_COMPLAINT or against < COMPLAINT_TO_PRAISE * for_:
        return evidence
    mocked = tuple(Hit(h.text, -h.value, "mocked", h.position) for h in head)
    return Evidence(mocked + tuple(rest), evidence.word_count)


NEVER_WORDS = frozenset(("никогда", "ніколи", "nigdy", "never"))
RETRACTION = -1.5  # "... Обов'язково повернемось. Ніколи.": as strong as "never again"


def retracted_praise(tokens: list[Token], evidence: Evidence) -> Evidence:
    """A last sentence of only "Never." takes back the praise of the sentence before it
    ("Обязательно вернёмся. Никогда."): that praise counts negative, the retraction too; not
    after a sentence that said never itself ("I will never go anywhere else. Never.")."""
    words = [at for at, t in enumerate(tokens) if t.kind == "word"]
    if len(words) < 2 or tokens[words[-1]].text not in NEVER_WORDS:
        return evidence
    last, previous = tokens[words[-1]].sentence, tokens[words[-2]].sentence
    if previous == last or any(
        tokens[at].sentence == previous and tokens[at].text in NEVER_WORDS for at in words
    ):
        return evidence
    retraction = Hit(tokens[words[-1]].text, RETRACTION, "retraction", words[-1])
    hits = praise_mocked_in({previous}, list(evidence.hits), tokens)
    return Evidence((*hits, retraction), evidence.word_count)
