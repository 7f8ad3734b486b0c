"""The Chatwoot webhook over real loopback HTTP: a complaint conversation (created, two agent
replies, the customer's answer, resolved) becomes one complaint with its closure graded in
DuckDB through the embedded run; redelivery counts once; a wrong URL or signature is refused.

The payloads follow Chatwoot's documented webhook shapes ("Webhook events": a conversation
event is the conversation plus `event`; a message event is the message with its
`conversation`), trimmed to the fields Chatwoot sends for a web-widget conversation."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.helpdesk import HelpdeskSettings, chatwoot
from streams.helpdesk import HookStore
from streams.ingest_keys import keys_path
from tests.ingest.conftest import Reply, ingest_server
from tests.streams.conftest import embedded_db

CONVERSATION = 4711
T0 = 1_795_000_000  # 2026-11-18, Unix seconds as Chatwoot sends them


def conversation(status: str = "open", labels: tuple[str, ...] = ("reklamacja",)) -> dict:
    return {
        "additional_attributes": {"referer": "https://dobry-sen.example/zamowienia"},
        "can_reply": True,
        "channel": "Channel::WebWidget",
        "id": CONVERSATION,
        "inbox_id": 3,
        "contact_inbox": {"id": 12, "contact_id": 812, "inbox_id": 3, "source_id": "405f1d30"},
        "messages": [],
        "labels": list(labels),
        "meta": {
            "sender": {"id": 812, "name": "Anna K.", "type": "contact"},
            "assignee": {"id": 7, "name": "Marta", "type": "user"},
        },
        "status": status,
        "custom_attributes": {},
        "created_at": T0,
        "timestamp": T0,
        "unread_count": 0,
    }


def conversation_event(event: str, status: str = "open", **extra: Any) -> dict:
    return {**conversation(status), "event": event, **extra}


def message(number: int, kind: str, content: str, at: int, private: bool = False) -> dict:
    agent = {"id": 7, "name": "Marta", "email": "marta@dobry-sen.example", "type": "user"}
    customer = {"id": 812, "name": "Anna K.", "avatar": "", "type": "contact"}
    return {
        "event": "message_created",
        "id": number,
        "content": content,
        "created_at": datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z"),
        "message_type": kind,
        "content_type": "text",
        "private": private,
        "content_attributes": {},
        "source_id": None,
        "sender": agent if kind == "outgoing" else customer,
        "inbox": {"id": 3, "name": "Sklep"},
        "conversation": conversation(),
        "account": {"id": 1, "name": "Dobry Sen"},
    }


COMPLAINT = "The mattress arrived torn and nobody answers my emails. I want my money back."
DELIVERIES = [
    conversation_event("conversation_created"),
    message(9001, "incoming", COMPLAINT, T0 + 10),
    message(
        9002,
        "outgoing",
        "I am sorry about the torn mattress, Anna. I am checking your"
        " order now and will write back today.",
        T0 + 600,
    ),  # fmt: skip
    message(9003, "outgoing", "Internal: courier damaged it", T0 + 700, private=True),
    message(
        9004,
        "outgoing",
        "We have sent a full refund of 1,450 PLN to your card; it will"
        " arrive within 3 working days. A courier will collect the mattress on Friday."
        " Again, I apologise for the trouble.",
        T0 + 3_600,
    ),  # fmt: skip
    message(
        9005, "incoming", "Thank you, the refund arrived. Great service after all!", T0 + 90_000
    ),  # fmt: skip
    conversation_event(
        "conversation_status_changed",
        status="resolved",
        changed_attributes=[{"status": {"previous_value": "open", "current_value": "resolved"}}],
        updated_at=T0 + 90_100.5,
        labels=["reklamacja", "refund"],
    ),
]


def post(url: str, payload: dict, headers: dict[str, str] | None = None) -> Reply:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.headers, exc.read())


def add_hook(db: Path, signing_secret: str | None = None) -> tuple[HookStore, str]:
    hooks = HookStore(keys_path(db))
    settings = HelpdeskSettings(complaint_labels=frozenset({"reklamacja"}))
    _, token = hooks.add("chatwoot", "dobry-sen", settings, signing_secret)
    return hooks, f"/v1/hooks/chatwoot/{token}"


def test_a_chatwoot_conversation_becomes_one_graded_complaint(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    hooks, path = add_hook(db)
    with ingest_server(tmp_path, hooks=hooks) as ingest:
        first = [post(ingest.base + path, payload) for payload in DELIVERIES]
        # created: waits for the customer's words; the private note and the thanks emit nothing
        assert [r.status for r in first] == [200, 202, 202, 200, 202, 200, 202]
        assert first[1].json()["events"][0]["type"] == "complaint.opened"
        # Chatwoot redelivers everything: nothing new is queued
        again = [post(ingest.base + path, payload) for payload in DELIVERIES]
        assert {r.status for r in again} == {200}
        assert all(e["status"] == "duplicate" for r in again for e in r.json()["events"])
        lines = ingest.lines()
    assert [line["type"] for line in lines] == [
        "complaint.opened",
        "complaint.reply",
        "complaint.reply",
        "complaint.closed",
    ]
    opened, closed = lines[0], lines[-1]
    assert opened["text"] == COMPLAINT and opened["customer_id"] == "chatwoot-contact-812"
    assert closed["reply_text"].startswith("We have sent a full refund")
    assert closed["customer_last_message"].startswith("Thank you")
    assert closed["resolution"] == "refund" and closed["handler"] == "Marta"

    landed = embedded_db(ingest.inbox, tmp_path / "landed.duckdb", datetime.now(UTC))
    with duckdb.connect(str(landed), read_only=True) as con:
        rows = con.execute(
            "SELECT type, complaint_id, closure_grade, badly_closed FROM complaint_events"
            " ORDER BY occurred_at"
        ).fetchall()
    assert [r[0] for r in rows] == [t for t in (line["type"] for line in lines)]
    assert {r[1] for r in rows} == {f"chatwoot-{CONVERSATION}"}
    closure = rows[-1]
    assert closure[2] in ("good", "acceptable") and closure[3] is False


def test_a_wrong_hook_url_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    hooks, path = add_hook(db)
    with ingest_server(tmp_path, hooks=hooks) as ingest:
        wrong = path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB")
        refused = post(ingest.base + wrong, DELIVERIES[0])
        assert refused.status == 401 and "hook" in refused.json()["error"]
        assert post(ingest.base + "/v1/hooks/zendesk/x", DELIVERIES[0]).status == 404
        hook_id = path.split("/")[-1].split("_")[1]
        hooks.revoke(hook_id)
        assert post(ingest.base + path, DELIVERIES[0]).status == 401
        assert ingest.lines() == []


def test_a_signed_hook_refuses_unsigned_and_forged_requests(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    hooks, path = add_hook(db, signing_secret="cw-webhook-secret")
    payload = DELIVERIES[1]  # the customer's first message: opens the complaint
    body = json.dumps(payload).encode()
    now = str(int(time.time()))

    def signed(secret: str, stamp: str) -> dict[str, str]:
        signature = "sha256=" + chatwoot.sign(secret, stamp, body)
        return {"X-Chatwoot-Signature": signature, "X-Chatwoot-Timestamp": stamp}

    with ingest_server(tmp_path, hooks=hooks) as ingest:
        url = ingest.base + path
        assert post(url, payload).status == 401
        assert post(url, payload, signed("guessed", now)).status == 401
        stale = str(int(time.time()) - 3_600)
        assert "5 minutes" in post(url, payload, signed("cw-webhook-secret", stale)).json()["error"]
        assert ingest.lines() == []
        assert post(url, payload, signed("cw-webhook-secret", now)).status == 202
        assert [line["type"] for line in ingest.lines()] == ["complaint.opened"]


def test_a_conversation_that_is_not_a_complaint_emits_nothing(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    hooks, path = add_hook(db)
    plain = {**conversation_event("conversation_created"), "labels": ["pytanie"]}
    with ingest_server(tmp_path, hooks=hooks) as ingest:
        reply = post(ingest.base + path, plain)
        assert reply.status == 200 and reply.json()["events"] == []
        ignored = post(ingest.base + path, {"event": "contact_created", "id": 5})
        assert ignored.status == 200 and ignored.json()["status"] == "ignored"
        assert ingest.lines() == []


def test_hook_commands_add_list_and_revoke(tmp_path: Path, capsys) -> None:
    from cli import main

    db = str(tmp_path / "shop.duckdb")
    assert main(["hook", "add", "--db", db, "--business", "dobry-sen"]) == 2  # which ones?
    assert main(["hook", "add", "--db", db, "--business", "dobry-sen", "--label", "Complaint"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("http://127.0.0.1:8090/v1/hooks/chatwoot/wh_")
    token = url.rsplit("/", 1)[1]
    hooks = HookStore(keys_path(db))
    hook = hooks.check("chatwoot", token)
    assert hook is not None and hook.settings.complaint_labels == {"complaint"}
    assert token not in keys_path(db).read_bytes().decode("latin-1")  # only its hash is kept
    assert main(["hook", "list", "--db", db]) == 0
    assert "complaints: label complaint" in capsys.readouterr().out
    assert main(["hook", "revoke", hook.hook_id, "--db", db]) == 0
    assert hooks.check("chatwoot", token) is None
