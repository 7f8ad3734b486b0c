"""Tokens of a text: words, emoji / emoticons and sentence boundaries."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

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
    "??": -0.5,
    ")": 0.4,
    "(": -0.4,
}

_TOKEN_RE = re.compile(
    r"""
    (?P<word>[^\W\d_]+(?:['’ʼ][^\W\d_]+)*)
    | (?P<emoticon>(?<!\w)(?:>:\(|:'\(|[:;]-?\s?[)(dDpP/](?!\w)|<3))
    | (?P<emoji>[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2764])
    | (?P<bracket>\(+|\)+)
    | (?P<stop>[.!?;\n]+|\.\.\.|…)
    | (?P<comma>[,:])
    | (?P<quote>["«»„“”]|(?<![^\W_])'|'(?![^\W_]))
    """,
    re.VERBOSE,
)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})
_CLOSING_QUOTES = frozenset("»”")
_EITHER_QUOTES = frozenset("\"'")  # the same mark opens and closes
_new_token = tuple.__new__
INDIGNANT_QUESTION = "??"  # a run of question marks: "Как так???", "Dlaczego ??"
SMILE, FROWN = ")", "("  # the bracket emoticons of Slavic chats: "спасибо)))", "жаль(("


class Token(NamedTuple):  # a tuple: millions are made, and tuples are the cheapest to make
    text: str  # lower-cased, apostrophes unified
    kind: TokenKind
    sentence: int
    clause: int = 0  # sentences split further at commas and colons
    quoted: int = 0  # words in the quotation marks around this token, 0 outside quotes


def _bracket_emoticon(text: str, start: int, end: int, run: str, open_brackets: int) -> str:
    """SMILE, FROWN or "" for a run of brackets: ")" that closes nothing is a smile; "(" glued
    to the word before it or doubled ("жаль((") is a frown, otherwise it opens a parenthesis."""
    if run[0] == ")":
        return SMILE if len(run) > open_brackets else ""
    glued = start > 0 and text[start - 1].isalpha()
    at_end = end >= len(text) or not text[end].isalnum()
    return FROWN if len(run) > 1 or (glued and at_end) else ""


def tokenize(text: str) -> list[Token]:
    """Words, emoji and emoticons in order; each knows its sentence and clause number."""
    tokens: list[Token] = []
    sentence = clause = open_brackets = 0
    quote_start: int | None = None  # index in tokens where the open quotation starts
    quotes: list[tuple[int, int]] = []
    original = text
    text = text.lower()
    if "’" in text or "ʼ" in text:
        text = text.translate(_APOSTROPHES)
    same_length = len(text) == len(original)
    append = tokens.append
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        value = match.group()
        if kind == "word":  # by far the most common: first; built without Token's Python __new__
            append(
                _new_token(
                    Token, (value, "word" if value != "xd" else "emoji", sentence, clause, 0)
                )
            )
        elif kind == "stop":
            if value.count("?") > 1:  # "???": indignation, not a question
                append(Token(INDIGNANT_QUESTION, "emoji", sentence, clause))
            sentence += 1
            clause += 1
            if quote_start is not None and "\n" in value:
                quote_start = None  # an unclosed quotation ends with its line
        elif kind == "comma":
            clause += 1
        elif kind == "quote":
            closes = value in _CLOSING_QUOTES or (
                value in _EITHER_QUOTES and quote_start is not None
            )
            if closes and quote_start is not None:
                quotes.append((quote_start, len(tokens)))
                quote_start = None
            elif not closes:
                # a capital after the opening mark starts a name: «Добрый», "Grand", „Pod Lipą"
                name = same_length and original[match.end() : match.end() + 1].isupper()
                quote_start = None if name else len(tokens)
        elif kind == "bracket":
            emoticon = _bracket_emoticon(text, match.start(), match.end(), value, open_brackets)
            if emoticon:
                append(Token(emoticon, "emoji", sentence, clause))
            elif value[0] == "(":
                open_brackets += len(value)
            else:
                open_brackets = max(0, open_brackets - len(value))
        elif kind == "emoticon":
            face = value.replace(" ", "").replace("-", "")
            append(Token(face, "emoji", sentence, clause))
        else:
            append(Token(value, "emoji", sentence, clause))
    for start, end in quotes:
        words = sum(1 for t in tokens[start:end] if t.kind == "word")
        for at in range(start, end):
            tokens[at] = tokens[at]._replace(quoted=words)
    return tokens


# emoji newer than the packaged emoji list, as reviews use them: mockery, eye-rolling, disgust,
# sorrow; a slight smile, fire and "100" as praise
_LATER_EMOJI = {
    "🤡": -0.8,
    "🙄": -0.6,
    "🙃": -0.3,
    "🤦": -0.6,
    "🤮": -1.0,
    "🤬": -1.0,
    "🥴": -0.4,
    "🤢": -0.9,
    "🙁": -0.5,
    "😢": -0.6,
    "😱": -0.5,
    "😬": -0.3,
    "🙂": 0.4,
    "🤗": 0.6,
    "🤝": 0.5,
    "🔥": 0.6,
    "💯": 0.7,
    "🥰": 0.9,
    "🤩": 0.9,
    "🫶": 0.8,
}


def emoticon_valence(token: str) -> float | None:
    """Our value of an emoticon, or of an emoji the packaged list lacks."""
    return _EMOTICONS.get(token, _LATER_EMOJI.get(token))
