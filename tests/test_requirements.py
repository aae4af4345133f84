"""Every library the app imports at run time comes from ``requirements.txt``.

A fresh ``make run`` installs only that file; a module that happens to be present in the
development environment (pulled in by pytest, say) would work here and fail on a new machine.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_CODE = [ROOT / "app.py", ROOT / "kimadmin", ROOT / "plugins", ROOT / "migrations"]
OWN = {"kimadmin", "plugins", "app", "migrations", "tests"}


def imported_top_level_modules() -> set[str]:
    files = [path for base in RUNTIME_CODE for path in ([base] if base.is_file() else base.rglob("*.py"))]
    modules = set()
    for path in files:
        if "tests" in path.relative_to(ROOT).parts or "testing" in path.relative_to(ROOT).parts:
            continue  # the test kit and the plugins' tests run with requirements-dev.txt
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - OWN - set(sys.stdlib_module_names)


def runtime_distributions() -> set[str]:
    """The distributions ``requirements.txt`` names, with everything they depend on."""
    wanted = [
        Requirement(line.split("#")[0].strip())
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.split("#")[0].strip()
    ]
    seen: set[str] = set()
    while wanted:
        requirement = wanted.pop()
        name = _normal(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(requirement.name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for text in requires:
            dependency = Requirement(text)
            extras = requirement.extras or {""}
            if dependency.marker is None or any(dependency.marker.evaluate({"extra": extra}) for extra in extras):
                wanted.append(dependency)
    return seen


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_runtime_import_is_installed_by_requirements_txt():
    distributions = importlib.metadata.packages_distributions()
    allowed = runtime_distributions()
    missing = {
        module: sorted(distributions.get(module, ["?"]))
        for module in imported_top_level_modules()
        if not any(_normal(dist) in allowed for dist in distributions.get(module, []))
    }
    assert missing == {}, f"imported at run time but not installed by requirements.txt: {missing}"
