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

_PATTERNS: dict[str, re.Pattern[str]] = {
    "date": re.compile(
        rf"\b\d{{1,2}}[./-]\d{{1,2}}(?:[./-]\d{{2,4}})?\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b"
        rf"|\b(?:{_MONTHS})\s+\d{{1,2}}\b|\b(?:19|20)\d{{2}}\b",
        re.IGNORECASE,
    ),
    "time": re.compile(r"\b\d{1,2}:\d{2}\b"),
    "money": re.compile(rf"\d[\d\s.,]*\s?{_CURRENCY}(?!\w)|(?<!\w){_CURRENCY}\s?\d", re.IGNORECASE),
    "order_number": re.compile(
        r"(?:#|№|\bnr\.?|\bno\.?|\border\s*|\bzamówieni\w*\s*|\bзаказ\w*\s*|\bзамовлення\s*)"
        r"\s*[a-z]*\d{3,}|\b[a-z]{1,5}-?\d{4,}[a-z\d]*\b|\b\d{6,}\b",
        re.IGNORECASE,
    ),
    "duration": re.compile(
        r"\b\d+\s*(?:min\w*|godzin\w*|dni|dzie[nń]\w*|tygodni\w*|miesi\w*|час\w*|минут\w*|"
        r"дн\w*|день|недел\w*|месяц\w*|хвилин\w*|годин\w*|тижн\w*|місяц\w*|hours?|days?|"
        r"weeks?|months?|minutes?)\b",
        re.IGNORECASE,
    ),
    "contact": re.compile(r"\S+@\S+\.\w+|https?://\S+|\+?\d[\d\s()-]{8,}\d"),
    "number": re.compile(r"\b\d+(?:[.,]\d+)?\b"),
}
# a capitalised word that does not start a sentence: a name, a place, a brand
_PROPER_NOUN = re.compile(
    r"(?<=[^\s.!?…\n])\s+([A-ZĄĆĘŁŃÓŚŹŻА-ЯЁІЇЄҐ][a-ząćęłńóśźżа-яёіїєґ'’]{2,})"
)
_DIGIT = re.compile(r"\d")
_NEED_DIGITS = frozenset({"date", "time", "money", "order_number", "duration", "contact", "number"})
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
    has_digits = _DIGIT.search(text) is not None
    found = {
        kind: len(p.findall(text))
        for kind, p in _PATTERNS.items()
        if has_digits or kind not in _NEED_DIGITS
    }
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
