"""Kinds whose rows are one record each (FK Metra groups, activities, awards).

Each such kind says how a row becomes values and a natural key; this base class does the rest
the same way for all: the record already stored under that key is updated only where the sheet
differs (or left alone: "unchanged"), a row repeating an earlier row is skipped, and a row with the
same key but different values is an error naming the earlier row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from flask_babel import gettext as _

from ..plan import CREATE, SKIP, UPDATE, ImportContext, RowResult, SheetKind, Written, differs
from ..values import blank


@dataclass
class RecordPlan:
    row: int
    key: Any
    values: dict[str, Any]
    existing: Any = None
    changes: dict[str, Any] = field(default_factory=dict)


class SingleRecordKind(SheetKind):
    model: ClassVar[type]
    entity: ClassVar[str]

    def parse(self, ctx: ImportContext, row: RowResult) -> tuple[Any, dict[str, Any]] | None:
        """The row's natural key and values (``None`` = not given), or ``None`` when it has errors."""
        raise NotImplementedError

    def stored(self, ctx: ImportContext) -> dict[Any, Any]:
        """Records of the regency by natural key (one statement)."""
        raise NotImplementedError

    def build(self, ctx: ImportContext, values: dict[str, Any]) -> Any:
        return self.model(**values)

    def check_regency(self, ctx: ImportContext, row: RowResult, key: str) -> None:
        """A row may name its regency/city code; one of another regency is refused, never written."""
        value = row.get(key)
        if blank(value):
            return
        code = str(value).strip().replace(" ", "")
        if code != ctx.regency.code:
            row.errors.append(
                _(
                    "this row is for regency/city %(code)s, not %(regency)s; rows of another regency are not imported.",
                    code=code[:10],
                    regency=ctx.regency.name,
                )
            )

    def plan(self, ctx: ImportContext, rows: list[RowResult]) -> list[RecordPlan]:
        stored = self.stored(ctx)
        planned: dict[Any, RecordPlan] = {}
        for row in rows:
            parsed = self.parse(ctx, row)
            if parsed is None or row.errors:
                continue
            key, values = parsed
            earlier = planned.get(key)
            if earlier is not None:
                if values == earlier.values:
                    row.notes.append(_("Same as row %(row)d: skipped.", row=earlier.row))
                    row.action = SKIP
                else:
                    row.errors.append(
                        _("This row names the same record as row %(row)d but with other values.", row=earlier.row)
                    )
                continue
            existing = stored.get(key)
            plan = RecordPlan(row.number, key, values, existing)
            if existing is None:
                row.action = CREATE
            else:
                plan.changes = {
                    name: value for name, value in values.items() if differs(getattr(existing, name), value)
                }
                row.action = UPDATE if plan.changes else SKIP
                if not plan.changes:
                    row.notes.append(_("Already recorded; nothing changes."))
            planned[key] = plan
        return list(planned.values())

    def apply(self, ctx: ImportContext, plan: list[RecordPlan]) -> list[Written]:
        written = []
        for item in plan:
            if item.existing is None:
                record = self.build(ctx, {name: value for name, value in item.values.items() if value is not None})
                ctx.session.add(record)
                written.append(Written(item.row, self.entity, record, "created"))
            elif item.changes:
                for name, value in item.changes.items():
                    setattr(item.existing, name, value)
                written.append(Written(item.row, self.entity, item.existing, "updated"))
            ctx.session.flush()  # a failing row fails here, and the whole import is rolled back
        return written
