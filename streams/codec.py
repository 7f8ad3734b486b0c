"""JSON on the wire that keeps Python types: Decimal, datetime, date and tuples round-trip exactly.

Facts carry money (`Decimal`) and times; plain JSON would turn them into floats and strings, and
the broker path would then land different values in DuckDB than the embedded runner. So values
that JSON cannot hold are tagged:

    Decimal("12.50")          -> {"$dec": "12.50"}
    datetime(2026, 11, 1, ..) -> {"$dt": "2026-11-01T10:51:00+00:00"}
    date(2026, 11, 30)        -> {"$date": "2026-11-30"}

Floats stay JSON numbers (Python prints the shortest repr that reads back to the same float).
Input events are not encoded here: they are the public JSON contract of `pipeline.events`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from pipeline.step import Fact


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, BaseModel):
        return value.model_dump()
    raise TypeError(f"cannot encode {type(value).__name__}")


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$dec" in obj:
            return Decimal(obj["$dec"])
        if "$dt" in obj:
            return datetime.fromisoformat(obj["$dt"])
        if "$date" in obj:
            return date.fromisoformat(obj["$date"])
    return obj


def dumps(value: Any) -> bytes:
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":")).encode()


def loads(data: bytes | str) -> Any:
    return json.loads(data, object_hook=_hook)


def encode_fact(fact: Fact) -> bytes:
    # {"table": "risk_feed", "key": "dobry-sen/c-1", "row": {...}}
    return dumps({"table": fact.table, "key": fact.key, "row": fact.row})


def decode_fact(data: bytes | str) -> Fact:
    value = loads(data)
    return Fact(value["table"], value["key"], value["row"])


def encode_facts(facts: Sequence[Fact]) -> bytes:
    """One `facts` message for all the facts of one event (or one watchdog pass of one key):
    {"facts": [{"table": ..., "key": ..., "row": {...}}, ...]}, in the order they were made."""
    return dumps({"facts": [{"table": f.table, "key": f.key, "row": f.row} for f in facts]})


def decode_facts(data: bytes | str) -> list[Fact]:
    """The facts of a `facts` message: a bundle (`encode_facts`) or a single fact
    (`encode_fact`, what earlier workers wrote)."""
    value = loads(data)
    if "table" in value:
        return [Fact(value["table"], value["key"], value["row"])]
    return [Fact(item["table"], item["key"], item["row"]) for item in value["facts"]]


def fact_key(fact: Fact) -> bytes:
    """Kafka key of a fact: all versions of one row go to one partition, in order."""
    return f"{fact.table}:{fact.key}".encode()
