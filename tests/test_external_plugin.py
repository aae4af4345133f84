"""The example external plugin (``examples/kimadmin-hello-plugin``), installed with pip as a
fresh clone's ``make test`` installs it: found through its entry point, migrated on its own
branch, gated per regency, scoped to its regency, translated.

Without the package installed these tests fail on purpose (``make test`` installs it; by hand:
``.venv/bin/pip install ./examples/kimadmin-hello-plugin``).
"""

from __future__ import annotations

import importlib.metadata
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from kimadmin import create_app
from kimadmin.extensions import db
from kimadmin.plugin_manager import ENTRY_POINT_GROUP
from kimadmin.testing.factories import KimFactory
from kimadmin.testing.plugins import assert_plugin_unreachable, disable_plugin, enable_plugin

REPO = Path(__file__).resolve().parents[1]
PLUGIN = "hello"
LIST = "/admin/hello/greeting/"
WONOSOBO, KARANGANYAR = "33.07", "33.13"
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
INSTALL = "pip install ./examples/kimadmin-hello-plugin (make test does it)"


@pytest.fixture(scope="module")
def hello_record(app):
    record = app.extensions["kimadmin_plugins"].records.get(PLUGIN)
    assert record is not None, f"the hello plugin is not installed: {INSTALL}"
    return record


def test_it_is_discovered_through_its_entry_point_not_the_tree(hello_record):
    (entry_point,) = [ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name == PLUGIN]

    assert entry_point.value == "kimadmin_hello"
    assert entry_point.dist is not None and entry_point.dist.name == "kimadmin-hello-plugin"
    assert hello_record.status == "active"
    assert hello_record.source == "entry point (kimadmin-hello-plugin)"
    installed = Path(hello_record.module.__file__).resolve()
    assert "site-packages" in installed.parts  # an installed copy (non-editable)...
    assert REPO / "examples" not in installed.parents and REPO / "plugins" not in installed.parents  # not the tree
    assert hello_record.migrations_dir == installed.parent / "migrations" / "versions"


def test_its_branch_is_applied_by_the_upgrade_to_heads(app, db_session):
    with db.engine.connect() as conn:
        heads = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
        columns = {column["name"] for column in sa.inspect(conn).get_columns("hello_greeting")}

    assert "hello_0001" in heads
    assert {"id", "kim_id", "message", "regency_code"} <= columns


def test_its_permissions_are_registered_with_the_default_roles(app, db_session, wonosobo):
    assert wonosobo.operator.can("hello.greeting.create")
    assert wonosobo.viewer.can("hello.greeting.view") and not wonosobo.viewer.can("hello.greeting.create")


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request, tmp_path) -> Iterator[str]:
    """A database of its own for Alembic (never the suite's): a file, or a scratch PostgreSQL one."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    server = sa.make_url(test_url if test_url.startswith("postgresql") else LOCAL_POSTGRES)
    name = f"{server.database}_hello_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_its_branch_downgrades_alone_and_upgrades_again(hello_record, scratch_url):
    scratch = create_app(
        {
            "KIMADMIN_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "scratch",
            "SQLALCHEMY_DATABASE_URI": scratch_url,
            "KIMADMIN_PLUGINS": PLUGIN,  # this plugin's branch and the core, nothing else
        }
    )

    def state() -> tuple[set[str], set[str]]:
        with db.engine.connect() as conn:
            heads = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
            return set(sa.inspect(conn).get_table_names()), heads

    with scratch.app_context():
        try:
            upgrade(revision="heads")
            tables, heads = state()
            assert "hello_greeting" in tables and "hello_0001" in heads

            downgrade(revision="hello@base")
            tables, heads = state()
            assert "hello_greeting" not in tables
            assert {"kim", "regency", "plugin_activation"} <= tables  # the core is untouched
            assert heads and not any(head.startswith("hello") for head in heads)

            upgrade(revision="heads")
            tables, heads = state()
            assert "hello_greeting" in tables and "hello_0001" in heads
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def wonosobo_greeting(hello_record, db_session, wonosobo, karanganyar):
    from kimadmin_hello.models import Greeting

    enable_plugin(PLUGIN, WONOSOBO)
    kim = KimFactory(regency=WONOSOBO, name="KIM Sapa Wonosobo")
    greeting = Greeting(kim=kim, message="Salam dari Wonosobo")
    db_session.add(greeting)
    db_session.flush()
    return greeting


@pytest.mark.parametrize("role", ["operator", "admin_kabupaten", "viewer"])
def test_every_url_answers_404_in_a_regency_where_it_is_off(app, make_client, wonosobo_greeting, karanganyar, role):
    client = make_client(karanganyar.user(role))

    assert assert_plugin_unreachable(app, client, PLUGIN) >= 6  # admin list/new/edit/details/delete..., /hello/count
    home = client.get("/admin/").get_data(as_text=True)
    assert LIST not in home and "/hello/count" not in home


def test_it_works_where_enabled(make_client, wonosobo_greeting, wonosobo, db_session):
    from kimadmin_hello.models import Greeting

    client = make_client(wonosobo.operator)
    kim_id = wonosobo_greeting.kim_id

    page = client.get(LIST).get_data(as_text=True)
    assert "Salam dari Wonosobo" in page and "Sapaan" in page  # its own Indonesian catalogue
    assert client.post_form("/admin/hello/greeting/new/", {"kim": kim_id, "message": "Halo"}).status_code == 302
    created = db_session.scalar(sa.select(Greeting).where(Greeting.message == "Halo"))
    assert created is not None and created.regency_code == WONOSOBO  # derived from the KIM
    assert client.get("/hello/count").get_json() == {"greetings": 2}
    home = client.get("/admin/").get_data(as_text=True)
    assert LIST in home and "/hello/count" in home  # its screen and its menu link


def test_with_it_on_in_both_regencies_each_sees_only_its_own(make_client, wonosobo_greeting, karanganyar, db_session):
    enable_plugin(PLUGIN, KARANGANYAR)
    client = make_client(karanganyar.operator)
    foreign_kim = wonosobo_greeting.kim_id

    assert "Salam dari Wonosobo" not in client.get(LIST).get_data(as_text=True)
    assert client.get(f"/admin/hello/greeting/details/?id={wonosobo_greeting.id}").status_code == 404
    assert client.get("/hello/count").get_json() == {"greetings": 0}
    response = client.post_form("/admin/hello/greeting/new/", {"kim": foreign_kim, "message": "Titipan"})
    assert response.status_code == 200  # the form again: the KIM is not one of theirs
    assert "Titipan" not in set(db_session.scalars(sa.text("SELECT message FROM hello_greeting")))


def test_disabling_keeps_the_greetings(make_client, wonosobo_greeting, wonosobo):
    client = make_client(wonosobo.operator)

    disable_plugin(PLUGIN, WONOSOBO)
    assert client.get(LIST).status_code == 404 and client.get("/hello/count").status_code == 404
    enable_plugin(PLUGIN, WONOSOBO)
    assert "Salam dari Wonosobo" in client.get(LIST).get_data(as_text=True)


def test_a_revision_is_never_written_into_an_installed_copy(app, hello_record):
    from kimadmin.scaffold.revisions import RevisionError, plugin_versions_dir

    with app.app_context(), pytest.raises(RevisionError, match="pip install -e"):
        plugin_versions_dir(PLUGIN)
