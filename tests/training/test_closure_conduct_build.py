"""`make model` rebuilds the shipped reply-conduct model: same data, same seed, same verdicts.

Slow (it trains the model from the 6,560 training replies, several minutes on 2 cores).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.closure import conduct
from pipeline.closure.grade import rule_cues

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "pipeline" / "closure" / "models" / conduct.MODEL_NAME
REPLIES = ROOT / "tests" / "data" / "closure_replies.jsonl"


def _units(limit: int = 200) -> list[conduct.Units]:
    rows = [json.loads(x) for x in REPLIES.read_text(encoding="utf-8").splitlines()][:limit]
    units = []
    for row in rows:
        _, sentences, courteous = rule_cues(row["reply_text"], row["lang"])
        units.append(conduct.reply_units(sentences, row["lang"], courteous))
    return units


@pytest.mark.slow
def test_make_model_reproduces_the_shipped_verdicts(tmp_path: Path) -> None:
    stem = tmp_path / "conduct"
    subprocess.run(
        [sys.executable, "-m", "training.closure_conduct", "--out", str(stem)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=3600,
    )
    rebuilt = conduct.from_files(f"{stem}.npz", f"{stem}.json")
    shipped = conduct.from_files(f"{SHIPPED}.npz", f"{SHIPPED}.json")
    assert rebuilt.threshold == pytest.approx(shipped.threshold, abs=1e-3)
    assert rebuilt.corroboration == pytest.approx(shipped.corroboration, abs=1e-3)
    units = _units()
    ours, theirs = rebuilt.judge(units), shipped.judge(units)
    assert [v.kind for v in ours] == [v.kind for v in theirs]
    assert np.allclose(
        [v.bad_probability for v in ours], [v.bad_probability for v in theirs], atol=1e-3
    )
