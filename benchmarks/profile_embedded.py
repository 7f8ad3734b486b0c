"""cProfile of `repute run --embedded`: where the embedded runner spends its time.

    python -m benchmarks.profile_embedded [--label after] [--filler 20000] [--top 30]

Profiles two inputs, each in its own process (a fresh start: loading the lexicons, lemmatizers
and models is part of a run): the bundled sample (sample/events.jsonl) and a bigger generated
one (`sample/generate.py --filler N`). Writes the top functions by cumulative and by own time
of each to benchmarks/results/profile_embedded_<label>.txt, with the peak RSS of the run.
Not part of `make bench` (profiling slows the run down several times).
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
SAMPLE = REPO / "sample" / "events.jsonl"


def top_of(prof: Path, title: str, top: int) -> str:
    """The profile's top functions by cumulative and by own time, paths relative to the repo."""
    out = io.StringIO()
    stats = pstats.Stats(str(prof), stream=out)
    out.write(f"== {title}\n")
    for order in ("cumulative", "tottime"):
        out.write(f"\n-- top {top} by {order}\n")
        stats.sort_stats(order).print_stats(top)
    text = out.getvalue().replace(str(REPO) + "/", "")
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def profile_run(source: Path, prof: Path, db: Path) -> float:
    """Run `repute run --embedded` under cProfile in a child process; its peak RSS in MB."""
    repute = Path(sys.executable).parent / "repute"
    command = [sys.executable, "-m", "cProfile", "-o", str(prof), str(repute), "run"]
    command += ["--embedded", str(source), "--db", str(db), "--fresh", "--quiet"]
    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode})")
    return usage.ru_maxrss / 1024  # kB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="after")
    parser.add_argument("--filler", type=int, default=20_000)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    sections = []
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "generated.jsonl"
        subprocess.run(
            [sys.executable, str(REPO / "sample" / "generate.py"), "--filler", str(args.filler)]
            + ["--out", str(big)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        for name, source in (("sample/events.jsonl", SAMPLE), (f"--filler {args.filler}", big)):
            prof = Path(folder) / "run.prof"
            lines = sum(1 for line in source.open(encoding="utf-8") if line.strip())
            rss = profile_run(source, prof, Path(folder) / "run.duckdb")
            title = f"repute run --embedded {name} ({lines} lines; peak RSS {rss:.0f} MB)"
            sections.append(top_of(prof, title, args.top))
    path = RESULTS / f"profile_embedded_{args.label}.txt"
    path.write_text("\n".join(sections), encoding="utf-8")
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
