"""The closure phrase data: one TOML file per language, validated on load."""

from __future__ import annotations

import pytest

from pipeline.closure import phrases
from pipeline.closure.grade import _lemma


def test_every_language_loads_with_every_class() -> None:
    data = phrases.load()
    assert set(data.languages) == set(phrases.LANGS)
    for lang, language in data.languages.items():
        assert set(language.classes) == set(phrases.CLASS_NAMES), lang
        assert language.cues["apology"], lang
        assert language.classes["second_person"], lang
    assert data.gap < data.wide_gap


def test_a_pattern_listed_twice_for_one_cue_is_rejected() -> None:
    with pytest.raises(phrases.PhraseDataError, match="twice"):
        phrases.validate_cues("x.toml", {"apology": ["sorry", "Sorry"]})


def test_alternatives_in_another_order_are_the_same_pattern() -> None:
    with pytest.raises(phrases.PhraseDataError, match="twice"):
        phrases.validate_cues("x.toml", {"apology": ["we|i apologise", "i|we apologise"]})


def test_one_pattern_for_a_good_step_and_for_misconduct_is_a_contradiction() -> None:
    with pytest.raises(phrases.PhraseDataError, match="good and bad"):
        phrases.validate_cues(
            "x.toml", {"apology": ["sorry you feel"], "dismissive": ["sorry you feel"]}
        )


def test_the_same_pattern_in_two_good_cues_is_allowed() -> None:
    cues = phrases.validate_cues("x.toml", {"apology": ["sorry"], "regret": ["sorry"]})
    assert cues == {"apology": ("sorry",), "regret": ("sorry",)}


def test_an_unknown_cue_is_rejected() -> None:
    with pytest.raises(phrases.PhraseDataError, match="unknown cue"):
        phrases.validate_cues("x.toml", {"apologee": ["sorry"]})


def test_lemma_collisions_are_found() -> None:
    lemmas = {"apologies": "apology"}
    found = phrases.lemma_collisions(
        {"apology": ("apology", "apologies")}, lambda w: lemmas.get(w, w)
    )
    assert found == [("apology", "apologies", "apology", "apology")]


@pytest.mark.parametrize("lang", phrases.LANGS)
def test_the_shipped_data_has_no_patterns_that_collide_after_lemmatisation(lang: str) -> None:
    cues = phrases.load().languages[lang].cues
    assert phrases.lemma_collisions(cues, lambda w: _lemma(lang, w)[0]) == []
