"""Per-language rule words: negators, intensifiers, contrast markers. Written by us.

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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _forms(stem: str, endings: str) -> frozenset[str]:
    """ "так называем" + "ый ая ..." -> "так называемый", "так называемая", ..."""
    return frozenset(stem + ending for ending in endings.split())


POLISH = LanguageRules(
    lang="pl",
    negators=_words(
        "nie ani nigdy nic niczego niczym nikt nikogo nikomu żaden żadna żadne żadnego "
        "żadnej żadnych żadnym żadną żadnymi"
    ),
    flip_only_negators=_words("bez zero"),
    particle_negators=_words("nie"),
    negation_exceptions=_words(
        "tylko wiem jedynie pierwszy dawno "
        # a past verb of thinking or expecting: a surprise, its clause decides ("nie sądziłam,
        # że będzie tak wygodnie")
        "sądziłam sądziłem myślałam myślałem spodziewałam spodziewałem"
    ),
    boosters=_words(
        "bardzo naprawdę niezwykle strasznie okropnie totalnie kompletnie całkowicie zupełnie "
        "absolutnie wyjątkowo szczególnie niesamowicie mega ogromnie niezmiernie wybitnie zbyt "
        "najbardziej specjalnie panicznie"
    ),
    dampeners=_words("trochę nieco lekko raczej dość dosyć średnio prawie ledwo względnie"),
    contrast=_words("ale lecz jednak natomiast aczkolwiek"),
    concessive=_words("chociaż choć mimo pomimo"),
    excess=_words("zbyt przesadnie nadmiernie"),
    negating_prefix="nie",
    irrealis=_words("jeśli jeżeli oby nadzieję"),
    resolution_markers=frozenset(
        [
            "wymienili",
            "wymienił",
            "wymieniła",
            "naprawili",
            "naprawiony",
            "zwrócili pieniądze",
            "zwrócili środki",
            "zwrócili koszty",
            "oddali pieniądze",
            "otrzymałem zwrot",
            "dostałem zwrot",
            "rozwiązali problem",
            "rozwiązali sprawę",
            "załatwili sprawę",
            "sprawa załatwiona",
            "uznali reklamację",
            "reklamacja uznana",
            "reklamacja rozpatrzona pozytywnie",
            "poszli na rękę",
            "wysłali nowy",
            "przysłali nowy",
            "wysłali nowy egzemplarz",
            "wysłali właściwy",
            "przywieźli właściwy",
            "przysłali właściwy",
            "wysłali ponownie",
            "wysłał nowy",
            "dosłali",
            "przenieśli nas",
            "poprawili",
            "wróciły pieniądze",
            "przeprosili",
            "usunęli",
            "usunął",
            "zszyli",
            "zaszyli",
        ]
    ),
    unfulfilled=_words(
        "obiecali obiecał obiecała obiecano mieli miał miała powinni powinien powinna czekam "
        "czekamy nadal wciąż żeby aby"
    ),
    delayed_resolution=frozenset(
        ["dopiero po", "dopiero za", "dopiero gdy", "po wielu", "po długich", "po licznych"]
    ),
    summary_markers=frozenset(
        [
            "ogólnie",
            "ogółem",
            "generalnie",
            "w sumie",
            "podsumowując",
            "reasumując",
            "summa summarum",
            "w zasadzie",
            "zasadniczo",
            "w większości",
        ]
    ),
    minor_flaw_markers=frozenset(
        [
            "jedyny minus",
            "jedynym minusem",
            "jedyna wada",
            "jedyną wadą",
            "drobny minus",
            "mały minus",
            "minus za",
            "jedyna trudność",
            "jedyny problem",
        ]
    ),
    function_words=_words(
        "i a w we na z ze do od po za dla przy o nad pod przed przez między u że czy by to co "
        "jak tak który która które którzy ten ta te tego tej tym temu wszystko wszyscy on ona "
        "ono oni one ja my wy ty jego jej ich mi mnie nam nas wam was im mu go się sobie swój "
        "mój twój nasz wasz jest są był była było były byli być będzie będą jestem jesteśmy "
        "już jeszcze nawet lub albo też także kiedy gdzie tam tu tutaj oto no jeśli żeby aby bo "
        "dlaczego sam sama samo kto czego mam ma mają miał miała mieli "
        # "ani razu nie": the "nie" after it is the negation of the verb
        "razu "
        # numerals carry no sentiment
        "jeden jedna jedno jednej jednego jednym jedną pierwszy pierwsza pierwsze drugi druga "
        "drugie dwa dwie trzy "
        # "nie czułam się zbywana": the negation reaches past the verb of feeling
        "czułam czułem czuliśmy czułyśmy czuję czuje czuli czuły"
    ),
    verdict_lemmas=_words("polecać polecić odradzać odradzić"),
    patronage_verbs=_words(
        "kupować kupić zamawiać zamówić brać wziąć przychodzić przyjść wracać wrócić korzystać "
        "skorzystać chodzić pójść iść przyjechać przyjeżdżać zatrzymać polecać polecić odwiedzić "
        "odwiedzać pojechać jechać kupia"  # simplemma's lemma of "kupię"
    ),
    again_words=_words("więcej ponownie już drugi"),
    auxiliaries=_words("będę będziemy będzie chcę chcemy"),
    contrast_openers=frozenset(["niestety", "jednak", "natomiast", "szkoda tylko"]),
    thanks=_words("dziękuję dziękujemy"),  # not "dzięki": mostly "thanks to"
    of_course=_words("oczywiście"),
    mock_praise=_words("pomocne pomocni pomogliście pomogli wygodnie"),
    another=_words("znowu znów"),
    liking=_words(
        "lubi lubisz lubicie lubią kochasz kochacie chcesz chcecie hobby marzy marzysz marzycie"
    ),
    needing=_words("potrzebujesz potrzebujecie"),
    whoever=_words("kto"),
    until=frozenset(["aż się", "aż nie", "dopóki nie"]),
    before_this=frozenset(["przedtem"]),
    whoever_likes=_words("lubi lubią chce chcą kocha marzy"),
    kudos=_words("brawo"),
    relief=_words("przejść zniknąć ustąpić przestać"),
    stopping=_words("przestać"),
    denying=_words(
        "powiedzieć powiem powiedziałabym powiedziałbym nazwać nazwę nazwałabym nazwałbym"
    ),
    fearing=_words("myślałam myślałem bałam bałem obawiałam obawiałem sądziłam sądziłem"),
    drawback_headings=_words("wady wada minusy minus"),
    merit_headings=_words("zalety zaleta plusy plus"),
    nothing=_words("brak"),
    claims=_words(
        "napisane napisano deklaruje deklarują deklarowany deklarowana deklarowane zapewniali "
        "zapewniają zapewniał zapewniała twierdzą twierdzili twierdził rzekomo niby"
    ),
)

RUSSIAN = LanguageRules(
    lang="ru",
    negators=_words(
        "не ни нет никогда ничего ничем никак никто никого никому никакой никакая никакое "
        "никакие никаких никакого никакому никаким никакую никакими"
    ),
    flip_only_negators=_words("без"),
    negation_exceptions=_words(
        "только менее смотря знаю первый давно против впервые "
        # a past verb of thinking or expecting: a surprise, its clause decides
        "думала думал думали ожидала ожидал ожидали"
    ),
    boosters=_words(
        "очень совсем совершенно абсолютно крайне слишком весьма чрезвычайно невероятно "
        "реально вообще полностью сильно самый настолько безумно особо особенно"
    ),
    dampeners=_words("немного слегка чуть несколько почти едва относительно малость"),
    contrast=_words("но однако зато"),
    concessive=_words("хотя несмотря"),
    excess=_words("слишком чересчур излишне приторно"),
    negating_prefix="не",
    particle_negators=_words("не ни"),
    irrealis=_words("если ежели надеюсь надеемся хотелось"),
    resolution_markers=frozenset(
        [
            "заменили",
            "обменяли",
            "исправили",
            "починили",
            "восстановили",
            "отремонтировали",
            "вернули отремонтированный",
            "уладили",
            "разобрались",
            "компенсировали",
            "возместили",
            "извинились",
            "вернули деньги",
            "вернули средства",
            "вернули стоимость",
            "решили проблему",
            "решили вопрос",
            "пошли навстречу",
            "прислали новый",
            "отправили новый",
            "выслали новый",
            "прислали замену",
            "отправили замену",
            "отправили правильный",
            "привезли нужный",
            "прислали нужный",
            "прислали правильный",
            "отправили повторно",
            "прислали повторно",
            "привезли новый",
            "переделали",
            "переселили",
            "пришли деньги",
            "пришла компенсация",
            "выплатили компенсацию",
            "устранили",
            "устранил",
            "зашили",
            "вскрыл дверь",
            "вскрыли дверь",
        ]
    ),
    unfulfilled=_words(
        "обещали обещал обещала пообещали пообещал пообещала должны должен должна жду ждём "
        "ждем сказали чтобы чтоб"
    ),
    delayed_resolution=frozenset(
        [
            "только после",
            "лишь после",
            "только через",
            "лишь через",
            "только спустя",
            "лишь спустя",
            "после долгих",
            "после многочисленных",
        ]
    ),
    summary_markers=frozenset(
        [
            "в целом",
            "в общем",
            "в итоге",
            "итого",
            "короче",
            "резюмируя",
            "подводя итог",
            "в основном",
            "в принципе",
            "по большому счёту",
            "по большому счету",
        ]
    ),
    minor_flaw_markers=frozenset(
        [
            "единственный минус",
            "единственный недостаток",
            "из минусов",
            "небольшой минус",
            "маленький минус",
            "единственное что",
            "минус за",
        ]
    ),
    function_words=_words(
        "и а в во на с со к ко у о об от до по за из изо для при про над под перед через разу "
        "между же ли бы б то что как так какой какая какое какие который которая которые это "
        "этот эта эти эту этого этой тот та те том тем чем все всё весь вся он она оно они я мы "
        "вы ты его её ее их мне меня нам нас вам вас им ему ей себя себе свой мой твой наш ваш "
        "есть был была было были быть будет будут уже еще ещё даже или либо тоже также когда "
        "где куда там тут здесь вот ну да если чтобы потому почему зачем сам сама само сами кто "
        "чего чему нем ней них "
        "один одна одно одной одного одном одну одним первый первая первое первой первого первую "
        "второй вторая второе два три "
        # "не чувствовала себя обманутой": the negation reaches past the verb of feeling
        "чувствовал чувствовала чувствовали чувствую почувствовал почувствовала"
    ),
    verdict_lemmas=_words("советовать посоветовать рекомендовать порекомендовать"),
    patronage_verbs=_words(
        "заказывать заказать покупать купить брать взять приходить прийти обращаться обратиться "
        "пользоваться воспользоваться ходить пойти вернуться возвращаться ездить приехать "
        "связываться связаться советовать посоветовать рекомендовать посетить посещать"
    ),
    again_words=_words("больше более повторно снова второй"),
    auxiliaries=_words("буду будем будет стану станем хочу хотим"),
    contrast_openers=frozenset(["к сожалению", "однако", "увы", "но вот", "а вот"]),
    thanks=_words("спасибо благодарю"),
    of_course=_words("конечно разумеется"),
    mock_praise=_words("удобно помогли помогла помог щедро"),
    another=_words("опять очередной очередная очередное очередные очередную"),
    liking=_words("любите любишь любит нравится хотите хочешь хобби мечтаете"),
    needing=_words("нужна нужен нужно нужны"),
    whoever=_words("кто"),
    until=frozenset(["пока не", "до тех", "до момента"]),
    before_this=frozenset(["до этого", "до них"]),
    whoever_likes=_words("любит любят хочет хотят нравится мечтает"),
    kudos=_words("браво"),
    relief=_words("пройти исчезнуть пропасть перестать"),
    stopping=_words("перестать"),
    drawback_headings=_words("недостатки недостаток минусы минус"),
    merit_headings=_words("достоинства достоинство плюсы плюс"),
    claims=_words(
        "написано заявлено заявлен заявлена заявлены указано уверяли уверяют уверял утверждают "
        "утверждали якобы"
    ),
    so_called=_forms("так называем", "ый ая ое ые ого ой ому ым ых ую ыми"),
    denying=_words("сказать скажу назвать назову сказал сказала назвал назвала"),
    denying_past=_words("сказал сказала назвал назвала"),
    fearing=_words("думала думал боялась боялся опасалась опасался переживала переживал"),
)

UKRAINIAN = LanguageRules(
    lang="uk",
    negators=_words(
        "не ні ані ніколи немає нема нічого нічим ніяк ніхто нікого нікому жоден жодна жодне "
        "жодного жодної жодних жодний ніякий ніяка ніяке ніяких ніякого ніякої ніякому "
        "ніяким жодному жодним жодною"
    ),
    flip_only_negators=_words("без"),
    negation_exceptions=_words(
        "тільки лише менш знаю перший давно проти вперше "
        # a past verb of thinking or expecting: a surprise, its clause decides
        "думала думав думали очікувала очікував очікували"
    ),
    boosters=_words(
        "дуже зовсім абсолютно вкрай надто занадто надзвичайно неймовірно повністю цілком "
        "сильно найбільш справді реально геть особливо"
    ),
    dampeners=_words("трохи злегка дещо майже ледве відносно трішки"),
    contrast=_words("але проте однак зате втім"),
    concessive=_words("хоча хоч незважаючи попри"),
    excess=_words("надто занадто надмірно приторно нудотно"),
    negating_prefix="не",
    particle_negators=_words("не ні ані"),
    irrealis=_words("якщо сподіваюсь сподіваюся сподіваємось хотілося"),
    resolution_markers=frozenset(
        [
            "замінили",
            "обміняли",
            "виправили",
            "полагодили",
            "відновили",
            "відремонтували",
            "повернули відремонтований",
            "владнали",
            "розібралися",
            "компенсували",
            "відшкодували",
            "вибачилися",
            "повернули гроші",
            "повернули кошти",
            "повернули вартість",
            "вирішили проблему",
            "вирішили питання",
            "пішли назустріч",
            "надіслали новий",
            "відправили новий",
            "вислали новий",
            "надіслали заміну",
            "відправили заміну",
            "відправили правильний",
            "привезли потрібний",
            "надіслали потрібний",
            "надіслали правильний",
            "відправили повторно",
            "надіслали повторно",
            "відправив повторно",
            "привезли новий",
            "переробили",
            "переселили",
            "прийшли гроші",
            "прийшла компенсація",
            "виплатили компенсацію",
            "усунули",
            "усунув",
            "зашили",
            "відкрив двері",
            "відкрили двері",
        ]
    ),
    unfulfilled=_words(
        "обіцяли обіцяв обіцяла пообіцяли пообіцяв пообіцяла повинні повинен повинна мають "
        "мали чекаю чекаємо сказали щоб"
    ),
    delayed_resolution=frozenset(
        [
            "тільки після",
            "лише після",
            "тільки через",
            "лише через",
            "тільки за",
            "після довгих",
            "після численних",
        ]
    ),
    summary_markers=frozenset(
        [
            "в цілому",
            "загалом",
            "в загальному",
            "в підсумку",
            "у підсумку",
            "підсумовуючи",
            "коротше",
            "в основному",
            "в принципі",
            "здебільшого",
        ]
    ),
    minor_flaw_markers=frozenset(
        [
            "єдиний мінус",
            "єдиний недолік",
            "з мінусів",
            "невеликий мінус",
            "маленький мінус",
            "єдине що",
            "мінус за",
        ]
    ),
    function_words=_words(
        "і й та а в у на з із зі до від по за для при про над під перед через між же ж чи б би "
        "разу "
        "то що як так який яка яке які котрий це цей ця ці цю цього цієї той ті тим чим все всі "
        "весь вся він вона воно вони я ми ви ти його її їх мені мене нам нас вам вас їм йому їй "
        "себе свій мій твій наш ваш є був була було були бути буде будуть вже ще навіть або теж "
        "також коли де куди там тут ось ну якщо щоб тому чому навіщо сам сама само самі хто чого "
        "ньому ній них "
        "один одна одне однієї одного одній одну одним перший перша перше першої першого першу "
        "другий друга друге два три "
        # "не почувалася обманутою": the negation reaches past the verb of feeling
        "почувалася почувався почувалися почуваюся почуваюсь"
    ),
    # "раджа": pymorphy3 reads "раджу" as that noun
    verdict_lemmas=_words("радити порадити рекомендувати порекомендувати раджа"),
    patronage_verbs=_words(
        "замовляти замовити купувати купити брати взяти приходити прийти звертатися звернутися "
        "користуватися скористатися ходити піти повертатися повернутися їздити приїхати "
        "зв'язуватися радити порадити рекомендувати відвідати відвідувати "
        "купля"  # pymorphy3's lemma of "куплю"
    ),
    again_words=_words("більше повторно знову вдруге"),
    auxiliaries=_words("буду будемо буде стану станемо хочу хочемо"),
    contrast_openers=frozenset(["на жаль", "проте", "однак", "втім", "але от", "а от"]),
    thanks=_words("дякую дякуємо спасибі"),
    of_course=_words("звісно звичайно"),
    mock_praise=_words("зручно допомогли допомогла допоміг щедро"),
    another=_words("черговий чергова чергове чергові чергову"),
    liking=_words("любите любиш любить подобається хочете хочеш хобі мрієте"),
    needing=_words("потрібна потрібен потрібно потрібні"),
    whoever=_words("хто"),
    until=frozenset(["поки не", "доки не", "до моменту"]),
    before_this=frozenset(["до цього", "до них"]),
    whoever_likes=_words("любить люблять хоче хочуть подобається мріє"),
    kudos=_words("браво"),
    relief=_words("пройти зникнути перестати"),
    stopping=_words("перестати"),
    drawback_headings=_words("недоліки недолік мінуси мінус"),
    merit_headings=_words("переваги перевага плюси плюс"),
    claims=_words(
        "написано заявлено заявлений заявлена заявлені вказано запевняли запевняють запевняв "
        "стверджують стверджували нібито начебто"
    ),
    so_called=_forms("так зван", "ий а е і ого ої ому им их у ими"),
    denying=_words("сказати скажу назвати назву сказав сказала назвав назвала"),
    denying_past=_words("сказав сказала назвав назвала"),
    fearing=_words("думала думав боялася боялась боявся переживала переживав"),
)

ENGLISH = LanguageRules(
    lang="en",
    negators=_words(
        "not no never nothing none nobody neither nor cannot cant dont doesnt didnt isnt "
        "wasnt arent werent wont wouldnt shouldnt couldnt hasnt havent hadnt aint "
        "don't doesn't didn't isn't wasn't aren't weren't won't wouldn't shouldn't couldn't "
        "hasn't haven't hadn't ain't can't"
    ),
    flip_only_negators=_words("without zero barely hardly"),
    negation_exceptions=_words("only just mention first matter knew need"),
    boosters=_words(
        "very really extremely totally absolutely completely utterly incredibly highly so too "
        "seriously truly entirely most particularly especially hugely stupidly insanely "
        "ridiculously crazy"
    ),
    dampeners=_words("slightly somewhat barely hardly kinda sorta little bit fairly rather pretty"),
    contrast=_words("but however nevertheless"),
    concessive=_words("although despite albeit"),
    excess=_words("too overly excessively"),
    irrealis=_words("if unless hope hopefully wish"),
    resolution_markers=frozenset(
        [
            "replaced",
            "exchanged",
            "refunded",
            "reimbursed",
            "fixed",
            "repaired",
            "restored",
            "resolved",
            "compensated",
            "apologized",
            "apologised",
            "sorted out",
            "sorted it",
            "took care",
            "made it right",
            "sent a new",
            "sent another",
            "sent a replacement",
            "sent the right",
            "sent the correct",
            "reshipped",
            "resent",
            "redid",
            "moved us",
            "upgraded us",
            "issued a refund",
            "gave me a refund",
            "got a refund",
            "got my money back",
            "fixed it",
            "stitched it",
        ]
    ),
    unfulfilled=_words(
        "promised promise supposed will would should must gonna to need needs waiting still yet "
        "being"
    ),
    delayed_resolution=frozenset(
        [
            "only after",
            "only when",
            "after weeks",
            "after months",
            "after numerous",
            "after countless",
            "after endless",
        ]
    ),
    summary_markers=frozenset(
        [
            "overall",
            "all in all",
            "in general",
            "to sum up",
            "bottom line",
            "in conclusion",
            "on the whole",
            "for the most part",
            "by and large",
            "generally",
        ]
    ),
    minor_flaw_markers=frozenset(
        [
            "only downside",
            "only drawback",
            "only complaint",
            "only con",
            "only negative",
            "minor complaint",
            "minor issue",
            "small complaint",
            "only gripe",
            "small gripe",
            "minor gripe",
        ]
    ),
    function_words=_words(
        "the a an and or of to in on at for with by from as it its this that these those is are "
        "was were be been being am i you he she we they me him her us them my your his our their "
        "have has had do does did will would can could should may might there here if then than "
        "what which who when where why how also up out about into over one first second two three"
    ),
    negation_window=3,
    negation_stops_at_comma=True,
    verdict_lemmas=_words("recommend recommended recommending avoid"),
    patronage_verbs=_words(
        "buy buying bought order ordering purchase purchasing come coming go going return "
        "returning use using shop shopping visit visiting be eat eating stay staying recommend"
    ),
    again_words=_words("again back anymore"),
    auxiliaries=_words("be ever going gonna"),
    verb_only=_words("like likes liked"),
    verb_openers=_words(
        "i we you they he she kids everyone everybody really also just still definitely do does "
        "did would i'd we'd you'd they'd i'll we'll both all truly actually totally absolutely"
    ),
    contrast_openers=frozenset(
        ["unfortunately", "however", "sadly", "but then", "shame about", "pity about"]
    ),
    thanks=_words("thanks thank"),
    of_course=_words("course"),
    mock_praise=_words("helpful convenient generous"),
    another=_words("another"),
    liking=_words("like love enjoy want fancy hobby dream"),
    needing=_words("need"),
    whoever=_words("who anyone"),
    until=_words("until till"),
    before_this=frozenset(["before that"]),
    whoever_likes=_words("likes loves enjoys wants like love enjoy want"),
    kudos=_words("bravo kudos"),
    relief=_words("disappeared vanished subsided gone"),
    drawback_headings=_words("cons con downsides downside minuses"),
    merit_headings=_words("pros pro upsides pluses"),
    claims=_words("claims claimed supposedly supposed advertised allegedly"),
    so_called=frozenset(["so called"]),
    denying=_words("say"),
    fearing=_words("worried afraid scared feared"),
    denying_modals=_words("wouldn't couldn't can't cannot won't would could can"),
)

RULES: dict[str, LanguageRules] = {r.lang: r for r in (POLISH, RUSSIAN, UKRAINIAN, ENGLISH)}
