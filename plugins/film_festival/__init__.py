"""Short-film festival (festival film pendek KIM): a regency office's yearly contest for its KIM.

An officer opens an **edition** (theme, level, submission window, duration limits, weighted
criteria), registers the KIM's **films** while the window is open, verifies and nominates them,
assigns **jurors**, who score the nominated films per criterion; the **ranking** (README: tie rule)
is published as core awards (Juara I-III, Harapan I-III by default) on each KIM's record, and
downloaded as XLSX.

Everything comes through the plugin contract (``kimadmin.plugin_api``): the tables (prefix
``film_festival_``, Alembic branch ``film_festival``), the screens, the permissions and the
dashboard card. The package imports nothing heavy at module level, so discovering it costs
nothing; its models load when the host asks for its views.
"""

from __future__ import annotations

from typing import Any

from kimadmin.plugin_api import Manifest, hookimpl

from .i18n import _l

manifest = Manifest(
    name="film_festival",
    version="1.0.0",
    title=_l("Short-film festival"),
    description=_l(
        "Editions with a theme and a submission window, films from the KIM, jury scores per criterion, "
        "and published placings that become awards on each KIM's record."
    ),
)

#: Who may do what by default (administrators change grants on the roles; a restart keeps them).
#: Province staff run the province's own festival (an edition of the province office).
OFFICERS = ("superadmin", "provinsi", "admin_kabupaten", "operator")
ADMINS = ("superadmin", "provinsi", "admin_kabupaten")
READERS = ("superadmin", "provinsi", "admin_kabupaten", "operator")


def permissions() -> dict[str, tuple[str, ...]]:
    from kimadmin.plugin_api import data_permissions

    perms = dict(data_permissions("film_festival.edition"))
    submissions = data_permissions("film_festival.submission")
    for model_perms in (perms, submissions):
        for name in list(model_perms):
            action = name.rsplit(".", 1)[-1]
            if action in ("create", "edit"):
                model_perms[name] = OFFICERS
            elif action == "delete":
                model_perms[name] = ADMINS
    # Viewers do not browse the films: a juror (a viewer by default) sees only the films they judge.
    submissions["film_festival.submission.view"] = READERS
    perms.update(submissions)
    perms.update(
        {
            "film_festival.juror.view": READERS,
            "film_festival.juror.create": OFFICERS,
            "film_festival.juror.delete": OFFICERS,
            # The jury permission: whose users may sit on a jury and score the films of their editions.
            "film_festival.jury.score": ("provinsi", "viewer"),
            "film_festival.result.view": READERS,
            "film_festival.result.publish": OFFICERS,
            "film_festival.result.export": READERS,
        }
    )
    return perms


@hookimpl
def kimadmin_admin_views() -> list[Any]:
    from .views import admin_views

    return admin_views()


@hookimpl
def kimadmin_blueprints() -> list[Any]:
    """A blueprint without routes: it only makes the plugin's templates findable."""
    from flask import Blueprint

    return [Blueprint("film_festival", __name__, template_folder="templates")]


@hookimpl
def kimadmin_permissions() -> dict[str, tuple[str, ...]]:
    return permissions()


@hookimpl
def kimadmin_export_columns(model: type) -> list[Any]:
    """A "Festival films" column in the KIM export (films entered per KIM)."""
    from .export_columns import export_columns

    return export_columns(model)


@hookimpl
def kimadmin_dashboard_widgets(regency: str | None, user: Any) -> list[Any]:
    from .widgets import festival_widgets

    return festival_widgets(user)
