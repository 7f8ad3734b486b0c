"""`make bench`: run every benchmark in turn; each merges its figures into results/summary.json."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# (module, arguments): the sentiment eval reads ../shared/evaldata/dev by default.
BENCHMARKS = [
    ("benchmarks.pipeline_bench", []),
    ("benchmarks.sentiment_eval", []),
    ("benchmarks.sentiment_adaptation", []),  # per-business layer, simulated owners (~3 min)
    ("benchmarks.closure_eval", []),
    ("benchmarks.ledger_bench", []),
    ("benchmarks.alert_latency", []),
    ("benchmarks.stream_throughput", []),
    # lake publish per flush at 100k / 1M history, views at 1M / 10M events (~15 min)
    ("benchmarks.analytics_scale", []),
]


def main() -> int:
    failed = []
    for module, arguments in BENCHMARKS:
        if not (HERE / f"{module.split('.')[-1]}.py").exists():
            print(f"== {module}: not present", flush=True)
            failed.append(module)
            continue
        print(f"== {module}", flush=True)
        if subprocess.run([sys.executable, "-m", module, *arguments], cwd=HERE.parent).returncode:
            failed.append(module)
    print(f"summary: {HERE / 'results' / 'summary.json'}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
