"""A durable broker (issue 24): tansu on S3-compatible storage (moto's server on loopback).

kill -9 the broker in the middle of a stream, start a new one on the same storage: the producer
(retrying) and the worker carry on, and the totals landed in DuckDB equal the embedded run's.
Also: `repute broker --storage local-s3` restarts a broker that dies, and the topics survive.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.broker import S3Server, free_port, start_broker, start_s3_server, wait_for_port
from tests.streams.conftest import (
    PARTITIONS,
    SAMPLE,
    Broker,
    diff,
    embedded_db,
    generated_events,
    newest_event_time,
    totals,
    wait_for,
)

pytestmark = pytest.mark.broker

REPUTE = Path(sys.executable).with_name("repute")


@pytest.fixture
def s3(tmp_path: Path) -> Iterator[S3Server]:
    server = start_s3_server(log_file=tmp_path / "s3.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def durable(tansu: Path, s3: S3Server, tmp_path: Path) -> Iterator[Broker]:
    process, bootstrap = start_broker(
        storage=s3.storage, env=s3.env(), log_file=tmp_path / "tansu.log"
    )
    running = Broker(bootstrap, process, tmp_path)
    try:
        yield running
    finally:
        running.stop()


def restart_broker(broker: Broker, s3: S3Server, down: float = 0.0) -> None:
    """kill -9 the broker (if it runs), leave it down `down` seconds, then start a new one on
    the same port and the same storage."""
    if broker.process.poll() is None:
        broker.process.send_signal(signal.SIGKILL)
        broker.process.wait(10)
    time.sleep(down)
    port = int(broker.bootstrap.rsplit(":", 1)[1])
    broker.process, _ = start_broker(
        port=port, storage=s3.storage, env=s3.env(), log_file=broker.tmp / "tansu.log"
    )


def topics_of(bootstrap: str) -> set[str]:
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="repute-test")
    try:
        return set(admin.list_topics())
    finally:
        admin.close()


def test_kill_9_of_the_broker_mid_stream_loses_and_doubles_nothing(durable, s3, tmp_path):
    from streams.embedded import input_lines
    from streams.producer import make_producer, produce_lines

    events = generated_events(tmp_path)
    total = sum(1 for line in events.open() if line.strip())
    clock = newest_event_time(events)
    expected = totals(embedded_db(events, tmp_path / "embedded.duckdb", clock))

    worker = durable.worker("w1", REPUTE_WATCHDOG_NOW=clock.isoformat())

    # One producer, paced so that the kill lands while it is still sending.
    handed: list[int] = [0]
    outcome: dict[str, object] = {}

    def paced() -> Iterator[tuple[str, int, str]]:
        for item in input_lines(str(events)):
            handed[0] += 1
            if handed[0] % 20 == 0:
                time.sleep(0.2)
            yield item

    def produce() -> None:
        from streams.app import PARTITIONS, REPLICATION
        from streams.broker import ensure_topics
        from streams.topics import ALL_TOPICS

        producer = make_producer(durable.bootstrap)
        try:
            ensure_topics(durable.bootstrap, ALL_TOPICS, PARTITIONS, REPLICATION)
            outcome["summary"] = produce_lines(producer, paced())
        except BaseException as exc:  # reported by the test thread below
            outcome["error"] = exc
        finally:
            producer.close()

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    wait_for(
        lambda: (
            worker.metric("repute_events_total", outcome="processed") >= 100
            and handed[0] >= total // 3
        ),
        180,
        "the worker and the producer to be mid-stream",
        interval=0.05,
    )
    handed_at_kill = handed[0]
    # Down longer than the worker's session timeout (4 s): the group must form again too.
    restart_broker(durable, s3, down=6.0)
    thread.join(300)
    assert not thread.is_alive(), "the producer did not finish after the broker restart"
    assert "error" not in outcome, f"the producer failed: {outcome.get('error')!r}"
    assert handed_at_kill < total  # the kill really landed mid-produce

    durable.wait_processed(worker, timeout=240)
    assert worker.process is not None and worker.process.poll() is None, worker.tail(40)
    got = totals(durable.land(tmp_path / "broker.duckdb"))
    assert got == expected, diff(expected, got) + "\n" + worker.tail(30)


def test_repute_broker_local_s3_restarts_a_killed_broker_and_keeps_the_topics(tmp_path):
    from streams.app import PARTITIONS, REPLICATION
    from streams.broker import ensure_topics
    from streams.topics import ALL_TOPICS
    from tests.streams.test_operations import alive, children, port_is_free

    port, s3_port = free_port(), free_port()
    parent = subprocess.Popen(
        [str(REPUTE), "broker", "--port", str(port), "--storage", "local-s3",
         "--s3-port", str(s3_port)],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "broker.log").open("wb"),
        cwd=tmp_path,
    )  # fmt: skip
    bootstrap = f"127.0.0.1:{port}"
    try:
        wait_for_port("127.0.0.1", port, timeout=60)
        ensure_topics(bootstrap, ALL_TOPICS, PARTITIONS, REPLICATION)
        assert set(ALL_TOPICS) <= topics_of(bootstrap)

        def tansu_child() -> int | None:
            found = [
                pid
                for pid in children(parent.pid)
                if alive(pid) and "tansu" in Path(f"/proc/{pid}/cmdline").read_text()
            ]
            return found[0] if found else None

        first = wait_for(tansu_child, 30, "the tansu child")
        subprocess.run(["kill", "-9", str(first)], check=True)
        second = wait_for(
            lambda: (pid := tansu_child()) not in (None, first) and pid, 60, "a new tansu child"
        )
        assert second != first
        wait_for_port("127.0.0.1", port, timeout=60)
        # Nothing re-created them: the new broker read them from the S3 server.
        assert set(ALL_TOPICS) <= topics_of(bootstrap)

        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=30) == 0
        wait_for(lambda: not alive(second), 10, "tansu to be gone")
        wait_for(lambda: port_is_free(s3_port), 10, "the S3 server to be gone")
    finally:
        if parent.poll() is None:
            parent.kill()


def bump_watermarks(s3: S3Server, topic: str, by: int) -> list[int]:
    """Leave what a broker killed between its two writes of a produce leaves: the partition's
    high watermark moved on (written first), the batch of records never written. Returns the
    new high watermarks."""
    import json

    import boto3  # comes with moto[server]

    env = s3.env()
    client = boto3.client(
        "s3",
        endpoint_url=s3.endpoint,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_DEFAULT_REGION"],
    )
    highs = []
    for partition in range(PARTITIONS):
        key = f"clusters/tansu_cluster/topics/{topic}/partitions/{partition:010d}/watermark.json"
        watermark = json.loads(client.get_object(Bucket=s3.bucket, Key=key)["Body"].read())
        watermark["high"] = (watermark.get("high") or 0) + by
        client.put_object(Bucket=s3.bucket, Key=key, Body=json.dumps(watermark).encode())
        highs.append(watermark["high"])
    return highs


def test_offsets_left_empty_by_a_killed_broker_do_not_stall_the_worker(durable, s3, tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    before.write_text("".join(lines[:250]), encoding="utf-8")
    after.write_text("".join(lines[250:]), encoding="utf-8")
    clock = newest_event_time(SAMPLE)
    expected = totals(embedded_db(SAMPLE, tmp_path / "embedded.duckdb", clock))

    worker = durable.worker("w1", REPUTE_WATCHDOG_NOW=clock.isoformat())
    durable.produce_file(before)
    durable.wait_processed(worker)
    durable.process.send_signal(signal.SIGKILL)
    durable.process.wait(10)
    bump_watermarks(s3, "reviews", 3)
    restart_broker(durable, s3)
    durable.produce_file(after)
    durable.wait_processed(worker, timeout=240)
    # The worker met the holes (and sought back before it counted them done).
    assert worker.metric("repute_rewinds_total", topic="reviews") >= 1
    got = totals(durable.land(tmp_path / "broker.duckdb"))
    assert got == expected, diff(expected, got) + "\n" + worker.tail(30)
