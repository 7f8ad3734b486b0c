"""Per-business adaptation (pipeline/sentiment/adaptation.py): plain values, no I/O.

The scorer's polarity is given as a number, so these cases pin down the layer, not the
shipped model."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from pipeline.sentiment import SentimentResult
from pipeline.sentiment.adaptation import (
    Adaptation,
    adapted_polarity,
    apply,
    from_json,
    learn,
    learn_many,
    learn_rating,
    to_json,
)

# a courier business whose reviews say "on time" and whose scorer reads "czas" as negative
MISREAD = "Wszystko dotarło na czas, obsługa bardzo miła."
CORRECTIONS = [
    ("Paczka dotarła na czas, kurier bardzo miły.", "pl", -0.3, "pos"),
    ("Dotarło na czas, obsługa miła.", "pl", -0.25, "pos"),
    ("Wszystko na czas, bez problemu.", "pl", -0.2, "pos"),
    ("Zamówienie dotarło na czas, polecam.", "pl", -0.1, "pos"),
    ("Kurier na czas, obsługa bardzo miła.", "pl", -0.3, "pos"),
]


def _result(polarity: float, lang: str = "pl") -> SentimentResult:
    return SentimentResult(
        lang=lang,
        label="neg" if polarity < 0 else "pos" if polarity > 0 else "neu",
        polarity=polarity,
        negativity=max(0.0, -polarity),
        confidence=0.6,
        method="lexicon+model",
    )


def test_an_empty_state_changes_nothing() -> None:
    result = _result(-0.3)
    assert apply(Adaptation(), result, MISREAD) == result
    assert apply(None, result, MISREAD) == result
    assert adapted_polarity(Adaptation(), MISREAD, "pl", -0.3) == -0.3


def test_corrections_move_a_recurring_misreading_to_the_owners_label() -> None:
    one_round = learn_many(Adaptation(), CORRECTIONS)
    assert one_round.examples == len(CORRECTIONS)
    assert adapted_polarity(one_round, MISREAD, "pl", -0.1) > -0.1
    state = learn_many(Adaptation(), CORRECTIONS * 2)  # ten corrections of the same misreading
    moved = apply(state, _result(-0.1), MISREAD)
    assert moved.label != "neg"
    assert moved.polarity is not None and moved.polarity > -0.1
    assert moved.method.endswith("+business")


def test_one_correction_moves_its_own_text_towards_the_owners_label() -> None:
    text, lang, polarity, label = CORRECTIONS[0]
    state = learn(Adaptation(), text, lang, polarity, label)
    assert adapted_polarity(state, text, lang, polarity) > polarity
    state = learn(Adaptation(), "Kurier był bardzo miły.", "pl", 0.4, "neg")
    assert adapted_polarity(state, "Kurier był bardzo miły.", "pl", 0.4) < 0.4


def test_another_business_is_untouched() -> None:
    mine = learn_many(Adaptation(), CORRECTIONS * 2)
    states = {"courier": mine, "bakery": Adaptation()}
    result = _result(-0.1)
    assert apply(states["bakery"], result, MISREAD) == result
    assert apply(states["courier"], result, MISREAD) != result


def test_a_layer_learned_in_one_language_does_not_shift_another() -> None:
    state = learn_many(Adaptation(), CORRECTIONS)
    text = "The courier was late and rude."
    assert adapted_polarity(state, text, "en", -0.4) == -0.4


def test_an_agreeing_label_teaches_nothing_but_decay() -> None:
    state = learn(Adaptation(), "Kurier był bardzo miły.", "pl", 0.6, "pos")
    assert state.empty and state.examples == 1


def test_star_ratings_teach_and_three_stars_say_nothing() -> None:
    text = "Paczka dotarła na czas."
    assert learn_rating(Adaptation(), text, "pl", -0.2, 3) == Adaptation()
    assert learn_rating(Adaptation(), text, "pl", -0.2, None) == Adaptation()
    rated = learn_rating(Adaptation(), text, "pl", -0.2, 5)
    corrected = learn(Adaptation(), text, "pl", -0.2, "pos")
    assert (
        0 < adapted_polarity(rated, text, "pl", 0.0) < adapted_polarity(corrected, text, "pl", 0.0)
    )


def test_unknown_labels_are_ignored() -> None:
    assert learn(Adaptation(), MISREAD, "pl", -0.2, "unscored") == Adaptation()


def test_the_state_round_trips_through_json() -> None:
    state = learn_many(Adaptation(), CORRECTIONS)
    data = json.loads(json.dumps(to_json(state)))
    again = from_json(data)
    assert again == state
    assert apply(again, _result(-0.1), MISREAD) == apply(state, _result(-0.1), MISREAD)
    assert to_json(again) == to_json(state)


def test_the_state_stays_small() -> None:
    state = learn_many(Adaptation(), CORRECTIONS * 20)
    assert len(json.dumps(to_json(state))) < 20_000


def test_an_unscored_result_stays_unscored() -> None:
    state = learn_many(Adaptation(), CORRECTIONS)
    result = replace(_result(0.0), label="unscored", polarity=None, negativity=None)
    assert apply(state, result, MISREAD) == result


def test_a_state_of_another_version_is_refused() -> None:
    data = to_json(Adaptation())
    data["version"] = 99
    with pytest.raises(ValueError, match="version"):
        from_json(data)
