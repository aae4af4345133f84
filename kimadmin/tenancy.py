"""Who may see which rows: the one place where tenant scoping lives.

A *scope* is a node of the region hierarchy (nation > province > regency, later kecamatan and a
single KIM), written as its Kemendagri code. Because codes are hierarchical, "does this scope
hold that row" is a prefix test, and the SQL criterion is one indexed predicate on the row's
``regency_code``.

Scoping is applied centrally:

* every ORM SELECT/UPDATE/DELETE issued in a request gets ``with_loader_criteria`` for every
  :class:`ScopedByRegency` model (``do_orm_execute``), including lazy loads and ``session.get``;
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
    "RegencyOwned",
    "Scope",
    "ScopedByRegency",
    "SharedOrScoped",
    "TenantOwned",
    "TenantViolation",
    "current_scope",
    "unscoped",
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
        return lambda cls: cls.regency_code.in_(sa.select(_REGENCY.c.code).where(_REGENCY.c.province_code == code))
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


def _check_writes(session: orm.Session, flush_context: Any, instances: Any) -> None:
    new = session.new  # a fresh set on every access: read it once, not once per row
    changed = [obj for obj in (*new, *session.dirty) if isinstance(obj, (TenantOwned, SharedOrScoped))]
    for obj in changed:
        derived = obj.tenant_regency_code()
        if obj.regency_code != derived:
            obj.regency_code = derived
    for obj in changed:
        _check_references(obj, is_new=obj in new)
    scope = current_scope()
    if scope is None or scope.is_nation:
        return
    for obj in session.new:
        if isinstance(obj, _OWNED) and not scope.holds(obj.regency_code):
            raise TenantViolation(type(obj).__name__)
    for obj in session.dirty:
        if isinstance(obj, _OWNED):
            history = sa.inspect(obj).attrs.regency_code.history
            before = list(history.deleted) + list(history.unchanged)
            if not scope.holds(obj.regency_code) or any(not scope.holds(code) for code in before):
                raise TenantViolation(type(obj).__name__)
    for obj in session.deleted:
        if isinstance(obj, _OWNED) and not scope.holds(obj.regency_code):
            raise TenantViolation(type(obj).__name__)


def _check_references(obj: Any, is_new: bool) -> None:
    """A tenant row may only point at tenant rows of its own regency (or at shared defaults).

    This stops a forged id (a Wonosobo KIM as participant of a Karanganyar activity) on every
    path at once. A target the scope cannot see loads as ``None`` and is refused as well.
    """
    state = sa.inspect(obj)
    for rel in state.mapper.relationships:
        target_class = rel.mapper.class_
        if rel.direction is not orm.interfaces.MANYTOONE or rel.viewonly:
            continue
        if not issubclass(target_class, (TenantOwned, SharedOrScoped)):
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
        allowed = {obj.regency_code}
        if isinstance(target, SharedOrScoped):
            allowed.add(None)
        if target.regency_code not in allowed:
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
