"""Hypothesis strategies for hostile input: valid events with awkward content, and broken ones.

`cases()` draws one `Case`: a JSONL line as bytes (it may hold bytes that are not UTF-8) and
what the contract must do with it, known from how it was built, not from the code under test:

- "event": a valid event (emoji-only, mixed-script, right-to-left, NUL and control characters in
  its texts, offsets at the edges of ±24 h, money with up to 18 digits);
- "rejected": broken in one known way (missing, extra or wrongly typed field, huge text, deep
  nesting, invalid UTF-8, 30-digit, negative, NaN or infinite money, unknown type, naive or
  out-of-range time); `field` is what the reason must name (`<event>` for the whole line);
- "ledger": a valid event whose money is over `ledger.MAX_MONEY` in the budget currency: the
  contract accepts it, the pipeline dead-letters it.

`streams()` draws a list of cases with repeats (the same line again: a duplicate).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from pipeline.events import EVENT_TYPES
from streams.ingest import exact_json

# the businesses of sample/businesses.toml, with the currencies each can convert
CURRENCIES = {"dobry-sen": ["PLN", "EUR"], "knyzhkova-lavka": ["UAH"], "masaz-akademia": ["PLN"]}
OFFSETS = [
    timedelta(0),
    timedelta(hours=23, minutes=59),
    -timedelta(hours=23, minutes=59),
    timedelta(hours=14),
    -timedelta(hours=12),
    timedelta(hours=5, minutes=45),
    timedelta(hours=-3, minutes=-30),
]
HUGE = 1_100_000  # characters: a huge text is over 1 MB
TEXT_KINDS = [
    "review",
    "complaint.opened",
    "complaint.reply",
    "complaint.closed",
    "concession.granted",
    "concession.reversed",
]  # types with a text field


@dataclass(frozen=True)
class Case:
    line: bytes
    outcome: str  # "event" | "rejected" | "ledger"
    field: str | None = None  # rejected: what the reason must name
    event: dict[str, Any] | None = None  # event / ledger: the event as built
    label: str = ""

    @property
    def event_id(self) -> str | None:
        return self.event["event_id"] if self.event else None


def encode(event: dict[str, Any]) -> bytes:
    """One JSONL line, money as JSON numbers or strings exactly as drawn."""
    return exact_json(event).encode("utf-8")


# ---------------------------------------------------------------- valid pieces

FRAGMENTS = [
    "Materac przyjechał uszkodzony, nikt nie odpowiada.",
    "Замовлення досі не отримала, жахливий сервіс.",
    "Заказ пришёл вовремя, спасибо!",
    "Great service, thank you!",
    "الخدمة سيئة جدا",
    "שירות נורא",
    "注文が届きません",
    "गलत उत्पाद मिला",
    "😡😡😡",
    "👍🏽🔥❤️‍🔥🇵🇱",
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066\u2069",  # isolates
    "\x00",
    "\x01\x02\x7f",
    "\x1b[31m",
    "\r",
    "\t",
    "\u2028\u2029",
    "\ufeff",
    "\u0301\u0301",  # combining marks with nothing to combine with
    " ",
]
texts = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join),
    st.text(alphabet=st.sampled_from("😀😡💩👍🏽🔥🙈"), min_size=1, max_size=30),  # emoji only
    st.text(max_size=200),  # anything but lone surrogates
    st.just("x" * 20_000),  # at the limit
)
identifiers = st.one_of(
    st.uuids().map(str),
    st.text(min_size=1, max_size=40),
    st.just("i" * 200),
)


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    """An aware time inside the contract's range, at an offset up to ±23:59."""
    moment = draw(
        st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2199, 12, 30))
        | st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31))
    )
    offset = draw(st.sampled_from(OFFSETS))
    text = moment.replace(tzinfo=timezone(offset)).isoformat()
    return text.replace("+00:00", "Z") if draw(st.booleans()) else text


def amounts(max_value: Decimal = Decimal("100000000000")) -> st.SearchStrategy[Any]:
    """Exact money, 0..4 decimal places, as a JSON number or a string."""
    value = st.integers(0, 4).flatmap(
        lambda places: st.decimals(min_value=0, max_value=max_value, places=places, allow_nan=False)
    )
    return value.flatmap(lambda d: st.sampled_from([d, str(d)]))


@st.composite
def valid_events(draw: st.DrawFn, kind: str | None = None) -> dict[str, Any]:
    kind = kind or draw(st.sampled_from(sorted(EVENT_TYPES)))
    business = draw(st.sampled_from(sorted(CURRENCIES)))
    event: dict[str, Any] = {
        "event_id": draw(st.uuids()).hex,
        "type": kind,
        "business_id": business,
        "occurred_at": draw(timestamps()),
    }
    if draw(st.booleans()):
        event["schema_version"] = 1
    customer = draw(st.sampled_from(["c-1", "c-2", "c-3"]) | identifiers)
    channel = draw(st.sampled_from(["maps", "email", "forum", "video", "chat"]))
    if kind == "review":
        event |= {"text": draw(texts), "channel": channel}
        event["rating"] = draw(st.none() | st.integers(1, 5))
        event["author"] = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "customer_id": st.just(customer),
                    "handle": identifiers,
                    "audience_size": st.integers(0, 10_000_000_000),
                    "kind": st.sampled_from(["customer", "celebrity", "journalist"]),
                },
            )
        )
    elif kind.startswith("complaint."):
        event |= {"complaint_id": draw(st.sampled_from(["k-1", "k-2"])), "customer_id": customer}
        if kind == "complaint.opened":
            event |= {"channel": channel, "text": draw(texts)}
            if draw(st.booleans()):
                event["order_value"] = draw(amounts())
                event["currency"] = draw(st.sampled_from(CURRENCIES[business]))
        elif kind == "complaint.reply":
            event |= {"handler": "maria", "text": draw(texts)}
            if draw(st.booleans()):
                event["promised_deadline"] = draw(timestamps())
        else:
            event |= {"handler": "maria", "resolution": "refund", "reply_text": draw(texts)}
            event["customer_last_message"] = draw(st.none() | texts)
            event["satisfaction"] = draw(st.none() | st.integers(1, 5))
    elif kind == "concession.granted":
        event |= {
            "kind": draw(st.sampled_from(["refund_full", "discount", "gift"])),
            "customer_id": customer,
            "amount": draw(amounts()),
            "currency": draw(st.sampled_from(CURRENCIES[business])),
            "granted_by": "szef-tomasz",
            "status": draw(st.sampled_from(["paid", "committed"])),
        }
        if draw(st.booleans()):
            event["cost"] = draw(amounts())
        if draw(st.booleans()):
            event["discount_pct"] = draw(amounts(Decimal(100)))
        if draw(st.booleans()):
            event["note"] = draw(texts.map(lambda t: t[:2_000]))
    elif kind in ("concession.paid", "concession.reversed"):
        event |= {"concession_event_id": draw(identifiers), "customer_id": customer}
        if kind == "concession.reversed":
            event["reason"] = draw(texts.filter(bool).map(lambda t: t[:2_000]))
    else:  # sentiment.corrected
        event |= {
            "target_event_id": draw(identifiers),
            "label": draw(st.sampled_from(["neg", "neu", "pos"])),
            "corrected_by": "owner",
        }
    return event


# ---------------------------------------------------------------- ways to break one


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"a": [value]}
    return value


def _required(kind: str) -> list[str]:
    return sorted(n for n, f in EVENT_TYPES[kind].model_fields.items() if f.is_required())


def _text_fields(event: dict[str, Any]) -> list[str]:
    names = ("text", "reply_text", "customer_last_message", "note", "reason")
    return [n for n in names if n in EVENT_TYPES[event["type"]].model_fields]


BREAKS = [
    "missing",
    "extra",
    "wrong type",
    "huge text",
    "nested field",
    "nested line",
    "invalid utf-8",
    "money digits",
    "money negative",
    "money nan",
    "unknown type",
    "naive time",
    "time range",
    "exponent",
    "not an object",
    "not json",
    "huge line",
]  # the ways `broken` breaks an event


@st.composite
def broken(draw: st.DrawFn, how: str | None = None) -> Case:
    how = how or draw(st.sampled_from(BREAKS))
    if how.startswith("money"):
        event = draw(valid_events("concession.granted"))
    elif how == "huge text":
        event = draw(valid_events(draw(st.sampled_from(TEXT_KINDS))))
    else:
        event = draw(valid_events())
    kind = event["type"]
    bad = dict(event)
    if how == "missing":
        name = draw(st.sampled_from(_required(kind)))
        del bad[name]
        return Case(encode(bad), "rejected", name, label=how)
    if how == "extra":
        known = set(EVENT_TYPES[kind].model_fields)
        name = draw(st.text(min_size=1, max_size=300).filter(lambda k: k not in known))
        bad[name] = draw(st.none() | st.integers() | texts)
        return Case(encode(bad), "rejected", name[:100], label=how)
    if how == "wrong type":
        name = draw(
            st.sampled_from(sorted(k for k in event if k not in ("type", "schema_version")))
        )
        bad[name] = draw(
            st.lists(st.integers(), max_size=3)
            | st.dictionaries(st.text(max_size=5), st.booleans())
        )
        if name == "author":
            bad[name] = [1]
        return Case(encode(bad), "rejected", name, label=how)
    if how == "huge text" and _text_fields(event):
        name = draw(st.sampled_from(_text_fields(event)))
        bad[name] = draw(st.sampled_from(["ż", "😡", "a\x00", "\u200f"])) * HUGE
        return Case(encode(bad), "rejected", name, label=how)
    if how == "nested field":
        name = draw(
            st.sampled_from(sorted(k for k in event if k not in ("type", "schema_version")))
        )
        bad[name] = _nested(draw(st.integers(20, 120)))
        return Case(encode(bad), "rejected", name, label=how)
    if how == "nested line":
        depth = draw(st.integers(20_000, 200_000))
        line = encode(event)[:-1] + b', "x": ' + b"[" * depth + b"]" * depth + b"}"
        return Case(line, "rejected", "<event>", label=how)
    if how == "invalid utf-8":
        junk = draw(
            st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf0\x28\x8c", b"\x80"])
        )
        bad["business_id"] = "MARK"
        line = encode(bad).replace(b'"MARK"', b'"dobry' + junk + b'sen"')
        return Case(line, "rejected", "business_id", label=how)
    if how.startswith("money") and kind == "concession.granted":
        value = {
            "money digits": draw(st.sampled_from(["123456789012345678901234567890", "1" * 30])),
            "money negative": draw(st.sampled_from(["-0.01", "-450.00", "-1E+2"])),
            "money nan": draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "nan", "1e"])),
        }[how]
        bad["amount"] = value if draw(st.booleans()) or how == "money nan" else Decimal(value)
        line = encode(bad)
        if how == "money nan" and draw(st.booleans()) and value != "1e":
            line = line.replace(f'"amount":"{value}"'.encode(), f'"amount":{value}'.encode())
            if value == "nan":  # JSON has no `nan`: the whole line is broken
                return Case(line, "rejected", "<event>", label=how)
        return Case(line, "rejected", "amount", label=how)
    if how == "unknown type":
        bad["type"] = draw(
            st.sampled_from(["tweet", "", "Review", "review ", None, 1, ["review"], {"t": 1}])
            | st.text(max_size=50).filter(lambda t: t not in EVENT_TYPES)
        )
        return Case(encode(bad), "rejected", "type", label=how)
    if how == "naive time":
        bad["occurred_at"] = draw(timestamps())[:19]
        return Case(encode(bad), "rejected", "occurred_at", label=how)
    if how == "time range":
        bad["occurred_at"] = draw(
            st.sampled_from(
                [
                    "0001-01-01T00:00:00+23:59",
                    "0001-01-01T00:00:00-23:59",
                    "9999-12-31T23:59:59-23:59",
                    "9999-12-31T23:59:59+14:00",
                    "1899-12-31T23:59:59Z",
                    "2200-01-01T00:00:00Z",
                    "2199-12-31T23:00:00-23:00",
                ]
            )
        )
        return Case(encode(bad), "rejected", "occurred_at", label=how)
    if how == "exponent":
        name = "audience_size" if kind == "review" else "schema_version"
        value = draw(st.sampled_from(["1E+999999999", "1E-999999999", "9.9E+100000"]))
        if kind == "review":
            bad["author"] = {"audience_size": "MARK"}
            line = encode(bad).replace(b'"MARK"', value.encode())
            return Case(line, "rejected", "author.audience_size", label=how)
        bad["schema_version"] = "MARK"
        return Case(encode(bad).replace(b'"MARK"', value.encode()), "rejected", name, label=how)
    if how == "not an object":
        value = draw(st.sampled_from([[event], "review", 1, None, []]))
        return Case(exact_json(value).encode(), "rejected", "<event>", label=how)
    if how == "huge line":
        return Case(b"{" * HUGE, "rejected", "<event>", label=how)
    # not json (and the kinds above that do not apply to this event type)
    line = draw(
        st.sampled_from(
            [encode(event)[:-1], b'{"event_id": "x", "type": "review"', b"\x00\x00", b"{'a': 1}"]
        )
    )
    return Case(line, "rejected", "<event>", label="not json")


@st.composite
def over_ledger_limit(draw: st.DrawFn) -> Case:
    event = draw(valid_events("concession.granted"))
    event["amount"] = draw(st.sampled_from([Decimal("1000000000000.01"), "99999999999999.9999"]))
    return Case(encode(event), "ledger", event=event, label="over MAX_MONEY")


def valid_cases() -> st.SearchStrategy[Case]:
    return valid_events().map(lambda e: Case(encode(e), "event", event=e, label="valid"))


def cases() -> st.SearchStrategy[Case]:
    """Valid and broken alike, a few over the ledger's limit."""
    kinds = st.sampled_from(["valid", "broken", "valid", "broken", "broken", "ledger"])
    return kinds.flatmap(
        lambda k: {"valid": valid_cases(), "broken": broken(), "ledger": over_ledger_limit()}[k]
    )


@st.composite
def streams(draw: st.DrawFn, max_size: int = 25) -> list[Case]:
    """A run's input: cases, some lines sent again later (a repeat is a duplicate)."""
    drawn = draw(st.lists(cases(), min_size=1, max_size=max_size))
    repeats = draw(st.lists(st.integers(0, len(drawn) - 1), max_size=5))
    return drawn + [drawn[i] for i in repeats]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
