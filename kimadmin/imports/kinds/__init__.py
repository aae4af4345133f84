"""What can be imported, by name (``flask kim import KIND``, ``?kind=`` on the Import screen)."""

from __future__ import annotations

from ..plan import SheetKind
from .activity import ActivitySheet
from .award import AwardSheet
from .fkmetra import FkMetraGroupSheet
from .kim import KimSheet

KINDS: dict[str, SheetKind] = {
    kind.name: kind for kind in (KimSheet(), FkMetraGroupSheet(), ActivitySheet(), AwardSheet())
}


def kind_named(name: str | None) -> SheetKind | None:
    return KINDS.get(name or "")
