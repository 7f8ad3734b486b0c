"""`make model` rebuilds the shipped sentiment model: same data, same seed, same predictions on
the dev set (../shared/evaldata/dev, which it never trains on).

Slow (it reads ~70,000 corpus rows through the rule engine and fits on them: about ten minutes
on 2 cores).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.sentiment import model, score_text

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "pipeline" / "sentiment" / "models" / model.MODEL_NAME
DEV = ROOT.parent / "shared" / "evaldata" / "dev"


def _dev_rows(per_language: int = 100) -> list[dict]:
    rows = []
    for lang in ("en", "pl", "ru", "uk"):
        lines = (DEV / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()
        rows.extend(json.loads(x) for x in lines[:per_language])
    return rows


@pytest.mark.slow
def test_make_model_reproduces_the_shipped_predictions_on_the_dev_set(tmp_path: Path) -> None:
    assert (ROOT.parent / "shared" / "corpora").is_dir(), (
        "../shared/corpora is missing: the model trains on it (clone beside ../shared)"
    )
    stem = tmp_path / "sentiment"
    subprocess.run(
        [sys.executable, "-m", "training.sentiment_model", "--out", str(stem)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=3600,
    )
    rebuilt = model.from_files(f"{stem}.npz", f"{stem}.json")
    shipped = model.from_files(f"{SHIPPED}.npz", f"{SHIPPED}.json")
    assert rebuilt.linear.card["blend"] == shipped.linear.card["blend"]
    rows = _dev_rows()
    texts, langs = [r["text"] for r in rows], [r["lang"] for r in rows]
    scores = [score_text(t, lang) for t, lang in zip(texts, langs, strict=True)]
    ours, theirs = rebuilt.predict(texts, langs, scores), shipped.predict(texts, langs, scores)
    assert [max(p, key=p.get) for p in ours] == [max(p, key=p.get) for p in theirs]
    assert np.allclose([p["neg"] for p in ours], [p["neg"] for p in theirs], atol=1e-3)
