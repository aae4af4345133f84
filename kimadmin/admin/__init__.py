"""The admin site: Flask-Admin wired to our scoped base views and templates."""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from ..i18n import TRANSLATIONS_DIR
from ..imports.views import import_view
from ..models.kim import Kim
from ..models.users import User
from ..security import csp_nonce
from ..trash.views import trash_view
from .domain_screens import DOMAIN_VIEWS, SETTINGS_VIEWS
from .home import HomeView
from .kim import KimView
from .plugins import plugins_view
from .regions import REGION_VIEWS
from .users import UserView


def init_app(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="KIM Admin",
        url="/admin",
        index_view=HomeView(name=_l("Home"), url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/kim_base.html", fluid=True),
        translations_path=str(TRANSLATIONS_DIR),
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(KimView(Kim, name=_l("KIM"), endpoint="kim"))
    for view_class, model, label, endpoint, category in DOMAIN_VIEWS:
        admin.add_view(view_class(model, name=label, endpoint=endpoint, category=category))
    region_category = _l("Regions")
    for view_class, model, label, endpoint in REGION_VIEWS:
        admin.add_view(view_class(model, name=label, endpoint=endpoint, category=region_category))
    admin.add_view(UserView(User, name=_l("Users"), endpoint="user", category=_l("Settings")))
    for view_class, model, label, endpoint in SETTINGS_VIEWS:
        admin.add_view(view_class(model, name=label, endpoint=endpoint, category=_l("Settings")))
    admin.add_view(plugins_view())
    admin.add_view(import_view())
    from ..reports import YearEndReportView  # imported here: reports -> exports -> admin.base

    admin.add_view(
        YearEndReportView(name=_l("Year-end report"), endpoint="yearend_report", url="/admin/reports/year-end")
    )
    admin.add_view(trash_view())
    from . import templating

    templating.install(app)
    return admin
