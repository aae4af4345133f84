"""``flask kim plugin new``: names are checked, and what it writes is a plugin whose own tests pass.

The generated plugin is never imported into this process (its model would join the shared
metadata of the suite): its tests run in a child pytest that loads it through
``KIMADMIN_EXTRA_PLUGINS`` from a temporary folder, against a database of its own (a SQLite file,
or a scratch PostgreSQL database beside ``TEST_DATABASE_URL``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
NAME = "bird_count"
EXPECTED_FILES = {
    "__init__.py",
    "i18n.py",
    "models.py",
    "views.py",
    "widgets.py",
    "README.md",
    "templates/bird_count/widget.html",
    "translations/id/LC_MESSAGES/bird_count.po",
    "migrations/versions/bird_count_0001_first_tables.py",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/test_bird_count.py",
}


def core_heads_on_disk() -> set[str]:
    """Core revisions no other core revision revises, read from the files themselves."""
    revisions, parents = set(), set()
    for path in (REPO / "migrations" / "versions").glob("*.py"):
        namespace: dict = {}
        exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - the repo's own migrations
        revisions.add(namespace["revision"])
        down = namespace["down_revision"]
        parents.update((down,) if isinstance(down, str) else down or ())
    return revisions - parents


def scaffold(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["kim", "plugin", "new", *args])


@pytest.fixture
def child_database_url(tmp_path) -> Iterator[str]:
    """The child run's own database: it drops and recreates its schema, so never this run's."""
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'child.db'}"
        return
    server = sa.make_url(test_url)
    name = f"{server.database}_gen_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("BirdCount", "not a valid plugin id"),
        ("1birds", "not a valid plugin id"),
        ("bird__count", "not a valid plugin id"),
        ("class", "not a valid plugin id"),
        ("json", "reserved"),
        ("film_festival", "already installed"),
        ("kim", "would shadow the core"),  # kim_level, kim_media... would look like its tables
        ("x" * 31, "longer than 30"),
    ],
)
def test_bad_names_are_refused_and_nothing_is_written(app, tmp_path, name, reason):
    result = scaffold(app, name, "--path", str(tmp_path))

    assert result.exit_code != 0
    assert reason in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(app, tmp_path):
    (tmp_path / NAME).mkdir()

    result = scaffold(app, NAME, "--path", str(tmp_path))

    assert result.exit_code != 0 and "already exists" in result.output
    assert list((tmp_path / NAME).iterdir()) == []


def test_the_scaffold_is_a_plugin_whose_generated_tests_pass(app, tmp_path, child_database_url):
    result = scaffold(app, NAME, "--path", str(tmp_path))

    assert result.exit_code == 0, result.output
    plugin = tmp_path / NAME
    written = {path.relative_to(plugin).as_posix() for path in plugin.rglob("*") if path.is_file()}
    assert written == EXPECTED_FILES
    assert "Next steps" in result.output and f"kim plugins enable {NAME}" in result.output
    assert f"KIMADMIN_EXTRA_PLUGINS={NAME}" in result.output  # how to load it from a folder of its own

    first = (plugin / "migrations" / "versions" / f"{NAME}_0001_first_tables.py").read_text()
    namespace: dict = {}
    exec(compile(first, "first", "exec"), namespace)  # noqa: S102 - the file just generated
    assert namespace["down_revision"] is None and namespace["branch_labels"] == (NAME,)
    depends_on = namespace["depends_on"]
    assert set((depends_on,) if isinstance(depends_on, str) else depends_on) == core_heads_on_disk()

    for lint in (["check"], ["format", "--check"]):  # as `make lint` would see it in plugins/
        ruff = subprocess.run(
            [sys.executable, "-m", "ruff", *lint, "--config", str(REPO / "pyproject.toml"), str(plugin)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        assert ruff.returncode == 0, ruff.stdout + ruff.stderr

    env = {key: value for key, value in os.environ.items() if not key.startswith(("KIMADMIN_", "TEST_DATABASE"))}
    env.update(
        {
            "KIMADMIN_ENV": "testing",
            "KIMADMIN_EXTRA_PLUGINS": NAME,
            # Only the new plugin: this test is about it, not about the other plugins of the tree.
            "KIMADMIN_PLUGINS": NAME,
            "TEST_DATABASE_URL": child_database_url,
            "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)]),
        }
    )
    child = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(plugin / "tests")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    output = child.stdout + child.stderr
    assert child.returncode == 0, output[-4000:]
    passed = re.search(r"(\d+) passed", output)
    assert passed is not None and int(passed.group(1)) >= 8, output[-2000:]


def test_plugins_new_is_the_same_command(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["kim", "plugins", "new", "tide_gauge", "--path", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "tide_gauge" / "migrations" / "versions" / "tide_gauge_0001_first_tables.py").is_file()


def test_an_in_tree_plugin_is_left_out_of_the_core_catalogue(tmp_path):
    """Its strings live in its own catalogue: `make extract-messages` must not copy them."""
    from babel.messages.frontend import parse_mapping_cfg

    from kimadmin.scaffold import exclude_from_core_catalogue

    babel_cfg = tmp_path / "babel.cfg"
    babel_cfg.write_text((REPO / "babel.cfg").read_text())

    assert exclude_from_core_catalogue(babel_cfg, NAME) is True
    assert exclude_from_core_catalogue(babel_cfg, NAME) is False  # once
    with babel_cfg.open() as handle:
        method_map, _options = parse_mapping_cfg(handle)
    patterns = [pattern for pattern, _method in method_map]
    ignored = patterns.index(f"plugins/{NAME}/**")
    assert dict(method_map)[f"plugins/{NAME}/**"] == "ignore"
    assert ignored < patterns.index("plugins/**.py")  # Babel's first matching section wins
