"""Language detection: our four languages, ru vs uk, and everything else reported as such."""

from __future__ import annotations

import pytest

from pipeline.text.language import SUPPORTED, detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Bardzo dobra obsługa, polecam wszystkim.", "pl"),
        ("dobra obsluga i szybko, polecam", "pl"),  # Polish typed without diacritics
        ("Nie polecam", "pl"),
        ("Очень хорошее качество, спасибо!", "ru"),
        ("Качество так себе", "ru"),
        ("Спасибо", "ru"),
        ("Дуже гарна якість, дякую!", "uk"),
        ("Дякую", "uk"),
        ("Це дуже добре", "uk"),
        ("Great product, fast delivery.", "en"),
        ("this is not good", "en"),
    ],
)
def test_our_languages(text: str, lang: str) -> None:
    guess = detect_language(text)
    assert guess.lang == lang
    assert guess.supported
    assert 0 < guess.confidence <= 1


@pytest.mark.parametrize(
    ("russian", "ukrainian"),
    [
        ("Товар пришёл быстро, всё работает.", "Товар прийшов швидко, все працює."),
        ("Магазин не отвечает на звонки.", "Магазин не відповідає на дзвінки."),
        ("Верните деньги", "Поверніть гроші"),
        ("Хороший магазин", "Гарний магазин"),
        ("Курьер опоздал на два часа", "Кур'єр запізнився на дві години"),
    ],
)
def test_russian_and_ukrainian_are_not_confused(russian: str, ukrainian: str) -> None:
    assert detect_language(russian).lang == "ru"
    assert detect_language(ukrainian).lang == "uk"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Das Essen war kalt und der Kellner war unfreundlich.", "de"),
        ("Le service était très lent et personne ne répond.", "fr"),
        ("El producto llegó roto y nadie contesta.", "es"),
        ("这个产品非常好", "zh"),
        ("المنتج جيد جدا", "ar"),
        ("Το προϊόν είναι καλό", "el"),
        ("Добра услуга, але ўсё роўна дорага", "be"),
    ],
)
def test_other_languages_are_reported_as_such(text: str, lang: str) -> None:
    guess = detect_language(text)
    assert guess.lang == lang
    assert lang not in SUPPORTED


@pytest.mark.parametrize("text", ["", "   ", "!!!", "123 456", "😀😀", "a"])
def test_nothing_to_detect_is_unknown(text: str) -> None:
    guess = detect_language(text)
    assert guess.lang == "unknown"
    assert guess.confidence == 0


def test_hint_decides_only_when_the_text_is_too_short() -> None:
    assert detect_language("Добре", hint="uk").lang == "uk"
    assert detect_language("Добре", hint="ru").lang == "ru"
    long_russian = "Заказ пришёл вовремя, курьер был вежлив, всё отлично."
    assert detect_language(long_russian, hint="uk").lang == "ru"
    assert detect_language("Bardzo dobra obsługa", hint="en").lang == "pl"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Все як заявлено, чудово.", "uk"),  # no і / ї / є / ґ, but "як"
        ("Не рекомендую цей магазин", "uk"),
        ("Ткань тонкая, но за свою цену нормально", "ru"),  # no ы / э / ё, but "ткань"
        ("Все как заявлено, отлично.", "ru"),
    ],
)
def test_words_only_one_of_russian_and_ukrainian_has_decide(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


@pytest.mark.parametrize(
    "text", ["Lovely little café, great croissants.", "Our guide Lucía was fun and patient."]
)
def test_a_foreign_letter_in_an_english_text_keeps_it_english(text: str) -> None:
    assert detect_language(text).lang == "en"
