"""The Plugins screen: what is installed, and switching modules on or off for a regency."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.views import reauth_redirect
from ..extensions import db
from ..models.regions import Regency
from ..plugin_manager import PluginError, enabled_plugins, registry
from ..plugin_service import regencies_enabled, set_enabled
from ..tenancy import current_scope


class PluginsView(BaseView):
    """Admins of a regency switch modules for their own regency; a superadmin sees every plugin,
    its status (with the reason of a failure) and in how many regencies it is on."""

    def is_accessible(self) -> bool:
        return bool(current_user.is_authenticated and current_user.can("plugin.manage"))

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    def _target_regency(self) -> str:
        """The regency a switch applies to: the admin's own; a national user names one."""
        scope = current_scope()
        if scope is not None and scope.level == "regency":
            return scope.code
        code = (request.values.get("regency") or "").strip()
        if not code or db.session.get(Regency, code) is None:
            abort(400)
        return code

    @expose("/")
    def index(self) -> str:
        plugins = sorted(registry().records.values(), key=lambda record: record.name)
        return self.render(
            "admin/plugins/index.html",
            plugins=plugins,
            enabled=enabled_plugins(),
            counts=regencies_enabled(),
            national=current_user.role.scope_level == "nation",
        )

    @expose("/confirm/")
    def confirm(self) -> Any:
        record = registry().records.get(request.args.get("plugin", ""))
        action = request.args.get("action")
        if record is None or not record.active or action not in ("enable", "disable"):
            abort(404)
        # Switching modules changes what a whole regency can do: confirm the password first.
        return reauth_redirect() or self.render("admin/plugins/confirm.html", record=record, action=action)

    @expose("/toggle/", methods=("POST",))
    def toggle(self) -> Any:
        plugin = request.form.get("plugin", "")
        action = request.form.get("action")
        record = registry().records.get(plugin)
        if record is None or not record.active or action not in ("enable", "disable"):
            abort(404)
        stale = reauth_redirect(back=url_for(".confirm", plugin=plugin, action=action))
        if stale is not None:
            return stale
        regency = self._target_regency()
        try:
            changed = set_enabled(plugin, regency, action == "enable")
            db.session.commit()
        except PluginError:
            db.session.rollback()
            abort(404)
        except Exception:
            db.session.rollback()
            flash(_("The module could not be switched; nothing was changed."), "error")
            return redirect(url_for(".index"))
        title = str(record.manifest.title) if record.manifest else plugin
        if not changed:
            flash(_("Nothing to change: %(title)s already was like that.", title=title), "info")
        elif action == "enable":
            flash(_("%(title)s is now on for your regency.", title=title), "success")
        else:
            flash(
                _("%(title)s is now off; its data is kept and shows again when it is switched on.", title=title),
                "success",
            )
        return redirect(url_for(".index"))


def plugins_view() -> PluginsView:
    return PluginsView(name=_l("Modules"), endpoint="plugins", category=_l("Settings"))
