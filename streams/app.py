"""The one Faust app of repute. Topics, tables and agents live in their own modules.

Every setting comes from the environment, with the default shown here; the CLI
(`repute worker --broker ... --web-port ...`) sets the same variables before importing this.

| variable                 | default                | what                                         |
|--------------------------|------------------------|----------------------------------------------|
| REPUTE_BROKER            | kafka://127.0.0.1:9092 | Kafka bootstrap (Faust URL; `;` separates)   |
| REPUTE_APP_ID            | repute                 | consumer group and prefix of changelogs      |
| REPUTE_PARTITIONS        | 4                      | partitions of every topic we declare         |
| REPUTE_REPLICATION       | 1                      | replication factor (3 on a real cluster)     |
| REPUTE_STORE             | memory://              | table store; rocksdb:// in production        |
| REPUTE_DATA_DIR          | data/streams           | Faust data dir (RocksDB files, worker state) |
| REPUTE_WEB_PORT          | 6066                   | worker web server: /metrics, /health         |
| REPUTE_WEB_HOST          | 127.0.0.1              | address the web server and the sink's        |
|                          |                        | metrics listen on (0.0.0.0 in a container)   |
| REPUTE_WEB_ENABLED       | 1                      | 0 = no web server (and no /metrics)          |
| REPUTE_SESSION_TIMEOUT   | 4                      | seconds; tansu holds a join for half of it   |
| REPUTE_REBALANCE_TIMEOUT | 4                      | seconds                                      |
| REPUTE_COMMIT_INTERVAL   | 1.0                    | seconds between offset commits               |
| REPUTE_STANDBY_REPLICAS  | 0                      | standby table copies on other workers        |
| REPUTE_PRODUCER_LINGER   | 0.005                  | seconds the producer gathers a batch         |
| REPUTE_PRODUCER_BATCH    | 1048576                | bytes per producer batch and partition       |
| REPUTE_CONFIG            | sample/businesses.toml | business parameters (TOML)                   |
| REPUTE_WATCHDOG_INTERVAL | 60                     | seconds between deadline checks; 0 = off     |
| REPUTE_WATCHDOG_NOW      | (wall clock)           | fixed ISO time to judge deadlines as of      |
| REPUTE_BATCH_SIZE        | 200                    | events per batch commit (outputs acked, then |
|                          |                        | tables written, then inputs acked)           |
| REPUTE_COMMIT_LINGER     | 0.05                   | seconds a part-full batch may stay open      |
| REPUTE_SCORE_SLICE       | 64                     | released events whose texts are scored in    |
|                          |                        | one `analyze_many` call                      |
| REPUTE_MERGE_WAIT        | 5                      | seconds the replay order waits for a slow    |
|                          |                        | partition before releasing anyway            |
| REPUTE_MERGE_IDLE        | 0.25                   | seconds an event waits while a partition     |
|                          |                        | has nothing buffered (late records)          |
| REPUTE_STALL_PATIENCE    | 15                     | seconds a committed offset may stand still   |
|                          |                        | with messages waiting before a seek back     |

The short session and rebalance timeouts suit a local tansu broker (Faust starts in ~4 s instead
of ~31 s); on a real cluster under load raise them (deploy/README.md).

Processing guarantee: at-least-once. tansu cannot run aiokafka's idempotent/transactional
producer, so `exactly_once` cannot start; exact results come from deduplicating by `event_id`
in the tables and from idempotent upserts in the sink.
"""

from __future__ import annotations

import os
from pathlib import Path

import faust

from pipeline.config import Settings


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


BROKER = _env("REPUTE_BROKER", "kafka://127.0.0.1:9092")
APP_ID = _env("REPUTE_APP_ID", "repute")
PARTITIONS = int(_env("REPUTE_PARTITIONS", "4"))
REPLICATION = int(_env("REPUTE_REPLICATION", "1"))
STORE = _env("REPUTE_STORE", "memory://")
DATA_DIR = Path(_env("REPUTE_DATA_DIR", "data/streams"))
WEB_PORT = int(_env("REPUTE_WEB_PORT", "6066"))
WEB_HOST = _env("REPUTE_WEB_HOST", "127.0.0.1")
WEB_ENABLED = _env("REPUTE_WEB_ENABLED", "1") not in ("0", "false", "no")
SESSION_TIMEOUT = float(_env("REPUTE_SESSION_TIMEOUT", "4"))
REBALANCE_TIMEOUT = float(_env("REPUTE_REBALANCE_TIMEOUT", "4"))
COMMIT_INTERVAL = float(_env("REPUTE_COMMIT_INTERVAL", "1.0"))
STANDBY_REPLICAS = int(_env("REPUTE_STANDBY_REPLICAS", "0"))
PRODUCER_LINGER = float(_env("REPUTE_PRODUCER_LINGER", "0.005"))
PRODUCER_BATCH = int(_env("REPUTE_PRODUCER_BATCH", "1048576"))
CONFIG = _env("REPUTE_CONFIG", "sample/businesses.toml")
WATCHDOG_INTERVAL = float(_env("REPUTE_WATCHDOG_INTERVAL", "60"))
WATCHDOG_NOW = _env("REPUTE_WATCHDOG_NOW", "")

DATA_DIR.mkdir(parents=True, exist_ok=True)

app = faust.App(
    APP_ID,
    broker=BROKER,
    store=STORE,
    datadir=str(DATA_DIR / APP_ID),
    topic_partitions=PARTITIONS,
    topic_replication_factor=REPLICATION,
    processing_guarantee="at_least_once",
    broker_session_timeout=SESSION_TIMEOUT,
    broker_heartbeat_interval=max(0.3, SESSION_TIMEOUT / 6),
    broker_rebalance_timeout=REBALANCE_TIMEOUT,
    broker_commit_interval=COMMIT_INTERVAL,
    consumer_auto_offset_reset="earliest",
    table_standby_replicas=STANDBY_REPLICAS,
    # A worker sends 3-5 messages per event; Faust's defaults (no linger, 16 KiB batches) turn
    # them into many small produce requests.
    producer_linger=PRODUCER_LINGER,
    producer_max_batch_size=PRODUCER_BATCH,
    # Do not hold a rebalance for events in flight: processing is idempotent (dedupe by
    # event_id), and ReplayOrder keeps unacked events buffered, which would stall the rebalance.
    stream_wait_empty=False,
    web_enabled=WEB_ENABLED,
    web_port=WEB_PORT,
    # the address the web server listens on; Faust's `web_host` is only the advertised name
    web_bind=WEB_HOST,
    web_in_thread=False,
    # Faust prints a banner and redirects stdout to logging; keep stdout plain for logs.
    worker_redirect_stdouts=False,
)


def settings() -> Settings:
    return Settings.load(CONFIG if Path(CONFIG).exists() else None)
