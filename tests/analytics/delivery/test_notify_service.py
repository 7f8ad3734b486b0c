"""The notifier's /health and /metrics: a real `repute notify --loop` process, real webhook
receivers on loopback, real HTTP requests. /health is 200 while the loop delivers, 503 while a
send hangs past `--stall-after`, and 200 again once the receiver answers; /metrics counts the
failed attempts, the retry and the delivery, and shows nothing but the notifier's metrics."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from analytics.delivery.outbox import DeliveryPolicy, Outbox, Route, default_path
from analytics.delivery.service import (
    HealthServer,
    LoopHealth,
    NotifierMetrics,
    ServeError,
    make_app,
    watched_loop,
)
from streams.broker import free_port
from tests.analytics.delivery.test_outbox import HOOK, Clock, Receiver, alert

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "sample" / "businesses.toml"


# ---------------------------------------------------------------- helpers


def get(url: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET; an HTTP error status is an answer too."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def samples(text: str) -> dict[str, float]:
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the TCP sockets listening on `port` (IPv4, from /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def wait_for(what: str, check: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (urllib.error.URLError, ConnectionError) as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


class Notifier:
    """`repute notify --loop` in its own process, its /health and /metrics on loopback."""

    def __init__(self, tmp: Path, *args: str, config: Path = CONFIG) -> None:
        self.port = free_port()
        self.db = tmp / "x.duckdb"
        self.log = tmp / "notify.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("REPUTE_")}
        command = [
            sys.executable,
            "-c",
            "import sys, cli; sys.exit(cli.main())",
            "notify",
            "--loop",
            "--db",
            str(self.db),
            "--config",
            str(config),
            "--web-port",
            str(self.port),
            *args,
        ]
        self.out = self.log.open("wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.out, stderr=subprocess.STDOUT
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def health(self) -> tuple[int, dict[str, Any]]:
        status, kind, body = get(f"{self.base}/health")
        assert kind.startswith("application/json")
        return status, json.loads(body)

    def metrics(self) -> dict[str, float]:
        status, kind, body = get(f"{self.base}/metrics")
        assert status == 200 and kind.startswith("text/plain")
        return samples(body)

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.out.close()
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def notifier(tmp_path: Path) -> Iterator[Callable[..., Notifier]]:
    started: list[Notifier] = []

    def start(*args: str, **kw: Any) -> Notifier:
        started.append(Notifier(tmp_path, *args, **kw))
        return started[-1]

    yield start
    for process in started:
        process.stop()


def store_alerts(db: Path, *alerts: Any) -> list[str]:
    """Alerts in the outbox beside `db` with no destination yet: `notify` reroutes them to
    its `--url`, as it does with alerts stored before a destination was configured."""
    with Outbox(default_path(db)) as box:
        box.enqueue(alerts)
    return [a.alert_id for a in alerts]


class HangingReceiver:
    """A webhook that accepts the connection and does not answer until `release()`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.released = threading.Event()
        self.arrived = threading.Event()
        self.messages: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                message = json.loads(self.rfile.read(length))
                receiver.arrived.set()
                receiver.released.wait(60)
                receiver.messages.append(message)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def release(self) -> None:
        self.released.set()

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------- a real notifier process


def test_metrics_count_failures_a_retry_and_the_delivery(tmp_path, notifier):
    """Receiver down: attempts fail (30 ms backoff from the config); receiver up: the retry
    delivers. /health stays 200 throughout (passes finish), /metrics counts it all."""
    config = tmp_path / "businesses.toml"
    config.write_text(
        CONFIG.read_text(encoding="utf-8")
        + "\n[notify]\nbackoff_base_seconds = 0.03\nbackoff_max_seconds = 0.1\n",
        encoding="utf-8",
    )
    receiver = Receiver(free_port())
    url = HOOK.format(port=receiver.port)
    ids = store_alerts(tmp_path / "x.duckdb", alert(1, "critical"))
    process = notifier("--url", url, "--interval", "0.05", "--timeout", "2", config=config)
    try:
        wait_for("a failed attempt", lambda: process.metrics()["repute_notify_failed_total"] >= 1)
        status, body = process.health()
        assert status == 200 and body["status"] == "ok", body
        # REPUTE_WEB_HOST is unset in its environment: loopback only
        assert listening_addresses(process.port) == {"127.0.0.1"}
        before = process.metrics()
        assert before["repute_notify_sent_total"] == 0
        assert before["repute_notify_backlog"] == 1

        receiver.up()
        after = wait_for(
            "the delivery",
            lambda: (m := process.metrics())["repute_notify_sent_total"] == 1 and m,
        )
        assert receiver.alert_ids() == ids
        assert after["repute_notify_messages_total"] == 1
        assert after["repute_notify_retried_total"] >= 1  # the attempt that went through
        assert after["repute_notify_failed_total"] >= 1
        assert after["repute_notify_backlog"] == 0
        assert after["repute_notify_passes_total"] >= 2
        assert after["repute_notify_pass_seconds_count"] == after["repute_notify_passes_total"]
        assert after["repute_notify_last_pass_timestamp_seconds"] > time.time() - 60
        # only the notifier's own metrics: none of the worker's or the sink's
        assert all(name.startswith("repute_notify_") for name in after), sorted(after)
        status, body = process.health()
        assert status == 200 and body["passes"] >= 2
    finally:
        receiver.down()
    log = process.stop()
    assert f'"health": "http://127.0.0.1:{process.port}/health"' in log


def test_health_turns_503_while_a_send_hangs_and_recovers(tmp_path, notifier):
    """The receiver holds the request past --stall-after (2 s; the send timeout is 30 s): the
    loop is stuck in a send and /health says so. Released, the pass ends and /health is 200."""
    hanging = HangingReceiver()
    ids = store_alerts(tmp_path / "x.duckdb", alert(1, "critical"))
    url = HOOK.format(port=hanging.port)
    process = notifier("--url", url, "--interval", "0.2", "--timeout", "30", "--stall-after", "2")
    try:
        wait_for("the send to reach the receiver", lambda: hanging.arrived.is_set())
        status, body = process.health()
        assert status == 200, body  # within the bound: a send may take a while

        status, body = wait_for("503", lambda: (h := process.health())[0] == 503 and h)
        assert body["status"] == "stuck"
        assert "a send has been waiting" in body["reason"] and "bound 2 s" in body["reason"]
        assert body["passes"] == 0 and body["progress_seconds_ago"] > 2
        stuck = process.metrics()  # /metrics still answers while the loop is stuck
        assert stuck["repute_notify_backlog"] == 1 and stuck["repute_notify_sent_total"] == 0

        hanging.release()
        wait_for("200 again", lambda: process.health()[0] == 200)
        done = wait_for(
            "the delivery counted", lambda: process.metrics()["repute_notify_sent_total"]
        )
        assert done == 1
        assert [m["message"].count(ids[0]) for m in hanging.messages] == [1]
        assert process.metrics()["repute_notify_backlog"] == 0
    finally:
        hanging.close()
    process.stop()


def test_stall_bound_must_exceed_the_interval(tmp_path):
    from cli import main

    db = str(tmp_path / "x.duckdb")
    args = ["notify", "--loop", "--db", db, "--config", str(CONFIG), "--interval", "5"]
    assert main([*args, "--stall-after", "5"]) == 2


def test_a_taken_port_stops_the_notifier_with_a_message(tmp_path, notifier, capsys):
    from cli import main

    first = notifier("--interval", "0.2")
    wait_for("the first notifier", lambda: first.health()[0] == 200)
    db = str(tmp_path / "y.duckdb")
    argv = ["notify", "--loop", "--db", db, "--config", str(CONFIG)]
    assert main([*argv, "--web-port", str(first.port), "--web-host", "127.0.0.1"]) == 1
    assert "cannot serve /health on 127.0.0.1" in capsys.readouterr().err


# ---------------------------------------------------------------- the parts, in process


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_loop_health_reports_why_it_is_not_healthy():
    ticks = Ticks()
    health = LoopHealth(stall_after=10, clock=ticks)
    ok, body = health.check()
    assert not ok and body["reason"] == "the delivery loop has not started"

    health.loop_started()
    ticks.now += 9
    assert health.check()[0]  # no pass yet, but within the bound since the start
    health.pass_started()
    health.send_started()
    ticks.now += 2
    ok, body = health.check()
    assert (
        not ok
        and body["status"] == "stuck"
        and "a send has been waiting for 2.0 s" in (body["reason"])
    )
    health.send_finished()  # a finished send is progress: a long drain is not stuck
    assert health.check()[0]
    ticks.now += 11
    ok, body = health.check()
    assert not ok and "the current pass has run for 13.0 s" in body["reason"]
    health.pass_finished()
    ok, body = health.check()
    assert ok and body["passes"] == 1 and body["last_pass_seconds_ago"] == 0
    ticks.now += 10.5
    ok, body = health.check()
    assert not ok and "has not come back from its sleep" in body["reason"]

    health.loop_stopped("the delivery loop stopped: OperationalError: disk I/O error")
    ok, body = health.check()
    assert not ok and body["status"] == "unavailable" and "disk I/O" in body["reason"]


def test_watched_loop_reports_a_loop_that_died(tmp_path):
    health, metrics = LoopHealth(stall_after=60), NotifierMetrics()
    box = Outbox(tmp_path / "o.sqlite", router=lambda a: [Route("x://a")], clock=Clock())
    box.enqueue([alert(1), alert(2)])

    def broken(url: str, title: str, body: str, severity: str) -> bool:
        raise KeyboardInterrupt  # anything the outbox does not catch ends the loop

    with pytest.raises(KeyboardInterrupt):
        list(watched_loop(box, broken, health, metrics, interval=0.01, rounds=3))
    ok, body = health.check()
    assert not ok and "KeyboardInterrupt" in body["reason"]
    assert samples(metrics.exposition().decode())["repute_notify_backlog"] == 2
    box.close()


def test_the_outbox_counts_retries_and_its_backlog(tmp_path):
    clock = Clock()
    box = Outbox(
        tmp_path / "o.sqlite",
        router=lambda a: [Route("x://a")],
        policy_for=lambda b: DeliveryPolicy(),
        clock=clock,
    )
    box.enqueue([alert(1), alert(2)])
    assert box.backlog() == 2
    first = box.drain(lambda *a: False)
    assert (first.failed, first.retried) == (1, 0)
    clock.advance(seconds=31)
    second = box.drain(lambda *a: True)
    assert (second.sent, second.retried) == (2, 1)  # alert 1 was tried before, alert 2 not
    assert box.backlog() == 0
    box.close()


def test_the_server_answers_503_before_the_loop_starts_and_refuses_a_taken_port():
    health, metrics = LoopHealth(stall_after=5), NotifierMetrics()
    server = HealthServer(make_app(health, metrics), "127.0.0.1", 0).start()
    try:
        status, kind, body = get(f"{server.url}/health")
        assert status == 503 and json.loads(body)["status"] == "unavailable"
        status, kind, body = get(f"{server.url}/metrics")
        assert status == 200 and "repute_notify_sent_total 0.0" in body
        with pytest.raises(ServeError, match="cannot serve"):
            HealthServer(make_app(health, metrics), "127.0.0.1", server.port).start()
    finally:
        server.stop()
