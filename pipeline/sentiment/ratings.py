"""A star rating the author states in the text ("ставлю 4 звезды", "оцінка 3-4", "na 4/5",
"I'd give it 2 stars"): the reviewer's own verdict, stronger than any single word.

Only ratings tied to a rating word ("ставлю", "оценка", "ocena", "give it", "rate"), to a
scale ("4/5", "4 из 5", "4 out of 5", "на 4-ку"), to a reason ("2 stars because", "поэтому 3
звезды"), said as a sentence of their own ("... 1 зірка.", "Dwie gwiazdki.") or as a school mark
("на троечку") count; a bare "5 звёзд" or "hotel 4 gwiazdki" is a category, not a verdict.
Written by us; words are the ordinary ones of each language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.sentiment.engine import Hit

STATED_RATING_WEIGHT = 1.5  # per star away from 3: "ставлю 2" -1.5, "5 out of 5" +3.0
_MIDDLE = 3.0
_STARS = 5

_DIGIT = re.compile(r"[1-5]")
_NUMBER = r"(?P<stars>[1-5])(?P<half>\s*[.,]\s*5)?(?:\s*[-–]\s*(?P<upper>[1-5]))?"
_RATING_WORDS = (
    *("ставлю", "поставлю", "поставила", "поставил", "поставив", "ставим"),
    *("оценка", "оценку", "оцениваю", "оцінка", "оцінку", "оцінюю"),
    *("ocena", "oceniam", "oceniamy", "daję", "dałem", "dałam", "dałbym", "dałabym"),
    *("rating", "rate it", "rated it", "give it", "gave it", "giving it", "give this"),
    *("gave this", "i'd give", "i would give"),
)
_MARK_WORDS = ("оценка", "оцінка", "ocena")
_NOT_A_RANGE = "".join(
    f"(?<!{word} )" for word in ("z", "od", "с", "от", "від", "з", "from", "between")
)
_UNITS = (
    r"(?:dni|dzień|godzin\w*|minut\w*|tygodni\w*|zł|дн\w*|час\w*|минут\w*|недел\w*|"
    r"руб\w*|грн|годин\w*|хвилин\w*|тиж\w*|days?|hours?|minutes?|weeks?)\b"
)
_SUMMARY_WORDS = (
    *("в совокупе", "в совокупности", "в итоге", "итого", "в целом", "по итогу"),
    *("в сукупності", "в підсумку", "підсумок", "загалом", "в цілому"),
    *("w sumie", "ogólnie", "podsumowując", "overall", "all in all"),
    # the mark as the conclusion of the text: "Тяжеловат, в карман не положишь, поэтому 4"
    *("поэтому", "тому", "dlatego", "stąd", "hence", "therefore"),
)
# not a star taken off: "минус 1 звезда за ...", "сняла 1 звезду за", "-1 star for"
_NOT_TAKEN_OFF = "".join(
    f"(?<!{word})"
    for word in (
        "минус ",
        "мінус ",
        "minus ",
        "-",
        "- ",
        "−",
        "сняла ",
        "снял ",
        "снимаю ",
        "зняла ",
        "зняв ",
        "знімаю ",
        "odejmuję ",
        "zabieram ",
        "take off ",
        "took off ",
        "knock off ",
    )
)
_SCALE = r"(?:/|из|з|na|z|out of)\s*(?:5|five)\b"
_STAR_WORDS = ("star", "звезд", "звёзд", "зірк", "зірок", "gwiazd")
# stars counted in words: "Dwie gwiazdki.", "Одна звезда!", "Two stars."
_WORD_NUMBERS = {
    **dict.fromkeys(("one", "одна", "одну", "jedna", "jedną"), 1.0),
    **dict.fromkeys(("two", "две", "два", "дві", "dwie"), 2.0),
    **dict.fromkeys(("three", "три", "trzy"), 3.0),
    **dict.fromkeys(("four", "четыре", "чотири", "cztery"), 4.0),
    **dict.fromkeys(("five", "пять", "п'ять", "pięć"), 5.0),
}
# the first letters of the number words: a cheap test before the look-behinds of a pattern
_NUMBER_WORD_START = "[" + "".join(sorted({word[0] for word in _WORD_NUMBERS})) + "]"
# (words one of which the text must hold for the pattern to be tried, whether the pattern needs
# a digit, pattern): the checks keep the cost of texts without any rating near zero. A match
# names its stars in group "stars" (with "half" and "upper"), or "word" (a number word), or
# neither (a school mark of three).
_PATTERNS: tuple[tuple[tuple[str, ...], bool, re.Pattern[str]], ...] = (
    # a rating word, then the number within a few words: "ставлю 4 звезды", "Ocena: 2"
    (
        _RATING_WORDS,
        True,
        re.compile(
            rf"(?:{'|'.join(_RATING_WORDS)})\b[^\d.!?\n]{{0,20}}?(?<!\d){_NUMBER}(?!\d)(?!\s*%)",
            re.I,
        ),
    ),
    # the number, then the rating word: "4 оцінка", "5 - моя оценка"
    (
        _MARK_WORDS,
        True,
        re.compile(rf"(?<![\d.,]){_NUMBER}\s*[-–:]?\s*(?:{'|'.join(_MARK_WORDS)})\b", re.I),
    ),
    # the number on a five-point scale: "4/5", "4 из 5", "2 out of 5"
    # not a range of days or prices: "z 2 na 5 dni", "от 2 из 5 вариантов"
    (
        ("5", "five"),
        True,
        re.compile(
            rf"(?=[1-5]){_NOT_A_RANGE}(?<![\d.,]){_NUMBER}\s*{_SCALE}(?!\s*{_UNITS})",
            re.I,
        ),
    ),
    # the Slavic school-mark forms: "на 4-ку", "на 3ку"
    (("ку",), True, re.compile(rf"\bна\s*{_NUMBER}\s*-?\s*ку\b", re.I)),
    # stars with their reason: "2 stars because the bed was ok", "3 звезды за доставку",
    # "Two stars only because ...",
    # "4 gwiazdki bo ...": a verdict, not a hotel's category
    (
        _STAR_WORDS,
        False,
        re.compile(
            rf"(?=[1-5]|{_NUMBER_WORD_START}){_NOT_TAKEN_OFF}"
            rf"(?:(?<![\d.,]){_NUMBER}|\b(?P<word>{'|'.join(_WORD_NUMBERS)}))"
            r"\s*(?:stars?|звезд\w*|звёзд\w*|зірк\w*|gwiazd\w*)\s*,?\s*"
            r"(?:because|for|since|only|за|потому|так как|из-за|бо|через|za|bo|ponieważ)\b",
            re.I,
        ),
    ),
    # stars as the conclusion: "hence 2 stars", "поэтому 3 звезды", "dlatego 4 gwiazdki"
    (
        _STAR_WORDS,
        True,
        re.compile(
            r"\b(?:hence|so|thus|therefore|поэтому|тому|dlatego|stąd)\s+"
            r"(?:the\s+|only\s+|just\s+|только\s+|лише\s+|tylko\s+)?"
            rf"{_NUMBER}\s*(?:stars?|звезд\w*|звёзд\w*|зірк\w*|gwiazd\w*)",
            re.I,
        ),
    ),
    # stars said as a sentence of their own ("... 1 зірка.", "5 зірок.", "1 star. Broke in a
    # day"): a hotel's category comes with its noun ("Hotel 4 gwiazdki"); not "минус 1 звезда",
    # "за 1 звезду ниже" (a star taken off)
    (
        _STAR_WORDS,
        True,
        re.compile(
            rf"(?:^|[.!?\n]\s*){_NUMBER}\s*"
            r"(?:stars?|звезд[аы]?|звёзд[аы]?|зірк[аи]?|зірок|gwiazdk[ai]?|gwiazdek)"
            r"\s*(?:$|[.!?,\n])",
            re.I,
        ),
    ),
    # stars counted in words at the end of a sentence
    (
        _STAR_WORDS,
        False,
        re.compile(
            rf"\b(?P<word>{'|'.join(_WORD_NUMBERS)})\s+"
            r"(?:stars?|звезд[аыу]?|звёзд[аыу]?|зірк[аиу]?|зірок|gwiazdk[aiię]|gwiazdek)"
            r"\s*(?:$|[.!?\n])",
            re.I,
        ),
    ),
    # three stars as a school mark: "на троечку", "поставлю трійку", "na trójkę"
    (
        ("троечк", "тройк", "трійк", "трієчк", "trójk"),
        False,
        re.compile(
            r"\b(?:на|ставлю|поставлю|поставила|поставил|ставимо|поставив)\s+"
            r"(?:троечк|тройк|трійк|трієчк)\w*|\bna\s+trójk\w*"
            # or said as a sentence of its own: "Трійка." "Троечка!"
            r"|(?:^|[.!?\n]\s*)(?:троечка|трійка|трієчка|trójka)\s*(?:$|[.!?,\n])",
            re.I,
        ),
    ),
)
# the overall mark after the parts: "За качество 5, в совокупе 3.", "Итого: 4", "W sumie 4!",
# "Overall: 2." (the number ends its sentence: "в итоге 2 банки" is a count). Found number
# first, then the words before it: an alternation of the summary words scanned over the whole
# text would cost more than all the other patterns together.
_SUMMARY_GUARD = re.compile("|".join(re.escape(word) for word in _SUMMARY_WORDS))
_MARK_AT_SENTENCE_END = re.compile(
    rf"(?=[1-5])(?<![\d.,]){_NUMBER}\s*(?:stars?|звезд\w*|звёзд\w*|зірк\w*|зірок|gwiazd\w*)?"
    r"\s*(?:$|[.!?\n])",
    re.I,
)
_SUMMARY_BEFORE = re.compile(rf"(?<!\w)(?:{'|'.join(_SUMMARY_WORDS)})\s*[:\-–]?\s*$")
_SUMMARY_REACH = 30  # characters before the mark that may hold the summary words


def _summary_marks(lowered: str) -> list[re.Match[str]]:
    if not _SUMMARY_GUARD.search(lowered):
        return []
    return [
        match
        for match in _MARK_AT_SENTENCE_END.finditer(lowered)
        if _SUMMARY_BEFORE.search(lowered, max(0, match.start() - _SUMMARY_REACH), match.start())
    ]


def _stars_of(match: re.Match[str]) -> tuple[float, float]:
    """(low, high) stars of a match: digits ("4", "3,5", "3-4"), a number word, a school mark."""
    groups = match.groupdict()
    if groups.get("word"):
        stars = _WORD_NUMBERS[groups["word"].lower()]
        return stars, stars
    if groups.get("stars") is None:
        return _MIDDLE, _MIDDLE
    low = float(groups["stars"]) + (0.5 if groups.get("half") else 0.0)
    upper = groups.get("upper")
    return low, float(upper) if upper else low


def stated_rating(text: str) -> float | None:
    """The last rating the text states, in stars (a range "3-4" gives its middle), or None."""
    lowered = text.lower()
    has_digit = _DIGIT.search(text) is not None
    found: list[tuple[int, float]] = []
    # each pattern behind a test for the words it needs: cheaper than trying the pattern, and
    # substring tests are cheaper than a regular expression of alternatives
    has_words: dict[tuple[str, ...], bool] = {}
    for needed, digits, pattern in _PATTERNS:
        if digits and not has_digit:
            continue
        found_words = has_words.get(needed)
        if found_words is None:
            found_words = has_words[needed] = any(word in lowered for word in needed)
        if not found_words:
            continue
        found.extend(_stars_found(pattern.finditer(lowered)))
    if has_digit:
        found.extend(_stars_found(_summary_marks(lowered)))
    return max(found)[1] if found else None


def _stars_found(matches: Iterable[re.Match[str]]) -> list[tuple[int, float]]:
    """(position, stars) of the matches that name one to five stars."""
    found = []
    for match in matches:
        low, high = _stars_of(match)
        if 1 <= low <= high <= _STARS:
            found.append((match.start(), (low + high) / 2))
    return found


def stated_rating_hit(text: str, position: int) -> Hit | None:
    """The stated rating as a piece of evidence: (stars - 3) x STATED_RATING_WEIGHT; three stars
    give a hit of 0, which the analyzer reads as the writer's middling verdict."""
    stars = stated_rating(text)
    if stars is None:
        return None
    value = (stars - _MIDDLE) * STATED_RATING_WEIGHT
    return Hit(f"stated rating {stars:g}/5", value, "stated-rating", position)


def is_middling_verdict(hit: Hit) -> bool:
    """The text says three stars itself ("ставлю 3", "на троечку"): neither complaint nor praise."""
    return hit.rule == "stated-rating" and hit.value == 0
