"""The HTTP ingest API over real loopback HTTP: keys, validation and dead letters, batches,
duplicates, limits, content type, the OpenAPI document, and the inbox log landing in DuckDB
through `repute run --embedded`."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
from hypothesis import given
from hypothesis import strategies as st

from streams.ingest import InboxLog, exact_json, openapi_document, openapi_text
from tests.ingest.conftest import ROOT, Ingest, call, ingest_server, review, sample_events


def test_a_request_without_a_valid_key_is_401(ingest: Ingest) -> None:
    url = f"{ingest.base}/v1/events"
    missing = call(url, review("r1"))
    assert missing.status == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert call(url, review("r1"), key="rk_00000000_" + "x" * 43).status == 401
    assert call(url, review("r1"), key="not-a-key").status == 401
    key_id = ingest.key_a.split("_")[1]
    ingest.keys.revoke(key_id)
    revoked = ingest.post(review("r1"))
    assert revoked.status == 401
    assert "revoked" in revoked.json()["error"]
    assert ingest.lines() == []


def test_a_key_writes_only_its_own_business(ingest: Ingest) -> None:
    other = ingest.post(review("k1", business="knyzhkova-lavka"))
    assert other.status == 403
    assert "dobry-sen" in other.json()["error"]
    # one foreign event refuses the whole batch
    mixed = ingest.post([review("k2"), review("k3", business="knyzhkova-lavka")])
    assert mixed.status == 403 and mixed.json()["indexes"] == [1]
    assert ingest.lines() == []
    assert ingest.post(review("k1", business="knyzhkova-lavka"), key=ingest.key_b).status == 202


def test_a_bad_event_is_400_with_field_reasons_and_a_dead_letter(ingest: Ingest) -> None:
    bad = review("bad-1", occurred_at="2026-11-20T10:00:00", rating=9)
    reply = ingest.post([review("good-1"), bad])
    assert reply.status == 400
    body = reply.json()
    assert body["events"][0]["index"] == 1
    assert body["events"][0]["event_id"] == "bad-1"
    assert body["events"][0]["dead_lettered"] is True
    fields = {e["field"]: e["message"] for e in body["events"][0]["errors"]}
    assert fields["occurred_at"] == "Input should have timezone info"
    assert fields["rating"].startswith("Input should be less than or equal to 5")
    # all or nothing: only the bad event is queued, for the pipeline to dead-letter
    assert [line["event_id"] for line in ingest.lines()] == ["bad-1"]
    # the good event was not accepted: sending it again is new, not a duplicate
    assert ingest.post(review("good-1")).status == 202


def test_a_body_that_is_not_json_is_400(ingest: Ingest) -> None:
    reply = ingest.post(None, raw=b'{"event_id": ')
    assert reply.status == 400 and "not valid JSON" in reply.json()["error"]
    assert ingest.post([]).status == 400
    deep = ingest.post(None, raw=b"[" * 100_000 + b"]" * 100_000)
    assert deep.status == 400 and "nested too deeply" in deep.json()["error"]
    assert ingest.lines() == []


def test_a_batch_is_accepted_with_a_result_per_event(ingest: Ingest) -> None:
    events = sample_events("dobry-sen", 30)
    reply = ingest.post(events)
    assert reply.status == 202
    body = reply.json()
    assert body["accepted"] == 30 and body["duplicates"] == 0
    assert body["queued_to"] == "inbox"
    assert [e["event_id"] for e in body["events"]] == [e["event_id"] for e in events]
    assert ingest.lines() == events  # exactly as sent, in order


def test_the_same_event_twice_is_accepted_once(ingest: Ingest) -> None:
    first = ingest.post(review("d1"))
    assert first.status == 202
    assert first.json() == {
        "index": 0,
        "event_id": "d1",
        "status": "accepted",
        "duplicate": False,
        "queued_to": "inbox",
    }
    again = ingest.post(review("d1"))
    assert again.status == 200 and again.json()["duplicate"] is True
    batch = ingest.post([review("d1"), review("d2"), review("d2")])
    assert batch.status == 202
    assert [e["duplicate"] for e in batch.json()["events"]] == [True, False, True]
    assert [line["event_id"] for line in ingest.lines()] == ["d1", "d2"]
    # another business may use the same id: dedupe is per business
    assert ingest.post(review("d1", business="knyzhkova-lavka"), key=ingest.key_b).status == 202
    changed = ingest.post(review("d1", text="Completely different text"))
    assert changed.status == 409


def test_limits_size_rate_and_content_type(tmp_path: Path) -> None:
    with ingest_server(tmp_path, rate=0.2, burst=3) as ingest:
        huge = review("big", text="x" * 1_100_000)
        too_big = ingest.post(huge)
        assert too_big.status == 413
        assert too_big.headers["Content-Type"].startswith("application/json")
        chunked = _post_chunked(ingest, b"[" + b" " * 1_100_000 + b"]")  # no Content-Length
        assert chunked[0] == 413 and "exceeded" in json.loads(chunked[1])["error"]
        plain = ingest.post(None, raw=json.dumps(review("t1")).encode(), content_type="text/plain")
        assert plain.status == 415
        limited = ingest.post(review("t2"))
        assert limited.status == 429
        assert int(limited.headers["Retry-After"]) >= 1
        # the bucket is per key: the other business's key still writes
        assert ingest.post(review("t3", business="knyzhkova-lavka"), key=ingest.key_b).status == 202
        assert ingest.lines() == [review("t3", business="knyzhkova-lavka")]


def _post_chunked(ingest: Ingest, body: bytes) -> tuple[int, bytes]:
    host, port = ingest.base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        headers = {"Authorization": f"Bearer {ingest.key_a}", "Content-Type": "application/json"}
        chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
        connection.request("POST", "/v1/events", body=chunks, headers=headers, encode_chunked=True)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_every_answer_is_json_never_html(ingest: Ingest) -> None:
    for reply in (
        call(f"{ingest.base}/nowhere"),
        call(f"{ingest.base}/v1/events"),  # GET: 405
        ingest.post(None, raw=b"<html>", content_type="text/html"),
        ingest.post(review("h1")),
    ):
        assert reply.headers["Content-Type"].startswith("application/json"), reply
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert b"<html" not in reply.body.lower()
        assert "error" in reply.json() or reply.status == 202


def test_the_openapi_document_is_served_and_committed(ingest: Ingest) -> None:
    served = call(f"{ingest.base}/v1/openapi.json")
    assert served.status == 200
    assert served.json() == openapi_document()
    committed = (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert committed == openapi_text(), "run: repute ingest --write-openapi docs/openapi.json"
    schemas = served.json()["components"]["schemas"]
    assert {"Review", "ComplaintClosed", "ConcessionGranted", "Event"} <= set(schemas)


def test_an_accepted_event_is_on_disk_before_the_answer(ingest: Ingest) -> None:
    assert ingest.post(review("fs1")).status == 202
    open_segments = list(ingest.inbox.glob("*.jsonl.open"))
    assert len(open_segments) == 1  # not sealed yet, but written and fsynced
    assert json.loads(open_segments[0].read_text(encoding="utf-8"))["event_id"] == "fs1"
    assert list(ingest.inbox.glob("*.jsonl")) == []  # `repute run` reads sealed segments only


def test_a_crashed_segment_is_sealed_without_its_torn_line(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "20261207T100000.000000Z-1.jsonl.open").write_text(
        json.dumps(review("ok")) + '\n{"event_id": "torn', encoding="utf-8"
    )
    InboxLog(folder)
    sealed = folder / "20261207T100000.000000Z-1.jsonl"
    assert sealed.read_text(encoding="utf-8") == json.dumps(review("ok")) + "\n"
    assert list(folder.glob("*.open")) == []


def test_segments_are_sealed_after_their_time(tmp_path: Path) -> None:
    log = InboxLog(tmp_path / "inbox", segment_seconds=0.0)
    first = log.append(['{"a": 1}'])
    second = log.append(['{"a": 2}'])
    assert first != second
    assert first.with_suffix("").exists()  # the first was sealed when the second opened


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_exact_json_keeps_numbers_as_written(value: object) -> None:
    line = exact_json(value)
    assert "\n" not in line
    assert json.loads(line, parse_float=Decimal) == value


def test_the_inbox_lands_in_duckdb_through_the_embedded_run(tmp_path: Path) -> None:
    events = sample_events("dobry-sen", 60)
    with ingest_server(tmp_path) as ingest:
        assert ingest.post(events[:40]).status == 202
        assert ingest.post(events[30:]).json()["duplicates"] == 10
        bad = review("bad-2", occurred_at="2026-11-20T10:00:00")
        assert ingest.post(bad).status == 400
    # the server stopped: its open segment is sealed, and the run reads the folder
    assert list(ingest.inbox.glob("*.jsonl.open")) == []
    db = tmp_path / "landed.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "run", "--embedded", str(ingest.inbox),
         "--db", str(db), "--config", str(ROOT / "sample" / "businesses.toml"), "--quiet"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "61 lines: 60 processed, 0 duplicates ignored, 1 dead-lettered" in run.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        reviews = con.execute("SELECT count(*) FROM reviews_scored").fetchone()[0]
        dead = con.execute("SELECT event_id, reason FROM dead_letters").fetchall()
    assert reviews == sum(1 for e in events if e["type"] == "review")
    assert dead == [("bad-2", "occurred_at: Input should have timezone info")]


def test_key_commands_add_list_and_revoke(tmp_path: Path, capsys) -> None:
    from cli import main
    from streams.ingest_keys import KeyStore, keys_path

    db = str(tmp_path / "shop.duckdb")
    assert main(["ingest", "--db", db]) == 2  # no key yet: refuses to start
    assert main(["key", "add", "--db", db, "--business", "dobry-sen", "--label", "shop"]) == 0
    key = capsys.readouterr().out.strip()
    store = KeyStore(keys_path(db))
    assert keys_path(db) == tmp_path / "shop.keys.sqlite"
    assert store.check(key) is not None
    assert key not in keys_path(db).read_bytes().decode("latin-1")  # only its hash is kept
    key_id = key.split("_")[1]
    assert main(["key", "list", "--db", db]) == 0
    assert capsys.readouterr().out.startswith(f"{key_id}\tdobry-sen\tactive")
    assert main(["key", "revoke", key_id, "--db", db]) == 0
    assert store.check(key) is None
    assert main(["key", "revoke", key_id, "--db", db]) == 1  # already revoked
