"""Closure quality: the steps of seeds 000/001, the bad conduct of seed 002, the badly-closed rule.

Table-driven; asserts labels and booleans, never floats.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline.closure import (
    CLOSURE_STEPS,
    CONDUCT_PROBLEMS,
    REFUSAL_STEPS,
    ClosureGrade,
    analyze_text,
    fallback_language,
    grade_closure,
)
from pipeline.events import ComplaintClosed

DATA = Path(__file__).resolve().parent.parent / "data" / "closure_replies.jsonl"
LANGS = ("pl", "ru", "uk", "en")
WHEN = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)


def closed(text: str = "", **fields: Any) -> ComplaintClosed:
    event: dict[str, Any] = {
        "type": "complaint.closed",
        "event_id": "e-1",
        "business_id": "b-1",
        "occurred_at": WHEN,
        "complaint_id": "c-1",
        "customer_id": "u-1",
        "handler": "h-1",
        "resolution": "refund",
        "reply_text": text,
    }
    event.update(fields)
    return ComplaintClosed(**event)


def grade(text: str, earlier: tuple[str, ...] = (), **fields: Any) -> ClosureGrade:
    return grade_closure(closed(text, **fields), earlier)


# ---------------------------------------------------------------------------------------------
# Seed 001's four steps, each in each language (inflected forms, not the pattern's own words)

STEP_CASES = [
    # apology
    ("pl", "apology", "Bardzo przepraszamy za opóźnioną dostawę."),
    ("ru", "apology", "Приносим свои извинения за задержку заказа."),
    ("uk", "apology", "Перепрошуємо за затримку замовлення."),
    ("en", "apology", "We apologise for the late delivery."),
    # understanding
    ("pl", "understanding", "Doskonale rozumiem Pani rozczarowanie."),
    ("ru", "understanding", "Понимаю ваше раздражение, ждать так долго неприятно."),
    ("uk", "understanding", "Розуміємо ваше обурення, чекати так довго неприємно."),
    ("en", "understanding", "I completely understand how frustrating the wait has been."),
    # ownership: a named person who takes the case
    ("pl", "ownership", "Nazywam się Anna Kowalska i osobiście zajmę się Pana reklamacją."),
    ("ru", "ownership", "Меня зовут Ольга, я лично займусь вашим обращением."),
    ("uk", "ownership", "Мене звати Оксана, я особисто займуся вашим зверненням."),
    ("en", "ownership", "My name is Sarah and I will personally handle your case."),
    # next step with a deadline
    ("pl", "next_step", "Odpowiedź otrzyma Pan w ciągu 7 dni."),
    ("ru", "next_step", "Ответ вы получите в течение 7 дней."),
    ("uk", "next_step", "Відповідь ви отримаєте протягом 7 днів."),
    ("en", "next_step", "You will receive a binding answer within 7 days."),
]


@pytest.mark.parametrize(("lang", "step", "text"), STEP_CASES)
def test_each_closure_step_is_found_in_each_language(lang: str, step: str, text: str) -> None:
    result = grade(text, satisfaction=4)
    assert result.lang == lang
    assert step in result.steps_taken
    assert step not in result.steps_missing


@pytest.mark.parametrize("lang", LANGS)
def test_seed_001_full_closure_takes_all_four_steps(lang: str) -> None:
    text = {
        "pl": "Przepraszam, że taka sytuacja miała miejsce. Rozumiem Pana zdenerwowanie. "
        "Nazywam się Marcin Szpak i zajmę się tą sprawą. "
        "W terminie 7 dni otrzyma Pan ode mnie wiążącą odpowiedź.",
        "ru": "Извините, что так произошло. Понимаю ваше недовольство. Меня зовут Марина "
        "Соколова, я займусь вашим вопросом. В течение 7 дней вы получите от меня ответ.",
        "uk": "Вибачте, що так сталося. Розумію ваше невдоволення. Мене звати Марина "
        "Соколенко, я займуся вашим питанням. Протягом 7 днів ви отримаєте від мене відповідь.",
        "en": "I'm sorry this happened. I understand why you are upset. My name is Martin "
        "and I'll take care of this myself. You'll get a binding answer from me within 7 days.",
    }[lang]
    result = grade(text, satisfaction=3)
    assert set(CLOSURE_STEPS) <= set(result.steps_taken)
    assert result.steps_missing == ()
    assert result.grade == "good"
    assert not result.badly_closed


@pytest.mark.parametrize("lang", LANGS)
def test_a_bare_acknowledgement_misses_the_steps(lang: str) -> None:
    text = {
        "pl": "Zwrot został zlecony.",
        "ru": "Возврат оформлен.",
        "uk": "Повернення оформлено.",
        "en": "The refund has been processed.",
    }[lang]
    result = grade(text)
    assert set(result.steps_missing) == set(CLOSURE_STEPS)


# ---------------------------------------------------------------------------------------------
# Seed 000's good refusal, each element in each language

REFUSAL_CASES = [
    ("pl", "positive_opening", "Bardzo chciałabym Pani pomóc, ale nie możemy przyjąć zwrotu."),
    ("ru", "positive_opening", "Очень хотели бы вам помочь, но не можем принять возврат."),
    ("uk", "positive_opening", "Дуже хотіли б вам допомогти, але не можемо прийняти повернення."),
    ("en", "positive_opening", "Thank you for your message; we can't accept the return."),
    ("pl", "regret", "Niestety nie możemy przyjąć zwrotu."),
    ("ru", "regret", "К сожалению, мы не можем принять возврат."),
    ("uk", "regret", "На жаль, ми не можемо прийняти повернення."),
    ("en", "regret", "Unfortunately we can't accept the return."),
    ("pl", "reason", "Nie możemy przyjąć zwrotu, ponieważ minęło 30 dni."),
    ("ru", "reason", "Мы не можем принять возврат, так как прошло 30 дней."),
    ("uk", "reason", "Ми не можемо прийняти повернення, оскільки минуло 30 днів."),
    ("en", "reason", "We can't accept the return because 30 days have passed."),
    ("pl", "perspective", "Nie możemy przyjąć zwrotu. Możemy zaproponować rabat 10%."),
    ("ru", "perspective", "Мы не можем принять возврат. Можем предложить скидку 10%."),
    ("uk", "perspective", "Ми не можемо прийняти повернення. Можемо запропонувати знижку 10%."),
    ("en", "perspective", "We can't accept the return. We can offer a 10% discount instead."),
]


@pytest.mark.parametrize(("lang", "step", "text"), REFUSAL_CASES)
def test_each_refusal_element_is_found_in_each_language(lang: str, step: str, text: str) -> None:
    result = grade(text, resolution="declined", satisfaction=3)
    assert step in result.steps_taken


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_nice_refusal_is_a_good_closure(lang: str) -> None:
    text = {
        "pl": "Bardzo chciałabym Pani pomóc. Przepraszam, niestety nie mamy tego towaru, "
        "ponieważ dostawa się opóźnia. Obiecuję, że dam Pani znać, gdy tylko się pojawi.",
        "ru": "Очень хотела бы вам помочь. Простите, к сожалению, этого товара нет, так как "
        "поставка задерживается. Обещаю, что сообщу вам, как только он появится.",
        "uk": "Дуже хотіла б вам допомогти. Вибачте, на жаль, цього товару немає, бо поставка "
        "затримується. Обіцяю, що повідомлю вам, щойно він з'явиться.",
        "en": "I'd really like to help you. I'm sorry, unfortunately we don't have it in stock, "
        "because the delivery is late. I promise I'll let you know as soon as it arrives.",
    }[lang]
    result = grade(text, resolution="declined", satisfaction=3)
    assert set(REFUSAL_STEPS) <= set(result.steps_taken)
    assert not result.badly_closed
    assert result.grade == "good"


# ---------------------------------------------------------------------------------------------
# Seed 002's bad conduct, each problem in each language

CONDUCT_CASES = [
    ("pl", "rude", "Co za głupie pytanie, proszę nie zawracać nam głowy."),
    ("ru", "rude", "Вы нас достали, отстаньте уже."),
    ("uk", "rude", "Ви нас дістали, відчепіться вже."),
    ("en", "rude", "Stop whining, this is a stupid complaint."),
    ("pl", "personal", "Każdy normalny klient by to zrozumiał, tacy jak Pan tylko narzekają."),
    ("ru", "personal", "Любой нормальный человек это понимает, такие как вы вечно недовольны."),
    ("uk", "personal", "Будь-яка нормальна людина це розуміє, такі як ви вічно незадоволені."),
    ("en", "personal", "People like you are never satisfied; any normal customer would get it."),
    ("pl", "blames", "To Pana wina, trzeba było przeczytać regulamin."),
    ("ru", "blames", "Вы сами виноваты, надо было читать условия."),
    ("uk", "blames", "Ви самі винні, треба було читати умови."),
    ("en", "blames", "It's your own fault, you should have read the terms."),
    ("pl", "argues", "To nieprawda, kurier był na miejscu o czasie."),
    ("ru", "argues", "Это неправда, курьер приехал вовремя."),
    ("uk", "argues", "Це неправда, кур'єр приїхав вчасно."),
    ("en", "argues", "That's simply not true, the courier arrived on time."),
    ("pl", "sarcasm", "Gratulujemy spostrzegawczości, znalazł Pan rysę."),
    ("ru", "sarcasm", "Ну конечно, во всём виноваты мы. Поздравляем с находкой."),
    ("uk", "sarcasm", "Ну звісно, в усьому винні ми. Браво."),
    ("en", "sarcasm", "Congratulations on finding the one scratch. What a surprise."),
    ("pl", "dismissive", "To nie nasz problem, proszę sobie radzić."),
    ("ru", "dismissive", "Это не наша проблема, разбирайтесь сами."),
    ("uk", "dismissive", "Це не наша проблема, розбирайтеся самі."),
    ("en", "dismissive", "Not our problem, deal with it."),
    ("pl", "threatens", "Jeśli Pan nie przestanie, sprawą zajmie się nasz prawnik."),
    ("ru", "threatens", "Если не прекратите, с вами будет говорить наш юрист."),
    ("uk", "threatens", "Якщо не припините, з вами говоритиме наш юрист."),
    ("en", "threatens", "Keep this up and you'll be hearing from our lawyer."),
]


@pytest.mark.parametrize(("lang", "problem", "text"), CONDUCT_CASES)
def test_each_conduct_problem_is_found_and_closes_badly(lang: str, problem: str, text: str) -> None:
    result = grade(text, resolution="explanation", satisfaction=3)
    assert problem in result.problems
    assert result.badly_closed
    assert "conduct" in result.badly_closed_because
    assert result.grade == "bad"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("behaviour", ["calm", "irate", "abusive", "threatening"])
def test_staff_rudeness_is_always_bad(lang: str, behaviour: str) -> None:
    """Even with every good step, a happy customer and an abusive one: rudeness is bad."""
    text = {
        "pl": "Przepraszam i rozumiem Pana złość. Nazywam się Ewa i zajmę się tym, zwrot "
        "otrzyma Pan w ciągu 3 dni. Ale proszę przestać marudzić, idioto.",
        "ru": "Извините, понимаю ваше раздражение. Меня зовут Ева, я займусь этим, возврат "
        "вы получите в течение 3 дней. Но хватит ныть, идиот.",
        "uk": "Вибачте, розумію ваше роздратування. Мене звати Єва, я займуся цим, повернення "
        "ви отримаєте протягом 3 днів. Але досить скиглити, ідіоте.",
        "en": "Sorry, I understand your frustration. My name is Eve and I'll handle it; you'll "
        "get the refund within 3 days. Now stop whining, you idiot.",
    }[lang]
    result = grade(text, customer_behaviour=behaviour, satisfaction=5)
    assert "rude" in result.problems
    assert result.badly_closed
    assert result.grade == "bad"


@pytest.mark.parametrize("lang", LANGS)
def test_rudeness_in_an_earlier_reply_counts(lang: str) -> None:
    earlier = {
        "pl": "Proszę przestać zawracać nam głowę.",
        "ru": "Не морочьте нам голову.",
        "uk": "Не морочте нам голову.",
        "en": "Stop pestering us.",
    }[lang]
    polite = {
        "pl": "Przepraszamy, zwrot został wysłany.",
        "ru": "Извините, возврат отправлен.",
        "uk": "Вибачте, повернення надіслано.",
        "en": "Sorry, the refund has been sent.",
    }[lang]
    assert not grade(polite, satisfaction=3).badly_closed
    assert grade(polite, (earlier,), satisfaction=3).badly_closed


# ---------------------------------------------------------------------------------------------
# Declining is not bad in itself; a firm, polite "no" to an abusive customer is good

POLITE_NO_TO_ABUSE = {
    "pl": "Nie życzę sobie, żeby mówił Pan do mnie w ten sposób. Niestety nie możemy zwrócić "
    "pieniędzy, ponieważ minął termin zwrotu. Możemy zaproponować rabat na kolejny zakup.",
    "ru": "Прошу вас общаться без оскорблений. К сожалению, вернуть деньги мы не можем, так как "
    "срок возврата истёк. Можем предложить скидку на следующую покупку.",
    "uk": "Прошу вас спілкуватися без образ. На жаль, повернути гроші ми не можемо, оскільки "
    "термін повернення минув. Можемо запропонувати знижку на наступну покупку.",
    "en": "I won't accept insults towards my team. Unfortunately we can't refund the order, "
    "because the return period has ended. We can offer a discount on your next order.",
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("behaviour", ["abusive", "threatening"])
def test_polite_firm_refusal_to_an_abusive_customer_is_not_badly_closed(
    lang: str, behaviour: str
) -> None:
    result = grade(
        POLITE_NO_TO_ABUSE[lang],
        resolution="declined",
        customer_behaviour=behaviour,
        satisfaction=1,
    )
    assert not result.badly_closed
    assert result.grade in ("good", "acceptable")
    assert "boundary" in result.steps_taken
    assert not set(CONDUCT_PROBLEMS) & set(result.problems)


@pytest.mark.parametrize("lang", LANGS)
def test_a_well_said_no_to_a_calm_unhappy_customer_is_not_badly_closed(lang: str) -> None:
    text = POLITE_NO_TO_ABUSE[lang].split(". ", 1)[1]  # without the boundary sentence
    result = grade(text, resolution="declined", customer_behaviour="calm", satisfaction=2)
    assert not result.badly_closed


BARE_NO = {
    "pl": "Zwrot nie jest możliwy.",
    "ru": "Возврат невозможен.",
    "uk": "Повернення неможливе.",
    "en": "A refund is not possible.",
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_bare_no_to_a_calm_customer_is_badly_closed(lang: str) -> None:
    result = grade(BARE_NO[lang], resolution="declined", customer_behaviour="calm")
    assert result.badly_closed
    assert "bare_refusal" in result.badly_closed_because


@pytest.mark.parametrize("lang", LANGS)
def test_a_short_firm_no_to_an_abusive_customer_is_not_badly_closed(lang: str) -> None:
    result = grade(
        BARE_NO[lang], resolution="declined", customer_behaviour="abusive", satisfaction=1
    )
    assert not result.badly_closed


# ---------------------------------------------------------------------------------------------
# The outcome fields


@pytest.mark.parametrize(
    ("deadline_met", "satisfaction", "badly_closed"),
    [(False, 1, True), (False, 2, True), (False, 4, False), (True, 1, False), (None, 1, False)],
)
def test_a_missed_promise_with_an_unhappy_customer_is_badly_closed(
    deadline_met: bool | None, satisfaction: int, badly_closed: bool
) -> None:
    text = (
        "I'm sorry for the delay and I understand your frustration. I'm Anna and I will handle "
        "this myself: the refund will reach you by Friday."
    )
    result = grade(
        text, promised_deadline=WHEN, deadline_met=deadline_met, satisfaction=satisfaction
    )
    assert result.badly_closed is badly_closed
    assert ("broken_promise" in result.badly_closed_because) is badly_closed
    assert ("deadline_missed" in result.problems) is (deadline_met is False)


@pytest.mark.parametrize(
    ("last_message", "unsatisfied"),
    [
        ("Nigdy więcej tu nie kupię, skandal.", True),
        ("Больше никогда у вас ничего не закажу, позор.", True),
        ("Більше ніколи у вас нічого не замовлю, ганьба.", True),
        ("Never ordering from you again, this is a joke.", True),
        ("Dziękuję, wszystko w porządku.", False),
        ("Спасибо, всё в порядке.", False),
        ("Дякую, все гаразд.", False),
        ("Thanks, all good now.", False),
    ],
)
def test_the_customers_last_words_tell_whether_they_left_unhappy(
    last_message: str, unsatisfied: bool
) -> None:
    result = grade("The refund has been sent.", customer_last_message=last_message)
    assert result.customer_unsatisfied is unsatisfied
    assert result.badly_closed is unsatisfied  # no good step at all + unhappy: careless close


def test_satisfaction_outweighs_the_last_words() -> None:
    result = grade("Refund sent.", satisfaction=4, customer_last_message="Never again.")
    assert result.customer_unsatisfied is False


@pytest.mark.parametrize(
    ("public", "on_camera", "badly_closed"),
    [(False, False, False), (True, False, True), (False, True, True)],
)
def test_public_or_on_camera_raises_the_bar(
    public: bool, on_camera: bool, badly_closed: bool
) -> None:
    """Two good steps do for an unhappy customer in private; in public it takes three."""
    text = "We're sorry about this and we understand your disappointment."
    result = grade(text, satisfaction=2, public=public, on_camera=on_camera)
    assert result.badly_closed is badly_closed
    if badly_closed:
        assert "careless_close" in result.badly_closed_because
        assert result.stakes in ("public", "on_camera")


def test_unknown_outcome_and_no_text_is_not_badly_closed() -> None:
    result = grade("")
    assert not result.badly_closed
    assert result.customer_unsatisfied is None


# ---------------------------------------------------------------------------------------------
# Matching details


@pytest.mark.parametrize(
    ("lang", "text", "cue"),
    [
        ("en", "We do not apologise for our policy.", "apology"),
        ("en", "We can't offer a discount.", "perspective"),
        ("pl", "Nie przepraszamy za nasze zasady.", "apology"),
        ("pl", "Nie możemy zaproponować rabatu.", "perspective"),
        ("ru", "Мы не можем предложить скидку.", "perspective"),
        ("uk", "Ми не можемо запропонувати знижку.", "perspective"),
    ],
)
def test_a_negated_good_step_is_not_taken(lang: str, text: str, cue: str) -> None:
    assert not analyze_text(text, lang).has(cue)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "We're sorry you feel that way."),
        ("pl", "Przykro nam, że tak Pan to odebrał."),
        ("ru", "Жаль, что вы так это восприняли."),
        ("uk", "Шкода, що ви так це сприйняли."),
    ],
)
def test_sorry_you_feel_that_way_is_not_an_apology(lang: str, text: str) -> None:
    result = grade(text, resolution="explanation", satisfaction=3)
    assert "apology" not in result.steps_taken
    assert "dismissive" in result.problems


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Przepraszamy za opóźnienie, zwrot otrzyma Pan jutro.", "pl"),
        ("Извините за задержку, возврат вы получите завтра.", "ru"),
        ("Вибачте за затримку, повернення ви отримаєте завтра.", "uk"),
        ("Sorry for the delay, you will get the refund tomorrow.", "en"),
    ],
)
def test_fallback_language_tells_the_four_apart(text: str, lang: str) -> None:
    assert fallback_language(text) == lang


def test_grade_and_score_agree_with_the_rule() -> None:
    cases = [
        grade("Not our problem."),
        grade("Sorry, refund sent.", satisfaction=4),
        grade(POLITE_NO_TO_ABUSE["en"], resolution="declined", customer_behaviour="abusive"),
    ]
    for result in cases:
        assert (result.grade == "bad") is result.badly_closed
        assert (result.score < 40) is result.badly_closed
        assert 0 <= result.score <= 100
        assert len(result.reasons) == (
            len(result.steps_taken) + len(result.steps_missing) + len(result.problems)
        )


# ---------------------------------------------------------------------------------------------
# The labelled set


def load_rows() -> list[dict[str, Any]]:
    with DATA.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def row_event(row: dict[str, Any]) -> ComplaintClosed:
    return closed(
        row["reply_text"],
        event_id=f"eval-{row['id']}",
        resolution=row["resolution"],
        customer_behaviour=row["customer_behaviour"],
        customer_last_message=row.get("customer_last_message"),
        satisfaction=row.get("satisfaction"),
        promised_deadline=row.get("promised_deadline"),
        deadline_met=row.get("deadline_met"),
        public=row.get("public", False),
        on_camera=row.get("on_camera", False),
    )


def test_the_labelled_set_is_big_enough_and_balanced() -> None:
    rows = load_rows()
    assert len({row["id"] for row in rows}) == len(rows)
    for lang in LANGS:
        mine = [row for row in rows if row["lang"] == lang]
        assert len(mine) >= 40
        assert any(row["expected_badly_closed"] for row in mine)
        assert any(not row["expected_badly_closed"] for row in mine)
        # polite refusals, also to abusive customers, are in it
        assert any(
            row["resolution"] == "declined"
            and row["customer_behaviour"] in ("abusive", "threatening")
            and not row["expected_badly_closed"]
            for row in mine
        )
        for row in mine:
            assert set(row["expected_steps"]) <= {*CLOSURE_STEPS, *REFUSAL_STEPS, "boundary"}
            assert set(row["expected_conduct"]) <= set(CONDUCT_PROBLEMS)


def test_badly_closed_precision_and_recall_on_the_labelled_set() -> None:
    rows = load_rows()
    by_lang: dict[str, list[tuple[bool, bool]]] = {lang: [] for lang in LANGS}
    for row in rows:
        result = grade_closure(row_event(row), row.get("earlier_replies", ()))
        by_lang[row["lang"]].append((row["expected_badly_closed"], result.badly_closed))

    def precision_recall(pairs: list[tuple[bool, bool]]) -> tuple[float, float]:
        tp = sum(1 for truth, got in pairs if truth and got)
        fp = sum(1 for truth, got in pairs if not truth and got)
        fn = sum(1 for truth, got in pairs if truth and not got)
        return tp / max(1, tp + fp), tp / max(1, tp + fn)

    everything = [pair for pairs in by_lang.values() for pair in pairs]
    precision, recall = precision_recall(everything)
    assert precision >= 0.9
    assert recall >= 0.9
    for lang, pairs in by_lang.items():
        precision, recall = precision_recall(pairs)
        assert precision >= 0.9, lang
        assert recall >= 0.9, lang


# ---------------------------------------------------------------------------------------------
# Generic conduct (v2): bad conduct found by its structure, in phrasings no list knows

GENERIC_BAD = [
    # a verb of ceasing in the imperative, aimed at the customer -> dismissive
    ("en", "dismissive", "dismissive:cease", "Quit ringing the salon every morning."),
    ("pl", "dismissive", "dismissive:cease", "Przestańcie wydzwaniać do nas co godzinę."),
    ("ru", "dismissive", "dismissive:cease", "Прекратите названивать нам каждое утро."),
    ("uk", "dismissive", "dismissive:cease", "Припиніть нам щоранку телефонувати."),
    # second person + fault / past obligation, or a counterfactual -> blames
    (
        "en",
        "blames",
        "blames:counterfactual",
        "If you had bothered to look at the size chart, none of this would have happened.",
    ),
    ("pl", "blames", "blames:you+fault", "Trzeba było Panu sprawdzić wymiary przed zamówieniem."),
    ("ru", "blames", "blames:you+fault", "Надо было вам проверить размеры до заказа."),
    ("uk", "blames", "blames:you+fault", "Треба було вам перевірити розміри до замовлення."),
    # "we have told you N times" -> argues
    (
        "en",
        "argues",
        "argues:told_you_n_times",
        "We have told you four times that the offer expired.",
    ),
    ("pl", "argues", "argues:told_you_n_times", "Wyjaśnialiśmy to Pani już cztery razy."),
    ("ru", "argues", "argues:told_you_n_times", "Мы говорили вам это уже четыре раза."),
    ("uk", "argues", "argues:told_you_n_times", "Ми казали вам це вже чотири рази."),
    # the customer's own words judged negatively (pipeline.sentiment) -> argues
    ("pl", "argues", "argues:your_words_judged", "Pańskie zarzuty to wierutne kłamstwa."),
    ("ru", "argues", "argues:your_words_judged", "Ваши обвинения — наглая ложь."),
    ("uk", "argues", "argues:your_words_judged", "Ваші звинувачення — нахабна брехня."),
    # a sarcastic opener followed by a causal word or a mock intensifier -> sarcasm
    (
        "en",
        "sarcasm",
        "sarcasm:sarcastic_opener",
        "Oh sure, because we obviously enjoy ruining weddings.",
    ),
    (
        "pl",
        "sarcasm",
        "sarcasm:sarcastic_opener",
        "No jasne, bo przecież my specjalnie psujemy wesela!",
    ),
    ("ru", "sarcasm", "sarcasm:sarcastic_opener", "Ну конечно, ведь мы обожаем портить свадьбы!"),
    ("uk", "sarcasm", "sarcasm:sarcastic_opener", "Ну звісно, бо ми ж обожнюємо псувати весілля!"),
    # the customer's words called a lie or an invention -> argues
    ("en", "argues", "argues:your_words_untrue", "Your accusations are a pack of lies."),
    ("pl", "argues", "argues:your_words_untrue", "Pańskie zarzuty to zwykły wymysł."),
    ("ru", "argues", "argues:your_words_untrue", "Ваши претензии — сплошной вымысел."),
    ("uk", "argues", "argues:your_words_untrue", "Ваші претензії — суцільна вигадка."),
    # the case handed back: "that is your business" -> dismissive
    ("en", "dismissive", "dismissive:your_business", "What happens to it now is your lookout."),
    ("pl", "dismissive", "dismissive:your_business", "Co dalej z tym zrobi Pani, to Pani sprawa."),
    ("ru", "dismissive", "dismissive:your_business", "Что вы будете с этим делать, ваше дело."),
    ("uk", "dismissive", "dismissive:your_business", "Що ви робитимете з цим далі, ваша справа."),
    # the informal "ty / ты / ти" with no courtesy at all -> rude
    ("pl", "rude", "rude:informal_you", "Przeczytaj regulamin, zanim znowu napiszesz."),
    ("ru", "rude", "rude:informal_you", "Ты договор вообще открывал?"),
    ("uk", "rude", "rude:informal_you", "Ти договір взагалі відкривав?"),
]


@pytest.mark.parametrize(("lang", "problem", "rule", "text"), GENERIC_BAD)
def test_generic_conduct_is_found_without_a_known_phrase(
    lang: str, problem: str, rule: str, text: str
) -> None:
    # the customer rated it 3: only the conduct itself can make it badly closed
    result = grade(text, resolution="explanation", satisfaction=3)
    assert result.lang == lang
    assert problem in result.problems
    assert rule in result.conduct_rules
    assert result.badly_closed
    assert "conduct" in result.badly_closed_because


GENERIC_POLITE = [
    # an apology that mentions "you"
    ("en", "We are sorry you had to chase us several times. Your refund is on its way."),
    ("pl", "Przepraszamy, że musiała Pani do nas dzwonić kilka razy. Zwrot jest już w drodze."),
    ("ru", "Простите, что вам пришлось звонить нам несколько раз. Возврат уже в пути."),
    ("uk", "Вибачте, що вам довелося телефонувати нам кілька разів. Повернення вже в дорозі."),
    # a polite firm refusal
    (
        "en",
        "Unfortunately we cannot exchange worn shoes, as the policy does not allow it, "
        "but we can offer a repair.",
    ),
    (
        "pl",
        "Niestety nie możemy wymienić noszonych butów, ponieważ regulamin na to nie pozwala, "
        "ale możemy zaproponować naprawę.",
    ),
    (
        "ru",
        "К сожалению, мы не можем обменять ношеную обувь, так как правила этого не позволяют, "
        "но можем предложить ремонт.",
    ),
    (
        "uk",
        "На жаль, ми не можемо обміняти ношене взуття, оскільки правила цього не дозволяють, "
        "але можемо запропонувати ремонт.",
    ),
    # a friendly imperative
    ("en", "Please stop by any time this week and we will fix the zip for free."),
    ("pl", "Zapraszamy w dowolnym dniu tego tygodnia, naprawimy zamek bezpłatnie."),
    ("ru", "Заходите в любой день на этой неделе, починим молнию бесплатно."),
    ("uk", "Заходьте будь-якого дня цього тижня, полагодимо блискавку безкоштовно."),
    # "not your fault": exoneration is the opposite of blame
    ("en", "It was not your fault at all: the courier left the parcel at the wrong door."),
    ("pl", "To absolutnie nie była Pani wina: kurier zostawił paczkę pod złymi drzwiami."),
    ("ru", "Это совсем не ваша вина: курьер оставил посылку не у той двери."),
    ("uk", "Це зовсім не ваша провина: кур'єр залишив посилку біля чужих дверей."),
    # a verb of ceasing + a feeling is reassurance; "your business" that matters to us
    ("en", "Please stop worrying about the deposit, it is safe and we will confirm it today."),
    ("pl", "Pani sprawa jest dla nas ważna, oddzwonimy jutro do 12:00."),
    ("ru", "Перестаньте переживать, предоплата в сохранности, завтра подтвердим дату."),
    ("uk", "Ваша справа для нас важлива, передзвонимо завтра до 12:00."),
    # a conditional offer, and a question that offers more help
    ("en", "You will receive the voucher by Friday. Anything else we can help with?"),
    ("pl", "Gdyby miała Pani jeszcze pytania, proszę śmiało pisać."),
    ("ru", "Если бы у вас остались вопросы, пишите, пожалуйста."),
    ("uk", "Якщо у вас залишаться питання, пишіть, будь ласка."),
]


@pytest.mark.parametrize(("lang", "text"), GENERIC_POLITE)
def test_generic_conduct_leaves_polite_replies_alone(lang: str, text: str) -> None:
    declined = "cannot" in text or "nie możemy" in text or "не можем" in text
    result = grade(text, resolution="declined" if declined else "refund", satisfaction=3)
    assert result.lang == lang
    assert not set(result.problems) & set(CONDUCT_PROBLEMS)
    assert result.conduct_rules == ()
    assert not result.badly_closed


def test_generic_conduct_respects_the_exoneration_but_not_a_counter_accusation() -> None:
    assert "blames" not in grade("To nie była Pana wina.", satisfaction=3).problems
    assert "blames" in grade("To nie nasza wina, to Pana wina.", satisfaction=3).problems


def test_the_held_out_batches_are_well_formed() -> None:
    for path in sorted(DATA.parent.glob("closure_replies_*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        assert len({row["id"] for row in rows}) == len(rows)
        for lang in LANGS:
            mine = [row for row in rows if row["lang"] == lang]
            assert len(mine) >= 12, (path.name, lang)
            assert any(row["expected_conduct"] for row in mine)
            assert any(not row["expected_badly_closed"] for row in mine)
        for row in rows:
            assert set(row["expected_conduct"]) <= set(CONDUCT_PROBLEMS)
            assert row["split"] in path.stem
