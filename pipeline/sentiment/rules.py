"""Per-language rule words: negators, intensifiers, contrast markers. Written by us.

Words are lower-case surface forms; the scorer compares them with tokens and with lemmas.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    negation_window: int = 1


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


POLISH = LanguageRules(
    lang="pl",
    negators=_words(
        "nie ani nigdy nic niczego niczym nikt nikogo nikomu żaden żadna żadne żadnego "
        "żadnej żadnych żadnym"
    ),
    flip_only_negators=_words("bez"),
    negation_exceptions=_words("tylko wiem jedynie"),
    boosters=_words(
        "bardzo naprawdę niezwykle strasznie okropnie totalnie kompletnie całkowicie zupełnie "
        "absolutnie wyjątkowo szczególnie niesamowicie mega ogromnie niezmiernie wybitnie zbyt "
        "najbardziej super"
    ),
    dampeners=_words("trochę nieco lekko raczej dość dosyć średnio prawie ledwo względnie"),
    contrast=_words("ale lecz jednak natomiast aczkolwiek"),
)

RUSSIAN = LanguageRules(
    lang="ru",
    negators=_words(
        "не ни нет никогда ничего ничем никак никто никого никому никакой никакая никакое "
        "никакие никаких"
    ),
    flip_only_negators=_words("без"),
    negation_exceptions=_words("только менее смотря знаю"),
    boosters=_words(
        "очень совсем совершенно абсолютно крайне слишком весьма чрезвычайно невероятно "
        "реально вообще полностью сильно самый настолько безумно"
    ),
    dampeners=_words("немного слегка чуть несколько почти едва относительно малость"),
    contrast=_words("но однако зато"),
)

UKRAINIAN = LanguageRules(
    lang="uk",
    negators=_words(
        "не ні ані ніколи немає нема нічого нічим ніяк ніхто нікого нікому жоден жодна жодне "
        "жодного жодної жодних жодний ніякий ніяка ніяке ніяких"
    ),
    flip_only_negators=_words("без"),
    negation_exceptions=_words("тільки лише менш знаю"),
    boosters=_words(
        "дуже зовсім абсолютно вкрай надто занадто надзвичайно неймовірно повністю цілком "
        "сильно найбільш справді реально геть"
    ),
    dampeners=_words("трохи злегка дещо майже ледве відносно трішки"),
    contrast=_words("але проте однак зате втім"),
)

ENGLISH = LanguageRules(
    lang="en",
    negators=_words(
        "not no never nothing none nobody neither nor cannot cant dont doesnt didnt isnt "
        "wasnt arent werent wont wouldnt shouldnt couldnt hasnt havent hadnt aint "
        "don't doesn't didn't isn't wasn't aren't weren't won't wouldn't shouldn't couldn't "
        "hasn't haven't hadn't ain't can't"
    ),
    flip_only_negators=_words("without"),
    negation_exceptions=_words("only just to mention"),
    boosters=_words(
        "very really extremely totally absolutely completely utterly incredibly highly so too "
        "super seriously truly entirely most particularly especially hugely"
    ),
    dampeners=_words("slightly somewhat barely hardly kinda sorta little bit fairly rather"),
    contrast=_words("but however nevertheless"),
    negation_window=3,
)

RULES: dict[str, LanguageRules] = {r.lang: r for r in (POLISH, RUSSIAN, UKRAINIAN, ENGLISH)}
