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


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """The dotted names a module imports, relative imports resolved against its package, and
    `from a import b` read as both `a` and `a.b` (b may be a module)."""
    package = list(path.relative_to(root).parts[:-1])
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def dashboard_importers(root: Path = ROOT) -> list[str]:
    """Modules under analytics/, outside the dashboard package, that import the dashboard."""
    dashboard = root / "analytics" / "dashboard"
    return sorted(
        str(path.relative_to(root))
        for path in (root / "analytics").rglob("*.py")
        if not path.is_relative_to(dashboard)
        and any(
            name == "analytics.dashboard" or name.startswith("analytics.dashboard.")
            for name in imported_modules(path, root)
        )
    )


def test_the_reader_resolves_relative_and_from_imports(tmp_path: Path) -> None:
    module = tmp_path / "analytics" / "delivery" / "m.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "from analytics import dashboard\nfrom ..dashboard.auth import User\n"
        "from . import outbox\nimport analytics.lake\n"
    )
    assert imported_modules(module, tmp_path) >= {
        "analytics.dashboard",
        "analytics.dashboard.auth",
        "analytics.delivery.outbox",
        "analytics.lake",
    }
    assert dashboard_importers(tmp_path) == ["analytics/delivery/m.py"]


def test_nothing_in_analytics_outside_the_dashboard_imports_it() -> None:
    """The dashboard reads what the pipeline landed and is served by `repute dashboard`: the
    sink, lake, reports and alert delivery work without it, so none of them imports it."""
    assert (ROOT / "analytics" / "dashboard" / "__init__.py").exists()
    assert dashboard_importers() == []
