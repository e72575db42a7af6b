"""The import rules of docs/ARCHITECTURE.md, read from the source with ``ast``.

Data flows one way (scenario -> build -> engine -> results -> report); a package may import
only what sits upstream of it. Every ``import`` statement counts, including those inside
functions (a lazy import is still a dependency). A known breach is listed in ``ALLOWED``
with the issue that removes it, so that it stays visible instead of weakening a rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "roxham"

#: package -> the roxham packages it must never import (docs/ARCHITECTURE.md, "Who may
#: import whom").
_EVERYTHING_DOWNSTREAM = ("sim", "models", "calibrate", "api", "cli", "report", "store")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "law": _EVERYTHING_DOWNSTREAM,
    "data": _EVERYTHING_DOWNSTREAM,
    "sim": ("models", "calibrate", "api", "cli", "report"),
    "store": ("sim", "models", "calibrate", "api", "cli", "report"),
    "report": ("models", "calibrate", "api", "cli"),
    "models": ("calibrate", "forecast", "api", "cli", "report"),
    "calibrate": ("api", "cli"),
    "metrics": ("sim", "models", "calibrate", "api", "cli", "report", "store"),
    "statforecast": ("law", "data", "sim", "models", "calibrate", "api", "cli", "report",
                     "store", "forecast", "metrics"),
    "forecast": ("api", "cli"),
    "diskcache": ("law", "data", "sim", "models", "calibrate", "api", "cli", "report",
                  "store", "forecast", "metrics", "statforecast"),
    "errors": ("law", "data", "sim", "models", "calibrate", "api", "cli", "report", "store"),
}

#: Known breaches: (importing module, imported package) -> why it is tolerated for now.
#: Each names the issue whose work removes it; delete the entry when that lands.
ALLOWED: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every roxham module named by an import in ``path`` (relative imports resolved)."""
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    return _imports_in(path.read_text(encoding="utf-8"), package)


def _imports_in(text: str, package: str) -> set[str]:
    """Every roxham module named by an import in ``text``, a module of ``package``."""
    tree = ast.parse(text)
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            out.add(target)
            # ``from roxham import sim`` names a package in the alias
            out.update(f"{target}.{alias.name}" for alias in node.names)
    return {m for m in out if m == "roxham" or m.startswith("roxham.")}


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _breaches() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        module = _module_name(path)
        own = _package(module)
        if own is None or own not in FORBIDDEN:
            continue
        for target in sorted(_imports(path)):
            pkg = _package(target)
            if pkg in FORBIDDEN[own]:
                found.setdefault((module, pkg), []).append(target)
    return found


def test_the_scanner_sees_relative_lazy_and_package_imports() -> None:
    """The rule checker itself: it must see each way of writing an import."""
    text = (
        "from __future__ import annotations\n"
        "import roxham.models.canada_us\n"
        "from ..report import run_report\n"
        "from roxham import cli\n"
        "from . import kernel\n"
        "def f():\n"
        "    from roxham.store.rundir import write\n"
    )
    got = {_package(m) for m in _imports_in(text, "roxham.sim")}
    assert got == {"models", "report", "cli", "store", "sim", None}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_upstream(package: str) -> None:
    breaches = {
        key: targets
        for key, targets in _breaches().items()
        if _package(key[0]) == package and key not in ALLOWED
    }
    assert not breaches, (
        f"roxham.{package} imports what docs/ARCHITECTURE.md forbids: "
        + "; ".join(f"{m} -> {', '.join(t)}" for (m, _), t in breaches.items())
    )


def test_every_allowed_breach_still_exists() -> None:
    """An allow-list entry whose breach is gone must be removed (the rule is then enforced)."""
    stale = sorted(set(ALLOWED) - set(_breaches()))
    assert not stale, f"remove these entries from ALLOWED, the imports are gone: {stale}"


def test_nothing_below_the_faces_imports_them() -> None:
    """Only ``api`` and ``cli`` (and the ``roxham`` entry point) may import ``api``/``cli``."""
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        module = _module_name(path)
        own = _package(module)
        if own in (None, "api", "cli", "__main__"):
            continue
        bad += [
            f"{module} -> {t}" for t in sorted(_imports(path)) if _package(t) in ("api", "cli")
        ]
    assert not bad, bad
