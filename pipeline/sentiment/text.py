"""Tokens of a text: words, emoji / emoticons and sentence boundaries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

TokenKind = Literal["word", "emoji", "stop"]

_EMOTICONS = {
    ":)": 0.5,
    ":-)": 0.5,
    ": )": 0.5,
    ";)": 0.4,
    ";-)": 0.4,
    ":d": 0.6,
    ":-d": 0.6,
    "xd": 0.5,
    ":p": 0.3,
    "<3": 0.7,
    ":(": -0.5,
    ":-(": -0.5,
    ": (": -0.5,
    ":'(": -0.6,
    ":/": -0.3,
    ":-/": -0.3,
    ">:(": -0.7,
}

_TOKEN_RE = re.compile(
    r"""
    (?P<emoticon>(?<!\w)(?:>:\(|:'\(|[:;]-?\s?[)(dDpP/](?!\w)|[xX][dD]\b|<3))
    | (?P<word>[^\W\d_]+(?:['’ʼ][^\W\d_]+)*)
    | (?P<emoji>[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2764])
    | (?P<stop>[.!?;\n]+|\.\.\.|…)
    """,
    re.VERBOSE,
)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # lower-cased, apostrophes unified
    kind: TokenKind
    sentence: int


def tokenize(text: str) -> list[Token]:
    """Words, emoji and emoticons in order; each knows its sentence number."""
    tokens: list[Token] = []
    sentence = 0
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        value = match.group().lower().translate(_APOSTROPHES)
        if kind == "stop":
            sentence += 1
        elif kind == "emoticon":
            tokens.append(Token(value.replace(" ", "").replace("-", ""), "emoji", sentence))
        else:
            tokens.append(Token(value, kind, sentence))  # type: ignore[arg-type]
    return tokens


def emoticon_valence(token: str) -> float | None:
    return _EMOTICONS.get(token)


def word_count(text: str) -> int:
    return sum(1 for t in tokenize(text) if t.kind == "word")
