"""The image's install steps, without a container daemon: build our wheel from exactly what
deploy/Dockerfile copies, install it into an empty venv, and run the embedded demo from there.

This proves what the image lacked (issue 20): that the wheel alone carries everything a process
scores with (lexicons, models, SQL, templates) and that the Dockerfile copies every file the
build needs. It is offline: the wheel is built with the test environment's setuptools
(`--no-build-isolation --no-index`), and the third-party dependencies, which the image would
download, are lent from the test environment's site-packages by a path entry that does not
carry our own editable install. About a minute.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"

pytestmark = pytest.mark.image


def dockerfile_copies(text: str) -> list[str]:
    """The build-context paths of every `COPY src... dest` (multi-stage `--from` excluded)."""
    sources: list[str] = []
    for line in text.replace("\\\n", " ").splitlines():
        words = shlex.split(line)
        if words and words[0].upper() == "COPY" and not any(w.startswith("--") for w in words):
            sources += words[1:-1]
    return sources


def copy_context(into: Path) -> None:
    for name in dockerfile_copies(DOCKERFILE.read_text(encoding="utf-8")):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, into / name)


def run(*command: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, timeout=300, **kwargs
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


def test_dockerfile_copies_are_parsed() -> None:
    text = "FROM x\nCOPY a b ./\nCOPY --from=build /w /w\nCOPY pipeline pipeline\n"
    assert dockerfile_copies(text) == ["a", "b", "pipeline"]


def test_the_wheel_alone_runs_the_embedded_demo(tmp_path: Path) -> None:
    context, wheels, venv, work = (tmp_path / n for n in ("context", "wheels", "venv", "work"))
    context.mkdir()
    work.mkdir()
    copy_context(context)
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
        "--no-index", "-w", wheels, context, cwd=tmp_path)  # fmt: skip
    (wheel,) = wheels.glob("repute-*.whl")

    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
        "--no-index", wheel)  # fmt: skip
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
                .stdout.strip())  # fmt: skip
    # dependencies only: a plain path entry does not run the .pth files (our editable install)
    (site / "zz_lent_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("REPUTE_", "PYTHON", "VIRTUAL"))
    }
    env["REPUTE_CONFIG"] = str(context / "sample" / "businesses.toml")
    where = run(python, "-c", "import pipeline, cli; print(pipeline.__file__, cli.__file__)",
                cwd=work, env=env)  # fmt: skip
    assert all(path.startswith(str(venv)) for path in where.stdout.split()), where.stdout

    repute = venv / "bin" / "repute"
    run(repute, "check", cwd=work, env=env)
    db = work / "demo.duckdb"
    events = context / "sample" / "events.jsonl"
    run(repute, "run", "--embedded", events, "--db", db, "--quiet", cwd=work, env=env)

    with duckdb.connect(str(db), read_only=True) as con:
        labels = dict(
            con.execute("SELECT label, count(*) FROM reviews_scored GROUP BY label").fetchall()
        )
        rows = con.execute("SELECT DISTINCT lang FROM reviews_scored").fetchall()
    languages = {lang for (lang,) in rows}
    assert labels.get("neg", 0) > 0 and labels.get("pos", 0) > 0, labels
    assert {"pl", "ru", "uk", "en"} <= languages, languages
