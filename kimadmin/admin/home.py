"""The admin home page (the dashboard grows here in the KIM domain issue)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

from ..extensions import db
from ..models.kim import Kim


class HomeView(AdminIndexView):
    def is_accessible(self) -> bool:
        return bool(current_user.is_authenticated)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @expose("/")
    def index(self) -> str:
        counts = {"aktif": 0, "tidak_aktif": 0}
        if current_user.can("kim.view"):
            rows = db.session.execute(sa.select(Kim.status, sa.func.count()).group_by(Kim.status))
            counts.update({status: n for status, n in rows})
        return self.render("admin/home.html", counts=counts, total=sum(counts.values()))
