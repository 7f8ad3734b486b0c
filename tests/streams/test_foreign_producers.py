"""Events produced by kcat (a Kafka client we did not write) and by kafka-python both land.

kcat is Debian's package; its librdkafka (2.0) fails against tansu, so it runs against the
newer librdkafka shipped in the confluent-kafka wheel (a dev dependency) via LD_LIBRARY_PATH.
When kcat is missing the test installs it with apt-get (as root) or fails saying how to.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipeline.events import STREAM_OF_TYPE, InvalidEvent, customer_key, parse_event
from streams.broker import which_kcat
from streams.producer import make_producer, produce_lines
from tests.streams.conftest import SAMPLE, embedded_db, newest_event_time, write_jsonl

pytestmark = pytest.mark.broker


def kcat_binary() -> str:
    found = which_kcat()
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "kcat"], check=False)
        found = which_kcat()
    if not found:
        pytest.fail(
            "kcat is not installed: `apt-get install -y kcat` (Makefile/CI install it); this"
            " test checks a producer we did not write and must not be skipped"
        )
    return found


def librdkafka_dir(tmp_path: Path) -> Path:
    """A directory with librdkafka.so.1 -> the wheel's bundled (renamed) librdkafka."""
    import confluent_kafka

    libs = Path(confluent_kafka.__file__).resolve().parent.parent / "confluent_kafka.libs"
    found = sorted(libs.glob("librdkafka*.so*"))
    if not found:
        pytest.fail(f"no librdkafka in {libs}: `pip install confluent-kafka` (dev extra)")
    target = tmp_path / "rdkafka"
    target.mkdir()
    (target / "librdkafka.so.1").symlink_to(found[0])
    return target


def test_kcat_and_kafka_python_events_both_land(broker, tmp_path):
    kcat = kcat_binary()
    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    valid = []
    for line in lines[:160]:
        try:
            valid.append((line, parse_event(line)))
        except InvalidEvent:
            continue
    by_kcat, by_python = valid[0::2], valid[1::2]

    worker = broker.worker("w1")
    # kafka-python half, through our producer
    producer = make_producer(broker.bootstrap)
    produce_lines(producer, (("python", n, line) for n, (line, _) in enumerate(by_python)))
    producer.close()
    # kcat half: key<TAB>value per line, Kafka's murmur2 partitioner (librdkafka's default is
    # crc32: the agent would re-key those, one extra hop); the last few without any key.
    env = {**os.environ, "LD_LIBRARY_PATH": str(librdkafka_dir(tmp_path))}
    keyed, unkeyed = by_kcat[:-5], by_kcat[-5:]
    for topic in sorted({STREAM_OF_TYPE[event.type] for _, event in by_kcat}):
        batch = [
            f"{customer_key(e)}\t{line}" for line, e in keyed if STREAM_OF_TYPE[e.type] == topic
        ]
        if batch:
            file = write_jsonl(tmp_path / f"kcat-{topic}.txt", batch)
            subprocess.run(
                [kcat, "-b", broker.bootstrap, "-P", "-t", topic, "-K", "\t",
                 "-X", "topic.partitioner=murmur2_random", "-l", str(file)],
                check=True, env=env, timeout=60,
            )  # fmt: skip
    for line, event in unkeyed:
        subprocess.run(
            [kcat, "-b", broker.bootstrap, "-P", "-t", STREAM_OF_TYPE[event.type]],
            input=line.encode(), check=True, env=env, timeout=60,
        )  # fmt: skip

    broker.wait_processed(worker)
    got = duckdb.connect(str(broker.land(tmp_path / "broker.duckdb")), read_only=True)
    expected_db = embedded_db(
        write_jsonl(tmp_path / "slice.jsonl", [line for line, _ in valid]),
        tmp_path / "embedded.duckdb",
        newest_event_time(tmp_path / "slice.jsonl"),
    )
    want = duckdb.connect(str(expected_db), read_only=True)
    ids = (
        "SELECT event_id FROM reviews_scored UNION ALL SELECT event_id FROM complaint_events"
        " UNION ALL SELECT event_id FROM ledger_entries UNION ALL"
        " SELECT event_id FROM policy_exceptions ORDER BY 1"
    )
    assert got.execute(ids).fetchall() == want.execute(ids).fetchall()
    kcat_ids = {e.event_id for _, e in by_kcat if e.type in ("review",) or "complaint" in e.type}
    landed = {r[0] for r in got.execute(ids).fetchall()}
    assert kcat_ids <= landed
    assert worker.metric("repute_events_total", outcome="rekeyed") >= 1  # the unkeyed ones
