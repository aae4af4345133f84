"""Social-media training (pelatihan pengelolaan media sosial): a regency office trains its KIM.

An officer records each **training session** (date, trainer, venue, topics), the **participants**
each KIM sent with their pre- and post-test scores (improvement per person, averages per session),
and afterwards a **follow-up log** of each KIM's social-media accounts (followers and posts per
month on a checked date, drawn as a trend). The follow-up screen lists the trained KIM whose
accounts show no posts three months after the training (the rule: :mod:`.followup`).

Everything comes through the plugin contract (``kimadmin.plugin_api``): the tables (prefix
``socmed_training_``, Alembic branch ``socmed_training``), the screens, the permissions, the
blueprint serving the chart script, and the dashboard card. Nothing heavy is imported at module
level: the models load when the host asks for the views.
"""

from __future__ import annotations

from typing import Any

from kimadmin.plugin_api import Manifest, hookimpl

from .i18n import _l

manifest = Manifest(
    name="socmed_training",
    version="1.0.0",
    title=_l("Social-media training"),
    description=_l(
        "Training sessions with pre- and post-test scores of the KIM participants, a follow-up log of "
        "the KIM's social-media accounts, and the trained KIM that stopped posting."
    ),
)

READERS = ("superadmin", "provinsi", "admin_kabupaten", "operator", "viewer")


def permissions() -> dict[str, tuple[str, ...]]:
    """The usual data permissions of the three tables, and reading the follow-up list."""
    from kimadmin.plugin_api import data_permissions

    perms: dict[str, tuple[str, ...]] = {}
    for model in ("session", "participant", "account_log"):
        perms.update(data_permissions(f"socmed_training.{model}"))
    perms["socmed_training.followup.view"] = READERS
    return perms


@hookimpl
def kimadmin_admin_views() -> list[Any]:
    from .views import admin_views

    return admin_views()


@hookimpl
def kimadmin_blueprints() -> list[Any]:
    """The plugin's templates and its static chart script (gated per regency like every route)."""
    from flask import Blueprint

    return [
        Blueprint(
            "socmed_training",
            __name__,
            template_folder="templates",
            static_folder="static",
            url_prefix="/socmed_training",
        )
    ]


@hookimpl
def kimadmin_permissions() -> dict[str, tuple[str, ...]]:
    return permissions()


@hookimpl
def kimadmin_dashboard_widgets(regency: str | None, user: Any) -> list[Any]:
    from .widgets import training_widgets

    return training_widgets(user)
