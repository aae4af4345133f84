"""Flask extensions, created unbound here and bound in ``create_app``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

# Constraint names must be deterministic so Alembic can alter them (and SQLite batch mode can
# recreate tables) the same way on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class KimSession(FlaskSession):
    """Flask-SQLAlchemy's session, but an explicit ``bind`` wins.

    Flask-SQLAlchemy always picks the engine by bind key; honouring an explicit bind lets the
    test-suite run every test inside one outer transaction that is rolled back afterwards.
    """

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any) -> Any:
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": KimSession})
migrate = Migrate(compare_type=True, render_as_batch=True)


@migrate.configure
def _plugin_version_locations(config: Any) -> Any:
    """Each installed plugin's Alembic branch lives in its own ``migrations/versions`` folder."""
    from flask import current_app

    plugins = current_app.extensions.get("kimadmin_plugins")
    locations = [str(Path(config.get_main_option("script_location")) / "versions")]
    if plugins is not None:
        locations += [str(path) for path in plugins.migration_dirs()]
    config.set_main_option("version_locations", os.pathsep.join(locations))
    return config


def upgrade_to_every_head() -> None:
    """Make a bare ``flask db upgrade`` go to ``heads``, the core and every plugin's branch.

    Alembic's default target is ``head``, which stops with "Multiple head revisions" as soon as
    one plugin has its own branch; an operator following any upgrade guide types the bare
    command. An explicit revision (``flask db upgrade core@head``) still works as before.
    """
    from flask_migrate.cli import upgrade

    for param in upgrade.params:
        if param.name == "revision":
            param.default = "heads"


login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: enforce foreign keys, and let SQLAlchemy (not the driver) open transactions.

    pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINTs; this is SQLAlchemy's
    documented recipe, needed for nested transactions (and the test-suite's rollbacks).
    """
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@sa.event.listens_for(sa.engine.Engine, "begin")
def _sqlite_begin(conn: Any) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")
