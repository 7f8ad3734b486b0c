"""The notifier as a service: `/health` and `/metrics` over HTTP beside the delivery loop.

`repute notify --loop --web-port 9101` runs the delivery loop (`notify_loop`) in the main
thread and a small aiohttp server in a background thread, bound to `--web-host` (default
`REPUTE_WEB_HOST`, else 127.0.0.1, like the worker and the sink):

- `GET /health`: 200 while the loop runs and has made progress within `--stall-after`
  seconds; 503 otherwise, with a JSON body saying why. Progress is a finished pass (sync from
  DuckDB + one drain of the outbox) or a finished send: a long drain of a backlog to a slow
  but working destination is progress, a send that hangs past the bound is not. A stuck loop
  cannot report on itself, so the answer is computed by the server thread from timestamps
  the loop leaves behind (`LoopHealth`).
- `GET /metrics`: the notifier's own Prometheus metrics and nothing else (its own registry,
  as the worker and the sink keep theirs in `streams/metrics.py`):

    repute_notify_sent_total                   alerts delivered (a digest counts each alert)
    repute_notify_messages_total               messages delivered (a digest is one)
    repute_notify_failed_total                 send attempts that failed
    repute_notify_retried_total                send attempts at a message that failed before
    repute_notify_sync_errors_total            passes that could not read DuckDB nor its lake
    repute_notify_backlog                      deliveries pending in the outbox (end of pass)
    repute_notify_destinations_backing_off     destinations waiting out a backoff (end of pass)
    repute_notify_passes_total                 delivery passes finished
    repute_notify_pass_seconds                 time of one pass (histogram)
    repute_notify_last_pass_timestamp_seconds  when the last pass finished (Unix time)

The outbox's SQLite connection belongs to the loop's thread, so the backlog gauges are set when
the loop starts and at the end of each pass rather than read at scrape time.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from analytics.delivery.notify import NotifyRound, notify_loop
from analytics.delivery.outbox import Outbox, Sender

DEFAULT_PORT = 9101


def default_host() -> str:
    return os.environ.get("REPUTE_WEB_HOST") or "127.0.0.1"


def default_port() -> int | None:
    """`REPUTE_NOTIFY_PORT` when set (0 or empty: no server)."""
    value = os.environ.get("REPUTE_NOTIFY_PORT", "").strip()
    return int(value) if value and int(value) > 0 else None


def default_stall_after(interval: float, timeout: float) -> float:
    """A bound no healthy loop comes near: a few sleeps plus two sends that time out."""
    return max(60.0, 3 * interval + 2 * timeout)


# ---------------------------------------------------------------- metrics


class NotifierMetrics:
    """The notifier's metrics in a registry of their own (one per notifier)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.sent = Counter("repute_notify_sent", "alerts delivered", registry=r)
        self.messages = Counter("repute_notify_messages", "messages delivered", registry=r)
        self.failed = Counter("repute_notify_failed", "send attempts that failed", registry=r)
        self.retried = Counter(
            "repute_notify_retried", "send attempts at a message that failed before", registry=r
        )
        self.sync_errors = Counter(
            "repute_notify_sync_errors", "passes that could not read new alerts", registry=r
        )
        self.backlog = Gauge(
            "repute_notify_backlog", "deliveries pending in the outbox", registry=r
        )
        self.backing_off = Gauge(
            "repute_notify_destinations_backing_off",
            "destinations waiting out a backoff",
            registry=r,
        )
        self.passes = Counter("repute_notify_passes", "delivery passes finished", registry=r)
        self.pass_seconds = Histogram(
            "repute_notify_pass_seconds",
            "one delivery pass: sync and drain",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
            registry=r,
        )
        self.last_pass = Gauge(
            "repute_notify_last_pass_timestamp_seconds",
            "when the last delivery pass finished",
            registry=r,
        )

    def record(self, result: NotifyRound, outbox: Outbox, seconds: float) -> None:
        report = result.report
        self.sent.inc(report.sent)
        self.messages.inc(report.messages)
        self.failed.inc(report.failed)
        self.retried.inc(report.retried)
        if result.sync_error:
            self.sync_errors.inc()
        self.backlog.set(outbox.backlog())
        self.backing_off.set(report.backing_off)
        self.passes.inc()
        self.pass_seconds.observe(seconds)
        self.last_pass.set_to_current_time()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


# ---------------------------------------------------------------- health


@dataclass
class LoopHealth:
    """What the delivery loop last did, and whether that is recent enough to call it alive.

    The loop calls `loop_started`, `pass_started`, `send_started` / `send_finished`,
    `pass_finished` and `loop_stopped`; the HTTP thread calls `check`. Plain attribute
    writes of floats and strings, read under a lock.
    """

    stall_after: float
    clock: Callable[[], float] = time.monotonic
    running: bool = False
    stopped: str | None = None
    started_at: float | None = None
    passes: int = 0
    pass_started_at: float | None = None
    last_pass_at: float | None = None
    last_send_at: float | None = None
    sending_since: float | None = None
    sends: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def loop_started(self) -> None:
        with self._lock:
            self.running, self.stopped, self.started_at = True, None, self.clock()

    def loop_stopped(self, reason: str) -> None:
        with self._lock:
            self.running, self.stopped = False, reason

    def pass_started(self) -> None:
        with self._lock:
            self.pass_started_at = self.clock()

    def pass_finished(self) -> None:
        with self._lock:
            self.passes += 1
            self.last_pass_at, self.pass_started_at = self.clock(), None

    def send_started(self) -> None:
        with self._lock:
            self.sending_since = self.clock()

    def send_finished(self) -> None:
        with self._lock:
            self.sends += 1
            self.last_send_at, self.sending_since = self.clock(), None

    def check(self) -> tuple[bool, dict[str, Any]]:
        """(healthy, JSON body): why not, or how recent the last progress was."""
        with self._lock:
            now = self.clock()
            body: dict[str, Any] = {"passes": self.passes, "stall_after_seconds": self.stall_after}
            if self.last_pass_at is not None:
                body["last_pass_seconds_ago"] = round(now - self.last_pass_at, 3)
            if not self.running:
                reason = self.stopped or "the delivery loop has not started"
                return False, {"status": "unavailable", "reason": reason, **body}
            marks = [t for t in (self.started_at, self.last_pass_at, self.last_send_at) if t]
            idle = now - max(marks)
            body["progress_seconds_ago"] = round(idle, 3)
            if idle <= self.stall_after:
                return True, {"status": "ok", **body}
            if self.sending_since is not None:
                what = f"a send has been waiting for {now - self.sending_since:.1f} s"
            elif self.pass_started_at is not None:
                what = f"the current pass has run for {now - self.pass_started_at:.1f} s"
            else:
                what = "the loop has not come back from its sleep"
            reason = (
                f"stuck: no pass or send finished for {idle:.1f} s"
                f" (bound {self.stall_after:g} s); {what}"
            )
            return False, {"status": "stuck", "reason": reason, **body}

    def watch(self, send: Sender) -> Sender:
        """`send`, reporting each attempt's start and end."""

        def watched(url: str, title: str, body: str, severity: str) -> bool:
            self.send_started()
            try:
                return send(url, title, body, severity)
            finally:
                self.send_finished()

        return watched


# ---------------------------------------------------------------- the HTTP server


def make_app(health: LoopHealth, metrics: NotifierMetrics) -> web.Application:
    async def get_health(request: web.Request) -> web.Response:
        ok, body = health.check()
        return web.json_response(body, status=200 if ok else 503)

    async def get_metrics(request: web.Request) -> web.Response:
        response = web.Response(body=metrics.exposition())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    app = web.Application()
    app.router.add_get("/health", get_health)
    app.router.add_get("/metrics", get_metrics)
    return app


class ServeError(RuntimeError):
    """The HTTP server could not start (the port is taken, the address is not ours)."""


class HealthServer:
    """The aiohttp app on its own event loop in a daemon thread; `start` raises if it cannot
    bind (a port in use), so the notifier stops with a message instead of running unprobed."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.app, self.host, self.port = app, host, port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="notify-http", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._runner: web.AppRunner | None = None

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._runner = web.AppRunner(self.app, access_log=None)
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, self.host, self.port)
            self._loop.run_until_complete(site.start())
            if self._runner.addresses:
                self.port = self._runner.addresses[0][1]  # the real one when asked for 0
        except BaseException as exc:  # noqa: BLE001 - handed to the starting thread
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def start(self) -> HealthServer:
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise ServeError(f"cannot serve /health on {self.host}:{self.port}: {self._error}")
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextmanager
def serving(
    health: LoopHealth, metrics: NotifierMetrics, host: str, port: int | None
) -> Iterator[HealthServer | None]:
    """The server while the block runs (nothing when `port` is None)."""
    if port is None:
        yield None
        return
    server = HealthServer(make_app(health, metrics), host, port).start()
    try:
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------- the watched loop


def watched_loop(
    outbox: Outbox,
    send: Sender,
    health: LoopHealth,
    metrics: NotifierMetrics,
    db: str | Path | None = None,
    interval: float = 5.0,
    rounds: int | None = None,
) -> Iterable[NotifyRound]:
    """`notify_loop`, leaving behind what `/health` and `/metrics` read."""
    started = [0.0]

    def before() -> None:
        started[0] = time.perf_counter()
        health.pass_started()

    def after(result: NotifyRound) -> None:
        metrics.record(result, outbox, time.perf_counter() - started[0])
        health.pass_finished()

    metrics.backlog.set(outbox.backlog())  # known before the first pass ends (or hangs)
    health.loop_started()
    reason = "the delivery loop ended"
    try:
        yield from notify_loop(
            outbox,
            health.watch(send),
            db,
            interval,
            rounds=rounds,
            on_round=after,
            before_round=before,
        )
    except BaseException as exc:
        reason = f"the delivery loop stopped: {type(exc).__name__}: {exc}"[:300]
        raise
    finally:
        health.loop_stopped(reason)


def health_json(server: HealthServer) -> str:
    return json.dumps({"health": f"{server.url}/health", "metrics": f"{server.url}/metrics"})
