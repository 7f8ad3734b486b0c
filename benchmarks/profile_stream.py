"""cProfile of `repute worker` on a real broker: where the stream path spends its time.

    python -m benchmarks.profile_stream [--label after] [--filler 3000] [--top 40]

Starts tansu, loads a generated input (`sample/generate.py --filler N`) into the input topics,
runs one `repute worker` under cProfile until its consumer group has committed every input
and business-events offset, stops it (SIGTERM: Faust shuts down and the profile is written)
and writes the top functions by cumulative and by own time to
benchmarks/results/profile_stream_<label>.txt. Start-up (warm-up, group join, table
recovery) is in the profile too: read the agents' rows (`_release`, `_process`, `_score`,
`_account`, `commit`) against each other. Not part of `make bench` (profiling slows the
worker down several times).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.profile_embedded import top_of
from benchmarks.stream_throughput import FAST, INPUT_TOPICS, caught_up, start, stop, wait

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="after")
    parser.add_argument("--filler", type=int, default=3000)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)

    from streams.broker import free_port, start_broker
    from streams.producer import produce_file

    tmp = Path(tempfile.mkdtemp(prefix="stream-profile-"))
    events = tmp / "events.jsonl"
    generate = [sys.executable, "sample/generate.py", "--filler", str(args.filler)]
    subprocess.run([*generate, "--out", str(events)], cwd=REPO, check=True, capture_output=True)
    broker, bootstrap = start_broker(log_file=tmp / "tansu.log")
    prof = tmp / "worker.prof"
    worker = None
    try:
        sent = produce_file(bootstrap, str(events)).sent
        env = {
            **os.environ,
            **FAST,
            "REPUTE_BROKER": f"kafka://{bootstrap}",
            "REPUTE_DATA_DIR": str(tmp / "data"),
            "REPUTE_WATCHDOG_INTERVAL": "60",
            "REPUTE_CONFIG": str(REPO / "sample" / "businesses.toml"),
        }
        command = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "cli"]
        worker = start([*command, "worker", "--web-port", str(free_port())], env, tmp / "w.log")
        started = time.monotonic()
        topics = (*INPUT_TOPICS, "business-events")
        wait(lambda: caught_up(bootstrap, "repute", topics), 1800, "the worker")
        seconds = time.monotonic() - started
        stop(worker)
        worker = None
    finally:
        if worker is not None:
            stop(worker)
        broker.terminate()
        broker.wait(10)
    if not prof.exists():
        raise SystemExit(f"no profile written: see {tmp / 'w.log'}")
    title = (
        f"repute worker on {sent} events (sample/generate.py --filler {args.filler}), tansu,"
        f" one worker under cProfile: {seconds:.0f} s from start to all offsets committed"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"profile_stream_{args.label}.txt"
    out.write_text(top_of(prof, title, args.top), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
