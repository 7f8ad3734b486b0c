"""Peak RSS of `repute run --embedded` at two input lengths: memory must not grow with input.

    python -m benchmarks.embedded_memory [--small 100000] [--large 1000000]

Generates each input with `sample/generate.py` (about 1.25 lines a filler customer) and runs
the embedded runner (`run_embedded` into a DuckDB sink and its lake, as `repute run
--embedded` does) on it in a child process from a fresh database; the child's peak RSS is
read from the kernel (wait4). Records `embedded_peak_rss_mb` (value: the large run, baseline:
the small run; issue #21: at most 50 MB more). Slow: the large run takes as long as the
runner needs for its events; not in `make bench` unless asked for.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.summary import record

REPO = Path(__file__).resolve().parent.parent
LINES_PER_FILLER = 1.25


def generate(lines: int, out: Path) -> int:
    filler = max(1, round(lines / LINES_PER_FILLER))
    command = [sys.executable, str(REPO / "sample" / "generate.py"), "--filler", str(filler)]
    subprocess.run([*command, "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    with out.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def run(source: Path, db: Path) -> None:
    """The child: one embedded run of `source` into a new `db`, as `repute run --embedded`
    does it: DuckDB's memory bounded, the lake published as the run goes and at its end."""
    from analytics.lake import lake_path
    from analytics.sink import DEFAULT_MEMORY_LIMIT, DuckDBSink
    from cli import load_settings
    from streams.embedded import run_embedded

    sink = DuckDBSink(db, memory_limit=DEFAULT_MEMORY_LIMIT)
    lake = lake_path(db)
    sink.publish_to(lake)
    run_embedded(str(source), sink, load_settings(str(REPO / "sample" / "businesses.toml")))
    sink.snapshot(lake)
    sink.close()


def peak_rss_mb(source: Path, db: Path) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of one embedded run in a child process."""
    command = [sys.executable, "-m", "benchmarks.embedded_memory", "--child", str(source), str(db)]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode})")
    return usage.ru_maxrss / 1024, time.perf_counter() - start  # ru_maxrss: kB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100_000, help="lines of the small input")
    parser.add_argument("--large", type=int, default=1_000_000, help="lines of the large input")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run(*args.child)
        return 0
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in (args.small, args.large):
            source = Path(folder) / f"events-{size}.jsonl"
            lines = generate(size, source)
            rss, seconds = peak_rss_mb(source, Path(folder) / f"run-{size}.duckdb")
            source.unlink()
            found[size] = rss
            print(f"{lines:,} lines: peak RSS {rss:,.0f} MB, {lines / seconds:,.0f} lines/s")
    figure = record(
        "embedded_peak_rss_mb",
        found[args.large],
        f"MB peak RSS at {args.large:,} generated lines (baseline: at {args.small:,})",
        found[args.small],
        "<= baseline + 50 MB",
    )
    print(f"peak RSS {figure['value']} MB vs {figure['baseline']} MB (ratio {figure['ratio']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
