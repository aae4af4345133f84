"""Who may see which rows: the one place where tenant scoping lives.

A *scope* is a node of the region hierarchy (nation > province > regency, later kecamatan and a
single KIM), written as its Kemendagri code. Because codes are hierarchical, "does this scope
hold that row" is a prefix test, and the SQL criterion is one indexed predicate on the row's
``regency_code``.

Scoping is applied centrally:

* every ORM SELECT/UPDATE/DELETE issued in a request gets ``with_loader_criteria`` for every
  :class:`ScopedByRegency`, :class:`SharedOrScoped` and :class:`ProvinceOrRegencyOwned` model
  (``do_orm_execute``), including lazy loads and ``session.get``;
* every flush checks that new, changed and deleted rows stay inside the scope (``before_flush``),
  so a forged form field or a plugin's own code cannot write into another regency.

Views add nothing. Outside a request (CLI, migrations, tests' factories) there is no scope and
nothing is filtered; inside a request without a user the scope is :data:`NOBODY` (fail closed).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request
from sqlalchemy import event, orm
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

__all__ = [
    "NATION",
    "NOBODY",
    "ProvinceOrRegencyOwned",
    "RegencyOwned",
    "Scope",
    "ScopedByRegency",
    "SharedOrScoped",
    "TenantOwned",
    "TenantViolation",
    "acting_in",
    "current_scope",
    "unscoped",
    "writable",
]


# The regency table as a lightweight construct: the models import this module, not the reverse.
_REGENCY = sa.table("regency", sa.column("code"), sa.column("province_code"))


class TenantViolation(Exception):
    """A write would create, move or delete a row outside the current scope."""


@dataclass(frozen=True)
class Scope:
    """A node of the region hierarchy a user may act in.

    ``level`` is ``nation``, ``province``, ``regency`` or ``nobody``; ``code`` is the Kemendagri
    code of the node (``None`` for nation and nobody).
    """

    level: str
    code: str | None = None

    @classmethod
    def for_province(cls, code: str) -> Scope:
        return cls("province", code)

    @classmethod
    def for_regency(cls, code: str) -> Scope:
        return cls("regency", code)

    @property
    def is_nation(self) -> bool:
        return self.level == "nation"

    @property
    def province_code(self) -> str | None:
        """The province this scope lies in (``None`` for nation and nobody)."""
        if self.code is None or self.level not in ("province", "regency"):
            return None
        return self.code.split(".")[0]

    def sees_owner(self, regency_code: str | None, province_code: str | None) -> bool:
        """Whether a row of a regency office, or of a province office (no regency), is visible here.

        A province's own rows are read by its staff and by every regency of the province.
        """
        if regency_code is not None:
            return self.holds(regency_code)
        return self.is_nation or (province_code is not None and province_code == self.province_code)

    def writes_owner(self, regency_code: str | None, province_code: str | None) -> bool:
        """Whether this scope may write such a row: a province's rows only by that province (or above)."""
        if regency_code is not None:
            return self.holds(regency_code)
        return self.is_nation or (self.level == "province" and province_code == self.code)

    def holds(self, regency_code: str | None) -> bool:
        """Whether a row of ``regency_code`` lies inside this scope."""
        if self.level == "nation":
            return True
        if regency_code is None or self.code is None:
            return False
        if self.level == "province":
            return regency_code.startswith(self.code + ".")
        if self.level == "regency":
            return regency_code == self.code
        return False

    def criterion(self, column: Any) -> Any:
        """SQL criterion limiting ``column`` (a regency code column) to this scope."""
        if self.level == "nation":
            return sa.true()
        if self.level == "regency":
            return column == self.code
        if self.level == "province":
            return column.in_(sa.select(_REGENCY.c.code).where(_REGENCY.c.province_code == self.code))
        return sa.false()

    def region_criterion(self, model: Any) -> Any:
        """Limit a region table (shared reference data) to the part of the map this scope sees.

        Used for pickers and region lists: a regency officer picks desa of their own regency only.
        Province and regency rows are matched on their codes, kecamatan and desa on ``regency_code``.
        """
        if self.level == "nation":
            return sa.true()
        if self.code is None:
            return sa.false()
        if hasattr(model, "regency_code"):
            return self.criterion(model.regency_code)
        if hasattr(model, "province_code"):  # regencies
            if self.level == "province":
                return model.province_code == self.code
            return model.code == self.code
        return model.code == self.code.split(".")[0]  # provinces


NATION = Scope("nation")
NOBODY = Scope("nobody")


class ScopedByRegency:
    """Mixin for rows that belong to a regency and are visible only inside its scope.

    Here ``regency_code`` may be empty (users of the province or the nation have none);
    :class:`TenantOwned` makes it mandatory and derived.
    """

    @declared_attr
    def regency_code(cls) -> Mapped[str | None]:  # noqa: N805 - declared_attr receives the class
        return mapped_column(sa.String(5), sa.ForeignKey("regency.code"), index=True, nullable=True)


class TenantOwned(ScopedByRegency):
    """Mixin for tenant data rows: an indexed ``regency_code`` derived on every flush.

    Subclasses implement :meth:`tenant_regency_code` from their parent (desa, KIM, ...), so the
    regency is never taken from a form.
    """

    @declared_attr
    def regency_code(cls) -> Mapped[str]:  # noqa: N805
        return mapped_column(sa.String(5), sa.ForeignKey("regency.code"), index=True, nullable=False)

    def tenant_regency_code(self) -> str:
        raise NotImplementedError(f"{type(self).__name__} must derive its regency")


class RegencyOwned(TenantOwned):
    """Mixin for rows owned by the regency office itself (activities, the FK Metra forum).

    They have no parent to derive the regency from, so it is the user's own regency; only a
    national user chooses one (and the flush check still refuses a regency outside the scope).
    """

    def tenant_regency_code(self) -> str:
        return self.regency_code or _regency_of_scope()


class SharedOrScoped:
    """Mixin for lists with national defaults (``regency_code`` empty) and regency additions.

    Everyone reads the defaults and their own regency's rows; only a national user writes the
    defaults. A regency user's new row belongs to their regency.
    """

    @declared_attr
    def regency_code(cls) -> Mapped[str | None]:  # noqa: N805
        return mapped_column(sa.String(5), sa.ForeignKey("regency.code"), index=True, nullable=True)

    def tenant_regency_code(self) -> str | None:
        return self.regency_code or _regency_of_scope()


class ProvinceOrRegencyOwned:
    """Mixin for rows owned by a regency office *or* by a province office (a provincial festival).

    ``province_code`` is always set (derived from the regency when there is one); a row with an
    empty ``regency_code`` is the province office's own. Its staff read and write it; the users of
    every regency of that province read it (and may point their own rows at it, e.g. enter their
    KIM), but never change it; other provinces do not see it. A new row belongs to the user's
    regency, or to the province for province staff; children derive their owner from their parent
    by overriding :meth:`tenant_owner`.
    """

    @declared_attr
    def regency_code(cls) -> Mapped[str | None]:  # noqa: N805
        return mapped_column(sa.String(5), sa.ForeignKey("regency.code"), index=True, nullable=True)

    @declared_attr
    def province_code(cls) -> Mapped[str]:  # noqa: N805
        return mapped_column(sa.String(2), sa.ForeignKey("province.code"), index=True, nullable=False)

    def tenant_owner(self) -> tuple[str | None, str | None]:
        """``(regency_code, province_code)`` of the office owning this row (both ``None``: unknown)."""
        if self.regency_code:
            return self.regency_code, self.regency_code.split(".")[0]
        if self.province_code:
            return None, self.province_code
        scope = current_scope()
        if scope is not None and scope.level == "regency":
            return scope.code, scope.province_code
        if scope is not None and scope.level == "province":
            return None, scope.code
        return None, None

    def tenant_regency_code(self) -> str | None:
        return self.tenant_owner()[0]


def writable(obj: Any) -> bool:
    """Whether the current scope may change ``obj`` (a province's row is read-only to its regencies).

    For screens that want to say "read-only" before the flush check would refuse the save.
    """
    scope = current_scope()
    if scope is None or scope.is_nation:
        return True
    if isinstance(obj, ProvinceOrRegencyOwned):
        return scope.writes_owner(*obj.tenant_owner())
    if isinstance(obj, (ScopedByRegency, SharedOrScoped)):
        return scope.holds(obj.regency_code)
    return True


def _regency_of_scope() -> Any:
    scope = current_scope()
    return scope.code if scope is not None and scope.level == "regency" else None


def current_scope() -> Scope | None:
    """The scope of this request; ``None`` means unscoped (no request, or :func:`unscoped`)."""
    if not has_request_context():
        return None
    if g.get("_tenancy_bypass", 0):
        return None
    return g.get("tenant_scope", NOBODY)


def set_scope(scope: Scope) -> None:
    g.tenant_scope = scope


@contextlib.contextmanager
def acting_in(scope: Scope) -> Iterator[None]:
    """Run a block of a request with ``scope`` instead of the current one, then put that back.

    For work done on behalf of a narrower part of the user's area (a province officer's report of
    one regency) and for tests; the caller checks that the user may act there.
    """
    previous = g.get("tenant_scope")
    set_scope(scope)
    try:
        yield
    finally:
        if previous is None:
            g.pop("tenant_scope", None)
        else:
            set_scope(previous)


@contextlib.contextmanager
def unscoped() -> Iterator[None]:
    """Run a block without scoping, for the few system reads of a request (loading the user).

    Every use is a deliberate, reviewable exception; keep the block small.
    """
    if not has_request_context():
        yield
        return
    g._tenancy_bypass = g.get("_tenancy_bypass", 0) + 1
    try:
        yield
    finally:
        g._tenancy_bypass -= 1


def _scope_statement(state: orm.ORMExecuteState) -> None:
    scope = current_scope()
    if scope is None or scope.is_nation:
        return
    if state.is_column_load or not (state.is_select or state.is_update or state.is_delete):
        return
    state.statement = state.statement.options(
        orm.with_loader_criteria(
            ScopedByRegency, _loader_criterion(scope), include_aliases=True, propagate_to_loaders=True
        ),
        orm.with_loader_criteria(
            SharedOrScoped, _shared_criterion(scope), include_aliases=True, propagate_to_loaders=True
        ),
        orm.with_loader_criteria(
            ProvinceOrRegencyOwned, _owner_criterion(scope), include_aliases=True, propagate_to_loaders=True
        ),
    )


def _loader_criterion(scope: Scope) -> Any:
    """A lambda per scope level, closing over plain strings only.

    SQLAlchemy caches lambda criteria by code location and turns closure variables into bound
    parameters; keeping them plain strings is what makes one cached SQL form safe for every tenant.
    """
    level, code = scope.level, scope.code
    if level == "regency":
        return lambda cls: cls.regency_code == code
    if level == "province":
        # Rows without a regency that name the province (its own staff's user accounts) are the
        # province office's: visible to it, e.g. to pick a colleague as juror. Writes stay refused.
        return lambda cls: sa.or_(
            cls.regency_code.in_(sa.select(_REGENCY.c.code).where(_REGENCY.c.province_code == code)),
            sa.and_(cls.regency_code.is_(None), cls.province_code == code)
            if hasattr(cls, "province_code")
            else sa.false(),
        )
    return lambda cls: sa.false()


def _owner_criterion(scope: Scope) -> Any:
    """:class:`ProvinceOrRegencyOwned`: the scope's rows, plus its province's own rows for a regency."""
    level, code, province = scope.level, scope.code, scope.province_code
    if level == "regency":
        return lambda cls: sa.or_(
            cls.regency_code == code, sa.and_(cls.regency_code.is_(None), cls.province_code == province)
        )
    if level == "province":
        return lambda cls: cls.province_code == code
    return lambda cls: sa.false()


def _shared_criterion(scope: Scope) -> Any:
    """As :func:`_loader_criterion`, plus the national defaults (rows without a regency)."""
    level, code = scope.level, scope.code
    if level == "regency":
        return lambda cls: sa.or_(cls.regency_code == code, cls.regency_code.is_(None))
    if level == "province":
        return lambda cls: sa.or_(
            cls.regency_code.in_(sa.select(_REGENCY.c.code).where(_REGENCY.c.province_code == code)),
            cls.regency_code.is_(None),
        )
    return lambda cls: cls.regency_code.is_(None)


_OWNED = (ScopedByRegency, SharedOrScoped)
_DERIVED = (TenantOwned, SharedOrScoped, ProvinceOrRegencyOwned)


def _check_writes(session: orm.Session, flush_context: Any, instances: Any) -> None:
    new = session.new  # a fresh set on every access: read it once, not once per row
    changed = [obj for obj in (*new, *session.dirty) if isinstance(obj, _DERIVED)]
    for obj in changed:
        if isinstance(obj, ProvinceOrRegencyOwned):
            regency, province = obj.tenant_owner()
            if obj.regency_code != regency:
                obj.regency_code = regency
            if obj.province_code != province:
                obj.province_code = province
            continue
        derived = obj.tenant_regency_code()
        if obj.regency_code != derived:
            obj.regency_code = derived
    for obj in changed:
        _check_references(obj, is_new=obj in new)
    scope = current_scope()
    if scope is None or scope.is_nation:
        return
    for obj in session.new:
        if isinstance(obj, ProvinceOrRegencyOwned):
            if not scope.writes_owner(obj.regency_code, obj.province_code):
                raise TenantViolation(type(obj).__name__)
        elif isinstance(obj, _OWNED) and not scope.holds(obj.regency_code):
            raise TenantViolation(type(obj).__name__)
    for obj in session.dirty:
        if isinstance(obj, ProvinceOrRegencyOwned):
            # A child added to a province's row (a regency's entry in a provincial festival)
            # changes only its collection: no UPDATE of the province's row is written.
            if session.is_modified(obj, include_collections=False) and not _writes_before_and_after(scope, obj):
                raise TenantViolation(type(obj).__name__)
        elif isinstance(obj, _OWNED):
            history = sa.inspect(obj).attrs.regency_code.history
            before = list(history.deleted) + list(history.unchanged)
            if not scope.holds(obj.regency_code) or any(not scope.holds(code) for code in before):
                raise TenantViolation(type(obj).__name__)
    for obj in session.deleted:
        if isinstance(obj, ProvinceOrRegencyOwned):
            if not _writes_before_and_after(scope, obj):
                raise TenantViolation(type(obj).__name__)
        elif isinstance(obj, _OWNED) and not scope.holds(obj.regency_code):
            raise TenantViolation(type(obj).__name__)


def _writes_before_and_after(scope: Scope, obj: Any) -> bool:
    """The scope may write the row as it is now and as it was loaded (no moving it in or out)."""
    attrs = sa.inspect(obj).attrs

    def loaded(name: str) -> Any:
        history = attrs[name].history
        values = list(history.deleted) + list(history.unchanged)
        return values[0] if values else getattr(obj, name)

    return scope.writes_owner(obj.regency_code, obj.province_code) and scope.writes_owner(
        loaded("regency_code"), loaded("province_code")
    )


def _province_of(obj: Any) -> str | None:
    if isinstance(obj, ProvinceOrRegencyOwned):
        return obj.province_code
    return obj.regency_code.split(".")[0] if obj.regency_code else None


def _check_references(obj: Any, is_new: bool) -> None:
    """A tenant row may only point at tenant rows of its own regency (or at shared defaults, or at
    its own province's rows: a regency's entry in the province's festival).

    This stops a forged id (a Wonosobo KIM as participant of a Karanganyar activity) on every
    path at once. A target the scope cannot see loads as ``None`` and is refused as well.
    """
    state = sa.inspect(obj)
    for rel in state.mapper.relationships:
        target_class = rel.mapper.class_
        if rel.direction is not orm.interfaces.MANYTOONE or rel.viewonly:
            continue
        if not issubclass(target_class, _DERIVED):
            continue
        local_columns = [column.key for column in rel.local_columns]
        attrs = state.attrs
        touched = (
            is_new
            or attrs[rel.key].history.has_changes()
            or any(key in attrs and attrs[key].history.has_changes() for key in local_columns)
        )
        if not touched:
            continue
        target = getattr(obj, rel.key)
        if target is None:
            if any(getattr(obj, key, None) is not None for key in local_columns):
                raise TenantViolation(f"{type(obj).__name__}.{rel.key}")
            continue
        if target.regency_code == obj.regency_code:
            continue
        if isinstance(target, SharedOrScoped) and target.regency_code is None:
            continue
        if (
            isinstance(target, ProvinceOrRegencyOwned)
            and target.regency_code is None
            and target.province_code == _province_of(obj)
        ):
            continue
        raise TenantViolation(f"{type(obj).__name__}.{rel.key}")


_USERLESS_BLUEPRINTS = {"system"}


def init_app(app: Flask, session_class: type[orm.Session]) -> None:
    """Install the scoping events on ``session_class`` and set the scope per request."""
    if not event.contains(session_class, "do_orm_execute", _scope_statement):
        event.listen(session_class, "do_orm_execute", _scope_statement)
        event.listen(session_class, "before_flush", _check_writes)

    @app.before_request
    def _activate_scope() -> None:
        from flask_login import current_user

        if request.blueprint in _USERLESS_BLUEPRINTS:
            # Health checks and static files read no tenant data: they need no user, and must
            # answer even when the database (where users live) does not.
            set_scope(NOBODY)
            return
        with unscoped():
            scope = current_user.scope if current_user.is_authenticated else NOBODY
        set_scope(scope)
