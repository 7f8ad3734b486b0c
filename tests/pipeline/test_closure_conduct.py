"""The reply-conduct model: misconduct in words no list names, explained in plain words.

The replies here were written for these tests, not taken from the training corpus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.closure import analyze_text, conduct, grade_closure
from pipeline.closure.grade import rule_cues
from pipeline.events import ComplaintClosed
from pipeline.linear_model import ModelMissingError
from tests.pipeline.test_closure import closed as closed_event

CORPUS = Path(__file__).resolve().parents[2] / "training" / "data" / "closure_replies"


def closed(text: str, **fields: Any) -> ComplaintClosed:
    """A closed complaint rated 3 unless said otherwise: only the reply can make it bad."""
    return closed_event(text, **{"satisfaction": 3, **fields})


def kind_of(text: str, lang: str) -> str:
    _, sentences, courteous = rule_cues(text, lang)
    return conduct.load_model().judge([conduct.reply_units(sentences, lang, courteous)])[0].kind


BAD = [
    (
        "en",
        "Thank you for your message. We have gone through the booking steps with you twice "
        "already, so this time we will go through them very slowly.",
    ),
    (
        "pl",
        "Dziękujemy za wiadomość. Uprzejmie przypominamy, że instrukcja obsługi jest dołączona "
        "do każdego zamówienia i naprawdę warto ją przeczytać przed pierwszym użyciem.",
    ),
    (
        "ru",
        "Спасибо за обращение. Остальные клиенты почему-то без проблем разбираются с нашим "
        "приложением, но мы готовы объяснить ещё раз, совсем простыми словами.",
    ),
    (
        "ru",
        "Здравствуйте. Вопрос закрыт, дальнейшая переписка по нему вестись не будет.",
    ),
    (
        "uk",
        "Дякуємо за відгук. Більшість наших клієнтів чудово розуміють, як користуватися "
        "пральною машиною, тож пропонуємо вам ще раз уважно перечитати інструкцію.",
    ),
    (
        "uk",
        "Доброго дня. Ми вважаємо це питання вичерпаним і більше його не розглядатимемо.",
    ),
]
GOOD = [
    (
        "en",
        "I'm so sorry the cake arrived late, and congratulations on your wedding! I'm Priya and "
        "I've refunded the delivery fee; it will reach your card by Friday.",
    ),
    (
        "en",
        "Thank you for telling us. Unfortunately we can't refund opened cosmetics for hygiene "
        "reasons, but we'd be glad to swap it for another shade this week.",
    ),
    (
        "pl",
        "Bardzo przepraszamy za opóźnienie. Nazywam się Marta i osobiście dopilnuję, żeby nowy "
        "materac dotarł do Pani w czwartek.",
    ),
    (
        "ru",
        "Приносим извинения за задержку. Меня зовут Ольга, я лично прослежу, чтобы замену "
        "доставили вам до пятницы.",
    ),
    (
        "uk",
        "Перепрошуємо за незручності. Мене звати Андрій, я особисто подбаю, щоб майстер "
        "приїхав до вас у четвер до 12:00.",
    ),
]


def test_the_model_loads_with_every_kind() -> None:
    model = conduct.load_model()
    assert set(model.classes) == set(conduct.KINDS)
    assert 0.5 <= model.threshold < 1.0
    assert model.card["trained_on"]["replies"] >= 4000


@pytest.mark.parametrize(("lang", "text"), BAD)
def test_polite_misconduct_in_new_words_is_recognised(lang: str, text: str) -> None:
    assert kind_of(text, lang) != "none"


@pytest.mark.parametrize(("lang", "text"), GOOD)
def test_good_replies_are_left_alone(lang: str, text: str) -> None:
    assert kind_of(text, lang) == "none"


def test_a_bad_verdict_quotes_the_sentence_and_names_the_behaviour_in_plain_words() -> None:
    text = (
        "Thank you for your message. We have gone through the booking steps with you twice "
        "already, so this time we will go through them very slowly."
    )
    grade = grade_closure(closed(text))
    assert grade.badly_closed and "conduct" in grade.badly_closed_because
    assert grade.explanations
    first = grade.explanations[0]
    assert first.startswith("The reply ") and '"' in first
    assert "very slowly" in first
    assert not any(label in first for label in ("[", "_", "problem:", "conduct"))


def test_the_text_alone_makes_a_rude_reply_bad_even_with_three_stars() -> None:
    # a middling rating and no last words: nothing but the reply says it went wrong
    text = "Fine, we have refunded it. Now please stop wasting our time with this."
    grade = grade_closure(closed(text, satisfaction=3))
    assert grade.customer_unsatisfied is False
    assert grade.badly_closed and grade.badly_closed_because == ("conduct",)


def test_a_firm_polite_refusal_to_an_unhappy_customer_is_still_good() -> None:
    text = (
        "Thank you for getting in touch, and I'm sorry the stay disappointed you. Unfortunately "
        "the deposit is not refundable for cancellations on the day, as the booking terms say, "
        "but we would be glad to offer you 20% off your next stay."
    )
    grade = grade_closure(closed(text, resolution="declined", satisfaction=2))
    assert not grade.badly_closed


def test_a_model_of_another_spec_is_refused_with_what_to_do(tmp_path: Path) -> None:
    card = tmp_path / "conduct.json"
    card.write_text(json.dumps({"spec_version": -1}), encoding="utf-8")
    with pytest.raises(ModelMissingError, match="make model"):
        conduct.from_files(tmp_path / "conduct.npz", card)


def test_the_test_replies_are_not_in_the_training_corpus() -> None:
    corpus = " ".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("w*_*.jsonl"))
    for _, text in BAD + GOOD:
        assert text[:40] not in corpus


def test_a_careless_close_says_which_good_steps_were_missing() -> None:
    grade = grade_closure(closed("Ok, refunded.", satisfaction=1))
    assert grade.badly_closed and "careless_close" in grade.badly_closed_because
    text = " ".join(grade.explanations)
    assert "still unhappy" in text
    assert "an apology" in text and "a named person who takes it on" in text
    assert "missing:" not in text and "next_step" not in text


def test_preparing_a_batch_of_replies_changes_no_grade() -> None:
    from pipeline.closure import prepare_texts
    from pipeline.text import embeddings

    replies = [
        "Thank you for the note. As explained twice already, the warranty does not cover drops.",
        "Przepraszamy, zwrot został wysłany. Pani Ewa zadzwoni jutro do 12:00.",
        "Вибачте за затримку, кур'єр приїде завтра до обіду.",
    ]
    alone = [analyze_text(text) for text in replies]
    embeddings._cache.clear()
    prepare_texts(replies)
    cached = len(embeddings._cache)
    prepared = [analyze_text(text) for text in replies]
    assert cached >= 2 * len(replies)  # each reply's sentences and the reply as a whole
    assert len(embeddings._cache) == cached  # grading found every text it needed
    assert [c.hits for c in prepared] == [c.hits for c in alone]
    assert [c.conduct.kind for c in prepared] == [c.conduct.kind for c in alone]
