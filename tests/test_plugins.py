"""The plugin framework: discovery, error boundaries, per-regency gating, the Plugins screen."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimadmin import create_app
from kimadmin.models import PluginActivation, Role, role_permission
from kimadmin.plugin_manager import PluginError
from kimadmin.testing import use_test_client
from kimadmin.testing.plugins import assert_plugin_unreachable, disable_plugin, enable_plugin
from tests.plugin_fixtures import good_plugin

FIXTURES = ["good_plugin", "broken_import", "unknown_hook", "needs_missing", "old_api", "bad_view", "twice_named"]


def make_app(app, strict=False, **config):
    extra = ",".join(f"tests.plugin_fixtures.{name}" for name in FIXTURES)
    flask_app = create_app(
        {
            "KIMADMIN_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "plugins",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SESSION_COOKIE_SECURE": False,
            "KIMADMIN_EXTRA_PLUGINS": extra,
            "KIMADMIN_STRICT_PLUGINS": strict,
            **config,
        }
    )
    use_test_client(flask_app)
    return flask_app


@pytest.fixture(scope="module")
def plugin_app(app):
    return make_app(app)


@pytest.fixture
def plugins(plugin_app, db_session):
    """The plugin app inside the test's transaction, with its permissions registered."""
    from kimadmin.auth import permissions

    with plugin_app.app_context():
        permissions.sync(db_session)
        db_session.flush()
        yield plugin_app.extensions["kimadmin_plugins"]


def login(plugin_app, user):
    client = plugin_app.test_client()
    client.login(user.email)
    return client


def test_a_broken_plugin_leaves_the_app_booting_and_is_listed_with_its_reason(plugins):
    status = {name: (record.status, record.reason or "") for name, record in plugins.records.items()}

    assert status["good_plugin"][0] == "active"
    assert status["broken_import"][0] == "failed" and "kimadmin_no_such_dependency" in status["broken_import"][1]
    assert status["unknown_hook"][0] == "failed" and "kimadmin_dashbord_widgets" in status["unknown_hook"][1]
    assert status["needs_missing"][0] == "failed" and "absent_plugin" in status["needs_missing"][1]
    assert status["old_api"][0] == "failed" and "plugin API" in status["old_api"][1]
    assert status["bad_view"][0] == "failed" and "kim_lookalike" in status["bad_view"][1]
    assert status["twice_named"][0] == "failed" and "used twice: twice_named_page" in status["twice_named"][1]


def test_a_refused_plugin_registers_none_of_its_parts(plugin_app):
    assert "kim_lookalike" not in plugin_app.blueprints
    assert "bad_view_api" not in plugin_app.blueprints  # its valid blueprint was not registered either
    assert "twice_named_page" not in plugin_app.blueprints  # not even the first of its two screens


def test_strict_mode_makes_a_broken_plugin_fatal(app):
    with pytest.raises(PluginError):
        make_app(app, strict=True)


def test_the_name_core_is_reserved_for_the_hosts_own_hook_answers(app):
    extra = "core:tests.plugin_fixtures.good_plugin"
    registry = make_app(app, KIMADMIN_EXTRA_PLUGINS=extra).extensions["kimadmin_plugins"]
    assert registry.records["core"].status == "failed" and "reserved" in registry.records["core"].reason


def test_kill_switch_and_allow_list(app):
    blocked = make_app(app, KIMADMIN_DISABLED_PLUGINS="good_plugin").extensions["kimadmin_plugins"]
    assert blocked.records["good_plugin"].status == "blocked"
    allowed = make_app(app, KIMADMIN_PLUGINS="good_plugin").extensions["kimadmin_plugins"]
    assert allowed.records["good_plugin"].active
    assert allowed.records["unknown_hook"].status == "blocked"


def test_a_blocked_or_failed_plugins_migrations_stay_locatable(app):
    """Its revisions are in ``alembic_version``: without its folder every ``flask db`` command stops."""
    import flask_migrate

    blocked = make_app(app, KIMADMIN_DISABLED_PLUGINS="film_festival")
    registry = blocked.extensions["kimadmin_plugins"]

    assert registry.records["film_festival"].status == "blocked"
    assert any(path.parts[-3] == "film_festival" for path in registry.migration_dirs())
    with blocked.app_context():
        flask_migrate.upgrade(revision="heads")  # already there: finds every revision, changes nothing


def test_plugin_is_unreachable_where_disabled_and_works_where_enabled(plugin_app, plugins, karanganyar, wonosobo):
    enable_plugin("good_plugin", "33.07")
    on = login(plugin_app, wonosobo.operator)
    off = login(plugin_app, karanganyar.operator)

    assert on.get("/admin/good-plugin-page/").status_code == 200
    assert on.get("/good-plugin/ping").get_json() == {"pong": True}
    assert on.get("/good-plugin/inner/secret").status_code == 200  # a blueprint nested in the plugin's
    on_home, off_home = on.get("/admin/").get_data(as_text=True), off.get("/admin/").get_data(as_text=True)
    assert "/admin/good-plugin-page/" in on_home  # its screen in the menu
    assert "Good plugin help" in on_home  # and its extra menu link (kimadmin_menu_items)
    assert assert_plugin_unreachable(plugin_app, off, "good_plugin") >= 3
    assert off.get("/good-plugin/inner/secret").status_code == 404
    assert "/admin/good-plugin-page/" not in off_home and "Good plugin help" not in off_home


def test_disabling_keeps_data_and_enabling_again_restores_access(plugin_app, plugins, wonosobo, db_session):
    enable_plugin("good_plugin", "33.07")
    client = login(plugin_app, wonosobo.operator)
    disable_plugin("good_plugin", "33.07")

    assert client.get("/good-plugin/ping").status_code == 404
    row = db_session.scalar(sa.select(PluginActivation).where(PluginActivation.regency_code == "33.07"))
    assert row is not None and row.enabled is False

    enable_plugin("good_plugin", "33.07")
    assert client.get("/good-plugin/ping").status_code == 200


def test_admin_switches_a_module_for_own_regency_from_the_screen(plugin_app, plugins, wonosobo, db_session):
    good_plugin.CALLS.clear()
    admin = wonosobo.admin
    client = login(plugin_app, admin)

    page = client.get("/admin/plugins/").get_data(as_text=True)
    assert "Good test module" in page and "1.2.3" in page
    confirm = client.get("/admin/plugins/confirm/?plugin=good_plugin&action=enable")
    assert confirm.status_code == 200
    response = client.post_form(
        "/admin/plugins/toggle/", {"plugin": "good_plugin", "action": "enable", "regency": "33.13"}
    )

    assert response.status_code == 302
    row = db_session.scalar(sa.select(PluginActivation).where(PluginActivation.plugin == "good_plugin"))
    assert (row.regency_code, row.enabled, row.changed_by_id) == ("33.07", True, admin.id)  # own regency only
    assert good_plugin.CALLS == [("enable", "33.07")]


def test_only_admins_manage_modules_and_failed_plugins_cannot_be_switched(plugin_app, plugins, wonosobo):
    assert login(plugin_app, wonosobo.operator).get("/admin/plugins/").status_code == 403
    admin = login(plugin_app, wonosobo.admin)
    response = admin.post_form("/admin/plugins/toggle/", {"plugin": "unknown_hook", "action": "enable"})
    assert response.status_code == 404


def test_plugin_permissions_register_once_and_never_reset_a_revoked_grant(plugins, db_session):
    from kimadmin.auth import permissions

    granted = sa.select(role_permission).where(
        role_permission.c.role_name == "operator", role_permission.c.permission_name == "good_plugin.page.view"
    )
    assert db_session.execute(granted).first() is not None
    db_session.execute(sa.delete(role_permission).where(role_permission.c.permission_name == "good_plugin.page.view"))

    assert permissions.sync(db_session) == 0
    assert db_session.execute(granted).first() is None
    assert db_session.get(Role, "operator") is not None


def test_plugin_commands_come_through_the_cli_hook(plugin_app, plugins):
    result = plugin_app.test_cli_runner().invoke(args=["kim", "good-plugin-hello"])
    assert result.output.strip() == "hello from good_plugin"
    listing = plugin_app.test_cli_runner().invoke(args=["kim", "plugins", "list"])
    assert "good_plugin" in listing.output and "failed" in listing.output


def test_load_order_is_fixed_whatever_the_discovery_order(plugins):
    from kimadmin.plugin_api import Manifest
    from kimadmin.plugin_manager import PluginRecord, _dependency_order

    def record(name, requires=()):
        return PluginRecord(name, "test", manifest=Manifest(name=name, version="1", title=name, requires=requires))

    a, b, c = record("a_mod", ("c_mod",)), record("b_mod"), record("c_mod")
    assert [r.name for r in _dependency_order([a, b, c])] == ["c_mod", "a_mod", "b_mod"]
    assert [r.name for r in _dependency_order([c, b, a])] == ["c_mod", "a_mod", "b_mod"]


def test_switching_a_module_needs_a_recent_password_check(plugin_app, plugins, wonosobo, db_session, fake_clock):
    client = login(plugin_app, wonosobo.admin)
    fake_clock.advance(minutes=25)  # past the re-authentication window, inside the idle timeout

    response = client.post_form("/admin/plugins/toggle/", {"plugin": "good_plugin", "action": "enable"})

    assert response.status_code == 302 and "/reauth" in response.headers["Location"]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(PluginActivation)) == 0


def test_disabling_from_the_screen_calls_the_disable_callback(plugin_app, plugins, wonosobo, db_session):
    enable_plugin("good_plugin", "33.07")
    good_plugin.CALLS.clear()
    client = login(plugin_app, wonosobo.admin)

    response = client.post_form("/admin/plugins/toggle/", {"plugin": "good_plugin", "action": "disable"})

    assert response.status_code == 302
    assert good_plugin.CALLS == [("disable", "33.07")]
    row = db_session.scalar(sa.select(PluginActivation).where(PluginActivation.plugin == "good_plugin"))
    assert row.enabled is False


@pytest.mark.parametrize("action", ["enable", "disable"])
def test_a_failing_callback_leaves_the_switch_as_it_was(plugin_app, plugins, wonosobo, db_session, action):
    if action == "disable":
        enable_plugin("good_plugin", "33.07")
        db_session.commit()  # a savepoint in tests: the screen's rollback must not undo it
    good_plugin.FAIL_ON.add((action, "33.07"))
    try:
        client = login(plugin_app, wonosobo.admin)
        response = client.post_form(
            "/admin/plugins/toggle/", {"plugin": "good_plugin", "action": action}, follow_redirects=True
        )
    finally:
        good_plugin.FAIL_ON.clear()

    assert "nothing was changed" in response.get_data(as_text=True) or "tidak ada yang diubah" in response.get_data(
        as_text=True
    )
    db_session.expire_all()
    row = db_session.scalar(sa.select(PluginActivation).where(PluginActivation.plugin == "good_plugin"))
    assert (row is not None and row.enabled) is (action == "disable")


def test_the_superadmin_sees_every_plugin_its_status_reason_and_regency_count(plugin_app, plugins, db_session):
    from kimadmin.testing.factories import make_user

    enable_plugin("good_plugin", "33.07")
    enable_plugin("good_plugin", "33.13")
    superadmin = make_user("superadmin")
    db_session.flush()

    page = login(plugin_app, superadmin).get("/admin/plugins/").get_data(as_text=True)

    assert "Good test module" in page and "1.2.3" in page
    assert "kimadmin_no_such_dependency" in page  # a failed plugin, with its reason
    assert "twice_named_page" in page
    row = page[page.index("Good test module") :]
    assert ">2<" in row[: row.index("</tr>")].replace(" ", "")  # on in two regencies


def test_operators_switch_plugins_from_the_command_line(plugin_app, plugins, db_session):
    runner = plugin_app.test_cli_runner()

    info = runner.invoke(args=["kim", "plugins", "info", "good_plugin"])
    assert info.exit_code == 0
    assert "version:     1.2.3" in info.output and "good_plugin.page.view" in info.output

    enabled = runner.invoke(args=["kim", "plugins", "enable", "good_plugin", "--regency", "33.07"])
    assert enabled.exit_code == 0 and "33.07" in enabled.output
    row = db_session.scalar(sa.select(PluginActivation).where(PluginActivation.plugin == "good_plugin"))
    assert (row.regency_code, row.enabled) == ("33.07", True)

    disabled = runner.invoke(args=["kim", "plugins", "disable", "good_plugin", "--regency", "33.07"])
    assert disabled.exit_code == 0
    db_session.expire_all()
    assert db_session.get(PluginActivation, row.id).enabled is False

    failed = runner.invoke(args=["kim", "plugins", "enable", "broken_import", "--regency", "33.07"])
    assert failed.exit_code != 0
    unknown = runner.invoke(args=["kim", "plugins", "info", "no_such_plugin"])
    assert unknown.exit_code != 0


def test_the_cores_autogenerate_never_proposes_to_drop_a_plugins_tables(plugin_app, db_session):
    """The database has every plugin's tables; the core's models alone must not look like a drop."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kimadmin.extensions import db
    from kimadmin.plugin_manager import autogenerate_includes

    registry = plugin_app.extensions["kimadmin_plugins"]
    plugin_tables = [t for t in db.metadata.sorted_tables if t.name.startswith(registry.table_prefixes())]
    core = sa.MetaData()
    for table in db.metadata.sorted_tables:
        if table not in plugin_tables:
            table.to_metadata(core)

    def include(obj, name, type_, reflected, compare_to):
        return autogenerate_includes(registry, name, type_)

    context = MigrationContext.configure(db_session.connection(), opts={"include_object": include})
    removed = {diff[1].name for diff in compare_metadata(context, core) if diff[0] == "remove_table"}

    assert plugin_tables and {"film_festival_edition", "workshop_attendance_workshop"} <= {
        t.name for t in plugin_tables
    }
    assert removed == set()
    unfiltered = MigrationContext.configure(db_session.connection())
    assert {diff[1].name for diff in compare_metadata(unfiltered, core) if diff[0] == "remove_table"} >= {
        "film_festival_edition"
    }  # without the filter they would be dropped


def test_plugins_import_only_the_public_api_and_the_test_kit():
    """The contract: a plugin (code and tests, and what the scaffold writes) reaches the core through
    ``kimadmin.plugin_api`` and ``kimadmin.testing`` only, so the internals can change freely."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    folders = [root / "plugins", root / "examples", root / "kimadmin" / "scaffold" / "plugin"]
    imports = re.compile(r"^\s*(?:from|import)\s+(kimadmin(?:\.\w+)*)", re.MULTILINE)
    offenders = [
        f"{path.relative_to(root)}: {module}"
        for folder in folders
        for path in folder.rglob("*.py*")
        for module in imports.findall(path.read_text())
        if not module.startswith(("kimadmin.plugin_api", "kimadmin.testing"))
    ]
    assert offenders == []
