"""The plugin's admin screen and its one public route.

Scoping, per-regency gating (404 where the plugin is off) and the permission of each admin
endpoint come from the core; the blueprint's route checks its permission itself.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify
from flask_login import login_required
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms.validators import DataRequired, Length

from kimadmin.plugin_api import PluginModelView, current_user, db, kim_picker

from .i18n import _l
from .models import Greeting

blueprint = Blueprint("hello", __name__, url_prefix="/hello")


class GreetingView(PluginModelView):
    plugin = "hello"
    permission = "hello.greeting"
    list_loader_options = (joinedload(Greeting.kim),)

    column_list = ("kim", "message", "created_at")
    column_searchable_list = ("message",)
    column_default_sort = [("id", True)]
    form_columns = ("kim", "message")
    form_ajax_refs = {"kim": kim_picker()}
    form_args = {
        "kim": {"validators": [DataRequired()]},
        "message": {"validators": [DataRequired(), Length(max=200)]},
    }
    column_labels = {"kim": _l("KIM"), "message": _l("Greeting"), "created_at": _l("Sent at")}


@blueprint.route("/count")
@login_required
def count() -> Response:
    """How many greetings the user's scope holds (the core scopes the query)."""
    if not current_user.can("hello.greeting.view"):
        abort(403)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Greeting)) or 0
    return jsonify({"greetings": total})


def admin_views() -> list[Any]:
    return [
        GreetingView(
            Greeting,
            name=_l("Greetings"),
            endpoint="hello_greeting",
            url="/admin/hello/greeting",
            category=_l("Hello"),
        )
    ]
