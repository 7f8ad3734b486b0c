"""Tables: the state `pipeline.step` keeps, stored per key with a changelog topic each.

    customer_to_state   customer key   -> CustomerState  (owned by score_customer_events;
                                                          co-partitioned with the input topics)
    business_to_state   business_id    -> BusinessState  (owned by account_business_events;
                                                          co-partitioned with business-events)

Values are pydantic models; on the changelog they are their JSON (`model_dump_json`), so a
worker that takes over a partition restores exactly what the previous owner wrote. The store is
memory by default and RocksDB in production (REPUTE_STORE=rocksdb://).
"""

from __future__ import annotations

import asyncio
from typing import Any

from faust.serializers import codecs

from pipeline.state import BusinessState, CustomerState
from streams.app import PARTITIONS, app


class _ModelCodec(codecs.Codec):
    model: type[Any]

    def _dumps(self, obj: Any) -> bytes | None:
        return None if obj is None else obj.model_dump_json().encode()  # None: a tombstone

    def _loads(self, s: bytes) -> Any:
        return self.model.model_validate_json(s)


class CustomerStateCodec(_ModelCodec):
    model = CustomerState


class BusinessStateCodec(_ModelCodec):
    model = BusinessState


codecs.register("repute_customer_state", CustomerStateCodec())
codecs.register("repute_business_state", BusinessStateCodec())

customer_to_state = app.Table(
    "customer_state",
    partitions=PARTITIONS,
    key_type=str,
    help="CustomerState by customer key",
)
business_to_state = app.Table(
    "business_state",
    partitions=PARTITIONS,
    key_type=str,
    help="BusinessState by business_id",
)
# Faust takes a table's serializers from its key/value types; ours are pydantic models, so
# name the codecs directly (before the store and the changelog topic are created, lazily).
customer_to_state.value_serializer = "repute_customer_state"
business_to_state.value_serializer = "repute_business_state"


# tansu reports a partition's end offset as the base offset of its last record batch + 1, so a
# worker recovering a table from its changelog stops before the rest of that batch (measured:
# a batch of 5 records reported as 1; the restarted worker then missed a customer's third
# re-shipment). After each run of state writes the writer adds a lone tombstone under this key:
# the only record a short end offset can then cut off is one that deletes nothing.
END_OF_WRITES = "~end-of-writes"


async def write_states(table: Any, states: dict[str, tuple[int, Any]]) -> None:
    """Store `key -> (partition, state)` and send each to the table's changelog, then, once the
    broker has them, close every partition written with an END_OF_WRITES tombstone."""
    sent = []
    for key, (partition, state) in states.items():
        table.data[key] = state
        sent.append(table.send_changelog(partition, key, state))
    if not sent:
        return
    await asyncio.gather(*sent)
    for partition in {partition for partition, _ in states.values()}:
        table.send_changelog(partition, END_OF_WRITES, None)


def customer_state(key: str) -> CustomerState | None:
    """The stored state of a customer. A value restored from the changelog can arrive as the
    decoded JSON dict (Faust's recovery path decodes with the topic's codec), so coerce it."""
    return _as(CustomerState, customer_to_state.get(key))


def business_state(business_id: str) -> BusinessState | None:
    return _as(BusinessState, business_to_state.get(business_id))


def _as(model: type[Any], value: Any) -> Any:
    if value is None or isinstance(value, model):
        return value
    if isinstance(value, bytes | str):
        return model.model_validate_json(value)
    return model.model_validate(value)


def customer_states() -> list[tuple[str, CustomerState]]:
    return [
        (key, _as(CustomerState, value))
        for key, value in list(customer_to_state.items())
        if value is not None and key != END_OF_WRITES
    ]
