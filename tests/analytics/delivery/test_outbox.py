"""The outbox: stored before sent, retried with backoff, delivered once each, in order."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.delivery.notify import (
    NotifyConfig,
    apprise_sender,
    make_policy_for,
    notify_loop,
    open_outbox,
    parse_quiet_hours,
    routes_for,
    sync_from_duckdb,
)
from analytics.delivery.outbox import DeliveryPolicy, Outbox, OutboxError, Route, default_path
from pipeline.alerts import Alert, make_alert
from pipeline.config import BusinessParams, Settings
from streams.broker import free_port

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HOOK = "json://127.0.0.1:{port}/hook"


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def alert(n: int, severity: str = "warning", rule: str = "high_risk_review", **kw) -> Alert:
    fields = {
        "business_id": "shop",
        "created_at": T0 + timedelta(minutes=n),
        "title": f"alert number {n}",
        "explanation": "why",
        "next_step": "what to do",
    }
    fields.update(kw)
    key = fields.pop("dedupe_key", f"cause:{n}")
    return make_alert(rule=rule, severity=severity, dedupe_key=key, **fields)


class Receiver:
    """A webhook receiver on loopback that can be down (not listening) and come up later."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[dict] = []
        self.server: ThreadingHTTPServer | None = None

    def up(self) -> None:
        messages = self.messages

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                messages.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def alert_ids(self) -> list[str]:
        """Alert ids in the order they arrived (a digest carries several)."""
        return [
            i for m in self.messages for i in re.findall(r"[Aa]lert ([0-9a-f]{16})", m["message"])
        ]


@pytest.fixture
def receiver():
    r = Receiver(free_port())
    yield r
    r.down()


def make_outbox(path: Path, urls: list[str], clock: Clock, **policy: object) -> Outbox:
    return Outbox(
        path,
        router=lambda a: [Route(u) for u in urls],
        policy_for=lambda b: DeliveryPolicy(**policy),
        clock=clock,
    )


# ---------------------------------------------------------------- down, then up


def test_receiver_down_then_up_every_alert_once_in_order(tmp_path, receiver):
    clock = Clock()
    url = HOOK.format(port=receiver.port)
    box = make_outbox(tmp_path / "o.sqlite", [url], clock)
    send = apprise_sender(timeout=2)
    created = [alert(n, "critical" if n % 3 == 0 else "warning") for n in range(6)]
    assert box.enqueue(created) == 6

    first = box.drain(send)  # receiver down: the head fails, the rest wait behind it
    assert (first.sent, first.failed) == (0, 1)
    clock.advance(seconds=10)
    assert box.drain(send).backing_off == 1  # inside the 30 s backoff: no attempt at all
    clock.advance(seconds=25)
    assert box.drain(send).failed == 1  # second failure: next try 60 s later
    assert box.next_due() == clock.now + timedelta(seconds=60)

    receiver.up()
    clock.advance(seconds=61)
    report = box.drain(send)
    assert report.sent == 6
    assert receiver.alert_ids() == [a.alert_id for a in created]

    # Nothing is sent twice: another drain, a replay, and a restart of the outbox.
    assert box.drain(send).sent == 0
    assert box.enqueue(created) == 0
    box.close()
    reopened = make_outbox(tmp_path / "o.sqlite", [url], clock)
    assert reopened.enqueue(created) == 0
    assert reopened.drain(send).sent == 0
    assert receiver.alert_ids() == [a.alert_id for a in created]


def test_a_failure_mid_queue_keeps_the_order(tmp_path):
    clock = Clock()
    box = make_outbox(tmp_path / "o.sqlite", ["x://a"], clock)
    received: list[str] = []
    fail_on = {"alert number 2"}

    def flaky(url, title, body, severity):
        if any(t in title for t in fail_on):
            raise ConnectionError("receiver hiccup")
        received.append(title)
        return True

    box.enqueue([alert(n) for n in range(5)])
    assert box.drain(flaky).sent == 2  # 0 and 1; 2 fails; 3 and 4 must wait behind it
    fail_on.clear()
    clock.advance(seconds=31)
    assert box.drain(flaky).sent == 3
    assert [t.split(": ", 1)[1] for t in received] == [f"alert number {n}" for n in range(5)]


def test_backoff_doubles_and_is_capped_and_never_gives_up(tmp_path):
    clock = Clock()
    box = make_outbox(tmp_path / "o.sqlite", ["x://down"], clock)
    box.enqueue([alert(1)])
    waits = []
    for _ in range(10):
        assert box.drain(lambda *a: False).failed == 1
        due = box.next_due()
        waits.append((due - clock.now).total_seconds())
        clock.now = due
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    assert box.drain(lambda *a: True).sent == 1
    assert box.next_due() is None


# ---------------------------------------------------------------- dedupe and escalation


@pytest.mark.parametrize(
    ("sequence", "expected_sent"),
    [
        pytest.param([("warning", "k")], ["warning"], id="first-time"),
        pytest.param([("warning", "k"), ("warning", "k")], ["warning"], id="same-id-twice"),
        pytest.param(
            [("warning", "k"), ("critical", "k")], ["warning", "critical"], id="escalation"
        ),
        pytest.param([("critical", "k"), ("warning", "k")], ["critical"], id="de-escalation"),
        pytest.param(
            [("warning", "k"), ("warning", "other")], ["warning", "warning"], id="two-causes"
        ),
    ],
)
def test_outbox_dedupes_by_id_and_cause(tmp_path, sequence, expected_sent):
    box = make_outbox(tmp_path / "o.sqlite", ["x://a"], Clock())
    sent = []
    for severity, key in sequence:
        box.enqueue([alert(1, severity, dedupe_key=key)])
    box.drain(lambda url, title, body, severity: sent.append(severity) or True)
    assert sent == expected_sent


# ---------------------------------------------------------------- quiet hours, digest


def test_quiet_hours_hold_warnings_but_not_critical(tmp_path):
    night = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)  # 23:30 in Warsaw
    clock = Clock(night)
    start, end = parse_quiet_hours("22:00-07:00")
    box = make_outbox(
        tmp_path / "o.sqlite",
        ["x://a"],
        clock,
        timezone="Europe/Warsaw",
        quiet_start=start,
        quiet_end=end,
    )
    sent: list[str] = []
    box.enqueue([alert(1, "warning"), alert(2, "critical")])
    report = box.drain(lambda u, t, b, s: sent.append(s) or True)
    assert (report.sent, report.held, sent) == (1, 1, ["critical"])
    clock.now = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)  # 07:30 in Warsaw
    assert box.drain(lambda u, t, b, s: sent.append(s) or True).sent == 1
    assert sent == ["critical", "warning"]


def test_low_severity_goes_out_as_one_digest(tmp_path):
    clock = Clock()
    box = make_outbox(tmp_path / "o.sqlite", ["x://a"], clock, digest_every=timedelta(hours=6))
    messages: list[tuple[str, str]] = []
    infos = [alert(n, "info") for n in range(3)]
    box.enqueue([*infos, alert(9, "warning")])
    report = box.drain(lambda u, t, b, s: messages.append((t, b)) or True)
    assert (report.sent, report.held) == (1, 3)  # the warning now, the infos wait
    clock.advance(hours=6)
    report = box.drain(lambda u, t, b, s: messages.append((t, b)) or True)
    assert (report.sent, report.messages) == (3, 1)
    title, body = messages[-1]
    assert title.startswith("[DIGEST] shop: 3")
    assert all(a.alert_id in body for a in infos)
    assert box.drain(lambda *a: True).sent == 0


# ---------------------------------------------------------------- states, listing, routing


def test_ack_and_resolve_from_the_outbox(tmp_path):
    clock = Clock()
    box = make_outbox(tmp_path / "o.sqlite", ["x://down"], clock)
    bad = alert(1, "warning", rule="badly_closed", revenue_at_risk=Decimal("900"))
    spike = alert(2, "critical", rule="negative_spike")
    box.enqueue([spike, bad])
    ranked = box.list_alerts()
    assert [a["alert_id"] for a in ranked] == [bad.alert_id, spike.alert_id]

    box.set_state(bad.alert_id[:6], "acknowledged", by="ola")
    assert box.list_alerts()[0]["state"] == "acknowledged"
    box.set_state(spike.alert_id, "resolved", by="ola")
    assert [a["alert_id"] for a in box.list_alerts()] == [bad.alert_id]
    sent: list[str] = []
    box.drain(lambda u, t, b, s: sent.append(t) or True)
    assert len(sent) == 1 and "alert number 1" in sent[0]  # the resolved one is not paged
    with pytest.raises(OutboxError):
        box.set_state(bad.alert_id, "closed")
    with pytest.raises(OutboxError):
        box.set_state("nope", "resolved")


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        ("info", ["json://all"]),
        ("warning", ["json://all", "json://ops"]),
        ("critical", ["json://all", "json://ops", "tgram://owner"]),
    ],
)
def test_routes_by_minimum_severity(severity, expected):
    params = BusinessParams(
        alert_urls={
            "info": ["json://all"],
            "warning": ["json://ops", "json://all"],
            "critical": ["tgram://owner"],
        }
    )
    assert sorted(r.url for r in routes_for(params, severity)) == sorted(expected)


def test_notify_config_per_business():
    config = NotifyConfig.from_mapping(
        {"quiet_hours": "22:00-07:00", "businesses": {"night-shop": {"quiet_hours": ""}}}
    )
    settings = Settings()
    policy_for = make_policy_for(settings, config)
    assert policy_for("any").quiet_start is not None
    assert policy_for("night-shop").quiet_start is None
    assert policy_for("any").timezone == "Europe/Warsaw"


def test_default_path_sits_next_to_the_db():
    assert default_path("data/repute.duckdb") == Path("data/repute.outbox.sqlite")


# ---------------------------------------------------------------- from the pipeline


def _replay(settings: Settings, box: Outbox) -> int:
    """A fresh pipeline (a restart: no state) replays the sample; alerts go to the outbox."""
    from pipeline.step import Pipeline

    pipeline, added = Pipeline(settings), 0
    with open("sample/events.jsonl", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            facts, _dead = pipeline.process_raw(line, "events.jsonl", str(number))
            added += box.enqueue_facts(facts)
    return added + box.enqueue_facts(pipeline.check_deadlines(pipeline.newest_event_at))


def test_replay_and_restart_of_the_pipeline_send_nothing_twice(tmp_path, receiver):
    from cli import load_settings

    settings = load_settings("sample/businesses.toml")
    url = HOOK.format(port=receiver.port)
    receiver.up()
    box = open_outbox(tmp_path / "o.sqlite", settings, default_urls=[url], clock=Clock())
    assert _replay(settings, box) > 0
    rules = {a["rule"] for a in box.list_alerts()}
    assert {"badly_closed", "negative_spike", "budget_level", "deadline_overdue"} <= rules
    first = list(notify_loop(box, apprise_sender(2), rounds=1, sleep=lambda s: None))[0]
    assert first.report.failed == 0 and first.report.sent > 0
    box.close()

    box = open_outbox(tmp_path / "o.sqlite", settings, default_urls=[url], clock=Clock())
    assert _replay(settings, box) == 0  # the restart makes the same ids: nothing new
    assert box.drain(apprise_sender(2)).sent == 0
    ids = receiver.alert_ids()
    assert len(ids) == len(set(ids)) == first.report.sent


def test_sync_from_duckdb_copies_new_alerts_once(tmp_path):
    from analytics.sink import DuckDBSink
    from pipeline.step import Fact

    db = tmp_path / "x.duckdb"
    sink = DuckDBSink(db)
    created = [alert(n) for n in range(3)]
    sink.add(Fact("alerts", a.alert_id, a.model_dump()) for a in created)
    sink.close()
    box = make_outbox(tmp_path / "o.sqlite", ["x://a"], Clock())
    assert sync_from_duckdb(box, db) == 3
    assert sync_from_duckdb(box, db) == 0
    sent: list[str] = []
    box.drain(lambda u, t, b, s: sent.append(b) or True)
    assert [re.findall(r"Alert (\w+)", b)[0] for b in sent] == [a.alert_id for a in created]


# ---------------------------------------------------------------- the CLI


def test_cli_alerts_ack_resolve_notify(tmp_path, receiver, capsys):
    from analytics.sink import DuckDBSink
    from cli import main
    from pipeline.step import Fact

    db = tmp_path / "x.duckdb"
    bad = alert(1, "critical", rule="badly_closed", revenue_at_risk=Decimal("500"))
    other = alert(2, "warning")
    sink = DuckDBSink(db)
    sink.add(Fact("alerts", a.alert_id, a.model_dump()) for a in (other, bad))
    sink.close()
    common = ["--db", str(db), "--config", "sample/businesses.toml"]

    assert main(["alerts", *common, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [a["alert_id"] for a in listed] == [bad.alert_id, other.alert_id]

    assert main(["resolve", other.alert_id, *common]) == 0
    change = json.loads(capsys.readouterr().out)
    assert change["state"] == "resolved" and change["mirrored_to_duckdb"] is True
    assert main(["ack", "ffffffff", *common]) == 1

    receiver.up()
    url = HOOK.format(port=receiver.port)
    assert main(["notify", *common, "--url", url]) == 0
    rounds = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rounds[0]["sent"] == 1  # the resolved alert is not paged
    assert receiver.alert_ids() == [bad.alert_id]
    assert main(["ack", bad.alert_id[:8], *common, "--by", "ola"]) == 0
    assert json.loads(capsys.readouterr().out)["changed_by"] == "ola"
    assert main(["notify", *common, "--url", url]) == 0
    assert json.loads(capsys.readouterr().out)["sent"] == 0
    assert receiver.alert_ids() == [bad.alert_id]
    assert main(["alerts", *common, "--all", "--json"]) == 0
    states = {a["alert_id"]: a["state"] for a in json.loads(capsys.readouterr().out)}
    assert states == {bad.alert_id: "acknowledged", other.alert_id: "resolved"}


def test_notify_reads_the_snapshot_while_a_writer_holds_the_db(tmp_path):
    from analytics.delivery.notify import notify_once
    from analytics.lake import lake_path
    from analytics.sink import DuckDBSink
    from pipeline.step import Fact

    db = tmp_path / "x.duckdb"
    sink = DuckDBSink(db)  # stays open: the file is held, as by a running pipeline
    created = [alert(n) for n in range(2)]
    sink.add(Fact("alerts", a.alert_id, a.model_dump()) for a in created)
    sink.flush()
    sink.snapshot(lake_path(db))  # the database's own lake: x.duckdb -> x.lake/
    box = make_outbox(tmp_path / "o.sqlite", ["x://a"], Clock())
    sent: list[str] = []
    result = notify_once(box, lambda u, t, b, s: sent.append(b) or True, db)
    sink.close()
    assert result.synced == 2 and result.report.sent == 2
    assert [re.findall(r"Alert (\w+)", b)[0] for b in sent] == [a.alert_id for a in created]


def test_two_notifiers_never_send_the_same_alert(tmp_path):
    clock = Clock()
    first = make_outbox(tmp_path / "o.sqlite", ["x://a"], clock)
    second = make_outbox(tmp_path / "o.sqlite", ["x://a"], clock)
    first.enqueue([alert(n) for n in range(3)])
    inner: list = []

    def send(url, title, body, severity):
        inner.append(second.drain(lambda *a: True))  # a second notifier, mid-send
        return True

    assert first.drain(send).sent == 3
    assert all(r.locked and r.sent == 0 for r in inner)
    assert second.drain(lambda *a: True).sent == 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 3), st.lists(st.booleans(), max_size=6), st.integers(0, 120)),
        min_size=1,
        max_size=12,
    )
)
def test_any_outage_pattern_delivers_each_alert_once_in_order(tmp_path_factory, steps):
    """Alerts arrive in bursts while the receiver flaps (True: up for that attempt) and the
    clock jumps; once it stays up, every alert has arrived exactly once, in creation order."""
    clock = Clock()
    box = make_outbox(tmp_path_factory.mktemp("o") / "o.sqlite", ["x://a", "x://b"], clock)
    created: list[str] = []
    received: dict[str, list[str]] = {"x://a": [], "x://b": []}
    n = 0
    for new, ups, seconds in steps:
        batch = [alert(n + i) for i in range(new)]
        n += new
        box.enqueue(batch)
        created += [a.alert_id for a in batch]
        flaps = iter(ups)

        def flaky(url, title, body, severity, flaps=flaps):
            if not next(flaps, False):
                return False
            received[url].append(re.findall(r"Alert (\w+)", body)[0])
            return True

        box.drain(flaky)
        clock.advance(seconds=seconds)
    for _ in range(20):  # the receiver is up for good; retries fall due
        due = box.next_due()
        if due is not None:
            clock.now = max(clock.now, due)
        box.drain(
            lambda url, t, body, s: (
                received[url].append(re.findall(r"Alert (\w+)", body)[0]) or True
            )
        )
    assert received["x://a"] == created
    assert received["x://b"] == created
