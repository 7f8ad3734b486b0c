"""Language of a customer's text: pl / ru / uk / en precisely, anything else reported as such.

Order of evidence, cheapest first:
1. the script: no letters -> "unknown"; a script other than Latin / Cyrillic names its language
   ("zh", "ar", "el"...);
2. letters only one language uses: Ukrainian і ї є ґ vs Russian ы э ё; Polish ą ć ę ł ń ś ź ż;
   Belarusian ў, Serbian ђ ћ, Macedonian ѓ ќ ѕ;
3. frequent words only one of the two candidates of the script has ("як", "що" / "как", "что";
   "the", "this" / "się", "jest");
4. lingua-language-detector restricted to those two candidates (en/pl or ru/uk), which is fast
   and does not drift to Bulgarian or Latin on short texts;
5. only when a text looks like none of our languages (foreign diacritics, or a long text with
   none of the markers above), a second lingua detector over the common languages of the script;
   where that one picks one of ours ("a lovely little café"), it stands.
`lang_hint` (e.g. the business's language) decides only where the text itself is too short.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

SUPPORTED = ("pl", "ru", "uk", "en")
UNKNOWN = "unknown"

MIN_LETTERS = 2
SHORT_TEXT_LETTERS = 20  # below this, a hint outweighs lingua's guess
LONG_TEXT_LETTERS = 60  # above this, a Cyrillic text without ru/uk letters is suspicious
OTHER_LANGUAGE_CONFIDENCE = 0.6
MIN_WORDS_TO_DOUBT = 3  # a Latin text this long with no common en/pl word gets a second look

_UKRAINIAN_ONLY = frozenset("іїєґ")
_RUSSIAN_ONLY = frozenset("ыэё")
_POLISH_ONLY = frozenset("ąćęłńśźż")
_FOREIGN_LATIN = frozenset("äöüßéèêëàâçñãõěščřůýíúåæøğışăâîșțőűœ")
_OTHER_CYRILLIC = {"ў": "be", "ђ": "sr", "ћ": "sr", "ѓ": "mk", "ќ": "mk", "ѕ": "mk"}

# script name (first word of the Unicode character name) -> language it most likely is
_SCRIPT_LANGUAGE = {
    "ARABIC": "ar",
    "HEBREW": "he",
    "GREEK": "el",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "THAI": "th",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "TAMIL": "ta",
}


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ENGLISH_WORDS = _word_set(
    "the a an and or but is are was were it this that i you he she we they my your not no "
    "of to in on for with at be have has had do does did very"
)
_POLISH_WORDS = _word_set(
    "i w na z nie się jest to że do jak ale co po tak za od już bardzo był była było mi mnie "
    "jestem czy tylko"
)
# words common in one of en / pl and absent from the other and from nl / de / es / it / fr
_ENGLISH_ONLY_WORDS = _word_set(
    "the and this that with you they not very have has would but my your it its were are been "
    "just what which when there their"
)
_POLISH_ONLY_WORDS = _word_set(
    "nie się jest że jak ale już bardzo był była było mnie jestem czy tylko na w z jednak także"
)
# frequent words of other Latin-script languages that are not English or Polish words
_OTHER_LATIN_WORDS = {
    "de": _word_set("der die das und ist nicht ich sie ein eine war mit für auf sehr auch"),
    "fr": _word_set("le la les et est pas je vous une des du très avec pour mais"),
    "es": _word_set("el los las que es muy por para una con pero del se y"),
    "it": _word_set("il che è non per una sono molto della con ma gli"),
    "pt": _word_set("não que uma com muito para os as é mas"),
    "nl": _word_set("het een en niet ik van dat zijn er ook heel"),
}
MIN_MARKER_WORDS = 2
MAX_BORROWED_LETTERS = 2  # foreign letters a text of our words may carry in names and loans
# frequent words of one of ru / uk that the other does not have, among those written without the
# letters only one of them uses ("як", "що" against "как", "что")
_RUSSIAN_ONLY_WORDS = _word_set(
    "как что это очень уже если спасибо хорошо сейчас только когда его они или нет меня было "
    "была был будет всего который которая которые можно нужно надо ничего плохо пришел пришла "
    "цена цену ткань"
)
_UKRAINIAN_ONLY_WORDS = _word_set(
    "як що це цей ця але дуже вже ще щоб якщо бо добре гарно зараз був була було буде мене "
    "цього цьому щось треба можна потрібно погано прийшов прийшла ціна ціну тканина"
)
_WORD_RE = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class LanguageGuess:
    lang: str  # "pl", "ru", "uk", "en", another ISO 639-1 code, or "unknown"
    confidence: float  # [0, 1]
    method: str  # "empty", "script", "letters", "words", "lingua", "hint", "lingua-other"

    @property
    def supported(self) -> bool:
        return self.lang in SUPPORTED


def _script_of(ch: str) -> str:
    if "a" <= ch.lower() <= "z":
        return "LATIN"
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return "OTHER"


_NOT_LETTER_RE = re.compile(r"[\W\d_]+")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[a-z\u00c0-\u024f]")
SAMPLE_CHARS = 1000  # enough of a long text to decide
LINGUA_CHARS = 400
SCRIPT_SAMPLE_LETTERS = 300  # the script of a text shows in its first letters


def _letters(text: str) -> str:
    """The letters of the start of `text`, lower-cased, as one string."""
    return _NOT_LETTER_RE.sub("", text[:SAMPLE_CHARS].lower())


def _count(letters: str, alphabet: frozenset[str]) -> int:
    return sum(letters.count(ch) for ch in alphabet)


def _main_script(letters: str) -> tuple[str, float]:
    letters = letters[:SCRIPT_SAMPLE_LETTERS]
    cyrillic = _CYRILLIC_RE.subn("", letters)[1]
    latin = _LATIN_RE.subn("", letters)[1]
    if max(cyrillic, latin) * 2 > len(letters):
        if cyrillic > latin:
            return "CYRILLIC", cyrillic / len(letters)
        return "LATIN", latin / len(letters)
    script, count = Counter(_script_of(ch) for ch in letters).most_common(1)[0]
    return script, count / len(letters)


@cache
def _detector(codes: tuple[str, ...]):  # lingua.LanguageDetector over the given ISO codes
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    return (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )


def _lingua(text: str, codes: tuple[str, ...]) -> tuple[str, float]:
    # lingua's cost grows with length and a few hundred characters already decide
    values = _detector(codes).compute_language_confidence_values(text[:LINGUA_CHARS])
    if not values:
        return UNKNOWN, 0.0
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), float(best.value)


_OTHER_LATIN = ("en", "pl", "de", "fr", "es", "it", "pt", "nl", "cs", "sk", "tr", "ro", "hu", "sv")
_OTHER_CYRILLIC_SET = ("ru", "uk", "bg", "be", "sr", "mk")


def _other_language(text: str, codes: tuple[str, ...], fallback: LanguageGuess) -> LanguageGuess:
    lang, confidence = _lingua(text, codes)
    if lang not in SUPPORTED and confidence >= OTHER_LANGUAGE_CONFIDENCE:
        return LanguageGuess(lang, confidence, "lingua-other")
    if fallback.lang == UNKNOWN and lang in SUPPORTED:  # "cutest little café", "Lucía gets ..."
        return LanguageGuess(lang, confidence, "lingua")
    return fallback


def _with_hint(guess: LanguageGuess, hint: str | None, candidates: tuple[str, str], letters: int):
    if hint in candidates and letters < SHORT_TEXT_LETTERS and guess.lang != hint:
        return LanguageGuess(hint, 0.5, "hint")
    return guess


def _cyrillic(text: str, letters: str, hint: str | None) -> LanguageGuess:
    for ch, code in _OTHER_CYRILLIC.items():
        if ch in letters:
            return _other_language(text, _OTHER_CYRILLIC_SET, LanguageGuess(code, 0.7, "letters"))
    uk = _count(letters, _UKRAINIAN_ONLY)
    ru = _count(letters, _RUSSIAN_ONLY)
    if uk and not ru:
        return LanguageGuess("uk", min(1.0, 0.8 + 0.05 * uk), "letters")
    if ru and not uk:
        return LanguageGuess("ru", min(1.0, 0.8 + 0.05 * ru), "letters")
    words = _WORD_RE.findall(text[:SAMPLE_CHARS].lower())
    russian_words = sum(1 for w in words if w in _RUSSIAN_ONLY_WORDS)
    ukrainian_words = sum(1 for w in words if w in _UKRAINIAN_ONLY_WORDS)
    if russian_words and not ukrainian_words:
        guess = LanguageGuess("ru", min(1.0, 0.7 + 0.05 * russian_words), "words")
    elif ukrainian_words and not russian_words:
        guess = LanguageGuess("uk", min(1.0, 0.7 + 0.05 * ukrainian_words), "words")
    else:
        guess = LanguageGuess(*_lingua(text, ("ru", "uk")), "lingua")
    guess = _with_hint(guess, hint, ("ru", "uk"), len(letters))
    if not uk and not ru and len(letters) >= LONG_TEXT_LETTERS:
        return _other_language(text, _OTHER_CYRILLIC_SET, guess)
    return guess


def _most_marked(words: list[str]) -> tuple[str, int]:
    counts = {
        lang: sum(1 for w in words if w in marks) for lang, marks in _OTHER_LATIN_WORDS.items()
    }
    best = max(counts, key=lambda lang: counts[lang])
    return best, counts[best]


def _latin(text: str, letters: str, hint: str | None) -> LanguageGuess:
    polish = _count(letters, _POLISH_ONLY)
    foreign = _count(letters, _FOREIGN_LATIN)
    words = _WORD_RE.findall(text[:SAMPLE_CHARS].lower())
    # a name or a loan word ("Lucía", "café") in a text of English or Polish words
    borrowed = foreign <= MAX_BORROWED_LETTERS and (
        sum(1 for w in words if w in _ENGLISH_WORDS or w in _POLISH_WORDS) >= MIN_MARKER_WORDS
    )
    if foreign > polish and not borrowed:
        fallback = LanguageGuess(UNKNOWN, 0.3, "letters")
        return _other_language(text, _OTHER_LATIN, fallback)
    if polish and not foreign:
        return LanguageGuess("pl", min(1.0, 0.8 + 0.05 * polish), "letters")
    english = sum(1 for w in words if w in _ENGLISH_ONLY_WORDS)
    polish_words = sum(1 for w in words if w in _POLISH_ONLY_WORDS)
    if english >= MIN_MARKER_WORDS and not polish_words and not foreign:
        return LanguageGuess("en", min(1.0, 0.8 + 0.03 * english), "words")
    if polish_words >= MIN_MARKER_WORDS and not english and not foreign:
        return LanguageGuess("pl", min(1.0, 0.8 + 0.03 * polish_words), "words")
    if not english and not polish_words:
        other, count = _most_marked(words)
        if count >= MIN_MARKER_WORDS:
            return _other_language(text, _OTHER_LATIN, LanguageGuess(other, 0.6, "words"))
    lang, confidence = _lingua(text, ("en", "pl"))
    guess = _with_hint(LanguageGuess(lang, confidence, "lingua"), hint, ("en", "pl"), len(letters))
    markers = _ENGLISH_WORDS if guess.lang == "en" else _POLISH_WORDS
    if len(words) >= MIN_WORDS_TO_DOUBT and not any(w in markers for w in words):
        return _other_language(text, _OTHER_LATIN, guess)
    return guess


def detect_language(text: str, hint: str | None = None) -> LanguageGuess:
    """The language of `text`; `hint` settles texts too short to tell (see the module doc)."""
    letters = _letters(text)
    if len(letters) < MIN_LETTERS:
        return LanguageGuess(UNKNOWN, 0.0, "empty")
    script, share = _main_script(letters)
    if script == "CYRILLIC":
        return _cyrillic(text, letters, hint)
    if script == "LATIN":
        return _latin(text, letters, hint)
    return LanguageGuess(_SCRIPT_LANGUAGE.get(script, UNKNOWN), share, "script")


def preload() -> None:
    """Build every detector now (about 3 s) instead of on the first text that needs it."""
    for codes in (("ru", "uk"), ("en", "pl"), _OTHER_LATIN, _OTHER_CYRILLIC_SET):
        _detector(codes).compute_language_confidence_values("preload")
