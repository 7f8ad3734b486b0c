"""What was ordered and what came, said side by side with nothing else ("Заказывала rl10,
пришли 30", "Ordered a queen, got a full"): a wrong item reported without a sentiment word.

Tried only on texts with no other evidence at all: where anything else was said, that decides.
Written by us; the verb forms are the ordinary past tenses of each language.
"""

from __future__ import annotations

import re

from pipeline.sentiment.engine import Hit

WRONG_ITEM = -0.5
MAX_WORDS_SHOWN = 6  # a longer match is shown as its first and last word

_ORDERED_THEN_CAME = {
    "ru": r"\bзаказ(?:ал|ала|али|ывал|ывала|ывали)\b.*"
    r"\b(?:пришл[аои]|пришёл|пришел|прислали|привезли|доставили)\b",
    "uk": r"\bзамов(?:ив|ила|или|ляв|ляла|ляли)\b.*"
    r"\b(?:прийш(?:ов|ла|ло|ли)|надіслали|прислали|привезли|доставили)\b",
    "pl": r"\bzam(?:ówił|awiał)(?:am|em|yśmy|iśmy|a|)\b.*"
    r"\b(?:przyszł[aoy]|przyszedł|dostał(?:am|em)|przysłali|otrzymał(?:am|em))\b",
    "en": r"\bordered\b.*\b(?:came|received|got|arrived|sent)\b",
}
_PATTERNS = {lang: re.compile(pattern, re.S) for lang, pattern in _ORDERED_THEN_CAME.items()}
# when it was ordered and how soon it came is a delivery told, not a wrong item ("Замовляла
# ввечері, зранку вже прийшла смс")
_WHEN = re.compile(
    r"\b(?:вечер\w*|утр\w*|вчера|сегодня|уже|ввечері|зранку|вранці|вчора|сьогодні|вже|"
    r"wieczor\w*|rano|wczoraj|dzisiaj|dziś|już|evening|morning|yesterday|today|already|"
    r"next day|наступного дня|на следующий день|на другой день|następnego dnia)\b"
)


def wrong_item_hit(text: str, lang: str, position: int) -> Hit | None:
    """A mild complaint when the text says it ordered one thing and then that something came."""
    pattern = _PATTERNS.get(lang)
    found = pattern.search(text.lower()) if pattern is not None else None
    if found is None or _WHEN.search(found.group(0)):
        return None
    words = found.group(0).split()
    said = " ".join(words) if len(words) <= MAX_WORDS_SHOWN else f"{words[0]} ... {words[-1]}"
    return Hit(said, WRONG_ITEM, "wrong-item", position)
