"""Trash and restore: deleted records go to a trash with what was attached, for a while.

* :mod:`.columns` - the ``Trashable`` mixin and the one criterion hiding trashed rows everywhere;
* :mod:`.models` - ``TrashBatch``, one deletion and what went with it;
* :mod:`.service` - move to trash, restore, purge;
* :mod:`.views` and :mod:`.cli` - the Trash screen and ``flask kim trash purge``.

Only :mod:`.columns` is imported here: the models use the mixin, so this package must not import
them on its own import.
"""

from __future__ import annotations

from typing import Any

from .columns import INCLUDE_TRASHED, Trashable

__all__ = ["INCLUDE_TRASHED", "Trashable", "init_app"]


def init_app(app: Any, session_class: Any) -> None:
    """Hide trashed rows in every session, add the CLI command and the template helpers."""
    from flask_babel import format_datetime

    from .. import concurrency
    from ..cli import kim
    from . import columns
    from .cli import trash

    columns.install(session_class)
    kim.add_command(trash)
    app.jinja_env.globals["kim_edit_conflict"] = concurrency.conflict_rows
    app.jinja_env.filters["kim_trash_datetime"] = lambda value: format_datetime(value, "d MMMM yyyy HH:mm")
