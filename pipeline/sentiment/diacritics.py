"""Polish typed without diacritics ("Slabo. Produkt nie dziala"), read as if it had them.

Phones and hurried customers drop the Polish letters ą ć ę ł ń ó ś ź ż; the lexicons, the
lemmatiser and our phrase lists are keyed with them, so such a review reads as almost empty. A
text with no Polish letter at all gets each word the lemmatiser does not know replaced by the
one form with those letters that folds to it, taken from the words the scorer can value:
polvader's terms and their inflected forms, the AFINN-pl list and our own Polish lists. A word
that folds alike with readings of opposite sentiment is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields
from functools import cache

POLISH_LETTERS = "ąćęłńóśźż"
_FOLD = str.maketrans(POLISH_LETTERS + POLISH_LETTERS.upper(), "acelnoszz" + "ACELNOSZZ")
_HAS_POLISH_LETTER = re.compile(f"[{POLISH_LETTERS}{POLISH_LETTERS.upper()}]")
_WORD = re.compile(r"\w+")
MIN_WORDS = 3  # a shorter text may well be Polish with no such letter in it


def fold(word: str) -> str:
    return word.translate(_FOLD)


def _our_polish_words() -> Iterable[str]:
    from pipeline.sentiment.domain import GROUPS, own_words
    from pipeline.sentiment.phrases import phrases
    from pipeline.sentiment.rules import RULES

    yield from own_words("pl")
    for text in phrases("pl"):
        yield from text.split()
    for by_lang in GROUPS.values():
        for text in by_lang.get("pl", {}):
            yield from text.split()
    rules = RULES["pl"]
    for field in fields(rules):
        value = getattr(rules, field.name)
        if isinstance(value, frozenset):
            for text in value:
                yield from str(text).split()


@cache
def _restorations() -> dict[str, str]:
    """Folded form -> the form with Polish letters that folds to it: the only one, or of several
    the strongest where those the lexicons value share one sign ("złe" / "źle", "niemiła" /
    "niemiłą"), or the first where none is valued and all share one lemma."""
    from pipeline.sentiment.resources import (
        multilang_lexicon,
        polvader_lexicon,
        polvader_word_forms,
    )

    candidates: dict[str, set[str]] = {}
    words = [*polvader_word_forms(), *polvader_lexicon(), *multilang_lexicon("pl")]
    for word in (*words, *_our_polish_words()):
        word = word.lower()
        folded = fold(word)
        if folded != word and " " not in word:
            candidates.setdefault(folded, set()).add(word)
    restorations = {}
    for folded, forms in candidates.items():
        chosen = _one_reading(sorted(forms))
        if chosen is not None:
            restorations[folded] = chosen
    return restorations


def _one_reading(forms: list[str]) -> str | None:
    if len(forms) == 1:
        return forms[0]
    import simplemma

    from pipeline.sentiment.languages import language_model

    model = language_model("pl")
    # uncached on purpose: the scorer's caches are for the words of texts, not of this index
    lemmas = {form: simplemma.lemmatize(form, lang="pl").lower() for form in forms}
    valued = {form: v for form in forms if (v := model.lookup(form, lemmas[form]))}
    if valued and (all(v > 0 for v in valued.values()) or all(v < 0 for v in valued.values())):
        return max(valued, key=lambda form: abs(valued[form]))
    if not valued and len(set(lemmas.values())) == 1:
        return forms[0]
    return None


def _known(word: str) -> bool:
    """A word written so in Polish ("pan", "ze"): left as it is. Not a proper name that folds
    alike ("niemila" is known only as a form of "Niemil")."""
    import simplemma

    return simplemma.is_known(word, lang="pl") and simplemma.lemmatize(word, lang="pl").islower()


def restore(text: str) -> str:
    """`text` with its Polish letters put back, if it has none and at least MIN_WORDS words;
    otherwise `text` itself."""
    if _HAS_POLISH_LETTER.search(text) or len(_WORD.findall(text)) < MIN_WORDS:
        return text
    restorations = _restorations()

    def put_back(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = word.lower()
        form = restorations.get(lowered)
        if form is None or _known(lowered):
            return word
        return form.capitalize() if word[:1].isupper() else form

    return _WORD.sub(put_back, text)


def preload() -> None:
    """Build the index now (about half a second once the lexicons are loaded), not on the first
    Polish text typed without its letters."""
    _restorations()
