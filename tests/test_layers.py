"""The layers import one way: pipeline/ (pure domain) <- analytics/ <- streams/ <- the command.

Read from the source with `ast`, every import anywhere in a module (also inside functions).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# what each layer must never import
FORBIDDEN = {
    "pipeline": {"analytics", "streams", "cli", "training", "benchmarks", "tools"},
    "analytics": {"streams", "cli", "training", "benchmarks", "tools"},
    "streams": {"cli", "training", "benchmarks", "tools"},
}


def imported_packages(path: Path) -> set[str]:
    """The top-level names a module imports (absolute imports only: relative ones stay in
    their own package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_reader_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import os\n\ndef f():\n    from streams.app import app\n    import cli\n")
    assert imported_packages(module) == {"os", "streams", "cli"}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_only_the_layers_below_it(layer: str) -> None:
    modules = sorted((ROOT / layer).rglob("*.py"))
    assert modules, f"no modules under {layer}/"
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[layer])
        for path in modules
    }
    assert {path: names for path, names in wrong.items() if names} == {}
