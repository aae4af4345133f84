"""What the admin views call: deleting a trashable record moves it to the trash instead."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, flash
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from .protect import TrashRefused
from .service import move_to_trash, trash_days

log = logging.getLogger(__name__)


def delete_to_trash(view: Any, model: Any) -> bool:
    """Flask-Admin's ``delete_model`` for trashable rows: one transaction, errors as messages.

    The view's ``on_model_delete`` is not called: files and attached rows stay until the purge.
    """
    user = current_user._get_current_object() if current_user.is_authenticated else None
    try:
        move_to_trash(model, user)
        db.session.commit()
    except TrashRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return False
    except Exception as exc:
        db.session.rollback()
        if not view.handle_view_exception(exc):
            log.exception("moving %s to the trash failed", type(model).__name__)
            flash(_("The record could not be deleted; nothing was changed."), "error")
        return False
    view.after_model_delete(model)
    flash(
        _(
            "It is in the Trash with what was attached to it, and can be restored there for %(days)d days.",
            days=trash_days(current_app.config),
        ),
        "info",
    )
    return True
