"""Per-language rule words: negators, intensifiers, contrast markers. Written by us.

The words themselves are data: the `[rules]` table of `data/<lang>.toml`, one key per field of
`LanguageRules` below (a missing key takes its default), loaded and validated by `langdata.py`.
Words are lower-case surface forms; the scorer compares them with tokens and with lemmas.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class LanguageRules:
    lang: str
    # flip the valence of the next `negation_window` words and count as "negated unknown" when
    # none of them is in the lexicon ("не работает", "nikt nie odpowiada")
    negators: frozenset[str]
    # flip a following lexicon word, but say nothing on their own ("bez problemu", "without")
    flip_only_negators: frozenset[str]
    # after a negator, these words make it a non-complaint ("nie tylko", "не только")
    negation_exceptions: frozenset[str]
    boosters: frozenset[str]
    dampeners: frozenset[str]
    # a clause after one of these weighs more than the clause before it
    contrast: frozenset[str]
    # the clause that holds one of these is a concession and weighs less than the rest of the
    # sentence ("despite a minor flaw, I recommend it", "хоча доставка затрималась, ...")
    concessive: frozenset[str] = frozenset()
    # "too" and its kin: in a review the quality after them is a fault ("too loud", "zbyt drogi",
    # "слишком тонкий", "надто дорого"), whatever its own sign
    excess: frozenset[str] = frozenset()
    # pronouns, prepositions, conjunctions, particles, forms of "to be": never scored, and not
    # counted in the negation window ("nie jest dobry", "не у нас")
    function_words: frozenset[str] = frozenset()
    negation_window: int = 1
    # a window of several words stops at a comma ("without us asking, lovely touch"); with a
    # window of one word there is nothing to stop
    negation_stops_at_comma: bool = False
    # a prefix that negates the word it is glued to ("niewygodny", "неудобный")
    negating_prefix: str = ""
    # negating particles: where a part-of-speech tagger exists, "negated unknown" counts them
    # only before a verb-like word ("не работает", "не выдержан"), not before a noun, adjective or
    # pronoun ("не оригинальный, а ...", "не каждому", "ни копейки"); "нет" / "немає" count always.
    # An adverb right before one negates with the verb ("нормально не закрывается")
    particle_negators: frozenset[str] = frozenset()
    # words (one or two) that open the writer's overall verdict ("в целом", "загалом", "overall"):
    # the rest of that sentence outweighs the details around it
    summary_markers: frozenset[str] = frozenset()
    # words (one to three) that announce the one flaw of an otherwise good thing ("единственный
    # минус", "the only downside"): the complaints of that sentence weigh less
    minor_flaw_markers: frozenset[str] = frozenset()
    # the headings of a shop's review form ("Недоліки: ...", "Zalety: ...", "Cons: ..."): labels,
    # not sentiment; "Недоліки: немає" is praise and "Переваги: немає" a complaint. `nothing`:
    # the words that say a section is empty, besides the negators ("brak", "none")
    drawback_headings: frozenset[str] = frozenset()
    merit_headings: frozenset[str] = frozenset()
    nothing: frozenset[str] = frozenset()
    # "if", "hope", "wish" and their kin: the clause they open says what may or should happen,
    # not what did ("if it doesn't fit, return it", "надеюсь, проблему решат"), and weighs less
    irrealis: frozenset[str] = frozenset()
    # a problem put right ("заменили", "вернули деньги", "sorted it out"): the first word is the
    # verb, the others must stand within RESOLUTION_REACH words of it in the same clause, in any
    # order; words match a token's surface form or lemma
    resolution_markers: frozenset[str] = frozenset()
    # words that make a resolution a promise or a wish, not a deed, when they come before it in
    # its sentence ("обещали вернуть деньги", "promised to replace it", "mieli oddać", "щоб
    # продавець усунув")
    unfulfilled: frozenset[str] = frozenset()
    # one or two words that make a resolution one won with effort ("only after three weeks",
    # "только после десятка звонков", "dopiero po miesiącu"): still a complaint
    delayed_resolution: frozenset[str] = frozenset()
    # the writer's recommendation, for or against ("не советую", "polecam", "recommend"): lemmas
    # whose hit is the review's verdict and outweighs the details around it
    verdict_lemmas: frozenset[str] = frozenset()
    # "never again": a negated verb of coming back or buying again (lemmas, English surface forms)
    # in one clause with a word of repetition ("больше не закажу", "już tam nie wrócę",
    # "won't buy again"); the verdict of a customer who is lost
    patronage_verbs: frozenset[str] = frozenset()
    again_words: frozenset[str] = frozenset()
    # the auxiliaries between a negator and its verb: "не буду брать", "nie będę kupować"
    auxiliaries: frozenset[str] = frozenset()
    # words that carry sentiment only as a verb, right after one of `verb_openers` or a negator
    # ("I like it", "didn't like"), not as a filler or preposition ("in like 3 hours", "smells
    # like smoke")
    verb_only: frozenset[str] = frozenset()
    verb_openers: frozenset[str] = frozenset()
    # one or two words that open a sentence turning against what came before ("Unfortunately",
    # "Niestety", "К сожалению", "На жаль"): the sentences before it weigh BEFORE_CONTRAST
    contrast_openers: frozenset[str] = frozenset()
    # thanks ("дякую", "thanks") and what makes them mock when it follows them in the sentence of
    # a complaint: "of course" ("Дякую, звісно"), or a boosted word of help or convenience
    # ("Спасибо, очень удобно", "Дякую, дуже допомогли")
    thanks: frozenset[str] = frozenset()
    of_course: frozenset[str] = frozenset()
    mock_praise: frozenset[str] = frozenset()
    # "Great, another ...", "Отлично, опять ...": a word of praise opening a sentence and followed
    # at once by one of these words is irony, in a review that complains
    another: frozenset[str] = frozenset()
    # "Polecam, jeśli lubicie wyrzucać pieniądze", "Рекомендую, якщо любите пригоди": praise with
    # "if" and one of these words after it is irony, in a review that complains
    liking: frozenset[str] = frozenset()
    # "if you need" ("Отличный товар, если вам нужна вещь на один раз"): like `liking`, but only
    # after the praise it mocks; "якщо вам потрібен товар з гарантією, то ..." is advice
    needing: frozenset[str] = frozenset()
    # "whoever" ("Рекомендую всем, кто любит переплачивать") and the verbs of liking or wanting
    # in the third person: with one after it and a fault named in its sentence, the praise of
    # that sentence is irony
    whoever: frozenset[str] = frozenset()
    whoever_likes: frozenset[str] = frozenset()
    # "until" (one or two words as written: "until", "пока не", "aż się"): praise before it that
    # a complaint after it ends is the past ("was great until it broke")
    until: frozenset[str] = frozenset()
    # a complaint placed before this business ("до этого полгода мучилась", "przedtem", "before
    # that"; one or two words as written): not about this one. Not "в другом" / "w innym" ("w
    # innym kolorze" is the wrong item) nor "elsewhere" ("look elsewhere" is a verdict)
    before_this: frozenset[str] = frozenset()
    # applause in words ("Браво, мастера.", "Brawo dla kuriera"): like 👏, irony in a review that
    # complains and tells of nothing put right
    kudos: frozenset[str] = frozenset()
    # verbs of a trouble going away ("боль прошла", "ustąpił ból", "висипання зникли", "the rash
    # disappeared"; lemmas): the complaint word next to one is what got better. Not the verbs of
    # time passing ("minęły dwa tygodnie", "минув місяць")
    relief: frozenset[str] = frozenset()
    # those of `relief` that are verbs of stopping ("кожа перестала шелушиться", "skóra przestała
    # się łuszczyć"): they relieve only the word right after them, not "перестал заряжать через
    # неделю"
    stopping: frozenset[str] = frozenset()
    # what the seller or the listing claimed ("заявлено, что водостойкие", "napisane, że nadaje
    # się", "supposed to be waterproof"; words as written): the praise after one, up to
    # a contrast word, is not the writer's
    claims: frozenset[str] = frozenset()
    # "так называемый", "so called" (one or two words, as written): the praise right after it is
    # irony, like praise in scare quotes. Not Polish: "tzw." names terms ("tzw. dawka
    # podtrzymująca")
    so_called: frozenset[str] = frozenset()
    # the writer's verbs of saying and calling, as written: negated, they deny the clause after
    # them ("Не сказала бы, что она стоит своих денег", "nie powiedziałabym, że dobra", "I
    # wouldn't say it's comfortable"); its praise fails, its complaint eases. Past forms count
    # only with a conditional particle ("не сказала бы"; "не сказали, что" is staff's silence),
    # and where `denying_modals` is set the negator must be or follow one ("can't say", not
    # "didn't say")
    denying: frozenset[str] = frozenset()
    # what the writer thought or feared before ("думала", "bałam się", "I was worried"; past
    # forms as written): the complaints of the clause they govern are no complaint
    fearing: frozenset[str] = frozenset()
    denying_past: frozenset[str] = frozenset()
    denying_modals: frozenset[str] = frozenset()

    @cached_property
    def never_scored(self) -> frozenset[str]:
        """Negators and function words: never a sentiment word themselves."""
        return self.negators | self.flip_only_negators | self.function_words

    @cached_property
    def modifiers(self) -> frozenset[str]:
        return self.boosters | self.dampeners


def _load_rules() -> dict[str, LanguageRules]:
    from pipeline.sentiment.langdata import load

    return {lang: LanguageRules(lang=lang, **data.rules) for lang, data in load().items()}


RULES: dict[str, LanguageRules] = _load_rules()
