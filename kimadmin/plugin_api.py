"""The public surface for plugin authors: import from here, not from KIM Admin's internals.

Everything a plugin needs — the hook marker, the manifest, the base view, the tenancy mixins, the
core models it may reference, translation helpers — is re-exported here, so the internals can
change without breaking plugins (as CKAN's ``toolkit``). See ``docs/plugins.md``.
"""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext
from flask_login import current_user

from .admin.base import ScopedAjaxLoader, ScopedModelView, neutralise_formula
from .admin.pickers import kim_picker
from .auth.permissions import data_permissions
from .extensions import db
from .hookspecs import PLUGIN_API_VERSION, DashboardWidget, ExportColumn, Manifest, MenuItem, hookimpl
from .models.awards import Award
from .models.choices import AWARD_LEVELS
from .models.kim import Kim
from .models.regions import District, Village
from .models.users import User
from .personal_data import BIRTH_DATE, NIK, PHONE, mask, normalise_phone
from .plugin_i18n import N_, PluginCatalogue
from .tenancy import (
    ProvinceOrRegencyOwned,
    RegencyOwned,
    SharedOrScoped,
    TenantOwned,
    TenantViolation,
    current_scope,
    writable,
)

__all__ = [
    "AWARD_LEVELS",
    "BIRTH_DATE",
    "NIK",
    "N_",
    "PHONE",
    "PLUGIN_API_VERSION",
    "Award",
    "DashboardWidget",
    "District",
    "ExportColumn",
    "Kim",
    "Manifest",
    "MenuItem",
    "PluginCatalogue",
    "PluginModelView",
    "ProvinceOrRegencyOwned",
    "RegencyOwned",
    "ScopedAjaxLoader",
    "SharedOrScoped",
    "TenantOwned",
    "TenantViolation",
    "User",
    "Village",
    "current_scope",
    "current_user",
    "data_permissions",
    "db",
    "gettext",
    "hookimpl",
    "kim_picker",
    "lazy_gettext",
    "mask",
    "neutralise_formula",
    "normalise_phone",
    "writable",
]


class PluginModelView(ScopedModelView):
    """Base of a plugin's admin screens: the core's scoped, permission-checked view.

    Set ``plugin = "<id>"`` and ``permission = "<id>.<model>"``. The host hides the screen and
    answers 404 wherever the plugin is off, whatever base class a view uses. An action with a dot
    names a permission of the plugin's own (``"result.publish"`` -> ``<id>.result.publish``), for
    screens whose buttons need more than the model's view/create/edit/delete.
    """

    plugin: str = ""

    def allowed(self, action: str) -> bool:
        if "." in action:
            return bool(current_user.is_authenticated and current_user.can(f"{self.plugin}.{action}"))
        return super().allowed(action)
