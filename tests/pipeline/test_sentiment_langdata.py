"""The sentiment language data: one TOML file per language, validated on load."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from pipeline.sentiment import langdata
from pipeline.sentiment.rules import RULES, LanguageRules

# Phrases that become one after lemmatisation but carry different values: the engine tries the
# one whose words sort first, so the other is dead for texts matched on the lemma. Known and
# kept as they were (the output of the engine must not change); a new one fails the test.
KNOWN_LEMMA_CONFLICTS = {("pl", "pęknięty", "pękł")}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of common.toml with one small language file "xx" to break."""
    shipped = resources.files("pipeline.sentiment") / "data"
    shutil.copy(str(shipped / "common.toml"), tmp_path / "common.toml")
    return tmp_path


def write(directory: Path, text: str) -> None:
    (directory / "xx.toml").write_text(text, encoding="utf-8")


VALID = """
[rules]
negators = ["nie"]
flip_only_negators = ["bez"]
negation_exceptions = []
boosters = ["bardzo"]
dampeners = []
contrast = ["ale"]
negation_window = 2
[phrases.defects]
"nie działa" = "strong"
[phrases.praise]
"polecam" = "praise"
[settling]
phrases = ["ujdzie"]
[words]
neutral = ["cena"]
bad = ["koszmar"]
"""


def test_every_language_loads() -> None:
    data = langdata.load()
    assert set(data) == set(langdata.LANGS)
    common = langdata.common()
    for lang, language in data.items():
        assert set(language.families) == set(common.families), lang
        assert all(language.families.values()), lang
        assert language.settling, lang
        assert language.words(common.word_values), lang
        assert isinstance(RULES[lang], LanguageRules)
        assert RULES[lang].negators, lang


def test_a_valid_file_loads(data_dir: Path) -> None:
    write(data_dir, VALID)
    language = langdata.load_language("xx", data_dir)
    assert language.phrases() == {"nie działa": -1.5, "polecam": 1.0}
    rules = LanguageRules(lang="xx", **language.rules)
    assert rules.negators == frozenset({"nie"})
    assert rules.boosters == frozenset({"bardzo"})
    assert (rules.negation_window, rules.excess) == (2, frozenset())
    assert language.settling == ("ujdzie",)
    assert language.words(langdata.common().word_values) == {"cena": 0.0, "koszmar": -1.0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # a phrase twice in one family: TOML itself refuses the key
        ('[phrases.defects]\n"zepsuty" = "strong"\n"zepsuty" = "strong"\n', "xx.toml"),
        # in two families with the same value
        (
            '[phrases.defects]\n"zepsuty" = "strong"\n[phrases.service]\n"zepsuty" = "strong"\n',
            "a duplicate: 'zepsuty'",
        ),
        # differently spaced, still the same phrase
        (
            '[phrases.defects]\n"nie działa" = "strong"\n[phrases.service]\n"nie  działa" = '
            '"strong"\n',
            "not lower-case single-spaced",
        ),
        ('[rules]\nnegators = ["nie", "ani", "nie"]\n', "rules.negators lists 'nie' twice"),
        ('[words]\nbad = ["koszmar", "koszmar"]\n', "words.bad lists 'koszmar' twice"),
        ('[settling]\nphrases = ["ujdzie", "ujdzie"]\n', "settling.phrases lists 'ujdzie' twice"),
    ],
)
def test_a_duplicate_is_rejected(data_dir: Path, text: str, message: str) -> None:
    write(data_dir, text)
    with pytest.raises(langdata.LanguageDataError, match=message):
        langdata.load_language("xx", data_dir)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # the example: once -0.75 in one list and -1.5 in another, the later one winning
        (
            '[phrases.service]\n"missed the deadline" = "complaint"\n'
            '[phrases.complaints]\n"missed the deadline" = "strong"\n',
            r"conflicting values: 'missed the deadline' is -1.5 in phrases.complaints and "
            r"'missed the deadline' is -0.75 in phrases.service",
        ),
        ('[words]\nneutral = ["cena"]\nbad = ["cena"]\n', "conflicting values: 'cena'"),
        (
            '[phrases.hedges]\n"ujdzie" = "lukewarm"\n[settling]\nphrases = ["ujdzie"]\n',
            "'ujdzie' is both settling and in phrases.hedges",
        ),
    ],
)
def test_a_conflict_is_rejected(data_dir: Path, text: str, message: str) -> None:
    write(data_dir, text)
    with pytest.raises(langdata.LanguageDataError, match=message):
        langdata.load_language("xx", data_dir)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[rule]\nnegators = []\n", r"xx.toml: unknown sections \['rule'\]"),
        ('[rules]\nnegatorz = ["nie"]\n', "xx.toml: unknown rule key 'negatorz'"),
        ('[phrases.defect]\n"zepsuty" = "strong"\n', r"unknown phrase families \['defect'\]"),
        ('[phrases.defects]\n"zepsuty" = "very_strong"\n', "unknown level 'very_strong'"),
        ('[words]\nawful = ["koszmar"]\n', r"unknown word lists \['awful'\]"),
        ('[settling]\nphrase = ["ujdzie"]\n', "must hold only `phrases`"),
        ("[rules]\nnegation_window = true\n", "rules.negation_window must be a int"),
        ('[words]\nbad = ["zły pies"]\n', "is not one word"),
    ],
)
def test_an_unknown_or_malformed_key_is_rejected(data_dir: Path, text: str, message: str) -> None:
    write(data_dir, text)
    with pytest.raises(langdata.LanguageDataError, match=message):
        langdata.load_language("xx", data_dir)


def test_required_rule_keys_are_named(data_dir: Path) -> None:
    write(data_dir, '[rules]\nnegators = ["nie"]\n')
    with pytest.raises(langdata.LanguageDataError, match=r"\[rules\] is missing \['flip_only"):
        langdata.load_language("xx", data_dir)


def test_a_missing_file_is_named(data_dir: Path) -> None:
    with pytest.raises(langdata.LanguageDataError, match="xx.toml is missing"):
        langdata.load_language("xx", data_dir)


def test_phrases_that_collide_after_lemmatisation_keep_one_value() -> None:
    from pipeline.text.lemmas import lemmatizer

    conflicts = set()
    for lang, language in langdata.load().items():
        for _, phrase, value, _, other, other_value in langdata.lemma_collisions(
            language, lemmatizer(lang)
        ):
            if value != other_value:
                conflicts.add((lang, *sorted((phrase, other))))
    assert conflicts == {(lang, *sorted(pair)) for lang, *pair in KNOWN_LEMMA_CONFLICTS}


def test_lemma_collisions_are_found() -> None:
    language = langdata.LanguageData(
        lang="xx",
        rules={},
        families={"defects": {"pękł": -1.5}, "service": {"pęknięty": -0.75, "=pękł": -1.5}},
        settling=(),
        word_lists={},
    )
    found = langdata.lemma_collisions(language, lambda w: "pęknąć" if w.startswith("pęk") else w)
    assert found == [("service", "pęknięty", -0.75, "defects", "pękł", -1.5)]
