"""``flask kim plugins revision``: a plugin's migrations on its own branch, in its own folder.

A plugin is generated into a temporary folder (the scaffold) and its migrations removed; the
command then runs as a developer runs it, in a child ``flask`` process loading the plugin through
``KIMADMIN_EXTRA_PLUGINS`` (its model never joins this process's metadata), against a scratch
SQLite database. The first revision must start the branch and depend on the core's head(s); later
ones must continue it; every file must be lint-clean as written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from kimadmin.scaffold.revisions import core_heads

REPO = Path(__file__).resolve().parents[1]
PLUGIN = "rev_probe"


def load(path: Path) -> dict:
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - a file the test generated
    return namespace


def core_heads_on_disk() -> set[str]:
    revisions, parents = set(), set()
    for path in (REPO / "migrations" / "versions").glob("*.py"):
        namespace = load(path)
        revisions.add(namespace["revision"])
        down = namespace["down_revision"]
        parents.update((down,) if isinstance(down, str) else down or ())
    return revisions - parents


class Developer:
    """Runs ``flask --app app ...`` as a plugin developer would, with the plugin on the path."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database = folder / "dev.db"
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("KIMADMIN_")}
        self.env.update(
            {
                "KIMADMIN_ENV": "development",
                "SECRET_KEY": "revision-test",
                "DATABASE_URL": f"sqlite:///{self.database}",
                "KIMADMIN_EXTRA_PLUGINS": PLUGIN,
                "KIMADMIN_PLUGINS": PLUGIN,  # the other plugins of the tree play no part here
                "PYTHONPATH": os.pathsep.join([str(folder), str(REPO)]),
            }
        )

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", str(REPO / "app.py"), *args],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def ok(self, *args: str) -> str:
        result = self.flask(*args)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def tables(self) -> set[str]:
        engine = sa.create_engine(f"sqlite:///{self.database}")
        try:
            return set(sa.inspect(engine).get_table_names())
        finally:
            engine.dispose()


@pytest.fixture
def developer(app, tmp_path) -> Developer:
    """A scaffolded plugin whose migrations folder was removed: no branch yet."""
    result = app.test_cli_runner().invoke(args=["kim", "plugin", "new", PLUGIN, "--path", str(tmp_path)])
    assert result.exit_code == 0, result.output
    shutil.rmtree(tmp_path / PLUGIN / "migrations")
    return Developer(tmp_path)


def test_first_revision_starts_the_branch_and_later_ones_continue_it(developer):
    versions = developer.folder / PLUGIN / "migrations" / "versions"
    developer.ok("db", "upgrade", "heads")  # the core only: the plugin has no revision yet
    assert f"{PLUGIN}_entry" not in developer.tables()

    out = developer.ok("kim", "plugins", "revision", PLUGIN, "-m", "first tables", "--autogenerate")

    first_path = versions / f"{PLUGIN}_0001_first_tables.py"
    assert f"Wrote {first_path}" in out
    first = load(first_path)
    assert first["revision"] == f"{PLUGIN}_0001"
    assert first["down_revision"] is None
    assert first["branch_labels"] == (PLUGIN,)
    depends_on = first["depends_on"]
    assert set((depends_on,) if isinstance(depends_on, str) else depends_on) == core_heads_on_disk()
    source = first_path.read_text()
    assert f'op.create_table(\n        "{PLUGIN}_entry"' in source
    assert source.count("op.create_table(") == 1  # only the plugin's own table, no core table
    assert not list((REPO / "migrations" / "versions").glob(f"*{PLUGIN}*"))  # nothing in the core's folder

    developer.ok("db", "upgrade", "heads")
    assert f"{PLUGIN}_entry" in developer.tables()
    nothing = developer.ok("kim", "plugins", "revision", PLUGIN, "-m", "nothing", "--autogenerate")
    assert "no revision written" in nothing and len(list(versions.glob("*.py"))) == 1

    models = developer.folder / PLUGIN / "models.py"
    models.write_text(models.read_text() + "    place: Mapped[str | None] = mapped_column(sa.String(100))\n")
    out = developer.ok("kim", "plugins", "revision", PLUGIN, "-m", "add place", "--autogenerate")

    second_path = versions / f"{PLUGIN}_0002_add_place.py"
    second = load(second_path)
    assert f"Revises {PLUGIN}_0001" in out
    assert second["down_revision"] == f"{PLUGIN}_0001"
    assert not second["branch_labels"] and second["depends_on"] is None
    assert 'add_column(sa.Column("place"' in second_path.read_text()

    out = developer.ok("kim", "plugins", "revision", PLUGIN, "-m", "data fix")  # a hand-written one
    assert load(versions / f"{PLUGIN}_0003_data_fix.py")["down_revision"] == f"{PLUGIN}_0002"

    for lint in (["check"], ["format", "--check"]):  # as written, they pass `make lint`
        ruff = subprocess.run(
            [sys.executable, "-m", "ruff", *lint, str(versions)], cwd=REPO, capture_output=True, text=True, check=False
        )
        assert ruff.returncode == 0, ruff.stdout + ruff.stderr

    developer.ok("db", "upgrade", "heads")
    assert f"{PLUGIN}_0003 (head)" in developer.ok("db", "current")
    developer.ok("db", "downgrade", f"{PLUGIN}@base")
    tables = developer.tables()
    assert f"{PLUGIN}_entry" not in tables and {"kim", "plugin_activation"} <= tables


def test_autogenerate_needs_the_database_at_heads(developer):
    result = developer.flask("kim", "plugins", "revision", PLUGIN, "-m", "too early", "--autogenerate")

    assert result.returncode != 0
    assert "upgrade heads" in result.stderr + result.stdout
    assert not list((developer.folder / PLUGIN / "migrations" / "versions").glob("*.py"))


def test_unknown_or_inactive_plugins_are_refused(developer):
    versions = REPO / "plugins" / "film_festival" / "migrations" / "versions"
    before = set(versions.glob("*.py"))

    unknown = developer.flask("kim", "plugins", "revision", "no_such_plugin", "-m", "x")
    blocked = developer.flask("kim", "plugins", "revision", "film_festival", "-m", "x")  # not allowed here

    assert unknown.returncode != 0 and "No plugin named 'no_such_plugin'" in unknown.stderr
    assert blocked.returncode != 0 and "is blocked" in blocked.stderr
    assert set(versions.glob("*.py")) == before  # no revision written


def write_revision(
    folder: Path, revision: str, down: str | tuple[str, ...] | None, depends_on: str | None = None
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{revision}.py").write_text(
        f"revision = {revision!r}\ndown_revision = {down!r}\nbranch_labels = None\ndepends_on = {depends_on!r}\n"
        "def upgrade():\n    pass\ndef downgrade():\n    pass\n"
    )


def test_several_core_heads_are_all_depended_on(tmp_path):
    """Two core migrations revising the same parent (before the merge): a first plugin revision
    depends on both, which stays true once one merge revision joins them."""
    core, plugin = tmp_path / "versions", tmp_path / "plugin_versions"
    write_revision(core, "0004", None)
    write_revision(core, "0005_a", "0004")
    write_revision(core, "0005_b", "0004")
    write_revision(plugin, "probe_0001", None, depends_on="0005_a")
    shutil.copy(REPO / "migrations" / "script.py.mako", tmp_path)
    script = ScriptDirectory(str(tmp_path), version_locations=[str(core), str(plugin)])

    assert core_heads(script, core) == ("0005_a", "0005_b")

    write_revision(core, "0006_merge", ("0005_a", "0005_b"))
    script = ScriptDirectory(str(tmp_path), version_locations=[str(core), str(plugin)])
    assert core_heads(script, core) == ("0006_merge",)
