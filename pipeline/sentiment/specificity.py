"""How specific a text is: numbers, dates, order numbers, money, names, places, contacts.

Seed 002: bad reviews are believed because they are specific. Each kind of detail found adds
to a saturating score in [0, 1]; the kinds found are returned as drivers ("money", "date"...).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
    r"sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"stycz\w*|lut\w*|marc\w*|kwie\w*|maj\w*|czerw\w*|lip\w*|sierp\w*|wrze[sś]\w*|"
    r"pa[zź]dziern\w*|listopad\w*|grud\w*|"
    r"январ\w*|феврал\w*|март\w*|апрел\w*|ма[йя]|июн\w*|июл\w*|август\w*|сентябр\w*|"
    r"октябр\w*|ноябр\w*|декабр\w*|"
    r"січ\w*|лют\w*|берез\w*|квіт\w*|травн\w*|черв\w*|лип\w*|серп\w*|верес\w*|жовт\w*|"
    r"листопад\w*|груд\w*"
)
_CURRENCY = r"(?:zł|zl|pln|eur|€|usd|\$|uah|грн|₴|rub|руб\w*|₽|р\.|gbp|£|dollars?|euros?)"

_NUMBER = re.compile(r"\d[\d.,:/-]*\d|\d")
_NUMERIC_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?|(?:19|20)\d{2}")
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_MONTH_AFTER = re.compile(rf"\s+(?:{_MONTHS})\b", re.IGNORECASE)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\s+$", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(rf"\s?{_CURRENCY}(?!\w)", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(rf"(?<!\w){_CURRENCY}\s?$", re.IGNORECASE)
_ORDER_BEFORE = re.compile(
    r"(?:#|№|\bnr|\bno|\border|\bzamówieni\w*|\bзаказ\w*|\bзамовлення)[\s.:]*[a-z]*$",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(
    r"\s*(?:min\w*|godzin\w*|dni|dzie[nń]\w*|tygodni\w*|miesi\w*|час\w*|минут\w*|"
    r"дн\w*|день|недел\w*|месяц\w*|хвилин\w*|годин\w*|тижн\w*|місяц\w*|hours?|days?|"
    r"weeks?|months?|minutes?)\b",
    re.IGNORECASE,
)
_EMAIL_OR_URL = re.compile(r"\S+@\S+\.\w+|https?://\S+")
_PHONE = re.compile(r"\+?\d[\d\s()-]{8,}\d")
_CONTEXT = 24  # characters around a number that can say what it is


def _kind_of_number(text: str, match: re.Match[str]) -> str:
    """What one number in `text` is: a date, a time, money, an order number, a duration..."""
    span, start, end = match.group(), match.start(), match.end()
    before, after = text[max(0, start - _CONTEXT) : start], text[end : end + _CONTEXT]
    digits = sum(ch.isdigit() for ch in span)
    if _CURRENCY_AFTER.match(after) or _CURRENCY_BEFORE.search(before):
        return "money"
    if _CLOCK.fullmatch(span):
        return "time"
    if _NUMERIC_DATE.fullmatch(span) or _MONTH_AFTER.match(after) or _MONTH_BEFORE.search(before):
        return "date"
    if digits >= 3 and _ORDER_BEFORE.search(before):
        return "order_number"
    if digits >= 6 or (digits >= 4 and before[-1:].isalpha()):
        return "order_number"
    if _UNIT_AFTER.match(after):
        return "duration"
    return "number"


# a capitalised word that does not start a sentence: a name, a place, a brand
_PROPER_NOUN = re.compile(
    r"(?<=[^\s.!?…\n])\s+([A-ZĄĆĘŁŃÓŚŹŻА-ЯЁІЇЄҐ][a-ząćęłńóśźżа-яёіїєґ'’]{2,})"
)
_WEIGHTS = {
    "order_number": 1.0,
    "money": 1.0,
    "date": 0.8,
    "time": 0.6,
    "contact": 0.8,
    "duration": 0.6,
    "name_or_place": 0.6,
    "number": 0.3,
}
_SATURATION = 1.5
MAX_CHARS = 2000  # details past this add nothing to an already saturated score


@dataclass(frozen=True)
class Specificity:
    score: float  # [0, 1]
    drivers: tuple[str, ...]  # kinds of detail found, most telling first


def _kinds_found(text: str) -> dict[str, int]:
    text = text[:MAX_CHARS]
    found: dict[str, int] = {}
    for match in _NUMBER.finditer(text):
        kind = _kind_of_number(text, match)
        found[kind] = found.get(kind, 0) + 1
        if kind != "number":
            found["number"] = found.get("number", 0) + 1
    if "@" in text or "://" in text:
        found["contact"] = len(_EMAIL_OR_URL.findall(text))
    if found.get("number", 0) + found.get("order_number", 0) and _PHONE.search(text):
        found["contact"] = found.get("contact", 0) + len(_PHONE.findall(text))
    found["name_or_place"] = len(_PROPER_NOUN.findall(text))
    return {kind: n for kind, n in found.items() if n}


def specificity(text: str) -> Specificity:
    """Specificity of `text` in [0, 1] and which kinds of detail made it."""
    kinds = _kinds_found(text)
    # each kind counts with diminishing returns for repeats: 1, 1.5, 1.83...
    total = sum(_WEIGHTS[k] * sum(1 / i for i in range(1, min(n, 5) + 1)) for k, n in kinds.items())
    score = 1.0 - math.exp(-total / _SATURATION)
    ordered = sorted(kinds, key=lambda k: -_WEIGHTS[k])
    return Specificity(round(score, 3), tuple(ordered))
