"""Closure quality of a closed complaint: which good steps were taken, what went wrong.

The handler's texts (the closing reply and the earlier replies) are matched against phrase
patterns over lemmas (`pipeline/closure/data/<lang>.toml`) in pl / ru / uk / en:

* seed 001's four steps of a good closure: apology, understanding, ownership (a named person
  who sees it through), next step with a deadline;
* seed 000's good refusal: positive opening, refusal phrased as regret, short reason, positive
  perspective; plus a firm, polite boundary to an abusive customer (seed 000, seed 004);
* seed 002's bad conduct: rudeness, getting personal, blaming the customer, arguing, sarcasm,
  dismissiveness.

Together with the outcome fields (deadline promised and met, satisfaction or the customer's
last words, public / on camera) they give a score 0-100, a grade and the badly-closed rule,
documented in docs/closure.md:

    badly closed  <=>  staff conduct problem in any reply
                  or  promised deadline missed and the customer left unsatisfied
                  or  declined with < 2 of the 4 refusal elements to a calm / irate customer
                  or  customer left unsatisfied and < 2 good steps (< 3 if public / on camera),
                      unless the customer was abusive or threatening

Pure functions; the phrase lists are data files, loaded and validated once (`phrases`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal

from pipeline.closure import phrases
from pipeline.events import ComplaintClosed
from pipeline.text.lemmas import morph_analyzer as _morph

if TYPE_CHECKING:
    from pipeline.closure.conduct import ConductModel, Verdict

# which reply-conduct model reads the replies: the shipped one, another (training, tests), or
# None for the phrase lists and structural rules alone (for comparison)
ModelChoice = Literal["shipped"] | None

Grade = Literal["good", "acceptable", "bad"]


class BadlyClosedBecause(StrEnum):
    """The clauses of the badly-closed rule (they land as text in `badly_closed_because`)."""

    CONDUCT = "conduct"
    BROKEN_PROMISE = "broken_promise"
    BARE_REFUSAL = "bare_refusal"
    CARELESS_CLOSE = "careless_close"


@cache
def _cues() -> dict[str, phrases.Cues]:
    return {lang: d.cues for lang, d in phrases.load().languages.items()}


@cache
def _cls(name: str) -> dict[str, frozenset[str]]:
    return phrases.load().cls(name)


LANGS = ("pl", "ru", "uk", "en")
CLOSURE_STEPS = ("apology", "understanding", "ownership", "next_step")  # seed 001
REFUSAL_STEPS = ("positive_opening", "regret", "reason", "perspective")  # seed 000
# seed 002; "condescending" is found by the reply-conduct model only
CONDUCT_PROBLEMS = (*phrases.CONDUCT_CUES, "condescending")
GOOD_STEPS = CLOSURE_STEPS + REFUSAL_STEPS

# Score: start, what the expected steps add, what each problem takes away.
BASE_SCORE = 35.0
EXPECTED_STEPS_POINTS = 50.0  # all four expected steps
EXTRA_STEP_POINTS = 4.0  # a good step beyond the expected ones (at most 3 count)
PARTIAL_STEP_POINTS = 5.0  # ownership without a name, next step without a deadline
BOUNDARY_POINTS = 8.0  # a firm, polite limit to an abusive / threatening customer
DEADLINE_MET_POINTS = 5.0
PENALTY: dict[str, float] = {
    "rude": 45.0,
    "personal": 40.0,
    "threatens": 45.0,
    "blames": 30.0,
    "argues": 30.0,
    "sarcasm": 30.0,
    "dismissive": 30.0,
    "condescending": 30.0,
    "non_apology": 8.0,
    "deadline_missed": 15.0,
    "customer_unsatisfied": 10.0,
    "bare_refusal": 20.0,
}
PUBLIC_PENALTY_FACTOR = 1.5  # public or on camera: the same mistake costs more (seed 002)
GOOD_AT = 70  # score >= GOOD_AT and not badly closed -> "good"
BAD_BELOW = 40  # a badly closed complaint scores below this; any other at or above it
MIN_GOOD_STEPS = 2  # fewer good steps + an unsatisfied customer -> careless close
MIN_GOOD_STEPS_PUBLIC = 3
MIN_REFUSAL_ELEMENTS = 2  # a declined complaint needs at least this many of REFUSAL_STEPS
UNHAPPY_NEGATIVITY = 0.4  # sentiment negativity of the customer's last words
NEGATION_WINDOW = 4  # words before a good cue in which a negator cancels it
SHOUTING_MIN_LETTERS = 20
SHOUTING_UPPER_SHARE = 0.6

NEGATABLE_CUES = frozenset(
    {
        "apology",
        "understanding",
        "commitment",
        "positive_opening",
        "perspective",
        "next_action",
        "deadline",
        "happy",
    }
)


@dataclass(frozen=True)
class ClosureGrade:
    score: int  # 0..100
    grade: Grade
    badly_closed: bool
    steps_taken: tuple[str, ...]
    steps_missing: tuple[str, ...]
    problems: tuple[str, ...]  # e.g. "rude", "argues", "deadline_missed"
    lang: str = "unknown"
    # Which clauses of the badly-closed rule fired: conduct, broken_promise, bare_refusal,
    # careless_close (empty when not badly closed).
    badly_closed_because: tuple[str, ...] = ()
    # (cue, the words that matched), for explanations in the feed.
    evidence: tuple[tuple[str, str], ...] = ()
    customer_unsatisfied: bool | None = None  # None: no satisfaction and no last words
    stakes: Literal["private", "public", "on_camera"] = "private"
    # conduct found by its structure, not a known phrase (v2): "problem:rule", e.g.
    # "blames:counterfactual", "dismissive:cease", "rude:negative_at_you"
    conduct_rules: tuple[str, ...] = ()
    # the reply-conduct model: its highest probability of misconduct over the handler's texts
    conduct_probability: float = 0.0
    # what went wrong, in plain words an owner acts on, each quoting the reply where it can:
    # 'The reply blames the customer: "had the device been used as intended..."'
    explanations: tuple[str, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        return (
            tuple(f"did: {s}" for s in self.steps_taken)
            + tuple(f"missing: {s}" for s in self.steps_missing)
            + tuple(f"problem: {p}" for p in self.problems)
        )


# ---------------------------------------------------------------------------------------------
# Language


_PL_CHARS = set("ąćęłńśźż")
_UK_CHARS = set("іїєґ")
_RU_CHARS = set("ыэёъ")
_PL_WORDS = phrases.words("nie się jest że pan pani panu dziękujemy przepraszamy jak dla czy")
_EN_WORDS = phrases.words("the and you we is to of for your our with this that")
_UK_WORDS = phrases.words("що це ви ми як для вам вас дякуємо щодо буде які")
_RU_WORDS = phrases.words("что это вы мы как для вам вас спасибо если будет какие")


def fallback_language(text: str) -> str:
    """Script plus a few letters and words: enough to tell pl / ru / uk / en apart."""
    lowered = text.lower()
    cyrillic = sum(1 for ch in lowered if "а" <= ch <= "я" or ch in "ёіїєґ")
    latin = sum(1 for ch in lowered if "a" <= ch <= "z" or ch in _PL_CHARS or ch == "ó")
    if cyrillic == 0 and latin == 0:
        return "unknown"
    words = set(re.findall(r"\w+", lowered))
    if cyrillic >= latin:
        uk = sum(lowered.count(c) for c in _UK_CHARS) + 2 * len(words & _UK_WORDS)
        ru = sum(lowered.count(c) for c in _RU_CHARS) + 2 * len(words & _RU_WORDS)
        return "uk" if uk > ru else "ru"
    pl = sum(lowered.count(c) for c in _PL_CHARS) + 2 * len(words & _PL_WORDS)
    en = 2 * len(words & _EN_WORDS)
    return "pl" if pl > en else "en"


def detect_lang(text: str, hint: str | None = None) -> str:
    """The shared detector (`pipeline.text.language`) when it answers pl/ru/uk/en; else
    `fallback_language`."""
    from pipeline.text.language import detect_language

    found = detect_language(text, hint)
    return found.lang if found.lang in LANGS else fallback_language(text)


# ---------------------------------------------------------------------------------------------
# Tokens and lemmas


@dataclass(frozen=True, eq=False)  # compared by identity: `token in MARKS` stays cheap
class _Token:
    surface: str  # lowercased, "ё" -> "е", apostrophes -> "'"
    lemma: str
    cap: bool  # written with a capital letter
    name_tag: bool  # a first name, surname or patronymic by the morphology (ru/uk)
    initial: bool  # first word of its sentence
    future: bool = False  # a verb about what is still to happen (see _morphology)
    first_sg: bool = False  # "I will ...": a first-person singular future verb (pl/ru/uk)
    second: bool = False  # addresses the customer: you / ty / Pan / вы / ви, or a 2nd-person verb
    imperative: bool = False  # an imperative verb (ru/uk tags; Polish endings)
    informal: bool = False  # second person singular: ty / ты / ти, or their verb forms


EOS = _Token("<eos>", "<eos>", False, False, False)
BOS = _Token("<bos>", "<bos>", False, False, False)
MARKS = (EOS, BOS)

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'"})
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*|\d+")
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\n+")
# "Dr. Patel", "ul. Długa": a full stop after these does not end the sentence
_ABBREVIATIONS = phrases.words(
    "dr mr mrs ms st prof inż mgr np tj ul al pl tel nr ok godz pt wt śr czw pn sob ndz "
    "г гр ул им т е д пр тел вул буд м"
)
_EN_CONTRACTIONS = (
    (re.compile(r"\bcan't\b|\bcannot\b", re.I), "can not"),
    (re.compile(r"\bwon't\b", re.I), "will not"),
    (re.compile(r"\bshan't\b", re.I), "shall not"),
    (re.compile(r"n't\b", re.I), " not"),
    (re.compile(r"'ll\b", re.I), " will"),
    (re.compile(r"'re\b", re.I), " are"),
    (re.compile(r"\b(i)'m\b", re.I), r"\1 am"),
    (re.compile(r"'ve\b", re.I), " have"),
    (re.compile(r"'d\b", re.I), " would"),
    (re.compile(r"\b(it|that|there|what|here|he|she|who|this)'s\b", re.I), r"\1 is"),
)


def _normalize(text: str, lang: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    if lang == "en":
        for pattern, replacement in _EN_CONTRACTIONS:
            text = pattern.sub(replacement, text)
    return text


@lru_cache(maxsize=100_000)
def _lemma(lang: str, word: str) -> tuple[str, bool]:
    """(lemma, is a personal name) of a lowercased word."""
    if lang in ("ru", "uk"):
        parses = _morph(lang).parse(word)
        # a first name or patronymic in any of the likely readings (surnames are left out:
        # "Шкода", "Майстер" are surnames too, and the dictionaries rank readings unevenly)
        is_name = any("Name" in p.tag or "Patr" in p.tag for p in parses[:4])
        return parses[0].normal_form.replace("ё", "е"), is_name
    if lang in ("pl", "en"):
        import simplemma

        return simplemma.lemmatize(word, lang=lang).lower(), False
    return word, False


_PL_PAST = re.compile(r"(ł|ła|ło|li|ły|łem|łam|łeś|łaś|liśmy|łyśmy|liście|łyście)$")
_PL_NOT_PROMISES = phrases.words("proszę mogę muszę chcę wiem rozumiem przepraszam")


@lru_cache(maxsize=100_000)
def _morphology(lang: str, word: str, lemma: str) -> tuple[bool, bool]:
    """(future, first person singular future) of a lowercased word.

    ru/uk: from pymorphy3 tags (VERB + futr; + 1per sing). pl: simplemma gives no tags, so a
    verb (lemma in -ć) not in a past form counts as future-ish and a verb in -ę as "I will".
    en: handled by patterns over "will".
    """
    if lang in ("ru", "uk"):
        tag = _morph(lang).parse(word)[0].tag
        future = "VERB" in tag and "futr" in tag
        return future, future and "1per" in tag and "sing" in tag
    if lang == "pl" and lemma.endswith("ć") and word != lemma and not _PL_PAST.search(word):
        return True, word.endswith("ę") and word not in _PL_NOT_PROMISES
    return False, False


def _split_sentences(text: str) -> list[str]:
    pieces = _SENTENCE_END.split(text)
    out: list[str] = []
    for piece in pieces:
        if out and re.search(r"(?:^|\W)(\w+)\.$", out[-1]):
            last = re.search(r"(\w+)\.$", out[-1])
            if last and last.group(1).lower() in _ABBREVIATIONS:
                out[-1] = f"{out[-1]} {piece}"
                continue
        out.append(piece)
    return out


class _Sentence(list[_Token]):
    """A sentence's tokens between BOS and EOS, with what was already found in it: the
    candidate starts of each cue's patterns and each cue's match (pure, so memoised)."""

    __slots__ = ("found", "keys", "text")

    def __init__(self, tokens: Iterable[_Token], text: str = "") -> None:
        super().__init__(tokens)
        self.text = text
        self.found: dict[tuple[str, str], str | None] = {}
        # the strings each position can be looked up by: surface form and lemma
        self.keys: tuple[tuple[str, ...], ...] = tuple(
            ()
            if t is BOS or t is EOS
            else (t.surface, t.lemma)
            if t.surface != t.lemma
            else (t.surface,)
            for t in self
        )


def _sentences(text: str, lang: str) -> list[_Sentence]:
    """Sentences as token lists, each between BOS and EOS."""
    out: list[_Sentence] = []
    for chunk in _split_sentences(_normalize(text, lang)):
        tokens: list[_Token] = []
        for match in _WORD.finditer(chunk):
            raw = match.group()
            low = raw.lower().replace("ё", "е")
            lemma, is_name = _lemma(lang, low)
            future, first_sg = _morphology(lang, low, lemma)
            cap = raw[:1].isupper()
            second, imperative, informal = _person(lang, low, lemma)
            tokens.append(
                _Token(
                    low,
                    lemma,
                    cap,
                    is_name,
                    not tokens,
                    future,
                    first_sg,
                    second,
                    imperative,
                    informal,
                )
            )
        if tokens:
            out.append(_Sentence([BOS, *tokens, EOS], chunk))
    return out


_PL_IMPERATIVE = re.compile(
    r"(?:[^aeiouyąęó]j|[ńźś]|dź|cz|rz)(?:cie)?$|(?:aj|ij|yj|uj|ej)(?:cie)?$"
)
_PL_SECOND_SG = re.compile(r"(?:[aeiy]sz|łeś|łaś)$")
_PL_SECOND_PL = re.compile(r"(?:cie|liście|łyście)$")


@lru_cache(maxsize=100_000)
def _person(lang: str, word: str, lemma: str) -> tuple[bool, bool, bool]:
    """(second person, imperative, informal singular) of a lowercased word.

    ru/uk: pymorphy3 tags (2per, impr, sing) plus the pronouns; pl: the pronouns and honorifics
    plus verb endings (a verb is a word whose lemma ends in -ć); en: the pronouns only.
    """
    second = word in _cls("second_person")[lang] or lemma in _cls("second_person")[lang]
    informal = word in _cls("informal")[lang] or lemma in _cls("informal")[lang]
    imperative = False
    if lang in ("ru", "uk"):
        tag = _morph(lang).parse(word)[0].tag
        if "VERB" in tag:
            imperative = "impr" in tag
            if "2per" in tag or imperative:
                second = True
                informal = informal or "sing" in tag
    elif lang == "pl" and lemma.endswith("ć") and word != lemma and not _PL_PAST.search(word):
        if _PL_IMPERATIVE.search(word):
            imperative = second = True
            informal = informal or not word.endswith("cie")
        elif _PL_SECOND_SG.search(word) and word not in ("proszę",):
            second = informal = True
        elif _PL_SECOND_PL.search(word):
            second = True
    elif lang == "pl" and re.search(r"(?:łeś|łaś)$", word):
        second = informal = True
    return second, imperative, informal


# ---------------------------------------------------------------------------------------------
# Patterns


@dataclass(frozen=True)
class _Element:
    surfaces: frozenset[str]  # one-word alternatives written "=word": the surface form only
    words: frozenset[str]  # one-word alternatives, exact (surface form or lemma)
    prefixes: tuple[str, ...]  # one-word alternatives ending in "*"
    phrases: tuple[tuple[str, ...], ...]  # several-word alternatives ("in+charge")
    special: str | None  # "<NUM>", "<NAME>", "<EOS>", "<BOS>", "<FUT>", "<1SG>"
    gap: int  # words allowed between the previous element and this one


@dataclass(frozen=True)
class _Pattern:
    text: str
    elements: tuple[_Element, ...]
    not_after: frozenset[str]


def _compile(pattern: str) -> _Pattern:
    parts = pattern.split()
    not_after: frozenset[str] = frozenset()
    if parts and parts[0].startswith("!"):
        not_after = frozenset(parts[0][1:].split("|"))
        parts = parts[1:]
    elements: list[_Element] = []
    gap = phrases.load().gap
    for part in parts:
        if part == "...":
            gap = phrases.load().wide_gap
            continue
        special = part.upper()
        after_name = bool(elements) and elements[-1].special in ("<NAME>", "<BOS>")
        if gap == phrases.load().gap and (special in ("<EOS>", "<NAME>") or after_name):
            gap = 0  # "i tyle <EOS>", "my name is <NAME>", "<BOS> calm down": right next to it
        if special in ("<NUM>", "<NAME>", "<EOS>", "<BOS>", "<FUT>", "<1SG>"):
            elements.append(_Element(frozenset(), frozenset(), (), (), special, gap))
        else:
            alts = [a.replace("ё", "е") for a in part.split("|")]
            single = [a for a in alts if "+" not in a and not a.startswith("=")]
            elements.append(
                _Element(
                    surfaces=frozenset(a[1:] for a in alts if a.startswith("=")),
                    words=frozenset(a for a in single if not a.endswith("*")),
                    prefixes=tuple(a[:-1] for a in single if a.endswith("*")),
                    phrases=tuple(tuple(a.split("+")) for a in alts if "+" in a),
                    special=None,
                    gap=gap,
                )
            )
        gap = phrases.load().gap
    return _Pattern(pattern, tuple(elements), not_after)


@cache
def _patterns(lang: str, cue: str) -> tuple[_Pattern, ...]:
    return tuple(_compile(p) for p in _cues()[lang].get(cue, ()))


@dataclass(frozen=True)
class _FirstIndex:
    """The patterns of one cue by what their first element can start with, so a sentence
    only tries the (pattern, position) pairs whose first word can match at all."""

    exact: dict[str, tuple[int, ...]]  # a surface form or lemma -> pattern numbers
    prefixes: dict[str, tuple[int, ...]]  # a prefix ("przeprasza") -> pattern numbers
    prefix_lengths: tuple[int, ...]
    at_bos: tuple[int, ...]  # first element <BOS>: only position 0
    at_eos: tuple[int, ...]  # first element <EOS>: only the last position
    anywhere: tuple[int, ...]  # <NUM>, <NAME>, <FUT>, <1SG>: every position is tried


@cache
def _first_index(lang: str, cue: str) -> _FirstIndex:
    exact: dict[str, list[int]] = {}
    prefixes: dict[str, list[int]] = {}
    at_bos: list[int] = []
    at_eos: list[int] = []
    anywhere: list[int] = []
    for n, pattern in enumerate(_patterns(lang, cue)):
        if not pattern.elements:
            continue
        first = pattern.elements[0]
        if first.special == "<BOS>":
            at_bos.append(n)
            continue
        if first.special == "<EOS>":
            at_eos.append(n)
            continue
        if first.special is not None:
            anywhere.append(n)
            continue
        for word in first.surfaces | first.words:
            exact.setdefault(word, []).append(n)
        for prefix in first.prefixes:
            prefixes.setdefault(prefix, []).append(n)
        for phrase in first.phrases:
            atom = phrase[0]
            if atom.endswith("*"):
                prefixes.setdefault(atom[:-1], []).append(n)
            else:
                exact.setdefault(atom, []).append(n)
    return _FirstIndex(
        exact={k: tuple(v) for k, v in exact.items()},
        prefixes={k: tuple(v) for k, v in prefixes.items()},
        prefix_lengths=tuple(sorted({len(k) for k in prefixes})),
        at_bos=tuple(at_bos),
        at_eos=tuple(at_eos),
        anywhere=tuple(anywhere),
    )


def _candidates(sentence: _Sentence, lang: str, cue: str) -> list[tuple[int, int]]:
    """(pattern number, start) pairs worth trying, in the order the patterns are tried:
    pattern by pattern, left to right (a superset of the pairs whose first element matches)."""
    index = _first_index(lang, cue)
    pairs: set[tuple[int, int]] = set()
    exact, prefixes, lengths = index.exact, index.prefixes, index.prefix_lengths
    for pos, keys in enumerate(sentence.keys):
        for key in keys:
            hit = exact.get(key)
            if hit:
                pairs.update((n, pos) for n in hit)
            for length in lengths:
                if length > len(key):
                    break
                hit = prefixes.get(key[:length])
                if hit:
                    pairs.update((n, pos) for n in hit)
    pairs.update((n, 0) for n in index.at_bos)
    last = len(sentence) - 1
    pairs.update((n, last) for n in index.at_eos)
    for n in index.anywhere:
        pairs.update((n, pos) for pos in range(len(sentence)))
    return sorted(pairs)


def _atom_matches(atom: str, token: _Token) -> bool:
    if token in MARKS:
        return False
    if atom.endswith("*"):
        return token.surface.startswith(atom[:-1]) or token.lemma.startswith(atom[:-1])
    return token.surface == atom or token.lemma == atom


def _element_ends(element: _Element, sentence: list[_Token], pos: int, lang: str) -> list[int]:
    """Where the element ends (inclusive) when it starts at `pos`; empty if it does not match."""
    token = sentence[pos]
    if element.special == "<EOS>":
        return [pos] if token is EOS else []
    if element.special == "<BOS>":
        return [pos] if token is BOS else []
    if token in MARKS:
        return []
    if element.special == "<NUM>":
        ok = token.surface.isdigit() or token.surface in _cls("number_words")[lang]
        return [pos] if ok else []
    if element.special == "<NAME>":
        return [pos] if _is_name(token) else []
    if element.special == "<FUT>":
        return [pos] if token.future else []
    if element.special == "<1SG>":
        return [pos] if token.first_sg else []
    ends = []
    if (
        token.surface in element.surfaces
        or token.surface in element.words
        or token.lemma in element.words
        or any(token.surface.startswith(p) or token.lemma.startswith(p) for p in element.prefixes)
    ):
        ends.append(pos)
    for phrase in element.phrases:
        last = pos + len(phrase) - 1
        if last < len(sentence) and all(
            _atom_matches(atom, sentence[pos + i]) for i, atom in enumerate(phrase)
        ):
            ends.append(last)
    return ends


def _is_name(token: _Token) -> bool:
    if token in MARKS or not token.cap or len(token.surface) < 2:
        return False
    if token.surface in phrases.load().not_names or token.lemma in phrases.load().not_names:
        return False
    return not token.surface.isdigit()


def _match_from(
    pattern: _Pattern, sentence: list[_Token], start: int, lang: str
) -> list[tuple[int, int]] | None:
    """(start, end) of each element of the pattern when its first element starts at `start`."""
    elements = pattern.elements

    def extend(k: int, prev_end: int) -> list[tuple[int, int]] | None:
        if k == len(elements):
            return []
        element = elements[k]
        for pos in range(prev_end + 1, min(len(sentence), prev_end + 2 + element.gap)):
            for end in _element_ends(element, sentence, pos, lang):
                rest = extend(k + 1, end)
                if rest is not None:
                    return [(pos, end), *rest]
        return None

    for end in _element_ends(elements[0], sentence, start, lang):
        rest = extend(1, end)
        if rest is not None:
            return [(start, end), *rest]
    return None


def _negated(sentence: list[_Token], spans: list[tuple[int, int]], lang: str) -> bool:
    """A negator shortly before the match, or inside its gaps ("we can NOT offer")."""
    negators = _cls("negators")[lang]
    first, last = spans[0][0], spans[-1][1]
    covered = {i for a, b in spans for i in range(a, b + 1)}
    before = []
    for i in range(first - 1, max(-1, first - 1 - NEGATION_WINDOW), -1):
        if sentence[i].surface in phrases.load().contrast:  # "not X, but we can offer Y"
            break
        before.append(i)
    around = [*before, *(i for i in range(first, last) if i not in covered)]
    return any(sentence[i].surface in negators for i in around)


def find_cue(sentences: list[list[_Token]], lang: str, cue: str) -> list[str]:
    """The matched words of every sentence where the cue occurs (at most one per sentence)."""
    found: list[str] = []
    for sentence in sentences:
        hit = _find_in_sentence(sentence, lang, cue)
        if hit is not None:
            found.append(hit)
    return found


def _find_in_sentence(sentence: _Sentence, lang: str, cue: str) -> str | None:
    key = (lang, cue)
    if key not in sentence.found:
        sentence.found[key] = _search(sentence, lang, cue)
    return sentence.found[key]


def _search(sentence: _Sentence, lang: str, cue: str) -> str | None:
    """The first pattern of the cue (in list order) that matches, at its leftmost start."""
    patterns = _patterns(lang, cue)
    for n, start in _candidates(sentence, lang, cue):
        pattern = patterns[n]
        spans = _match_from(pattern, sentence, start, lang)
        if spans is None:
            continue
        if pattern.not_after and any(
            t.surface in pattern.not_after or t.lemma in pattern.not_after
            for t in sentence[max(0, start - 2) : start]
        ):
            continue
        if cue in NEGATABLE_CUES and _negated(sentence, spans, lang):
            continue
        words = sentence[spans[0][0] : spans[-1][1] + 1]
        return " ".join(t.surface for t in words if t not in MARKS)
    return None


# ---------------------------------------------------------------------------------------------
# One text


_SIGNATURE = re.compile(
    r"^[\-–—~\s]*(?:[A-ZĄĆĘŁŃÓŚŹŻА-ЯЁІЇЄҐ][\w'.-]*)(?:\s+[A-ZĄĆĘŁŃÓŚŹŻА-ЯЁІЇЄҐ][\w'.-]*){0,2}"
    r"\s*(?:[,(|/].{0,60})?$"
)
_DASH_SIGNATURE = re.compile(
    r"[—–-]\s*([A-ZĄĆĘŁŃÓŚŹŻА-ЯЁІЇЄҐ][\w'.-]+)(?:\s+[A-ZĄĆĘŁŃÓŚŹŻА-ЯЁІЇЄҐ][\w'.-]*)?\s*$"
)
_QUOTED = re.compile(r"[\"“”„«»]\s*([^\"“”„«»\n]{2,25}?)\s*[\"“”„«»]")


@dataclass
class TextCues:
    """What one handler text shows: cue -> matched words."""

    lang: str
    hits: dict[str, list[str]] = field(default_factory=dict)
    named_person: str | None = None
    # conduct found by its structure (v2), problem -> "words [rule]"; also merged into hits
    generic: dict[str, list[str]] = field(default_factory=dict)
    # the reply-conduct model's verdict on this text, None when not run
    conduct: Verdict | None = None

    def has(self, cue: str) -> bool:
        return bool(self.hits.get(cue))


_GREETINGS = phrases.words(
    "dear hi hello hey szanowny szanowna szanowni dzień dobry witam cześć уважаемый уважаемая "
    "здравствуйте добрый привет шановний шановна вітаю доброго добрий привіт"
)


def _is_greeting(sentence: list[_Token]) -> bool:
    return any(t.surface in _GREETINGS or t.lemma in _GREETINGS for t in sentence)


def _signature_name(text: str) -> str | None:
    """A name signing the text: "— Anna", or a short last line ("Monika Zając" may be followed
    by a line with the title)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    dash = _DASH_SIGNATURE.search(lines[-1])
    if dash and dash.group(1).lower() not in phrases.load().not_names:
        return dash.group(0).strip("—–- ")
    for line in lines[-2:] if len(lines) >= 3 else lines[-1:]:
        if len(lines) >= 2 and len(line) <= 60 and _SIGNATURE.match(line):
            first = re.findall(r"[^\W\d_]+", line)
            if first and first[0].lower() not in phrases.load().not_names:
                return line.strip("—–-~ ")
    return None


def _scare_quotes(text: str, lang: str) -> list[str]:
    """Words in scare quotes: your "problem", ваша «жалоба»."""
    words = phrases.load().scare_quote_words
    found = []
    for match in _QUOTED.finditer(text):
        inner = match.group(1).lower().replace("ё", "е")
        tokens = _WORD.findall(inner)
        if 1 <= len(tokens) <= 2 and any(t in words or _lemma(lang, t)[0] in words for t in tokens):
            found.append(match.group(0))
    return found


_TAUTOLOGY = re.compile(
    r"(?<![\w-])([\w-]{4,})\s+(?:means|znaczy|oznacza|значит|означает|означає|значить|are|is|są|to|есть|є)"
    r"\s+\1\b",
    re.IGNORECASE,
)


def _tautology(text: str) -> list[str]:
    """ "Rules are rules", "non-refundable means non-refundable": a closed door, not a reason."""
    return [m.group(0) for m in _TAUTOLOGY.finditer(text)]


def _shouting(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < SHOUTING_MIN_LETTERS:
        return False
    return sum(ch.isupper() for ch in letters) / len(letters) >= SHOUTING_UPPER_SHARE


# ---------------------------------------------------------------------------------------------
# Generic conduct (v2): structure, not phrases

# good cues whose presence in a sentence means it is not aimed against the customer
_KIND_CUES = ("apology", "understanding", "commitment", "perspective", "positive_opening")
# cues that show courtesy anywhere in a text
_COURTESY_CUES = (*_KIND_CUES, "regret", "next_step", "boundary")
HOSTILE_NEGATIVITY = 0.5  # sentiment negativity of a courtesy-free sentence aimed at "you"
GENERIC_CONDUCT = True  # False: the phrase lists only (v1), for comparison


def _in_class(token: _Token, cls: frozenset[str]) -> bool:
    if token is BOS or token is EOS:
        return False
    if token.surface in cls or token.lemma in cls:
        return True
    return any(w.endswith("*") and _atom_matches(w, token) for w in cls if "*" in w)


def _class_at(sentence: _Sentence, pos: int, cls: frozenset[str]) -> int | None:
    """End of a class member ("a" or "a+b") starting at `pos`, or None."""
    if _in_class(sentence[pos], cls):
        return pos
    for member in cls:
        if "+" in member:
            atoms = member.split("+")
            last = pos + len(atoms) - 1
            if last < len(sentence) and all(
                _atom_matches(a, sentence[pos + i]) for i, a in enumerate(atoms)
            ):
                return last
    return None


def _positions(sentence: _Sentence, cls: frozenset[str]) -> list[int]:
    return [i for i in range(len(sentence)) if _class_at(sentence, i, cls) is not None]


def _near(positions: Iterable[int], others: Iterable[int], distance: int) -> bool:
    others = list(others)
    return any(abs(a - b) <= distance for a in positions for b in others)


def _negated_at(sentence: _Sentence, pos: int, lang: str, window: int = 3) -> bool:
    negators = _cls("negators")[lang] | _cls("no_words")[lang]
    lo, hi = max(1, pos - window), min(len(sentence) - 1, pos + window + 1)
    return any(sentence[i].surface in negators for i in range(lo, hi) if i != pos)


@lru_cache(maxsize=20_000)
def _sentence_sentiment(text: str, lang: str) -> tuple[str, float, tuple[str, ...], bool]:
    """(label, negativity, negative drivers, any positive driver) of one sentence by
    `pipeline.sentiment`'s rule engine (its trained model reads customers' reviews, not
    handlers' sentences; and the conduct model's features stay the same when it is retrained)."""
    try:
        from pipeline.sentiment import analyze

        result = analyze(text, lang_hint=lang, trained=False)
    except Exception:  # noqa: BLE001 - sentiment is a helper here, never a reason to fail
        return "unscored", 0.0, (), False
    negative = tuple(d[1:].lower() for d in result.drivers if d.startswith("-"))
    positive = any(d.startswith("+") for d in result.drivers)
    return result.label, result.negativity or 0.0, negative, positive


def _hostile_drivers(drivers: tuple[str, ...], lang: str) -> bool:
    """Negative evidence beyond the complaint's own vocabulary ("complaint", "claim") and a bare
    negation ("не так", "not"): the words that make a sentence hostile, not merely about a
    problem."""
    topic = _cls("customer_words")[lang] | _cls("negators")[lang] | _cls("reassure")[lang]
    for driver in drivers:
        words = [w for w in _WORD.findall(driver) if w not in topic and len(w) > 2]
        if words and not all(_lemma(lang, w)[0] in topic for w in words):
            return True
    return False


def _words_of(sentence: _Sentence, start: int, end: int) -> str:
    return " ".join(t.surface for t in sentence[start : end + 1] if t not in MARKS)


def _exonerates(sentence: _Sentence, lang: str) -> bool:
    """ "Not your fault", "nie Pani wina", "не ваша вина", "вашої провини немає": a fault word
    under negation clears the customer; it is the opposite of blame."""
    you = [i for i, t in enumerate(sentence) if t.second]
    ours = _positions(sentence, _cls("ours")[lang])
    return any(
        _negated_at(sentence, i, lang, 4) and _near([i], you, 4) and not _near([i], ours, 2)
        for i in _positions(sentence, _cls("fault")[lang])
        if sentence[i].lemma not in _cls("past_needed")[lang]
    )


def _owns_mistake(sentence: _Sentence, lang: str) -> bool:
    """ "The mistake was ours", "błąd był po naszej stronie", "ошибка наша": a mistake next to
    "we / our" and not next to "you" is ownership, whatever a blame phrase in it says."""
    you = [i for i, t in enumerate(sentence) if t.second]
    ours = _positions(sentence, _cls("ours")[lang])
    return any(
        _near([i], ours, 5) and not _near([i], you, 2)
        for i in _positions(sentence, _cls("mistake")[lang])
    )


def _blame_cleared(sentence: _Sentence, lang: str) -> bool:
    """A list `blames` match that the sentence itself takes back: an exoneration, a mistake
    owned by "we", the customer as the patient of a passive ("you should never have been
    charged"), or a sentence that apologises, understands or thanks."""
    if _exonerates(sentence, lang) or _owns_mistake(sentence, lang):
        return True
    if lang == "en" and any(
        t.surface == "been" and sentence[k - 1].surface == "have" for k, t in enumerate(sentence)
    ):
        return True
    kind = ("apology", "understanding", "positive_opening")
    return any(_find_in_sentence(sentence, lang, c) for c in kind) or bool(
        _positions(sentence, _cls("courtesy_words")[lang])
    )


def _generic_conduct(
    sentences: list[_Sentence], lang: str, courteous_text: bool
) -> dict[str, list[str]]:
    """Bad conduct found by its structure, not by a known phrase (docs/closure.md):

    * blames: the second person with a fault / past-obligation word ("your fault", "trzeba
      było", "надо было", "треба було", "should have"), a counterfactual ("if you had", "gdyby
      Pan", "бы вы", "б ви") that is not a polite offer, or "you yourself";
    * dismissive: a verb of ceasing in the imperative ("stop", "przestań", "перестаньте",
      "припиніть") or "enough" ("хватит", "годі", "dość") aimed at the customer; a first-person
      "no more" ("больше не будем") in a text without any courtesy;
    * argues: the customer's own words judged negatively ("your review is fiction"), or "we have
      told you N times";
    * personal: a remark on the customer's manner ("your tone tells us...") that is no boundary;
    * sarcasm: a sarcastic opener ("oh yes", "no jasne", "ну да", "ну так") followed by a causal
      word, a mock intensifier or ! / ?;
    * rude: the informal "ty / ты / ти" to a customer in a text without any courtesy, or a
      clearly negative sentence (pipeline.sentiment) aimed at "you" in such a text.

    A sentence with an apology, understanding, a commitment, an offer or a thank-you is never
    flagged here; "the fault was ours" and "not your fault" are not blame.
    """
    found: dict[str, list[str]] = {}

    def add(problem: str, rule: str, words: str) -> None:
        found.setdefault(problem, []).append(f"{words} [{rule}]")

    for sentence in sentences:
        if len(sentence) <= 2:
            continue
        kind = any(_find_in_sentence(sentence, lang, c) for c in _KIND_CUES)
        if kind:
            continue
        boundary = bool(_find_in_sentence(sentence, lang, "boundary"))
        you = [i for i, t in enumerate(sentence) if t.second]
        ours = _positions(sentence, _cls("ours")[lang])
        text = sentence.text
        last = len(sentence) - 1
        # dismissive: "stop ...", "przestań", "перестаньте", "припиніть", "хватит"
        for i in range(1, last):
            token = sentence[i]
            end = _class_at(sentence, i, _cls("cease")[lang])
            if end is not None and not boundary:
                nxt = sentence[end + 1]
                aimed = (
                    token.imperative
                    or token.second
                    or _in_class(sentence[i - 1], _cls("request")[lang])  # "proszę przestać"
                )
                if lang == "en":  # no imperative tag in English: the verb opens the clause
                    prev = sentence[i - 1]
                    aimed = prev is BOS or prev.surface in ("please", "just", "now", "so", "to")
                if _near([end + 1], _positions(sentence, _cls("reassure")[lang]), 2):
                    aimed = False  # "stop worrying", "перестаньте переживать": reassurance
                if aimed and nxt.surface not in _cls("not_cease_after")[lang]:
                    add("dismissive", "cease", _words_of(sentence, i, min(end + 2, last)))
                    break
            if i <= 2 and _in_class(token, _cls("enough")[lang]):
                nxt = sentence[i + 1]
                if nxt.surface not in _cls("not_cease_after")[lang] and not boundary:
                    add("dismissive", "enough", _words_of(sentence, i, min(i + 2, last)))
                    break
        # sarcasm: "oh yes, because...", "ну да, ... определённо"
        openers = [
            i
            for i in range(1, min(last, 3))
            if _class_at(sentence, i, _cls("sarcasm_openers")[lang]) is not None
        ]
        if openers:
            rest = range(openers[0] + 1, last)
            if any(
                _class_at(sentence, j, _cls("sarcasm_follow")[lang]) is not None for j in rest
            ) or text.rstrip().endswith(("!", "?")):
                add("sarcasm", "sarcastic_opener", _words_of(sentence, 1, min(last - 1, 8)))
        if not courteous_text and sentence.text.rstrip().endswith("?"):
            # "what more do you want?", "Coś jeszcze?": no offer of ours after the question word
            for q in _positions(sentence, _cls("question_words")[lang]):
                more = [m for m in _positions(sentence, _cls("more_q")[lang]) if q < m <= q + 3]
                if more and not [o for o in ours if o > q]:
                    add("dismissive", "what_more", _words_of(sentence, q, min(last - 1, q + 4)))
                    break
            if 1 in _positions(sentence, _cls("seriously")[lang]):
                add("sarcasm", "seriously", _words_of(sentence, 1, min(last - 1, 8)))
        if not courteous_text and any(
            _in_class(sentence[i], _cls("again")[lang]) for i in range(1, min(last, 3))
        ):
            add("rude", "again", _words_of(sentence, 1, min(last - 1, 6)))
        reproach = _positions(sentence, _cls("time_reproach")[lang])
        if reproach and (
            any(t.imperative for t in sentence) or _positions(sentence, _cls("advice")[lang])
        ):
            add("blames", "this_time_advice", _words_of(sentence, 1, min(last - 1, 8)))
        if (
            [
                d
                for d in _positions(sentence, _cls("drama")[lang])
                if not _negated_at(sentence, d, lang, 2)
            ]
            and not boundary
            and (you or any(t.imperative for t in sentence) or lang == "en")
        ):
            add("personal", "drama", _words_of(sentence, 1, min(last - 1, 8)))
        if not you:
            # first-person "no more" in a text with no courtesy: "więcej nie będziemy"
            if not courteous_text and ours:
                more = _positions(sentence, _cls("no_more")[lang])
                if more and any(_negated_at(sentence, m, lang, 2) for m in more):
                    add("dismissive", "no_more", _words_of(sentence, 1, min(last - 1, 8)))
            continue
        # blames
        blamed = False
        faults = _positions(sentence, _cls("fault")[lang])
        exonerates = _exonerates(sentence, lang)
        for i in faults:
            if exonerates or _negated_at(sentence, i, lang) or _near([i], ours, 3):
                continue
            modal = sentence[i].lemma in _cls("past_needed")[lang]
            if modal and not any(
                sentence[j].surface in _cls("past_markers")[lang]
                and not (lang == "en" and sentence[j + 1].surface == "been")
                for j in range(max(1, i - 2), min(last, i + 3))
            ):
                continue
            if _near([i], you, 4):
                add("blames", "you+fault", _words_of(sentence, max(1, i - 2), min(last - 1, i + 2)))
                blamed = True
                break
        if not blamed:
            offer = _positions(sentence, _cls("offer_verbs")[lang]) or _positions(
                sentence, _cls("courtesy_words")[lang]
            )
            for i in _positions(sentence, _cls("counterfactual")[lang]):
                if lang == "en":  # "if you had ...", "had you ...", not "if you had any"
                    prev, nxt = sentence[i - 1], sentence[i + 1]
                    ok = (prev.surface == "you" and sentence[i - 2].surface == "if") or (
                        nxt.surface == "you" and (sentence[i - 1] is BOS)
                    )
                    ok = ok and not any(
                        t.surface in ("any", "a", "questions", "question") for t in sentence
                    )
                else:
                    ok = _near([i], you, 3)
                if ok and not offer and not _negated_at(sentence, i, lang, 1):
                    add("blames", "counterfactual", _words_of(sentence, 1, min(last - 1, 8)))
                    blamed = True
                    break
        if not blamed:
            selves = _positions(sentence, _cls("self")[lang])
            if selves and _near(selves, [i for i in you if i not in selves], 2) and not ours:
                add("blames", "you+self", _words_of(sentence, 1, min(last - 1, 8)))
        # argues: "we have told you three times"
        said = _positions(sentence, _cls("say_verbs")[lang])
        times = _positions(sentence, _cls("times")[lang])
        if said and times and _near(said, you, 4) and not boundary:
            add("argues", "told_you_n_times", _words_of(sentence, 1, min(last - 1, 8)))
        label, negativity, drivers, praised = _sentence_sentiment(text, lang)
        # hostile: negative words beyond the topic, and nothing positive ("jest słuszna")
        hostile = _hostile_drivers(drivers, lang) and not praised
        conditional = bool(_positions(sentence, _cls("conditional")[lang]))
        # argues: the customer's own words judged negatively
        judged = _positions(sentence, _cls("customer_words")[lang])
        if judged and _near(judged, you, 2) and label == "neg" and hostile and not courteous_text:
            add("argues", "your_words_judged", _words_of(sentence, 1, min(last - 1, 8)))
        # argues: the customer's words called a lie or an invention ("your review is fiction")
        untrue = _positions(sentence, _cls("untruth")[lang])
        if judged and untrue and _near(judged, you, 2) and not _near(untrue, ours, 1):
            add("argues", "your_words_untrue", _words_of(sentence, 1, min(last - 1, 8)))
        # dismissive: "that is your business / problem" (the case handed back)
        affairs = _positions(sentence, _cls("affair")[lang])
        # (it closes the sentence: "to już Pana sprawa.", not "your business matters to us")
        if (
            affairs
            and any(
                (sentence[a - 1].second or sentence[a + 1].second)
                and sentence[a + 1 :][-1] is EOS
                and all(t is EOS or t.second for t in sentence[a + 1 :])
                for a in affairs
            )
            and not _negated_at(sentence, affairs[0], lang, 2)
        ):
            add("dismissive", "your_business", _words_of(sentence, 1, min(last - 1, 8)))
        # dismissive: "nobody forced you", "nikt Pani nie kazał", "никто вас не заставлял"
        nobody = _positions(sentence, _cls("no_words")[lang])
        forced = _positions(sentence, _cls("force")[lang])
        if nobody and forced and _near(nobody, forced, 3) and _near(forced, you, 2):
            add("dismissive", "nobody_forced_you", _words_of(sentence, 1, min(last - 1, 8)))
        # personal: "too much effort for you", "для вас слишком сложно"
        too = _positions(sentence, _cls("too")[lang])
        hard = _positions(sentence, _cls("hard")[lang])
        # ... unless the sentence offers something: "we can collect it", "możemy odebrać"
        offers = [
            c
            for c in _positions(sentence, _cls("can")[lang])
            if (lang != "en" or _near([c], ours, 2)) and not _negated_at(sentence, c, lang, 3)
        ]
        if (
            too
            and hard
            and _near(too, hard, 1)
            and _near(too + hard, you, 3)
            and not courteous_text
            and not offers
        ):
            add("personal", "too_hard_for_you", _words_of(sentence, 1, min(last - 1, 8)))
        # personal: a remark on the customer's manner that is no boundary
        manner = _positions(sentence, _cls("manner")[lang])
        if (
            manner
            and _near(manner, you, 2)
            and not boundary
            and not _positions(sentence, _cls("courtesy_words")[lang])
        ):
            add("personal", "your_manner", _words_of(sentence, 1, min(last - 1, 8)))
        if courteous_text:
            continue
        # rude: "ty / ты / ти" to a customer, with no courtesy anywhere in the text
        if any(t.informal for t in sentence):
            add("rude", "informal_you", _words_of(sentence, 1, min(last - 1, 8)))
        # rude: a clearly negative sentence aimed at "you", with no courtesy anywhere
        elif (
            label == "neg"
            and negativity >= HOSTILE_NEGATIVITY
            and hostile
            and not conditional
            and not exonerates
            and not boundary
            and not _find_in_sentence(sentence, lang, "refusal")
        ):
            add("rude", "negative_at_you", _words_of(sentence, 1, min(last - 1, 8)))
    return found


def analyze_text(
    text: str, lang: str | None = None, model: ConductModel | ModelChoice = "shipped"
) -> TextCues:
    """Every cue of the phrase data found in one handler text, the structural conduct rules,
    and the sentences the reply-conduct model finds to be misconduct."""
    lang = lang or detect_lang(text)
    if lang not in LANGS:
        return TextCues(lang=lang)
    cues, sentences, courteous = rule_cues(text, lang)
    if model is None:
        return cues
    from pipeline.closure import conduct

    if model == "shipped":
        model = conduct.load_model()
    units = conduct.reply_units(sentences, lang, courteous)
    verdict = _cleared(model.judge([units], lang)[0], sentences, lang)
    cues.conduct = verdict
    # a phrase-list or structural rule hit makes a closure bad only when the model leans that
    # way too: alone, each rule is one of the model's features and its quotable evidence
    if verdict.bad_probability < model.corroboration:
        for problem, found in rule_families(cues).items():
            kept = [hit for hit, family in found if family in model.trusted_rule_families]
            if kept:
                cues.hits[problem] = kept
            else:
                cues.hits.pop(problem, None)
    if verdict.kind != "none":
        cues.hits.setdefault(conduct.PROBLEM_OF_KIND[verdict.kind], []).append(verdict.quote)
    return cues


def prepare_texts(texts: Sequence[str]) -> None:
    """Encode, in one batch, the sentences the reply-conduct model will read in these handler
    texts (`pipeline.text.embeddings.prefetch`): grading them one closure at a time afterwards
    then costs the model no encoder call. Grades are what they would have been without it."""
    from pipeline.closure import conduct
    from pipeline.text.embeddings import prefetch

    wanted: list[str] = []
    for text in texts:
        lang = detect_lang(text) if text.strip() else "unknown"
        if lang in LANGS:
            wanted.extend(conduct.unit_texts(_sentences(text, lang)))
    if wanted:
        prefetch(wanted)


def _cleared(verdict: Verdict, sentences: Sequence[_Sentence], lang: str) -> Verdict:
    """A blame verdict whose sentence clears the customer ("To nie była Pana wina.") or owns
    the mistake ("тут наша провина") is no blame: the model reads the fault word, the
    structure reads who it belongs to."""
    if verdict.kind != "blaming":
        return verdict
    quoted = next((s for s in sentences if s.text == verdict.quote), None)
    if quoted is not None and (_exonerates(quoted, lang) or _owns_mistake(quoted, lang)):
        return replace(verdict, kind="none")
    return verdict


def rule_families(cues: TextCues) -> dict[str, list[tuple[str, str]]]:
    """Each conduct problem's hits with the rule family that found them: "blames:list" for
    the phrase data (and scare quotes, tautologies, capitals), "blames:counterfactual" for a
    structural rule."""
    generic = {hit for found in cues.generic.values() for hit in found}
    out: dict[str, list[tuple[str, str]]] = {}
    for problem in CONDUCT_PROBLEMS:
        for hit in cues.hits.get(problem, []):
            rule = hit.rsplit("[", 1)[-1].rstrip("]") if hit in generic else "list"
            out.setdefault(problem, []).append((hit, f"{problem}:{rule}"))
    return out


def rule_cues(text: str, lang: str) -> tuple[TextCues, list[_Sentence], bool]:
    """The phrase data's cues and the structural rules in one handler text of a known
    language, with its sentences and whether the text is courteous anywhere."""
    sentences = _sentences(text, lang)
    cues = TextCues(lang=lang)
    for cue in _cues()[lang]:
        if cue in ("unhappy", "happy", "reason_in_refusal", "name_intro"):
            continue
        found = find_cue(sentences, lang, cue)
        if found:
            cues.hits[cue] = found
    # Russian and Ukrainian are easy to confuse in a short text ("Не морочте нам голову"), and
    # handlers mix them: conduct is also looked for with the sibling language's patterns
    sibling = {"ru": "uk", "uk": "ru"}.get(lang)
    if sibling:
        sibling_sentences = _sentences(text, sibling)
        for cue in (*CONDUCT_PROBLEMS, "dismissive_soft"):
            if not cues.has(cue):
                found = find_cue(sibling_sentences, sibling, cue)
                if found:
                    cues.hits[cue] = found
    quoted = _scare_quotes(text, lang)
    if quoted:
        cues.hits.setdefault("sarcasm", []).extend(quoted)
    tautologies = _tautology(text)
    if tautologies:
        cues.hits.setdefault("dismissive", []).extend(tautologies)
    if _shouting(text):
        cues.hits.setdefault("rude", []).append("ALL CAPS")
    # a condition or limitation inside the refusal sentence is its reason
    # ("we do not refund deposits when the visit is cancelled on the day")
    if not cues.has("reason"):
        conditional = [
            hit
            for s in sentences
            if _find_in_sentence(s, lang, "refusal")
            and (hit := _find_in_sentence(s, lang, "reason_in_refusal"))
        ]
        if conditional:
            cues.hits["reason"] = conditional
    # a next step is a next action with a deadline in the same sentence
    steps = [
        s
        for s in sentences
        if _find_in_sentence(s, lang, "deadline") and _find_in_sentence(s, lang, "next_action")
    ]
    if steps:
        cues.hits["next_step"] = [
            " ".join(t.surface for t in s if t not in MARKS)[:80] for s in steps
        ]
    # a named person: introduced ("my name is", "z tej strony"), a name the morphology knows
    # (ru/uk; not in a greeting, where it is the customer's), or a signature
    names: list[str] = []
    for sentence in sentences:
        found = _find_in_sentence(sentence, lang, "name_intro")
        if not found and lang in ("ru", "uk") and not _is_greeting(sentence):
            found = next((t.surface for t in sentence if t.name_tag and _is_name(t)), None)
        if found:
            names.append(found)
            # the named person acts in the same sentence: "Ewa will call you today"
            if any(
                _find_in_sentence(sentence, lang, cue)
                for cue in ("commitment", "next_action", "promise")
            ):
                cues.hits.setdefault("owner_acts", []).append(found)
    signature = _signature_name(text)
    if signature:
        names.append(signature)
    cues.named_person = names[0] if names else None
    # soft dismissal ("nothing we can do", "contact the courier") only counts when the text has
    # no courtesy at all; seed 002: even a polite send-off beats a rude one
    if cues.has("dismissive_soft") and not any(
        cues.has(c)
        for c in ("regret", "apology", "perspective", "positive_opening", "understanding")
    ):
        cues.hits.setdefault("dismissive", []).extend(cues.hits["dismissive_soft"])
    # "sorry you feel that way" is not an apology: it brushes the customer off
    if cues.has("non_apology"):
        cues.hits.setdefault("dismissive", []).extend(cues.hits["non_apology"])
        apologies = [
            a for a in cues.hits.get("apology", []) if not _inside_any(a, cues, "non_apology")
        ]
        if apologies:
            cues.hits["apology"] = apologies
        else:
            cues.hits.pop("apology", None)
    # a blame phrase inside an exoneration ("to nie była Pani wina") is no blame
    if cues.has("blames"):
        cleared = [
            hit
            for sentence in sentences
            if (hit := _find_in_sentence(sentence, lang, "blames"))
            and _blame_cleared(sentence, lang)
        ]
        kept = [h for h in cues.hits["blames"] if h not in cleared]
        if kept:
            cues.hits["blames"] = kept
        else:
            cues.hits.pop("blames")
    courteous = any(cues.has(c) for c in _COURTESY_CUES) or any(
        _positions(s, _cls("courtesy_words")[lang]) for s in sentences
    )
    if GENERIC_CONDUCT:
        cues.generic = _generic_conduct(sentences, lang, courteous)
        for problem, found in cues.generic.items():
            cues.hits.setdefault(problem, []).extend(found)
    return cues, sentences, courteous


def _inside_any(hit: str, cues: TextCues, cue: str) -> bool:
    return any(hit in other or other in hit for other in cues.hits.get(cue, []))


# ---------------------------------------------------------------------------------------------
# The customer


def customer_unsatisfied(closed: ComplaintClosed) -> bool | None:
    """Satisfaction <= 2; without a rating, negative last words. None when neither is known."""
    if closed.satisfaction is not None:
        return closed.satisfaction <= 2
    message = (closed.customer_last_message or "").strip()
    if not message:
        return None
    return last_words_negative(message)


def last_words_negative(message: str) -> bool:
    lang = detect_lang(message)
    if lang in LANGS:
        sentences = _sentences(message, lang)
        if find_cue(sentences, lang, "unhappy"):
            return True
        happy = bool(find_cue(sentences, lang, "happy"))
    else:
        happy = False
    try:
        from pipeline.sentiment import analyze

        result = analyze(message, lang_hint=lang if lang in LANGS else None)
    except Exception:  # noqa: BLE001 - sentiment is a helper here, never a reason to fail
        return False
    negativity = result.negativity or 0.0
    return result.label == "neg" and negativity >= UNHAPPY_NEGATIVITY and not happy


# ---------------------------------------------------------------------------------------------
# Grading


def _merge(analyses: Iterable[TextCues]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for cues in analyses:
        for cue, hits in cues.hits.items():
            merged.setdefault(cue, []).extend(hits)
    return merged


def grade_closure(
    closed: ComplaintClosed,
    earlier_replies: Sequence[str] = (),
    model: ConductModel | ModelChoice = "shipped",
) -> ClosureGrade:
    """Grade a closed complaint from its handler's texts and its outcome fields; `model` picks
    the reply-conduct model (None: the phrase lists and structural rules alone)."""
    texts = [t for t in (*earlier_replies, closed.reply_text) if t and t.strip()]
    # one conversation, one language: found over all the handler's texts together
    conversation_lang = detect_lang("\n".join(texts)) if texts else "unknown"
    analyses = [analyze_text(t, conversation_lang, model) for t in texts]
    hits = _merge(analyses)
    lang = analyses[-1].lang if analyses else "unknown"
    named = next((a.named_person for a in analyses if a.named_person), None)

    taken: set[str] = set()
    partial: set[str] = set()
    if hits.get("apology"):
        taken.add("apology")
    if hits.get("understanding"):
        taken.add("understanding")
    if hits.get("owner_acts") or ((hits.get("commitment") or hits.get("promise")) and named):
        taken.add("ownership")
    elif hits.get("commitment") or named:
        partial.add("ownership")
    if hits.get("next_step") or closed.promised_deadline is not None:
        taken.add("next_step")
    elif hits.get("next_action"):
        partial.add("next_step")
    for step in ("positive_opening", "reason", "perspective"):
        if hits.get(step):
            taken.add(step)
    if hits.get("regret") or hits.get("apology"):
        taken.add("regret")
    if closed.resolution != "declined" and "apology" in taken:
        taken.discard("regret")  # outside a refusal, "sorry" is the apology: listed once
    abusive = closed.customer_behaviour in ("abusive", "threatening")
    boundary = bool(hits.get("boundary"))

    declined = closed.resolution == "declined"
    expected = REFUSAL_STEPS if declined else CLOSURE_STEPS
    steps_taken = tuple(s for s in GOOD_STEPS if s in taken) + (("boundary",) if boundary else ())
    steps_missing = tuple(s for s in expected if s not in taken)
    # apology and regret are one courtesy: counted once
    good_steps = sum(1 for s in GOOD_STEPS if s in taken) - (
        "apology" in taken and "regret" in taken
    )
    refusal_elements = sum(1 for s in REFUSAL_STEPS if s in taken)

    problems: list[str] = [p for p in CONDUCT_PROBLEMS if hits.get(p)]
    conduct = bool(problems)
    if hits.get("non_apology"):
        problems.append("non_apology")
    unsatisfied = customer_unsatisfied(closed)
    missed = closed.deadline_met is False
    if missed:
        problems.append("deadline_missed")
    if unsatisfied:
        problems.append("customer_unsatisfied")
    bare_refusal = declined and not abusive and refusal_elements < MIN_REFUSAL_ELEMENTS
    if bare_refusal:
        problems.append("bare_refusal")
    if "ownership" in partial and "ownership" in expected:
        problems.append("unnamed_owner" if hits.get("commitment") else "owner_without_commitment")
    if "next_step" in partial and "next_step" in expected:
        problems.append("no_deadline")
    public = closed.public or closed.on_camera
    stakes: Literal["private", "public", "on_camera"] = (
        "on_camera" if closed.on_camera else "public" if closed.public else "private"
    )

    because: list[BadlyClosedBecause] = []
    if conduct:
        because.append(BadlyClosedBecause.CONDUCT)
    if missed and unsatisfied:
        because.append(BadlyClosedBecause.BROKEN_PROMISE)
    if bare_refusal:
        because.append(BadlyClosedBecause.BARE_REFUSAL)
    need = MIN_GOOD_STEPS_PUBLIC if public else MIN_GOOD_STEPS
    if unsatisfied and not abusive and good_steps < need:
        because.append(BadlyClosedBecause.CARELESS_CLOSE)
    badly_closed = bool(because)
    if public and (badly_closed or unsatisfied):
        problems.append("on_camera" if closed.on_camera else "in_public")

    score = BASE_SCORE + EXPECTED_STEPS_POINTS * sum(s in taken for s in expected) / len(expected)
    extra = sum(1 for s in GOOD_STEPS if s in taken and s not in expected)
    score += EXTRA_STEP_POINTS * min(extra, 3)
    score += PARTIAL_STEP_POINTS * sum(1 for s in partial if s in expected)
    if boundary and abusive:
        score += BOUNDARY_POINTS
    if closed.deadline_met is True:
        score += DEADLINE_MET_POINTS
    penalty = sum(PENALTY.get(p, 0.0) for p in problems)
    score -= penalty * (PUBLIC_PENALTY_FACTOR if public else 1.0)
    score = min(score, BAD_BELOW - 1) if badly_closed else max(score, BAD_BELOW)
    score_int = int(round(max(0.0, min(100.0, score))))
    grade: Grade = "bad" if badly_closed else "good" if score_int >= GOOD_AT else "acceptable"

    evidence = tuple(
        (cue, hit)
        for cue in (*CONDUCT_PROBLEMS, "non_apology", *GOOD_STEPS, "boundary", "commitment")
        for hit in dict.fromkeys(hits.get(cue, []))
    )
    if named:
        evidence += (("named_person", named),)
    rules = sorted(
        {
            f"{problem}:{hit.rsplit('[', 1)[1].rstrip(']')}"
            for a in analyses
            for problem, found in a.generic.items()
            for hit in found
        }
    )
    return ClosureGrade(
        score=score_int,
        grade=grade,
        badly_closed=badly_closed,
        steps_taken=steps_taken,
        steps_missing=steps_missing,
        problems=tuple(problems),
        lang=lang,
        badly_closed_because=tuple(str(clause) for clause in because),
        evidence=evidence,
        customer_unsatisfied=unsatisfied,
        stakes=stakes,
        conduct_rules=tuple(rules),
        conduct_probability=max(
            (a.conduct.bad_probability for a in analyses if a.conduct), default=0.0
        ),
        explanations=explain(
            because, problems, hits, expected, taken, good_steps, refusal_elements
        ),
    )


# Plain words for owners: what the reply did, and what a good closure would have had.
BEHAVIOUR = {
    "rude": "is rude to the customer",
    "personal": "makes it personal",
    "threatens": "threatens the customer",
    "blames": "blames the customer",
    "argues": "argues with the customer",
    "sarcasm": "is sarcastic",
    "dismissive": "brushes the customer off",
    "condescending": "talks down to the customer",
}
STEP_WORDS = {
    "apology": "an apology",
    "understanding": "understanding for the customer",
    "ownership": "a named person who takes it on",
    "next_step": "a next step with a date",
    "positive_opening": "thanks or a wish to help",
    "regret": "regret",
    "reason": "a reason",
    "perspective": "an alternative",
}
QUOTE_CHARS = 160


def quote(hit: str) -> str:
    """A matched phrase or sentence as the owner reads it (no rule marker, not too long)."""
    text = re.sub(r"\s*\[[a-z_:+]+\]$", "", hit).strip()
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def explain(
    because: Sequence[str],
    problems: Sequence[str],
    hits: dict[str, list[str]],
    expected: Sequence[str],
    taken: set[str],
    good_steps: int,
    refusal_elements: int,
) -> tuple[str, ...]:
    """Why a closure is bad, one plain sentence per reason (empty when it is not bad)."""
    out: list[str] = []
    if BadlyClosedBecause.CONDUCT in because:
        for problem in CONDUCT_PROBLEMS:
            if problem in problems and hits.get(problem):
                out.append(f'The reply {BEHAVIOUR[problem]}: "{quote(hits[problem][0])}".')
    if BadlyClosedBecause.BROKEN_PROMISE in because:
        out.append("The promised deadline was missed and the customer is still unhappy.")
    if BadlyClosedBecause.BARE_REFUSAL in because:
        out.append(
            f"The refusal has {refusal_elements} of the 4 things a kind no needs "
            "(thanks or a wish to help, regret, a reason, an alternative)."
        )
    if BadlyClosedBecause.CARELESS_CLOSE in because:
        missing = [STEP_WORDS[s] for s in expected if s not in taken and s in STEP_WORDS]
        lacks = (
            ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
            if missing
            else ""
        )
        out.append(
            f"The customer is still unhappy and the reply took only {good_steps} good step"
            f"{'' if good_steps == 1 else 's'}" + (f": it lacks {lacks}." if lacks else ".")
        )
    return tuple(out)
