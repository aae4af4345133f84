"""``flask kim plugin new NAME``: a working plugin to start from, written from the templates here.

The templates (``plugin/**.tmpl``, :class:`string.Template` with ``$name``, ``$title``...) carry a
non-``.py`` suffix so ruff, pytest and babel never treat them as the core's code. What they
generate is the smallest plugin that uses every part of the contract a real one needs — a
``RegencyOwned`` model on its own Alembic branch, a ``PluginModelView`` screen, permissions, a
dashboard card, its own Indonesian catalogue — and tests written with the core's test kit,
including the walker that proves every URL answers 404 where the plugin is off.
"""

from __future__ import annotations

import keyword
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).parent / "plugin"
NAME_PLACEHOLDER = "_name_"
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
MAX_NAME_LENGTH = 30  # table, index and constraint names stay under PostgreSQL's 63 characters
RESERVED = frozenset({"core", "kimadmin", "plugins", "plugin", "tests", "test", "migrations", "admin", "app"})


class ScaffoldError(ValueError):
    """The name or the target folder cannot take a new plugin."""


def validate_name(name: str, taken: set[str], core_names: set[str]) -> None:
    """Refuse a name that is not a lowercase identifier or would collide with what exists.

    ``taken``: plugins already found (any status). ``core_names``: the core's table names and
    blueprint names; a plugin id that prefixes one of them (``kim`` -> ``kim_level``) would make
    the core's autogenerate and gating mistake core objects for the plugin's.
    """
    if not NAME_PATTERN.fullmatch(name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"{name!r} is not a valid plugin id: use lowercase letters, digits and single underscores, "
            "starting with a letter (e.g. bird_count)."
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ScaffoldError(f"{name!r} is longer than {MAX_NAME_LENGTH} characters.")
    if name in RESERVED or name in sys.stdlib_module_names:
        raise ScaffoldError(f"{name!r} is reserved (a core or Python module name); choose another id.")
    if name in taken:
        raise ScaffoldError(f"A plugin named {name!r} is already installed (see `flask kim plugins list`).")
    clash = sorted(core for core in core_names if core == name or core.startswith(f"{name}_"))
    if clash:
        raise ScaffoldError(f"{name!r} would shadow the core's {', '.join(clash[:3])}; choose another id.")


def _python_literal(revisions: tuple[str, ...]) -> str:
    """``"0004"`` or ``("0005", "0006")``, double-quoted as ruff formats it."""
    quoted = [f'"{revision}"' for revision in revisions]
    return quoted[0] if len(quoted) == 1 else f"({', '.join(quoted)})"


def title_of(name: str) -> str:
    return name.replace("_", " ").capitalize()


def render_plugin(name: str, parent: Path, depends_on: tuple[str, ...]) -> list[Path]:
    """Write the plugin ``name`` into ``parent/name``; returns the files written (sorted)."""
    target = parent / name
    if target.exists():
        raise ScaffoldError(f"{target} already exists; nothing was written.")
    values = {
        "name": name,
        "title": title_of(name),
        "depends_on": _python_literal(depends_on),
        "depends_on_text": ", ".join(depends_on),
        "create_date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }
    rendered = []
    for source in sorted(TEMPLATES.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATES).as_posix().replace(NAME_PLACEHOLDER, name).removesuffix(".tmpl")
        rendered.append((target / relative, Template(source.read_text(encoding="utf-8")).substitute(values)))
    for path, text in rendered:  # all rendered first: a template error writes nothing
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(path for path, _text in rendered)


def exclude_from_core_catalogue(babel_cfg: Path, name: str) -> bool:
    """Add ``[ignore: plugins/<name>/**]`` to the core's ``babel.cfg`` (before its extraction
    sections: Babel's first matching section wins). Returns whether the file changed.

    An in-tree plugin keeps its own catalogue; without this, ``make extract-messages`` would copy
    its strings into the core's, and the core's i18n test would fail on them.
    """
    if not babel_cfg.is_file():
        return False
    section = f"[ignore: plugins/{name}/**]"
    lines = babel_cfg.read_text(encoding="utf-8").splitlines(keepends=True)
    if any(line.strip() == section for line in lines):
        return False
    first_extraction = next((i for i, line in enumerate(lines) if re.match(r"\[(python|jinja2):", line)), len(lines))
    lines[first_extraction:first_extraction] = [f"{section}\n", "\n"]
    babel_cfg.write_text("".join(lines), encoding="utf-8")
    return True
