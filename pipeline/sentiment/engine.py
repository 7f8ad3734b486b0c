"""The lexicon + rules scorer shared by every language.

Steps on the tokens of one text:
1. phrases (our complaint / praise lists and the lexicons' multi-word entries), matched on lemmas
   within one clause (entries written "=..." on their words as written); a complaint of ours
   after a negator is the problem absent, a third of its weight as praise ("не протекает");
   then "never again": a negated verb of coming back or buying with a word of repetition
   ("больше не закажу", "won't be back"), -2;
2. single words from the lexicons (lemma first, then the surface form), emoji and emoticons;
   a word the lexicons lack but that is a known word with a negating prefix counts flipped
   ("niewygodny"); function words never count; praise in scare quotes of one or two words is
   irony ("очень «качественно»") and counts negative, as does praise next to an eye-roll or a
   clown emoji ("10/10 would hire again 🙄");
3. intensifiers scale the next word, negators flip it (window per language); an intensifier
   between the two makes a hedge ("не очень удобно", "not very good": half the opposite), and a
   negator that belongs to a matched phrase ("could not have asked for") flips nothing else;
4. a negator followed by words that no lexicon knows counts as a complaint ("не работает"),
   at half weight in a sentence where the lexicons already found something; in ru / uk a
   particle ("не", "ни") counts only before a verb-like word, not before a noun, adjective or
   pronoun ("не каждому", "ни копейки");
5. in a sentence with a contrast word ("but", "ale", "но", "але") the clause after it weighs
   1.5 and the clause before it 0.5 (the weights VADER uses for "but"); in a sentence without
   one, the clause of a concessive word ("although", "chociaż", "хотя", "хоча", "despite")
   weighs 0.5 and the rest of the sentence 1.5; a sentence that opens with "Unfortunately" /
   "Niestety" / "К сожалению" / "На жаль" halves every sentence before it;
6. the word right after "too" / "zbyt" / "слишком" / "надто" is a fault whatever its sign
   ("too loud", "слишком тонкий"): -|valence|, or -0.5 when no lexicon knows it;
7. the rest of a sentence that opens with a summary marker ("в целом", "загалом", "overall")
   weighs 2; the complaints of a sentence that names the one flaw ("единственный минус", "the
   only downside") weigh 0.5; the clause of "if" / "hope" ("если", "якщо", "jeśli", "надеюсь")
   weighs 0.5 (it says what may happen, not what did); the writer's recommendation ("не
   советую", "polecam", "recommend") and "never again" weigh 2;
8. in a text of 4 or more sentences with evidence, the last of them (the verdict) weighs 2;
9. a problem put right ("заменили", "вернули деньги", "poszli na rękę", "sorted it out"): when
   the last resolution of the text stands past its first 30 % and is a deed (not negated, no
   infinitive, future or imperative, no "promised" / "will" just before it, not won "only after"
   weeks), and no fresh complaint follows its clause, the complaints up to it weigh 0.5 and the
   resolution counts as mild praise;
10. a complaint word next to a verb of going away is a trouble that got better ("боль прошла");
   praise after a seller's claim ("заявлено, что ...") counts nothing; the headings of a review
   form are labels ("Недоліки: немає" is praise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache

from pipeline.sentiment.rules import LanguageRules
from pipeline.text.tokens import Token, emoticon_valence

BOOST = 1.3
DAMPEN = 0.7
NEGATED_UNKNOWN = -1.0
NEGATED_UNKNOWN_COVERED = 0.5
BEFORE_CONTRAST = 0.5
AFTER_CONTRAST = 1.5
NEGATED_UNKNOWN_LOOKAHEAD = 2
CLOSING = 2.0  # the last sentence with evidence, in a text of MIN_SENTENCES_FOR_CLOSING or more
MIN_SENTENCES_FOR_CLOSING = 4
# the rest of a sentence that opens with "в целом", "overall", "ogólnie": the writer's verdict
# outweighs a list of up to three complaints or praises as strong as it
SUMMARY = 3.0
HYPOTHETICAL = 0.5  # the clause of "if" / "hope" / "если" / "надеюсь" / "якщо" / "jeśli"
MINOR_FLAW = 0.5  # complaints in a sentence that opens with "единственный минус", "only downside"
HEDGED_NEGATION = 0.5  # "не очень удобно", "not very good": half the opposite of the word
# a complaint phrase of ours, negated ("не протекает", "nie było kolejki", "never crowded"): the
# problem the customer had feared is absent, mild praise
NEGATED_COMPLAINT = 1 / 3
SETTLING_RULE = "settling"  # the hits of domain.SETTLING: "за свою цену сойдёт"
DENIAL_REACH = 3  # "не могу сказать", "I really can't say": the negator this close before the verb
_CONDITIONAL = frozenset(["бы", "б", "би"])
_ABSENT = frozenset(["нет", "немає", "нема"])  # after the noun: "пятна нет"
_ABOUT = frozenset(["к", "ко", "до"])
_AS = frozenset(["как", "як", "jak"])  # "шампунь как шампунь"
_EVEN = frozenset(["даже", "навіть", "nawet", "even"])  # "nawet nie zajrzała"
# "nawet nie poczułam": not even a feeling of the pain is praise
_FELT = frozenset(
    ["почувствовать", "заметить", "відчути", "помітити", "poczuć", "zauważyć", "feel", "notice"]
)
FAINT_WORD = 0.05  # "претензий к товару нет"
DONE_BADLY_REACH = 3
_SPEED = frozenset(["быстро", "швидко", "szybko", "quickly", "fast"])
_SPEED_FILLERS = frozenset(["się", "уже", "вже", "już", "же"])
# manner adverbs of failure after a verb of praise: "увлажняет плохо", "czyści słabo"
_DONE_BADLY = frozenset(
    ["плохо", "слабо", "погано", "слабко", "źle", "słabo", "kiepsko", "badly", "poorly"]
)
_UNTIL_NOT = frozenset(["пока", "поки", "доки", "dopóki", "aż"])
_VERB_PARTICLES = _CONDITIONAL | {"się"}
_NEITHER_NOR = frozenset(["ani", "ни", "ні", "ані", "neither", "nor"])
_NOT_A_DENIAL = frozenset(["enough", "more", "much", "anything", "ничего", "нічого"])
_MEMO_SIZE = 200_000  # words memoised per language before the memo starts afresh
EXCESS_UNKNOWN = -0.5  # "too" + a word no lexicon scores ("too small", "слишком тонкий")
RESOLVED_COMPLAINT = 0.5  # complaints told before the problem was put right
RESOLUTION = 0.5  # the resolution itself, as mild praise
RESOLUTION_REACH = 3  # the other words of a resolution stand this close to its verb
UNFULFILLED_REACH = 4  # "promised" / "will" this close before the verb makes it a promise
RESOLUTION_FROM = 0.3  # a resolution ends a story: its verb stands past the first 30 % of the text
FRESH_COMPLAINT = -0.5  # a complaint this strong after the resolution's clause undoes it
MOCKING_EMOJI = frozenset(["🙄", "🤡", "🙃"])  # the praise next to them is irony
_INTERJECTIONS = frozenset(["oh", "ну", "о", "no", "o"])
LIKING_REACH = 3  # "if" and the verb of liking after it: "jeśli ktoś lubi", "if you really like"
APPLAUSE = "👏"  # irony too, but only in a review that complains
CLEAR_COMPLAINT = 0.25  # a complaint this strong makes a review one that complains (not polvader's
# faint topic values, "walizki" -0.1)
# a neutral face is neutral (the packaged list: -0.4), so are scissors at a hairdresser's
NEUTRAL_EMOJI = {"😐": 0.0, "✂": 0.0}
SCARE_QUOTE_WORDS = 2  # quotation marks around at most this many words are scare quotes
VERDICT = 2.0  # the writer's recommendation ("не советую", "polecam") and "never again"
NEVER_AGAIN = -2.0  # "больше не закажу", "won't be back": outweighs the praise before it
NEVER_AGAIN_REACH = 5  # "again" / "больше" / "więcej" stands this close to the negator
_CONCEDING_PREPOSITIONS = frozenset(
    ["mimo", "pomimo", "несмотря", "незважаючи", "попри", "despite"]
)
# English verbs of going away are phrasal: the particle is the relief ("the rash went away")
_RELIEF_PHRASAL = frozenset(
    [("went", "away"), ("go", "away"), ("goes", "away"), ("gone", "away"), ("cleared", "up")]
)
_RELIEF_PARTICLES = frozenset(particle for _, particle in _RELIEF_PHRASAL)
EMPTY_DRAWBACKS = 0.5  # "Недоліки: немає", "Cons: none": mild praise
EMPTY_MERITS = -0.75  # "Переваги: немає", "Zalety: brak": a complaint
_NEGATION_BARRIERS = frozenset(["and", "what", "why", "how", "where", "whether", "which", "who"])
_REFLEXIVE = frozenset(["się", "себе"])
_CONJUNCTIONS = frozenset(["и", "і", "й", "та", "а", "i", "oraz", "and"])
RELIEF_BEFORE = 3  # "Судороги в ногах прошли": the trouble this many words before the verb
RELIEF_AFTER = 2  # "ustąpił ból": or this many after it
_VERB_OBJECTS = frozenset(["it", "this", "that", "them", "these", "those", "the", "how"])
_CONCEDED_ANAPHORA = frozenset(["to", "wszystko", "это", "всё", "все", "це", "that"])
# pymorphy3 tags of the words a negating particle turns into a complaint: verbs, infinitives,
# short participles and adjectives, predicatives, adverbs ("не работает", "не выдержан",
# "не нужен", "не видно", "не плотно")
PREDICATE_TAGS = frozenset(["VERB", "INFN", "PRTS", "ADJS", "PRED", "ADVB"])


@dataclass(frozen=True, slots=True)
class Hit:
    """One piece of evidence: what was seen, its valence after the rules, and which rule."""

    text: str
    value: float
    rule: str  # "lexicon", "negated", "phrase", "negated-phrase", "negated-unknown", "emoji"
    position: int


@dataclass(frozen=True)
class Evidence:
    hits: tuple[Hit, ...]
    word_count: int

    @property
    def score(self) -> float:
        return sum(h.value for h in self.hits)

    @property
    def negative_mass(self) -> float:
        return -sum(h.value for h in self.hits if h.value < 0)

    @property
    def positive_mass(self) -> float:
        return sum(h.value for h in self.hits if h.value > 0)


@dataclass(frozen=True)
class LexiconSource:
    """A word list and how a token is turned into its key (lemma, stem or surface form)."""

    entries: dict[str, float]
    keys_of: Callable[[str, str], tuple[str, ...]]  # (surface, lemma) -> keys to try, in order

    def valence(self, surface: str, lemma: str) -> float | None:
        for key in self.keys_of(surface, lemma):
            value = self.entries.get(key)
            if value is not None:
                return value
        return None


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]  # surface forms as written
    lemmas: tuple[str, ...]
    value: float
    complaint_or_praise: bool  # ours (mild praise / flipped when negated) or a lexicon entry
    as_written: bool = False  # matched on the words as written only, not on their lemmas
    rule: str = "phrase"  # the rule its hits name: "settling" for "за свою цену сойдёт"


def _phrase_order(phrase: Phrase) -> tuple:
    # longest first; the rest only makes the order the same in every process
    return (
        -len(phrase.words),
        phrase.words,
        phrase.lemmas,
        phrase.value,
        phrase.complaint_or_praise,
        phrase.as_written,
        phrase.rule,
    )


@dataclass
class PhraseIndex:
    # first word (surface or lemma) -> its one-word phrases
    single: dict[str, list[Phrase]] = field(default_factory=dict)
    # first word -> second word (surface or lemma) -> the multi-word phrases they start
    by_pair: dict[str, dict[str, list[Phrase]]] = field(default_factory=dict)
    # phrase -> its place in the longest-first order, in which candidates are tried
    rank: dict[Phrase, tuple] = field(default_factory=dict)
    # every first word (surface or lemma): most tokens start no phrase
    firsts: set[str] = field(default_factory=set)

    def add(self, phrase: Phrase) -> None:
        self.rank[phrase] = _phrase_order(phrase)
        self.firsts.update((phrase.words[0], phrase.lemmas[0]))
        for first in {phrase.words[0], phrase.lemmas[0]}:
            if len(phrase.words) == 1:
                self.single.setdefault(first, []).append(phrase)
                continue
            seconds = self.by_pair.setdefault(first, {})
            for second in {phrase.words[1], phrase.lemmas[1]}:
                seconds.setdefault(second, []).append(phrase)

    def candidates(self, surface: str, lemma: str, following: Sequence[str]) -> list[Phrase]:
        """Phrases that may start here, longest first; `following` holds the next two words
        and lemmas: a multi-word phrase whose second word is not among them cannot match."""
        found: set[Phrase] = set()
        single, by_pair = self.single, self.by_pair
        for first in (surface, lemma) if surface != lemma else (surface,):
            if first in single:
                found.update(single[first])
            seconds = by_pair.get(first)
            if seconds:
                for word in following:
                    if word in seconds:
                        found.update(seconds[word])
        if len(found) < 2:
            return list(found)
        return sorted(found, key=self.rank.__getitem__)


@dataclass(frozen=True)
class Resolution:
    """A marker of a problem put right: its verb and the other words, each as surface + lemma."""

    text: str
    verb: frozenset[str]
    others: tuple[frozenset[str], ...]


def resolution_index(
    markers: frozenset[str], lemmatize: Callable[[str], str]
) -> dict[str, tuple[Resolution, ...]]:
    """Verb (surface form and lemma) -> the resolution markers that start with it."""
    index: dict[str, list[Resolution]] = {}
    for text in sorted(markers):
        keys = [frozenset((w, lemmatize(w))) for w in text.lower().split()]
        if not keys:
            continue
        marker = Resolution(text, keys[0], tuple(keys[1:]))
        for key in marker.verb:
            index.setdefault(key, []).append(marker)
    return {key: tuple(found) for key, found in index.items()}


@dataclass(frozen=True)
class LanguageModel:
    """Everything the scorer needs for one language."""

    rules: LanguageRules
    lemmatize: Callable[[str], str]
    sources: tuple[LexiconSource, ...]
    phrases: PhraseIndex
    emoji: dict[str, float]
    # our own word values (lemma or surface -> valence), which replace the lexicons' values;
    # 0.0 marks a word that carries no sentiment in reviews ("цена", "подарок", "more")
    overrides: dict[str, float] = field(default_factory=dict)
    # word -> part-of-speech tag, for the languages with a tagger (pymorphy3: ru, uk)
    part_of_speech: Callable[[str], str] | None = None
    # verb (surface or lemma) -> resolution markers starting with it (rules.resolution_markers)
    resolutions: dict[str, tuple[Resolution, ...]] = field(default_factory=dict)
    # word -> True for an infinitive or future verb form ("вернуть", "вернут", "zwrócą")
    unrealised: Callable[[str], bool] | None = None
    # word -> the lemmas of its other likely readings (ru, uk), tried when the first has no value
    other_lemmas: Callable[[str], tuple[str, ...]] | None = None
    # (surface, lemma) -> valence, filled on use: a word is looked up several times per text
    _memo: dict[tuple[str, str], float | None] = field(
        default_factory=dict, repr=False, compare=False
    )
    # word -> lemma, filled on use: a dict lookup is cheaper than the lemmatizer's own cache
    _lemma_memo: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def lemmas_of(self, tokens: Sequence[Token]) -> list[str]:
        """The lemma of each word token; other tokens stand for themselves."""
        memo = self._lemma_memo
        if len(memo) > _MEMO_SIZE:
            memo.clear()
        found = []
        for token in tokens:
            text = token.text
            lemma = memo.get(text)
            if lemma is None:
                lemma = memo[text] = self.lemmatize(text) if token.kind == "word" else text
            found.append(lemma)
        return found

    def valence(self, surface: str, lemma: str) -> float | None:
        key = (surface, lemma)
        try:
            return self._memo[key]
        except KeyError:
            pass
        if len(self._memo) > _MEMO_SIZE:
            self._memo.clear()
        value = self.lookup(surface, lemma)
        if value is None and self.other_lemmas is not None:
            value = next(
                (v for other in self.other_lemmas(surface) if (v := self.lookup(surface, other))),
                None,
            )
        self._memo[key] = value
        return value

    def lookup(self, surface: str, lemma: str) -> float | None:
        """The valence without the memo `valence` keeps for the words of texts."""
        if self.overrides:
            value = self.overrides.get(lemma)
            if value is None:
                value = self.overrides.get(surface)
            if value is not None:
                return value
        if len(self.sources) == 1:
            return self.sources[0].valence(surface, lemma)
        values = [v for s in self.sources if (v := s.valence(surface, lemma)) is not None]
        return sum(values) if values else None


def add_phrases(
    index: PhraseIndex,
    entries: dict[str, float],
    lemmatize: Callable[[str], str],
    ours: bool,
    rule: str = "phrase",
) -> None:
    """An entry written "=postoję" is matched on its words as written only: its lemma ("postać")
    is also that of other words ("postanie", "postać" as a noun), or its other forms mean
    something else ("=вернула", I returned it; not "вернули", they gave it back)."""
    for text, value in entries.items():
        as_written = text.startswith("=")
        words = tuple(text.removeprefix("=").lower().replace("’", "'").split())
        if words:
            lemmas = words if as_written else tuple(lemmatize(w) for w in words)
            index.add(Phrase(words, lemmas, value, ours, as_written, rule))


def _match_phrase(
    phrase: Phrase,
    start: int,
    tokens: Sequence[Token],
    lemmas: Sequence[str],
    rules: LanguageRules,
) -> list[int] | None:
    """Positions of the phrase's words from `start`, allowing one extra word between two; not a
    negator ("will not be back" is no "will be back")."""
    positions = [start]
    at = start
    for word, lemma in zip(phrase.words[1:], phrase.lemmas[1:], strict=True):
        for step in (1, 2):
            nxt = at + step
            if nxt >= len(tokens) or tokens[nxt].clause != tokens[start].clause:
                return None
            if step == 2 and _is_negator(tokens[at + 1], rules):
                return None
            if tokens[nxt].text == word or (lemmas[nxt] == lemma and not phrase.as_written):
                at = nxt
                positions.append(nxt)
                break
        else:
            return None
    return positions


def _expletive(at: int, tokens: Sequence[Token]) -> bool:
    """ "..., пока не сломался", "..., dopóki nie pękł": the "not" after "until" opening a clause
    after another negates nothing; mid-clause "пока не" is "not yet" ("эффекта пока не
    заметила") and negates."""
    if at < 2 or tokens[at - 1].text not in _UNTIL_NOT:
        return False
    until, before = tokens[at - 1], tokens[at - 2]
    return before.sentence == until.sentence and before.clause != until.clause


def _is_negator(token: Token, rules: LanguageRules) -> bool:
    return token.text in rules.negators or token.text in rules.flip_only_negators


def _negated(
    position: int,
    tokens: Sequence[Token],
    rules: LanguageRules,
    in_phrases: frozenset[int] | set[int] = frozenset(),
) -> bool:
    """A negator among the `negation_window` words before, intensifiers not counted; an idiom
    word ("не первый раз", "not only") on the way, or as the word itself, blocks it. A negator
    inside a matched phrase ("could not have asked for", "нет претензий") is spent on it."""
    if tokens[position].text in rules.negation_exceptions:
        return False
    seen = 0
    at = position - 1
    while at >= 0 and seen < rules.negation_window:
        token = tokens[at]
        if token.sentence != tokens[position].sentence or token.text in rules.negation_exceptions:
            return False
        if token.text in rules.contrast:  # "not cheap, but worth every penny"
            return False
        if token.text in _NEGATION_BARRIERS:  # "didn't listen and rushed me out", "couldn't
            return False  # tell us what was wrong": a conjunct or a question of its own
        if rules.negation_stops_at_comma and token.clause != tokens[position].clause:
            return False
        if _is_negator(token, rules) and at not in in_phrases:
            # "брака нет, всё целое": a standalone "нет" does not reach past its clause
            if token.text in _ABSENT and token.clause != tokens[position].clause:
                return False
            return not _expletive(at, tokens)
        if not _is_filler(token.text, rules):
            seen += 1
        at -= 1
    return False


def _booster_after_negator(position: int, tokens: Sequence[Token], rules: LanguageRules) -> bool:
    """ "не очень удобно", "not very good", "nie bardzo wygodne", "не дуже зручно": an intensifier
    between the negator and the word makes a hedge (a mild opposite), not a strong one."""
    at = position - 1
    boosted = False
    while at >= 0 and tokens[at].sentence == tokens[position].sentence:
        word = tokens[at].text
        if _is_negator(tokens[at], rules):
            return boosted
        if word in rules.boosters:
            boosted = True
        elif not _is_filler(word, rules):
            return False
        at -= 1
    return False


def _is_filler(word: str, rules: LanguageRules) -> bool:
    return word in rules.function_words or word in rules.boosters or word in rules.dampeners


def _intensity(position: int, tokens: Sequence[Token], rules: LanguageRules) -> float:
    for at in (position - 1, position - 2):
        if at < 0 or tokens[at].sentence != tokens[position].sentence:
            break
        if tokens[at].text in rules.boosters:
            return BOOST
        if tokens[at].text in rules.dampeners:
            return DAMPEN
    return 1.0


def _scare_quoted(token: Token) -> bool:
    """Praise in quotation marks of one or two words is irony: «качественно», "fast" delivery."""
    return 0 < token.quoted <= SCARE_QUOTE_WORDS


def _so_called(at: int, tokens: Sequence[Token], rules: LanguageRules) -> bool:
    """Praise one or two words after "so called", "так называемый" is irony too: "the so-called
    bonus features"."""
    if not rules.so_called:
        return False
    for marker in (at - 1, at - 2):
        if marker < 0:
            return False
        word = tokens[marker].text
        pair = f"{tokens[marker - 1].text} {word}" if marker else word
        if word in rules.so_called or pair in rules.so_called:
            return tokens[marker].sentence == tokens[at].sentence
    return False


def _phrase_hits(
    tokens: Sequence[Token], lemmas: Sequence[str], model: LanguageModel
) -> tuple[list[Hit], set[int]]:
    hits: list[Hit] = []
    consumed: set[int] = set()
    firsts = model.phrases.firsts
    last = len(tokens)
    for start, token in enumerate(tokens):
        if token.text not in firsts and lemmas[start] not in firsts:
            continue
        if start in consumed or token.kind != "word":
            continue
        following = (
            (tokens[start + 1].text, lemmas[start + 1], tokens[start + 2].text, lemmas[start + 2])
            if start + 2 < last
            else tuple(w for p in range(start + 1, last) for w in (tokens[p].text, lemmas[p]))
        )
        for phrase in model.phrases.candidates(token.text, lemmas[start], following):
            if phrase.as_written and token.text != phrase.words[0]:
                continue
            positions = _match_phrase(phrase, start, tokens, lemmas, model.rules)
            if positions is None or consumed.intersection(positions):
                continue
            consumed.update(positions)
            text = " ".join(tokens[p].text for p in positions)
            # a phrase with a negator of its own takes no second one: Slavic negation is
            # concord ("ни хорошего, ни плохого сказать не могу" denies nothing twice)
            negated = not any(_is_negator(tokens[p], model.rules) for p in positions) and _negated(
                start, tokens, model.rules
            )
            if phrase.value > 0 and (
                _scare_quoted(token) or _so_called(start, tokens, model.rules)
            ):
                hits.append(Hit(text, -phrase.value, "scare-quoted", start))
            elif not negated:
                hits.append(Hit(text, phrase.value, phrase.rule, start))
            elif phrase.value > 0 or not phrase.complaint_or_praise:
                hits.append(Hit(text, -phrase.value, "negated-phrase", start))
            else:
                hits.append(Hit(text, -phrase.value * NEGATED_COMPLAINT, "negated-phrase", start))
            break
    return hits, consumed


def _prefix_negated_valence(surface: str, lemma: str, model: LanguageModel) -> float | None:
    """A word the lexicon lacks that is a known word with the negating prefix ("niewygodny",
    "неудобный", "незручний"): the known word's valence, flipped."""
    prefix = model.rules.negating_prefix
    if not prefix or not lemma.startswith(prefix) or len(lemma) < len(prefix) + 4:
        return None
    base = model.valence(surface[len(prefix) :], lemma[len(prefix) :])
    return -base if base else None


def _modifies_a_scored_word(
    at: int, tokens: Sequence[Token], lemmas: Sequence[str], model: LanguageModel
) -> bool:
    """An intensifier before a sentiment word only scales it ("strasznie miły"); with none
    after it, it is a sentiment word of its own ("było okropnie")."""
    for nxt in (at + 1, at + 2):
        if nxt >= len(tokens) or tokens[nxt].sentence != tokens[at].sentence:
            return False
        if model.valence(tokens[nxt].text, lemmas[nxt]) is not None:
            return True
    return False


def _word_hits(
    tokens: Sequence[Token], lemmas: Sequence[str], model: LanguageModel, consumed: set[int]
) -> list[Hit]:
    rules = model.rules
    # the hottest loop of the scorer: the rule sets as locals, the cheap checks inline
    skipped, modifiers = rules.never_scored, rules.modifiers
    verb_only, excess_words = rules.verb_only, rules.excess
    valence = model.valence
    hits: list[Hit] = []
    for at, token in enumerate(tokens):
        if at in consumed:
            continue
        text = token.text
        if token.kind == "emoji":
            value = NEUTRAL_EMOJI.get(text, model.emoji.get(text, emoticon_valence(text)))
            if value:
                hits.append(Hit(text, value, "emoji", at))
            continue
        if text in skipped:
            continue
        if text in verb_only and not _after_verb_opener(at, tokens, rules):
            continue
        if text in modifiers and _modifies_a_scored_word(at, tokens, lemmas, model):
            continue
        if text in _SPEED and _before_a_fault(at, tokens, lemmas, model):
            continue
        value = valence(text, lemmas[at])
        if not value:
            value = _prefix_negated_valence(text, lemmas[at], model)
        before = tokens[at - 1] if at else None
        excess = (
            before is not None and before.text in excess_words and before.clause == token.clause
        )
        if excess:
            value = -abs(value) if value else EXCESS_UNKNOWN
        if not value:
            continue
        if value > 0 and (_scare_quoted(token) or _so_called(at, tokens, rules)):
            hits.append(Hit(text, -value, "scare-quoted", at))
        elif _negated(at, tokens, rules, consumed) or (
            value > 0 and _adverb_of_negated_verb(at, tokens, model)
        ):
            if _booster_after_negator(at, tokens, rules):
                hits.append(Hit(text, -value * HEDGED_NEGATION, "hedged-negation", at))
            else:
                hits.append(Hit(text, -value * _intensity(at, tokens, rules), "negated", at))
        else:
            value *= _intensity(at, tokens, rules)
            hits.append(Hit(text, value, "excess" if excess else "lexicon", at))
    return hits


def _before_a_fault(
    at: int, tokens: Sequence[Token], lemmas: Sequence[str], model: LanguageModel
) -> bool:
    """ "быстро сломался", "szybko się zepsuł", "quickly broke": speed before a fault is how soon
    it failed, no praise."""
    for nxt in (at + 1, at + 2):
        if nxt >= len(tokens) or tokens[nxt].clause != tokens[at].clause:
            return False
        if tokens[nxt].text in _SPEED_FILLERS:
            continue
        if lemmas[nxt] in model.rules.relief:  # "запах быстро выветрился / szybko zniknął"
            return False
        value = model.valence(tokens[nxt].text, lemmas[nxt])
        return value is not None and value < 0
    return False


def _adverb_of_negated_verb(at: int, tokens: Sequence[Token], model: LanguageModel) -> bool:
    """ "нормально не закрывается", "porządnie nie obejrzał": an adverb of manner before a negated
    verb is what the verb failed to be (Polish, Russian, Ukrainian word order)."""
    if at + 2 >= len(tokens) or tokens[at + 1].text not in model.rules.particle_negators:
        return False
    if tokens[at + 2].clause != tokens[at].clause or tokens[at + 2].kind != "word":
        return False
    text = tokens[at].text
    if model.part_of_speech is not None:
        return model.part_of_speech(text) == "ADVB"
    return model.rules.lang == "pl" and (text.endswith("nie") or text == "dobrze")


def _after_verb_opener(at: int, tokens: Sequence[Token], rules: LanguageRules) -> bool:
    """A subject, auxiliary or negator right before ("I like", "didn't like"), or the start of a
    sentence with an object right after ("Like it a lot")."""
    before = tokens[at - 1] if at else None
    if before is None or before.sentence != tokens[at].sentence:
        after = tokens[at + 1] if at + 1 < len(tokens) else None
        return after is not None and after.text in _VERB_OBJECTS
    return before.clause == tokens[at].clause and (
        before.text in rules.verb_openers or _is_negator(before, rules)
    )


def _content_words_after(at: int, tokens: Sequence[Token], rules: LanguageRules) -> list[int]:
    clause = tokens[at].clause
    found = []
    for p in range(at + 1, len(tokens)):
        # an emoticon ends a clause as a full stop does ("но нет) Пауэрбанк держит")
        if (
            tokens[p].clause != clause
            or tokens[p].kind == "emoji"
            or len(found) > NEGATED_UNKNOWN_LOOKAHEAD
        ):
            break
        if tokens[p].kind == "word" and not _is_filler(tokens[p].text, rules):
            found.append(p)
    return found


def _negates_a_predicate(
    at: int, target: int, tokens: Sequence[Token], model: LanguageModel
) -> bool:
    """False for a particle ("не", "ни") before a word that is no predicate ("не каждому",
    "ни копейки", "не ручная"): those describe, they do not report a failure. True for the
    other negators ("нет ответа"), and when the language has no tagger."""
    rules = model.rules
    if model.part_of_speech is None or tokens[at].text not in rules.particle_negators:
        return True
    return model.part_of_speech(tokens[target].text) in PREDICATE_TAGS


def _negated_unknown_hits(
    tokens: Sequence[Token],
    lemmas: Sequence[str],
    model: LanguageModel,
    known: set[int],
    faint: set[int],
) -> list[Hit]:
    """A negator whose next words carry no lexicon value: "не пришёл", "nobody answered". After
    "even" ("nawet nie zajrzała", "даже не посмотрел") a faint lexicon value (polvader's
    "zajrzeć" 0.00) counts as none: "not even" is a complaint, unless of a feeling ("nawet nie
    poczułam")."""
    rules = model.rules
    hits: list[Hit] = []
    for at, token in enumerate(tokens):
        if token.text not in rules.negators or at in known or _expletive(at, tokens):
            continue
        following = _content_words_after(at, tokens, rules)[:NEGATED_UNKNOWN_LOOKAHEAD]
        if not following:
            continue
        first = tokens[following[0]].text
        blocking = known
        if at > 0 and tokens[at - 1].text in _EVEN and lemmas[following[0]] not in _FELT:
            blocking = known - faint
        between = (t.text for t in tokens[at + 1 : following[0] + 1])
        if any(w in rules.negation_exceptions for w in between):
            continue
        if _is_negator(tokens[following[0]], rules):
            continue
        if any(p in blocking for p in following):
            continue
        if not _negates_a_predicate(at, following[0], tokens, model):
            continue
        hits.append(Hit(f"{token.text} {first}", NEGATED_UNKNOWN, "negated-unknown", at))
    return hits


def _near(at: int, tokens: Sequence[Token], reach: int) -> range:
    """Positions within `reach` of `at` in the same clause."""
    clause = tokens[at].clause
    low = at
    while low > 0 and at - low < reach and tokens[low - 1].clause == clause:
        low -= 1
    high = at
    while high + 1 < len(tokens) and high - at < reach and tokens[high + 1].clause == clause:
        high += 1
    return range(low, high + 1)


def _never_again_hits(
    tokens: Sequence[Token], lemmas: Sequence[str], rules: LanguageRules, known: set[int]
) -> list[Hit]:
    """ "больше не закажу", "więcej tam nie pójdę", "won't buy again": a negated verb of coming
    back or buying, with a word of repetition in the same clause."""
    if rules.patronage_verbs.isdisjoint(lemmas):
        return []
    hits: list[Hit] = []
    for at, token in enumerate(tokens):
        if token.text not in rules.negators or at in known or _expletive(at, tokens):
            continue
        verb = _negated_patronage_verb(at, tokens, lemmas, rules)
        if verb is None or verb in known:
            continue
        if any(tokens[p].text in rules.again_words for p in _near(at, tokens, NEVER_AGAIN_REACH)):
            hits.append(Hit(f"{token.text} {tokens[verb].text}", NEVER_AGAIN, "never-again", at))
            known.update((at, verb))
    return hits


def _negated_patronage_verb(
    at: int, tokens: Sequence[Token], lemmas: Sequence[str], rules: LanguageRules
) -> int | None:
    """The verb of coming back or buying that the negator at `at` governs: right after it, after
    one auxiliary ("не буду брать", "won't ever be back"), or right before it with an auxiliary
    after ("заказывать не буду"); not a verb further away ("больше не нужно ходить")."""
    verbs, auxiliaries, clause = rules.patronage_verbs, rules.auxiliaries, tokens[at].clause

    def is_verb(p: int) -> bool:
        return 0 <= p < len(tokens) and tokens[p].clause == clause and lemmas[p] in verbs

    def is_auxiliary(p: int) -> bool:
        return p < len(tokens) and tokens[p].clause == clause and tokens[p].text in auxiliaries

    if is_verb(at + 1):
        return at + 1
    if is_auxiliary(at + 1):
        if is_verb(at + 2):
            return at + 2
        if is_verb(at - 1):
            return at - 1
    return None


def _verdicts(
    hits: list[Hit], tokens: Sequence[Token], lemmas: Sequence[str], rules: LanguageRules
) -> set[int]:
    """Positions of the hits that are the writer's verdict: a recommendation word in the hit
    ("не советую", "polecam"), or "never again"."""
    words = rules.verdict_lemmas
    if words.isdisjoint(lemmas) and not any(h.rule == "never-again" for h in hits):
        return set()
    marked = {at for at, lemma in enumerate(lemmas) if lemma in words}
    found = set()
    for hit in hits:
        if hit.rule == "never-again" or any(
            p in marked for p in range(hit.position, hit.position + len(hit.text.split()) + 1)
        ):
            found.add(hit.position)
    return found


def _turning_sentence(tokens: Sequence[Token], rules: LanguageRules) -> int | None:
    """The last sentence that opens with a contrast opener ("Unfortunately, ..."), if any."""
    openers = rules.contrast_openers
    if not openers:
        return None
    turn = None
    previous_sentence = -1
    for at, token in enumerate(tokens):
        if token.sentence == previous_sentence:
            continue
        previous_sentence = token.sentence
        two = f"{token.text} {tokens[at + 1].text}" if at + 1 < len(tokens) else ""
        if token.sentence > 0 and (token.text in openers or two in openers):
            turn = token.sentence
    return turn


def _weigh_mockery(hits: list[Hit], tokens: Sequence[Token]) -> list[Hit]:
    """Praise in the sentence of an eye-roll or a clown ("Класс 🤡"), or in the sentence just
    before one that stands alone, is irony: it counts negative; an eye-roll that ends the text
    mocks all of it ("Wow, great job guys. ... 10/10 would hire again 🙄")."""
    if tokens[-1].text in MOCKING_EMOJI:
        return [Hit(h.text, -h.value, "mocked", h.position) if h.value > 0 else h for h in hits]
    mocked: set[int] = set()
    for at, token in enumerate(tokens):
        if token.text in MOCKING_EMOJI:
            mocked.add(token.sentence)
            if at == 0 or tokens[at - 1].sentence != token.sentence:
                mocked.add(token.sentence - 1)
    return praise_mocked_in(mocked, hits, tokens)


def praise_mocked_in(sentences: set[int], hits: list[Hit], tokens: Sequence[Token]) -> list[Hit]:
    """The praise of these sentences counts negative, as irony."""
    if not sentences:
        return hits
    return [
        Hit(h.text, -h.value, "mocked", h.position)
        if h.value > 0 and tokens[h.position].sentence in sentences
        else h
        for h in hits
    ]


def _praise_then_another(
    hits: list[Hit], tokens: Sequence[Token], rules: LanguageRules
) -> set[int]:
    """Sentences that open with praise followed at once by "another" ("Great, another two hours
    on hold", "Super, znowu ..."), an interjection ("oh", "ну") allowed before the praise."""
    praised = {h.position for h in hits if h.value > 0}
    found: set[int] = set()

    def in_sentence(at: int, sentence: int) -> bool:
        return at >= 0 and tokens[at].sentence == sentence

    for at, token in enumerate(tokens):
        sentence = token.sentence
        if token.text not in rules.another or at - 1 not in praised:
            continue
        start = at - 1  # the praise, or the interjection before it
        if not in_sentence(start, sentence):
            continue
        if in_sentence(start - 1, sentence) and tokens[start - 1].text in _INTERJECTIONS:
            start -= 1
        if not in_sentence(start - 1, sentence):
            found.add(sentence)
    return found


def _if_you_like(
    tokens: Sequence[Token], rules: LanguageRules, praised: frozenset[int]
) -> tuple[dict[int, int], set[int]]:
    """Sentences with "if" and, within LIKING_REACH words after it, a verb of liking ("if you
    like waiting", "jeśli ktoś lubi", "якщо любите"), with the position of that "if": the praise
    of such a sentence in a review that complains is a recommendation nobody would take, and
    what the "if" goes on to name ("jeśli lubicie czekać, bo klima nie działa") is a complaint.
    Also, as a set of their own, the sentences where praise comes first and the "if" is followed
    by a verb of needing ("Great, if you need one that leaks"): whatever fault that "if" names
    makes the praise irony."""
    found: dict[int, int] = {}
    needing: set[int] = set()
    for at, token in enumerate(tokens):
        if token.text not in rules.irrealis:
            continue
        ahead = [t for t in tokens[at + 1 : at + 1 + LIKING_REACH] if t.sentence == token.sentence]
        if any(t.text in rules.liking for t in ahead):
            found.setdefault(token.sentence, at)
        elif any(t.text in rules.needing for t in ahead) and any(
            p < at and tokens[p].sentence == token.sentence for p in praised
        ):
            found.setdefault(token.sentence, at)
            needing.add(token.sentence)
    return found, needing


def _weigh_mock_praise(
    hits: list[Hit], tokens: Sequence[Token], rules: LanguageRules, present: frozenset[str]
) -> list[Hit]:
    """In a review that complains and tells of nothing put right, praise mocks in a sentence
    with applause ("Браво 👏", "Brawo dla kuriera"), with thanks followed by "of course" or by a
    boosted word of help or convenience ("Дякую, звісно", "Спасибо, очень удобно"), opening with
    praise followed by "another" ("Great, another ..."), or with "if you like" ("Polecam, jeśli
    lubicie wyrzucać pieniądze"): it counts negative."""
    if (
        rules.thanks.isdisjoint(present)
        and rules.another.isdisjoint(present)
        and rules.liking.isdisjoint(present)
        and rules.needing.isdisjoint(present)
        and rules.kudos.isdisjoint(present)
        and APPLAUSE not in present
    ) or any(h.rule == "resolution" for h in hits):
        return hits
    opened_with_praise = _praise_then_another(hits, tokens, rules)
    liking, needing = _if_you_like(
        tokens, rules, frozenset(h.position for h in hits if h.value > 0)
    )
    mocked = set(opened_with_praise) | set(liking)
    for at, token in enumerate(tokens):
        if token.text == APPLAUSE or token.text in rules.kudos:
            mocked.add(token.sentence)
        if token.text not in rules.thanks:
            continue
        rest = [t for t in tokens[at + 1 :] if t.sentence == token.sentence]
        boosted = any(
            a.text in rules.boosters and b.text in rules.mock_praise
            for a, b in zip(rest, rest[1:], strict=False)
        )
        if boosted or any(t.text in rules.of_course for t in rest):
            mocked.add(token.sentence)
    complains = any(
        h.value <= -CLEAR_COMPLAINT
        and (
            tokens[h.position].sentence not in mocked
            or tokens[h.position].sentence in opened_with_praise
            # a complaint phrase of ours after the "if": a taste the writer likes ("jeśli
            # lubisz ostre jedzenie") is no complaint
            or (
                (h.rule == "phrase" or tokens[h.position].sentence in needing)
                and h.position > liking.get(tokens[h.position].sentence, h.position)
            )
        )
        for h in hits
    )
    return praise_mocked_in(mocked, hits, tokens) if complains else hits


def _weigh_absent(hits: list[Hit], tokens: Sequence[Token]) -> list[Hit]:
    """ "Пятна нет", "брака немає": a word followed at once by "нет" / "немає" in its clause is
    absent. Absent praise fails ("качества нет"); an absent fault is mild praise."""
    absent: set[int] = set()
    for at, token in enumerate(tokens):
        if token.text not in _ABSENT or at == 0:
            continue
        if tokens[at - 1].kind == "word" and tokens[at - 1].clause == token.clause:
            absent.add(at - 1)
        # "претензій до товару немає": the noun before "до" / "к" and its object
        if at >= 3 and tokens[at - 2].text in _ABOUT and tokens[at - 3].clause == token.clause:
            absent.add(at - 3)
    if not absent:
        return hits
    return [
        Hit(h.text, -h.value * (1.0 if h.value > 0 else NEGATED_COMPLAINT), "absent", h.position)
        if h.position in absent and h.rule in ("lexicon", "phrase") and " " not in h.text
        else h
        for h in hits
    ]


def _weigh_before_this(hits: list[Hit], tokens: Sequence[Token], rules: LanguageRules) -> list[Hit]:
    """ "Масажист допоміг, до цього пів року мучилась": a complaint in the clause of a word that
    places it before this business is what the business put right: it counts nothing."""
    clauses = {tokens[at].clause for at in _marker_positions(tokens, rules.before_this)}
    if not clauses:
        return hits
    return [h for h in hits if h.value > 0 or tokens[h.position].clause not in clauses]


def _same_as_itself(
    tokens: Sequence[Token], lemmas: Sequence[str], model: LanguageModel
) -> list[Hit]:
    """ "Шампунь как шампунь", "Пошта як пошта", "Hotel jak hotel": a thing like any other of its
    kind, the writer's three stars; a settling verdict (see analyzers.settles). Nouns only where
    a tagger tells ("не хочете як хочете" is no verdict)."""
    tag = model.part_of_speech
    return [
        Hit(
            f"{tokens[at].text} {tokens[at + 1].text} {tokens[at + 2].text}", 0.0, SETTLING_RULE, at
        )
        for at in range(len(tokens) - 2)
        if tokens[at + 1].text in _AS
        and tokens[at].kind == "word"
        and lemmas[at] == lemmas[at + 2]
        and tokens[at].clause == tokens[at + 2].clause
        and (tag is None or tag(tokens[at].text) == "NOUN")
    ]


def _weigh_done_badly(hits: list[Hit], tokens: Sequence[Token]) -> list[Hit]:
    """ "Смягчает и увлажняет плохо", "czyści słabo", "cleans poorly": praise up to
    DONE_BADLY_REACH words before a manner adverb of failure in its clause, with no complaint
    between, is what the thing does badly: it counts as negated."""
    failed: set[int] = set()
    praised = {h.position for h in hits if h.value > 0}
    scored = {h.position for h in hits}
    for at, token in enumerate(tokens):
        if token.text not in _DONE_BADLY:
            continue
        for before in range(at - 1, max(-1, at - 1 - DONE_BADLY_REACH), -1):
            if tokens[before].clause != token.clause:
                break
            if before in praised:
                failed.add(before)
            elif before in scored:
                break
    if not failed:
        return hits
    return [
        Hit(h.text, -h.value, "done-badly", h.position) if h.position in failed else h for h in hits
    ]


def _weigh_until(hits: list[Hit], tokens: Sequence[Token], rules: LanguageRules) -> list[Hit]:
    """ "Was great until it broke", "Działał świetnie, aż się zepsuł", "Всё было хорошо, пока не
    ...": praise before "until" that a complaint after it ends is the past; it counts nothing."""
    ended: set[int] = set()
    for at in _marker_positions(tokens, rules.until):
        sentence = tokens[at].sentence
        if any(
            h.value <= -CLEAR_COMPLAINT
            and h.position > at
            and tokens[h.position].sentence == sentence
            for h in hits
        ):
            ended.update(
                h.position
                for h in hits
                if h.value > 0 and h.position < at and tokens[h.position].sentence == sentence
            )
    return [h for h in hits if h.position not in ended] if ended else hits


def _weigh_whoever(hits: list[Hit], tokens: Sequence[Token], rules: LanguageRules) -> list[Hit]:
    """ "Рекомендую всем, кто любит переплачивать", "Polecam każdemu, kto chce zapłacić dwa
    razy": praise for whoever likes what the rest of the sentence names as a fault is irony."""
    mocked: set[int] = set()
    for at, token in enumerate(tokens):
        if token.text not in rules.whoever:
            continue
        sentence = token.sentence
        ahead = [t for t in tokens[at + 1 : at + 1 + LIKING_REACH] if t.sentence == sentence]
        if any(t.text in rules.whoever_likes for t in ahead) and any(
            h.value <= -CLEAR_COMPLAINT
            and h.position > at
            and tokens[h.position].sentence == sentence
            for h in hits
        ):
            mocked.add(sentence)
    return praise_mocked_in(mocked, hits, tokens)


def _is_relief(
    at: int, tokens: Sequence[Token], lemmas: Sequence[str], rules: LanguageRules
) -> bool:
    if lemmas[at] in rules.relief or tokens[at].text in rules.relief:
        return True
    return at > 0 and (tokens[at - 1].text, tokens[at].text) in _RELIEF_PHRASAL


def _weigh_relief(
    hits: list[Hit],
    tokens: Sequence[Token],
    lemmas: Sequence[str],
    rules: LanguageRules,
    consumed: set[int],
    present: frozenset[str],
) -> list[Hit]:
    """ "Боль прошла", "ustąpił ból", "висипання зникли", "the rash went away": a complaint word
    in one clause with a verb of going away (not negated: "боль не прошла") is the trouble that
    got better; it counts as praise, and the verb itself ("пропал", "disappeared") counts
    nothing."""
    if (
        rules.relief.isdisjoint(lemmas)
        and rules.relief.isdisjoint(present)
        and _RELIEF_PARTICLES.isdisjoint(present)
    ):
        return hits
    reliefs = [
        at
        for at in range(len(tokens))
        if at not in consumed
        and _is_relief(at, tokens, lemmas, rules)
        and not _negated(at, tokens, rules)
    ]
    if not reliefs:
        return hits

    def relieved_by(hit: Hit) -> int | None:
        clause = tokens[hit.position].clause
        for at in reliefs:
            if lemmas[at] in rules.stopping:
                reflexive = at + 1 < len(tokens) and tokens[at + 1].text in _REFLEXIVE
                after = at + 2 if reflexive else at + 1
                if hit.position == after and hit.rule == "lexicon":
                    return at
                continue
            if tokens[at].clause == clause and (
                0 < at - hit.position <= RELIEF_BEFORE or 0 < hit.position - at <= RELIEF_AFTER
            ):
                # "обещали перезвонить и пропали": a verb of its own, not the trouble's
                low, high = sorted((at, hit.position))
                if not any(tokens[p].text in _CONJUNCTIONS for p in range(low + 1, high)):
                    return at
        return None

    relieved = {
        hit.position: verb
        for hit in hits
        if hit.value < 0 and hit.rule in ("lexicon", "phrase")
        if (verb := relieved_by(hit)) is not None
    }
    verbs = set(relieved.values())
    return [
        Hit(hit.text, -hit.value, "relieved", hit.position) if hit.position in relieved else hit
        for hit in hits
        if hit.position not in verbs or hit.value > 0
    ]


def _weigh_claims(
    hits: list[Hit], tokens: Sequence[Token], rules: LanguageRules, consumed: set[int]
) -> list[Hit]:
    """ "Заявлено, что водостойкие", "The listing says it is supposed to be great": praise after
    a claim of the seller's or the listing's, in its sentence and before a contrast word, is
    not the writer's: it counts nothing. A claim inside a matched phrase ("как заявлено") is
    the writer's own confirmation."""
    claimed: set[int] = set()
    for at, token in enumerate(tokens):
        if token.text not in rules.claims or at in consumed:
            continue
        for after in range(at + 1, len(tokens)):
            if tokens[after].sentence != token.sentence or tokens[after].text in rules.contrast:
                break
            claimed.add(after)
    if not claimed:
        return hits
    return [h for h in hits if h.value < 0 or h.position not in claimed]


def _denied_clause(at: int, tokens: Sequence[Token], rules: LanguageRules) -> range | None:
    """Where the denying verb at `at` is negated: the positions from its negator to the end of
    the clause it denies (the verb's own, or the next one after "сказала бы, что")."""
    token = tokens[at]
    negator = next(
        (
            p
            for p in range(at - 1, max(-1, at - 1 - DENIAL_REACH), -1)
            if tokens[p].clause == token.clause and _is_negator(tokens[p], rules)
        ),
        None,
    )
    if negator is None:
        return None
    if token.text in rules.denying_past and not any(
        t.text in _CONDITIONAL and t.clause == token.clause
        for t in tokens[max(0, negator - 2) : at + 2]
    ):
        return None
    if rules.denying_modals and not (
        tokens[negator].text in rules.denying_modals
        or (negator > 0 and tokens[negator - 1].text in rules.denying_modals)
    ):
        return None
    said = _clause_after(at, tokens, rules)
    if not said or tokens[said.start].text in _NOT_A_DENIAL:
        return None
    return range(negator, said.stop)


def _clause_after(at: int, tokens: Sequence[Token], rules: LanguageRules) -> range:
    """The clause a verb of saying or thinking at `at` governs: the rest of its own clause, or
    the next one when a comma follows the verb ("сказала бы, что ...", "bałam się, że ..."),
    up to a contrast word; empty at the end of the sentence."""
    after = at + 1
    while after < len(tokens) and tokens[after].text in _VERB_PARTICLES:
        after += 1
    if after >= len(tokens) or tokens[after].sentence != tokens[at].sentence:
        return range(0)
    end = after
    while (
        end < len(tokens)
        and tokens[end].clause == tokens[after].clause
        and tokens[end].text not in rules.contrast
    ):
        end += 1
    return range(after, end)


def _weigh_fears(
    hits: list[Hit], tokens: Sequence[Token], rules: LanguageRules, consumed: set[int]
) -> list[Hit]:
    """ "Думала, очередная китайская ерунда, но нет", "Bałam się, że będzie tandeta, a tu ...":
    what the writer thought or feared before buying is no complaint; the complaints of the
    clause such a verb governs count nothing."""
    feared: set[int] = set()
    for at, token in enumerate(tokens):
        if token.text in rules.fearing and at not in consumed:
            feared.update(_clause_after(at, tokens, rules))
    if not feared:
        return hits
    return [h for h in hits if h.value > 0 or h.position not in feared]


def _weigh_denials(
    hits: list[Hit], tokens: Sequence[Token], rules: LanguageRules, consumed: set[int]
) -> list[Hit]:
    """ "Не сказала бы, что она стоит своих денег", "I can't say I was impressed": the praise of
    the denied clause counts as negated, its complaints as a negated complaint; the denial's own
    words count nothing. What a negator of the clause itself already turned stays turned."""
    denied: list[range] = []
    own_words: set[int] = set()
    for at, token in enumerate(tokens):
        if (
            token.text in rules.denying and at not in consumed
        ):  # not "ничего плохого не могу сказать"
            clause = _denied_clause(at, tokens, rules)
            if clause is not None:
                denied.append(range(at + 1, clause.stop))
                own_words.update((clause.start, at))
    if not denied:
        return hits
    weighed: list[Hit] = []
    for h in hits:
        if h.position in own_words:
            continue
        if h.rule in ("lexicon", "phrase") and any(h.position in d for d in denied):
            factor = -1.0 if h.value > 0 else -NEGATED_COMPLAINT
            weighed.append(Hit(h.text, h.value * factor, "denied", h.position))
        else:
            weighed.append(h)
    return weighed


def _weigh_neither_nor(hits: list[Hit], tokens: Sequence[Token]) -> list[Hit]:
    """ "Ani zachwyt, ani rozczarowanie", "ни хорошо, ни плохо", "neither good nor bad": a praise
    and a complaint both denied in one "neither ... nor" is a middling verdict; they count
    nothing. Two denied complaints ("ни звонка, ни извинений") stay complaints."""
    pairs: dict[int, list[int]] = {}
    for at, token in enumerate(tokens):
        if token.text in _NEITHER_NOR:
            pairs.setdefault(token.sentence, []).append(at)
    cancelled: set[int] = set()
    for sentence, places in pairs.items():
        if len(places) < 2:
            continue
        last_clause = tokens[places[-1]].clause
        span = [
            h
            for h in hits
            if h.position > places[0]
            and tokens[h.position].sentence == sentence
            and tokens[h.position].clause <= last_clause
        ]
        if any(h.value > 0 for h in span) and any(h.value < 0 for h in span):
            cancelled.update(h.position for h in span)
    return [h for h in hits if h.position not in cancelled] if cancelled else hits


def _weigh_bare_thanks(hits: list[Hit], tokens: Sequence[Token], rules: LanguageRules) -> list[Hit]:
    """ "Спасибо. Ничего не выросло.": thanks as a sentence of their own that opens a text whose
    other evidence all complains are a courtesy or a sneer, not praise: they count nothing.
    Closing thanks ("... хотя не обязан был. Спасибо!") are the writer's verdict."""
    alone: set[int] = set()
    words_in: dict[int, int] = {}
    for token in tokens:
        if token.kind == "word":
            words_in[token.sentence] = words_in.get(token.sentence, 0) + 1
    for at, token in enumerate(tokens):
        if token.text in rules.thanks and words_in.get(token.sentence) == 1:
            alone.add(at)
    if not alone:
        return hits
    others = [h for h in hits if h.position not in alone]
    if not others or any(h.value > 0 or h.position < min(alone) for h in others):
        return hits
    return others


def _weigh_headings(
    hits: list[Hit], tokens: Sequence[Token], rules: LanguageRules, present: frozenset[str]
) -> list[Hit]:
    """A heading of a review form opening its sentence before a colon ("Недоліки: ...", "Cons:
    ...") counts nothing itself; a section it says is empty ("немає", "не виявлено", "brak",
    "none so far") counts EMPTY_DRAWBACKS or EMPTY_MERITS instead of its words."""
    headings = rules.drawback_headings | rules.merit_headings
    if headings.isdisjoint(present):
        return hits
    labels: set[int] = set()
    emptied: set[int] = set()
    added: list[Hit] = []
    for at, token in enumerate(tokens[:-1]):
        after = tokens[at + 1]
        if token.text not in headings or (at and tokens[at - 1].sentence == token.sentence):
            continue
        if after.sentence != token.sentence or after.clause == token.clause:
            continue
        labels.add(at)
        if after.text in rules.negators or after.text in rules.nothing:
            section = [
                p for p in range(at + 1, len(tokens)) if tokens[p].sentence == token.sentence
            ]
            emptied.update(section)
            value = EMPTY_DRAWBACKS if token.text in rules.drawback_headings else EMPTY_MERITS
            said = " ".join(tokens[p].text for p in section[:2])
            added.append(Hit(f"{token.text}: {said}", value, "heading", at))
    if not labels:
        return hits
    return [h for h in hits if h.position not in labels and h.position not in emptied] + added


def _weigh_contrast(
    hits: list[Hit], tokens: Sequence[Token], rules: LanguageRules, present: frozenset[str]
) -> list[Hit]:
    """`present`: the token texts of the text, to skip the rules whose words it lacks."""
    # sentence -> position of its last contrast word
    pivot: dict[int, int] = {}
    for at, token in enumerate(tokens if not rules.contrast.isdisjoint(present) else ()):
        if token.text in rules.contrast:
            pivot[token.sentence] = at
    # sentence -> clause of its first concessive word, in sentences without a contrast word
    conceded: dict[int, int] = {}
    for at, token in enumerate(tokens if not rules.concessive.isdisjoint(present) else ()):
        if token.text not in rules.concessive or token.sentence in pivot:
            continue
        # "mimo to", "несмотря на это", "despite that" mean "nevertheless": the main clause
        ahead = {t.text for t in tokens[at + 1 : at + 3]}
        if token.text not in _CONCEDING_PREPOSITIONS or ahead.isdisjoint(_CONCEDED_ANAPHORA):
            conceded.setdefault(token.sentence, token.clause)
    turn = (
        None
        if _first_words(rules.contrast_openers).isdisjoint(present)
        else _turning_sentence(tokens, rules)
    )
    if not pivot and not conceded and turn is None:
        return hits
    weighted = []
    for hit in hits:
        token = tokens[hit.position]
        if turn is not None and token.sentence < turn:
            hit = Hit(hit.text, hit.value * BEFORE_CONTRAST, hit.rule, hit.position)
        if token.sentence in pivot:
            factor = BEFORE_CONTRAST if hit.position < pivot[token.sentence] else AFTER_CONTRAST
            hit = Hit(hit.text, hit.value * factor, hit.rule, hit.position)
        elif token.sentence in conceded:
            factor = BEFORE_CONTRAST if token.clause == conceded[token.sentence] else AFTER_CONTRAST
            hit = Hit(hit.text, hit.value * factor, hit.rule, hit.position)
        weighted.append(hit)
    return weighted


@cache
@cache
def _first_words(markers: frozenset[str]) -> frozenset[str]:
    return frozenset(marker.split()[0] for marker in markers)


def _marker_positions(tokens: Sequence[Token], markers: frozenset[str]) -> Iterator[int]:
    """Positions where one of `markers` (one to three words, as written) starts."""
    firsts = _first_words(markers)
    last = len(tokens)
    for at, token in enumerate(tokens):
        if token.text not in firsts:
            continue
        text = token.text
        if text in markers:
            yield at
            continue
        for end in (at + 2, at + 3):
            if end > last:
                break
            text += " " + tokens[end - 1].text
            if text in markers:
                yield at
                break


def _marker_starts(
    tokens: Sequence[Token], markers: frozenset[str], present: frozenset[str]
) -> dict[int, int]:
    """Sentence -> position of its first marker (one to three words: "overall", "в целом")."""
    starts: dict[int, int] = {}
    if _first_words(markers).isdisjoint(present):
        return starts
    for at in _marker_positions(tokens, markers):
        starts.setdefault(tokens[at].sentence, at)
    return starts


def _irrealis_clauses(tokens: Sequence[Token], rules: LanguageRules) -> dict[int, int]:
    """Clause -> position of the "if" / "hope" that opens it."""
    found: dict[int, int] = {}
    for at, token in enumerate(tokens):
        if token.text in rules.irrealis:
            found.setdefault(token.clause, at)
    return found


def _weigh_summary(
    hits: list[Hit],
    tokens: Sequence[Token],
    lemmas: Sequence[str],
    rules: LanguageRules,
    present: frozenset[str],
) -> list[Hit]:
    """The writer's own verdict ("в целом доволен", "overall a good buy", "не советую") weighs
    SUMMARY or VERDICT; the complaints of a sentence that names the one flaw ("единственный
    минус") weigh MINOR_FLAW."""
    summary = _marker_starts(tokens, rules.summary_markers, present)
    minor = _marker_starts(tokens, rules.minor_flaw_markers, present)
    hypothetical = {} if rules.irrealis.isdisjoint(present) else _irrealis_clauses(tokens, rules)
    verdicts = _verdicts(hits, tokens, lemmas, rules)
    if not summary and not minor and not hypothetical and not verdicts:
        return hits
    weighted = []
    for hit in hits:
        token = tokens[hit.position]
        factor = SUMMARY if summary.get(token.sentence, len(tokens)) <= hit.position else 1.0
        if hit.position in verdicts:
            factor = max(factor, VERDICT)
        if token.sentence in minor and hit.value < 0:
            factor *= MINOR_FLAW
        if hypothetical.get(token.clause, len(tokens)) <= hit.position:
            factor *= HYPOTHETICAL
        weighted.append(
            hit if factor == 1.0 else Hit(hit.text, hit.value * factor, hit.rule, hit.position)
        )
    return weighted


def _weigh_closing(hits: list[Hit], tokens: Sequence[Token]) -> list[Hit]:
    """Reviews end on their verdict ("...but they replaced it at once, thank you"): in a text of
    several sentences with evidence, the last of them weighs CLOSING."""
    sentences = {tokens[h.position].sentence for h in hits}
    if len(sentences) < MIN_SENTENCES_FOR_CLOSING:
        return hits
    last = max(sentences)
    return [
        Hit(h.text, h.value * CLOSING, h.rule, h.position)
        if tokens[h.position].sentence == last
        else h
        for h in hits
    ]


def _diluted(negated_unknown: list[Hit], others: list[Hit], tokens: Sequence[Token]) -> list[Hit]:
    """The rule fills lexicon gaps: full weight in a sentence without other evidence, half where
    the lexicons already found something of value (long reviews negate a lot in passing)."""
    covered = {tokens[h.position].sentence for h in others if h.value}
    return [
        Hit(h.text, h.value * NEGATED_UNKNOWN_COVERED, h.rule, h.position)
        if tokens[h.position].sentence in covered
        else h
        for h in negated_unknown
    ]


def _resolution_positions(
    marker: Resolution, at: int, tokens: Sequence[Token], lemmas: Sequence[str]
) -> list[int] | None:
    """Positions of the marker's words around its verb at `at` (same clause, any order)."""
    positions = [at]
    clause = tokens[at].clause
    low, high = max(0, at - RESOLUTION_REACH), min(len(tokens), at + RESOLUTION_REACH + 1)
    for keys in marker.others:
        found = next(
            (
                p
                for p in range(low, high)
                if p not in positions
                and tokens[p].clause == clause
                and (tokens[p].text in keys or lemmas[p] in keys)
            ),
            None,
        )
        if found is None:
            return None
        positions.append(found)
    return positions


def _last_resolution(
    tokens: Sequence[Token], lemmas: Sequence[str], model: LanguageModel
) -> tuple[Resolution, list[int]] | None:
    """The last resolution marker of the text and its positions, verb first."""
    index = model.resolutions
    if not index:
        return None
    for at in range(len(tokens) - 1, -1, -1):
        markers = index.get(tokens[at].text, ()) + index.get(lemmas[at], ())
        for marker in markers:
            positions = _resolution_positions(marker, at, tokens, lemmas)
            if positions is not None:
                return marker, positions
    return None


def _said_before(at: int, tokens: Sequence[Token], words: frozenset[str], reach: int) -> bool:
    """One of `words` (one or two words long) among the `reach` tokens before `at`, in its
    sentence."""
    for p in range(at - 1, max(-1, at - reach - 1), -1):
        if tokens[p].sentence != tokens[at].sentence:
            return False
        pair = f"{tokens[p].text} {tokens[p + 1].text}" if p + 1 < at else ""
        if tokens[p].text in words or pair in words:
            return True
    return False


def _in_sentence(at: int, tokens: Sequence[Token], words: frozenset[str]) -> bool:
    """One of `words` (one or two words long) anywhere in the sentence of `at`."""
    sentence = tokens[at].sentence
    inside = [t.text for t in tokens if t.sentence == sentence]
    pairs = (f"{a} {b}" for a, b in zip(inside, inside[1:], strict=False))
    return not words.isdisjoint(inside) or not words.isdisjoint(pairs)


def _is_a_deed(at: int, tokens: Sequence[Token], model: LanguageModel) -> bool:
    """The resolution verb at `at` reports what was done: not negated ("не вернули", "так и не
    заменили"), no infinitive or future ("обещали вернуть", "zwrócą"), no promise, wish or
    "will" just before it, and not won only after a long fight ("only after 3 weeks")."""
    rules = model.rules
    if _negated(at, tokens, rules):
        return False
    if model.unrealised is not None and model.unrealised(tokens[at].text):
        return False
    if _said_before(at, tokens, rules.unfulfilled | rules.irrealis, UNFULFILLED_REACH):
        return False
    return not _in_sentence(at, tokens, rules.delayed_resolution)


def _weigh_resolution(
    hits: list[Hit], tokens: Sequence[Token], lemmas: Sequence[str], model: LanguageModel
) -> list[Hit]:
    """A complaint story that ends with the problem put right and no fresh complaint after it:
    the complaints up to the resolution weigh RESOLVED_COMPLAINT, and the resolution counts as
    RESOLUTION, less what praise inside the marker already counts ("решили проблему")."""
    found = _last_resolution(tokens, lemmas, model)
    if found is None or found[1][0] < RESOLUTION_FROM * len(tokens):
        return hits
    if not _is_a_deed(found[1][0], tokens, model):
        return hits
    marker, positions = found
    span = set(positions)
    clause = max(tokens[p].clause for p in positions)
    if any(
        h.value <= FRESH_COMPLAINT and tokens[h.position].clause > clause and h.position not in span
        for h in hits
    ):
        return hits
    weighted: list[Hit] = []
    counted = 0.0  # praise already found inside the marker ("решили проблему", "the right")
    for hit in hits:
        if hit.position in span:  # "вернули деньги" is no "вернуть деньги" complaint here
            counted += max(hit.value, 0.0)
            if hit.value < 0:
                continue
        elif hit.value < 0 and tokens[hit.position].clause <= clause:
            hit = Hit(hit.text, hit.value * RESOLVED_COMPLAINT, hit.rule, hit.position)
        weighted.append(hit)
    if counted < RESOLUTION:
        text = " ".join(tokens[p].text for p in sorted(positions))
        weighted.append(Hit(text, RESOLUTION - counted, "resolution", positions[0]))
    return weighted


def score(tokens: Sequence[Token], model: LanguageModel) -> Evidence:
    lemmas = model.lemmas_of(tokens)
    present = frozenset(t.text for t in tokens)
    hits, consumed = _phrase_hits(tokens, lemmas, model)
    hits += _never_again_hits(tokens, lemmas, model.rules, consumed)
    if not _AS.isdisjoint(present):
        hits += _same_as_itself(tokens, lemmas, model)
    word_hits = _word_hits(tokens, lemmas, model, consumed)
    known = consumed | {h.position for h in word_hits}
    hits += word_hits
    faint = (
        set()
        if _EVEN.isdisjoint(present)
        else {h.position for h in word_hits if abs(h.value) <= FAINT_WORD}
    )
    hits += _diluted(_negated_unknown_hits(tokens, lemmas, model, known, faint), hits, tokens)
    hits = _weigh_relief(hits, tokens, lemmas, model.rules, consumed, present)
    if not _ABSENT.isdisjoint(present):
        hits = _weigh_absent(hits, tokens)
    if not model.rules.claims.isdisjoint(present):
        hits = _weigh_claims(hits, tokens, model.rules, consumed)
    if not model.rules.fearing.isdisjoint(present):
        hits = _weigh_fears(hits, tokens, model.rules, consumed)
    if not model.rules.denying.isdisjoint(present):
        hits = _weigh_denials(hits, tokens, model.rules, consumed)
    if not _NEITHER_NOR.isdisjoint(present):
        hits = _weigh_neither_nor(hits, tokens)
    hits = _weigh_resolution(hits, tokens, lemmas, model)
    hits = _weigh_headings(hits, tokens, model.rules, present)
    if not MOCKING_EMOJI.isdisjoint(present):
        hits = _weigh_mockery(hits, tokens)
    hits = _weigh_mock_praise(hits, tokens, model.rules, present)
    if not _DONE_BADLY.isdisjoint(present):
        hits = _weigh_done_badly(hits, tokens)
    if not _first_words(model.rules.before_this).isdisjoint(present):
        hits = _weigh_before_this(hits, tokens, model.rules)
    if not _first_words(model.rules.until).isdisjoint(present):
        hits = _weigh_until(hits, tokens, model.rules)
    if not model.rules.whoever.isdisjoint(present):
        hits = _weigh_whoever(hits, tokens, model.rules)
    if not model.rules.thanks.isdisjoint(present):
        hits = _weigh_bare_thanks(hits, tokens, model.rules)
    hits = _weigh_contrast(hits, tokens, model.rules, present)
    hits = _weigh_summary(hits, tokens, lemmas, model.rules, present)
    hits = _weigh_closing(hits, tokens)
    word_count = sum(1 for t in tokens if t.kind == "word")
    return Evidence(tuple(sorted(hits, key=lambda h: h.position)), word_count)
