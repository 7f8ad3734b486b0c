"""Review-domain phrase lexicons and our own word values per language, written by hand by us
(repute team).

Source: our own knowledge of how people write product and service reviews in Polish, Russian,
Ukrainian and English; not taken from any data set, word list or package, and not from the
evaluation files. Licence: the repository's own.

The lists are data: `data/<lang>.toml` (`[phrases.<family>]`, `[settling]`, `[words]`) with the
value levels in `data/common.toml`, loaded and validated by `langdata.py`. Families (one table
per family and language, so each list can be measured on its own):
- defects: the product broke, does not work, arrived damaged, is badly made;
- service: delivery and service failures (cannot get through, cancelled, wrong item, rude);
- returns: money-back and return intent;
- regret: disappointment and regret ("шкода грошей", "waste of money");
- hedges: lukewarm verdicts, a middling three stars ("так себе", "średnio", "meh"); the strong ones
  ("оставляет желать лучшего") are complaints;
- avoid: recommendation negatives ("не советую", "odradzam", "avoid");
- requests: the customer asks the business to act ("прошу разобраться", "please respond"): an open
  problem, however politely put;
- praise: positive domain phrases ("вартує своїх грошей", "worth every penny") and the
  resolution of a problem ("швидко замінили", "решили проблему");
- verdicts: a verdict in stars said in words ("one star off" leaves four, "на четвёрку").
(`phrases.py` holds the first iteration's families, complaints and compliments.)

Phrases are matched like `phrases.py` (lemmas, at most one extra word between two phrase words;
English has no lemmatizer, so English forms are listed one by one; an entry written "=postoję"
is matched as written, where its lemma is also another word's). A complaint preceded by a
negator is the problem absent, mild praise ("не протекает", "never crowded"); praise preceded by
a negator flips.
"""

from __future__ import annotations

from pipeline.sentiment.langdata import common, load

FAMILIES = (
    "defects",
    "service",
    "returns",
    "regret",
    "hedges",
    "avoid",
    "requests",
    "praise",
    "verdicts",
)
LUKEWARM = 0.0  # a settling verdict weighs nothing either way

# family -> lang -> phrase -> value
GROUPS: dict[str, dict[str, dict[str, float]]] = {
    family: {lang: data.families[family] for lang, data in load().items()} for family in FAMILIES
}
# the writer settles for it ("за свою цену сойдёт", "na jedną noc wystarczy", "it'll do for the
# price"): a three-star verdict. It weighs nothing, and a text that says it is not a complaint
# unless it also says "never again" or states one or two stars (see analyzers.py)
SETTLING: dict[str, tuple[str, ...]] = {lang: data.settling for lang, data in load().items()}


def settling_phrases(lang: str) -> dict[str, float]:
    return dict.fromkeys(SETTLING.get(lang, ()), LUKEWARM)


def domain_phrases(lang: str, groups: tuple[str, ...] | None = None) -> dict[str, float]:
    """Phrase -> valence of the review-domain lists of `lang` (all groups unless named)."""
    merged: dict[str, float] = {}
    for name, by_lang in GROUPS.items():
        if groups is None or name in groups:
            merged.update(by_lang.get(lang, {}))
    return merged


def own_words(lang: str) -> dict[str, float]:
    """Word -> our valence for `lang`: the neutral topic words (0.0), the verbs of a thing failing
    and our own values ("koszmar", "вогонь", "subpar"), which replace the packaged lexicons'."""
    data = load().get(lang)
    return data.words(common().word_values) if data else {}
