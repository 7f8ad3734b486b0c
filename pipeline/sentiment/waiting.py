"""A late appointment told by the clock ("Записалась на 10, приняли в 11:30", "Termin umówiony
na 10:00, przyjęto nas o 11:20", "Booked for 10, seen at 11:30"): a complaint that no word of it
says. The booked time comes first, the time the customer was seen after it; the delay counts
from LATE_MINUTES on.

Written by us; the verbs are the ordinary ones of booking and of being seen in each language.
"""

from __future__ import annotations

import re

from pipeline.sentiment.engine import Hit

LATE_APPOINTMENT = -0.75
LATE_MINUTES = 30
MAX_DELAY_MINUTES = 8 * 60  # more than a working day apart: two different appointments
_TIME = r"(?P<{name}>(?P<{name}_h>[01]?\d|2[0-3])(?:[:.](?P<{name}_m>[0-5]\d))?)(?![\d:.]*\d)"
_BOOKED = {
    "ru": r"(?:записал[аи]?(?:ся|сь)?|записан[аы]?(?: были)?|запись|назначил[аи]?|назначено)"
    r"(?:\s+[^\s\d]+){0,3}?\s+на",
    "uk": r"(?:записал[аи]?(?:ся|сь)?|записан[аі]?(?: були)?|запис|призначил[аи]?)"
    r"(?:\s+[^\s\d]+){0,3}?\s+на",
    "pl": r"(?:umówion[aey]?|zapisan[aiey]?|wizyt[aę]|termin(?: umówiony)?|rezerwacj[aę])"
    r"(?:\s+[^\s\d]+){0,3}?\s+na",
    "en": r"(?:booked(?: us| me)?|appointment(?: was)?|scheduled|reserved)\s+(?:for|at)",
}
_SEEN = {
    "ru": r"(?:принял[аи]?|зашли|зашёл|зашел|зашла|вызвали|начали|взяли(?: в работу)?)"
    r"(?: нас| меня)?"
    r"(?: только| лишь)?\s+в",
    "uk": r"(?:прийнял[аи]?|прийняв|зайшли|зайшов|зайшла|викликали|почали|взяли(?: в роботу)?)"
    r"(?: нас| мене)?"
    r"(?: тільки| лише)?\s+(?:о|об|в)",
    "pl": r"(?:przyjęto|przyjął|przyjęła|przyjęli|weszliśmy|weszłam|wszedłem|wezwano"
    r"|usiadł(?:em|am|a)?)"
    r"(?: nas| mnie)?(?: dopiero)?\s+o",
    "en": r"(?:seen|called in|got in|taken in|started|let in)(?: only)?\s+at",
}
# a day, not an hour: "на 15 число", "na 15 maja", "for the 15th", "на 15-го"
_DATE_AFTER = re.compile(
    r"\s*(?:-?го\b|число|числа|числу|dnia|th\b|st\b|nd\b|rd\b|"
    r"январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    r"січн|лют|берез|квіт|травн|червн|липн|серпн|вересн|жовтн|листопад|грудн|"
    r"stycz|lut|mar|kwie|maj|czerw|lip|sierp|wrze|paźdz|listop|grud|"
    r"jan|feb|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.I,
)
_BOOKING_STEMS = {
    "ru": ("запис", "назнач"),
    "uk": ("запис", "призначил"),
    "pl": ("umówion", "zapisan", "wizyt", "termin", "rezerwacj"),
    "en": ("booked", "appointment", "scheduled", "reserved"),
}
_PATTERNS = {
    lang: re.compile(
        rf"\b{_BOOKED[lang]}\s+{_TIME.format(name='booked')}.{{0,80}}?"
        rf"\b{_SEEN[lang]}\s+{_TIME.format(name='seen')}",
        re.S | re.I,
    )
    for lang in _BOOKED
}


def _minutes(found: re.Match[str], name: str) -> int:
    return int(found.group(f"{name}_h")) * 60 + int(found.group(f"{name}_m") or 0)


def late_appointment_hit(text: str, lang: str, position: int) -> Hit | None:
    """A complaint when the customer was seen LATE_MINUTES or more after the booked time."""
    pattern = _PATTERNS.get(lang)
    if pattern is None:
        return None
    lowered = text.lower()  # most texts book nothing: a substring test before the pattern
    if not any(stem in lowered for stem in _BOOKING_STEMS[lang]):
        return None
    found = pattern.search(text)
    if found is None or _DATE_AFTER.match(text, found.end("booked")):
        return None
    booked, seen = _minutes(found, "booked"), _minutes(found, "seen")
    if seen < booked:  # "booked for 11, seen at 1": the afternoon
        seen += 12 * 60
    delay = seen - booked
    if not LATE_MINUTES <= delay <= MAX_DELAY_MINUTES:
        return None
    return Hit(f"{delay} min after the booked time", LATE_APPOINTMENT, "late", position)
