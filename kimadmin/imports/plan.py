"""The import pipeline: sheet → preview (validated plan, nothing written) → apply (one transaction).

A *kind* (:class:`SheetKind`) declares its columns and turns rows into a plan: for each row the
errors and notes, and whether it will create, update or leave records unchanged (matched on
natural keys, so importing the same file twice changes nothing the second time). The plan holds
only data and references to records already stored; building it never adds or changes anything
in the session. :func:`apply_preview` then writes the plan, and the caller commits or rolls back.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from flask_babel import format_date
from flask_babel import gettext as _

from ..models.regions import Regency
from ..personal_data import mask
from .reader import FileProblem, read_table
from .regions import RegionMatcher
from .values import CellProblem, blank, norm

CREATE, UPDATE, SKIP, ERROR = "create", "update", "skip", "error"
ACTIONS = (CREATE, UPDATE, SKIP, ERROR)


@dataclass(frozen=True)
class Column:
    """One column of a kind's sheet. ``header`` is the Indonesian heading of the template (the file
    format is Indonesian whatever the interface language); ``aliases`` are headings of older sheets."""

    key: str
    header: str
    example: Any = ""
    required: bool = False
    aliases: tuple[str, ...] = ()
    personal: str | None = None  # personal_data.PHONE / NIK: masked in previews
    help: str = ""


@dataclass
class RowResult:
    """One data row: its values by column key, what it will do, and what is wrong with it."""

    number: int
    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    action: str = SKIP
    shown: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return ERROR if self.errors else self.action

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def parse(self, parser: Callable[..., Any], key: str, *args: Any) -> Any:
        """``parser(value, *args)``, collecting its problem as an error of this row (``None`` then)."""
        try:
            return parser(self.values.get(key), *args)
        except CellProblem as problem:
            self.errors.append(str(problem))
            return None

    def require(self, key: str, label: str) -> bool:
        if blank(self.values.get(key)):
            self.errors.append(_("%(column)s must be filled in.", column=label))
            return False
        return True


@dataclass
class ImportContext:
    session: Any
    regency: Regency
    regions: RegionMatcher
    today: date = field(default_factory=date.today)
    cache: dict[str, Any] = field(default_factory=dict)  # lookups a kind loads once per import


@dataclass
class Written:
    """A record the import created or changed, for the history."""

    row: int
    entity: str
    record: Any
    action: str  # "created" or "updated"


class SheetKind(ABC):
    """What can be imported: its columns, how rows become a plan, and how a plan is written."""

    name: ClassVar[str]
    label: ClassVar[Any]
    # Model permission prefix: importing also needs ``<permission>.create`` and ``.edit``.
    permission: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    summary: ClassVar[tuple[str, ...]]  # column keys shown in the preview table
    description: ClassVar[Any] = ""

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def header(self, key: str) -> str:
        return self.column(key).header

    @abstractmethod
    def plan(self, ctx: ImportContext, rows: list[RowResult]) -> Any:
        """Validate ``rows`` (errors, notes, action on each) and return the plan to apply."""

    @abstractmethod
    def apply(self, ctx: ImportContext, plan: Any) -> list[Written]:
        """Write ``plan`` into ``ctx.session`` (no commit)."""


@dataclass
class Preview:
    kind: SheetKind
    file_name: str
    regency: Regency
    rows: list[RowResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the file as a whole
    notes: list[str] = field(default_factory=list)
    plan: Any = None
    ctx: ImportContext | None = None
    data: bytes = b""  # the file, kept so a confirm can plan it again under the import lock
    show_personal: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.status for row in self.rows)
        return {action: counted.get(action, 0) for action in ACTIONS}

    @property
    def ok(self) -> bool:
        """Whether the import may be confirmed: a readable file, rows, and no row in error."""
        return not self.problems and bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def changes_anything(self) -> bool:
        counts = self.counts
        return bool(counts[CREATE] or counts[UPDATE])


def match_headers(kind: SheetKind, headers: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """Column key → index, the missing required headers' problems, and ignored headings."""
    wanted = {}
    for column in kind.columns:
        for heading in (column.header, *column.aliases):
            wanted.setdefault(norm(heading), column.key)
    found: dict[str, int] = {}
    ignored = []
    for index, heading in enumerate(headers):
        key = wanted.get(norm(heading))
        if key is None:
            if heading.strip() and norm(heading) not in ("no", "nomor", "no urut"):
                ignored.append(heading.strip())
        else:
            found.setdefault(key, index)
    problems = [
        _(
            "The column '%(column)s' is missing. Download the template to see the expected columns.",
            column=column.header,
        )
        for column in kind.columns
        if column.required and column.key not in found
    ]
    return found, problems, ignored


def build_preview(
    kind: SheetKind,
    data: bytes,
    file_name: str,
    regency: Regency,
    session: Any,
    show_personal: bool = False,
    *,
    plan: bool = True,
) -> Preview:
    """Read, match and validate a sheet; nothing is added to or changed in ``session``.

    With ``plan=False`` only the file is checked (type, limits, headings, rows): what the upload
    needs before it keeps the file, without matching every row against the database a first
    time when the preview page will do it right after.
    """
    preview = Preview(kind, file_name, regency, data=data, show_personal=show_personal)
    try:
        table = read_table(data, file_name)
    except FileProblem as problem:
        preview.problems.append(str(problem))
        return preview
    positions, preview.problems, ignored = match_headers(kind, table.headers)
    if ignored:
        preview.notes.append(_("These columns are not imported: %(columns)s.", columns=", ".join(ignored[:20])))
    if preview.problems:
        return preview
    for number, cells in table.rows:
        values = {key: cells[index] if index < len(cells) else None for key, index in positions.items()}
        preview.rows.append(RowResult(number, values))
    if not preview.rows:
        preview.problems.append(_("The file has a header row but no data rows."))
        return preview
    if not plan:
        return preview
    ctx = ImportContext(session, regency, RegionMatcher(session, regency))
    with session.no_autoflush:
        preview.plan = kind.plan(ctx, preview.rows)
    preview.ctx = ctx
    for row in preview.rows:
        row.shown = shown_values(kind, row, show_personal)
    return preview


def shown_values(kind: SheetKind, row: RowResult, show_personal: bool) -> dict[str, str]:
    """The preview's cells as text; personal data masked unless the user may see it."""
    shown = {}
    for key in kind.summary:
        value = row.values.get(key)
        column = kind.column(key)
        if value is None:
            shown[key] = ""
        elif column.personal and not show_personal:
            # A short (invalid) value would show through the mask: hide it whole.
            shown[key] = mask(column.personal, str(value)) if len(str(value)) >= 10 else "***"
        elif isinstance(value, date):
            shown[key] = format_date(value, "d MMM yyyy")
        else:
            shown[key] = str(value)[:120]
    return shown


def apply_preview(preview: Preview) -> list[Written]:
    """Write a confirmed preview's plan into its session (the caller commits or rolls back)."""
    if not preview.ok or preview.ctx is None:
        raise ValueError("only a preview without errors can be applied")
    return preview.kind.apply(preview.ctx, preview.plan)


def differs(current: Any, new: Any) -> bool:
    """A value given in the sheet that differs from the stored one (text compared as typed)."""
    return new is not None and current != new
