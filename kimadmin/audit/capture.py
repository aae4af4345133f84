"""Recording changes: a flush listener that turns the unit of work into audit entries.

Every create, update and delete of a tenant row (any :class:`~kimadmin.tenancy.ScopedByRegency`
or :class:`~kimadmin.tenancy.SharedOrScoped` model, core or plugin, found by type rather than
listed) becomes one entry, with the field-by-field difference read from the attribute history.

How it stays correct and cheap:

* ``after_flush`` reads what the flush wrote (ids of new rows are known by then, and the history
  is still there) and keeps it *pending* on the session, merged per object: a save that flushes
  twice (an autoflush, then the commit) still gives one entry with the net difference, and a row
  created and deleted in the same transaction gives none;
* ``before_commit`` writes the pending entries with one multi-row INSERT in the same transaction,
  so a failed save leaves no entry and a normal edit costs one statement more;
* a savepoint's entries join its parent's when it is released, and vanish when it rolls back.

Plugin switches and other events without a row of their own use :func:`record_event`.

A model may declare, as class attributes: ``__personal_data__`` (column -> personal-data kind,
stored masked), ``__audit_exclude__`` (columns never recorded), ``__audit_actions__`` (its own
name for an action, e.g. an import batch's ``create`` is ``import``) and ``__audit__ = False``
(bookkeeping of another feature whose rows are audited themselves). Users are handled here: only
who they are and what they may do is recorded, a change of role, regency or activity being a
``role_change``; their password, second factor and login bookkeeping never are.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import event, orm

from ..logs import request_id
from ..models.auth_events import AuthEvent
from ..models.mixins import utcnow
from ..models.plugins import PluginActivation
from ..models.users import User
from ..tenancy import ProvinceOrRegencyOwned, ScopedByRegency, SharedOrScoped
from . import model as m
from .cascade import cascade_keys, cascaded_rows
from .values import audit_value, truncate

__all__ = ["SYSTEM", "init_session", "record_event", "register_personal_columns", "suspended"]

log = logging.getLogger(__name__)

SYSTEM = "system"  # the user of writes outside a request (CLI, demo data, scheduled jobs)
TRASH_COLUMN = "deleted_at"
BOOKKEEPING = frozenset({"created_at", "updated_at"})  # implied by the entry's own time
# Users are tenant rows too, but most of their changes are login bookkeeping or secrets (journalled
# in auth_event, or never to be copied). Only who they are and what they may do is audited.
USER_FIELDS = ("email", "full_name", "role_name", "regency_code", "province_code", "active")
USER_ROLE_FIELDS = frozenset({"role_name", "regency_code", "province_code", "active"})
# Written elsewhere: the journal itself, the login journal, and plugin switches (record_event).
NOT_AUDITED = (m.AuditEntry, AuthEvent, PluginActivation)

_INFO_KEY = "kimadmin_audit_pending"
_CASCADE_KEY = "kimadmin_audit_cascaded"  # entries of the rows a flush lets the database delete (cascade)
_suspended = 0  # > 0 inside suspended(): nothing is recorded
_personal_from_views: dict[type, dict[str, str]] = {}
_policies: dict[type, Policy | None] = {}


@dataclass(frozen=True)
class Policy:
    """What is audited of one model: its columns (with personal-data kind), M2M collections."""

    object_type: str
    columns: tuple[tuple[str, str | None], ...]
    collections: tuple[str, ...]
    role_fields: frozenset[str] = frozenset()
    # A model's own names for actions (``__audit_actions__``), e.g. an import batch's "create" is "import".
    renamed: tuple[tuple[str, str], ...] = ()

    def action_name(self, action: str) -> str:
        return dict(self.renamed).get(action, action)

    def action_for_update(self, changes: dict[str, list[Any]]) -> str:
        if TRASH_COLUMN in changes:
            before, after = changes[TRASH_COLUMN]
            if before is None and after is not None:
                return m.TRASH
            if before is not None and after is None:
                return m.RESTORE
        if self.role_fields & changes.keys():
            return m.ROLE_CHANGE
        return m.UPDATE


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """Record nothing inside the block (the whole process): for measuring what auditing costs.

    Not for application code: every write of a running office must be audited.
    """
    global _suspended
    _suspended += 1
    try:
        yield
    finally:
        _suspended -= 1


def register_personal_columns(model: type, columns: dict[str, str]) -> None:
    """Mask these columns too (a view's ``personal_columns`` of a model that declares none)."""
    if columns:
        _personal_from_views.setdefault(model, {}).update(columns)
        _policies.pop(model, None)


def policy_for(cls: type) -> Policy | None:
    """The audit policy of a mapped class, or ``None`` when its rows are not audited."""
    try:
        return _policies[cls]
    except KeyError:
        pass
    policy = _build_policy(cls)
    _policies[cls] = policy
    if policy is not None:
        _keep_previous_values(cls, policy)
    return policy


_tracked: set[type] = set()


def _noop(target: Any, value: Any, oldvalue: Any, initiator: Any) -> None:
    """An attribute listener that only exists for its ``active_history``."""


def _keep_previous_values(cls: type, policy: Policy) -> None:
    """Load the stored value when an audited attribute of an expired row is set.

    Without it, ``kim.name = "x"`` on a row expired by a commit would record the old name as
    empty. A form edit loads the row first, so this costs nothing there.
    """
    if cls in _tracked:
        return
    _tracked.add(cls)
    for key, _kind in policy.columns:
        event.listen(getattr(cls, key), "set", _noop, active_history=True)


def _track_mapper(mapper: Any, cls: type) -> None:
    policy_for(cls)


def _build_policy(cls: type) -> Policy | None:
    if issubclass(cls, NOT_AUDITED) or not issubclass(cls, (ScopedByRegency, SharedOrScoped, ProvinceOrRegencyOwned)):
        return None
    if getattr(cls, "__audit__", True) is False:  # a model may opt out (bookkeeping of other features)
        return None
    mapper = sa.inspect(cls)
    personal = {**_personal_from_views.get(cls, {}), **getattr(cls, "__personal_data__", {})}
    skipped = set(BOOKKEEPING) | set(getattr(cls, "__audit_exclude__", ()))
    if mapper.version_id_col is not None:
        skipped.add(mapper.get_property_by_column(mapper.version_id_col).key)
    columns = []
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if not isinstance(column, sa.Column) or column.table not in mapper.tables or prop.key in skipped:
            continue  # query expressions, column properties of other tables, bookkeeping
        columns.append((prop.key, personal.get(prop.key)))
    role_fields: frozenset[str] = frozenset()
    if issubclass(cls, User):
        columns = [(key, kind) for key, kind in columns if key in USER_FIELDS]
        role_fields = USER_ROLE_FIELDS
    collections = tuple(rel.key for rel in mapper.relationships if rel.secondary is not None and not rel.viewonly)
    return Policy(
        object_type=mapper.local_table.name,
        columns=tuple(columns),
        collections=collections,
        role_fields=role_fields,
        renamed=tuple(getattr(cls, "__audit_actions__", {}).items()),
    )


# --- the pending entries of a transaction --------------------------------------------------------
@dataclass
class Pending:
    """One entry not yet written; ``kind`` is create/update/delete for the merge rules."""

    kind: str
    row: dict[str, Any]
    policy: Policy | None = None


def _store(session: orm.Session) -> dict[Any, dict[Any, Pending]]:
    return session.info.setdefault(_INFO_KEY, {})


def _current(session: orm.Session) -> dict[Any, Pending]:
    transaction = session.get_nested_transaction() or session.get_transaction()
    return _store(session).setdefault(transaction, {})


def _actor() -> dict[str, Any]:
    if not has_request_context():
        return {"user_id": None, "user_label": SYSTEM, "ip": None, "request_id": None}
    from flask_login import current_user

    user = current_user._get_current_object()
    authenticated = bool(getattr(user, "is_authenticated", False))
    return {
        "user_id": user.id if authenticated else None,
        "user_label": truncate(str(user), 254) if authenticated else SYSTEM,
        "ip": (request.remote_addr or "")[:45] or None,
        "request_id": request_id(),
    }


def record_event(
    action: str,
    regency: str | None,
    label: str,
    details: dict[str, Any] | None = None,
    *,
    object_type: str = "event",
    object_id: str | None = None,
    session: orm.Session | None = None,
) -> None:
    """Add an entry for something that is not a row change (a plugin switch, an import run).

    It is written with the transaction's other entries when the caller commits, and dropped if
    the transaction rolls back. ``details`` values are stored as ``[None, value]`` pairs so every
    entry reads the same way.
    """
    from ..extensions import db

    session = session if session is not None else db.session()
    row = {
        **_actor(),
        "occurred_at": utcnow(),
        "regency_code": regency,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_label": truncate(str(label), 200),
        "changes": {str(key): [None, audit_value(value)] for key, value in (details or {}).items()},
    }
    _current(session)[(object_type, object_id, uuid.uuid4().hex)] = Pending("event", row)


# --- reading a flush -----------------------------------------------------------------------------
def _before_flush(session: orm.Session, flush_context: Any, instances: Any) -> None:
    """Read now what the database will delete on its own with this flush's deleted rows.

    After the flush those rows are gone (:mod:`.cascade`); their entries wait in ``session.info``
    and join the transaction's in :func:`_after_flush`, only if the flush succeeded.
    """
    session.info.pop(_CASCADE_KEY, None)
    if _suspended:
        return
    deleted = [obj for obj in session.deleted if policy_for(type(obj)) is not None or _has_cascades(obj)]
    if not deleted:
        return
    entries: list[tuple[Any, Pending]] = []
    actor, now = _actor(), utcnow()
    with cascaded_rows(session, deleted) as rows:
        for obj in rows:
            policy = policy_for(type(obj))
            if policy is None:
                continue
            for key in policy.collections:  # M2M rows go with it: list them as a normal delete does
                getattr(obj, key)
            state = sa.inspect(obj)
            entry = _pending(state, obj, policy, m.DELETE, _snapshot(state, policy, deleted=True), actor, now)
            entries.append(((policy.object_type, entry.row["object_id"]), entry))
    if entries:
        session.info[_CASCADE_KEY] = entries


def _has_cascades(obj: Any) -> bool:
    return sa.inspect(type(obj)).local_table in cascade_keys(sa.inspect(type(obj)).registry)


def _after_flush(session: orm.Session, flush_context: Any) -> None:
    cascaded = session.info.pop(_CASCADE_KEY, None) or []
    if _suspended:
        return
    pending = _current(session)
    for key, entry in cascaded:
        _merge(pending, key, entry)
    actor: dict[str, Any] | None = None
    now: datetime | None = None
    for state, (is_delete, list_only) in list(flush_context.states.items()):
        if list_only:
            continue
        obj = state.obj()
        policy = policy_for(type(obj)) if obj is not None else None
        if policy is None:
            continue
        if is_delete:
            kind, changes = m.DELETE, _snapshot(state, policy, deleted=True)
        elif state.key is None:  # inserted by this flush (its identity is set after the listener)
            kind, changes = m.CREATE, _snapshot(state, policy, deleted=False)
        else:
            kind, changes = m.UPDATE, _differences(state, policy)
            if not changes:
                continue
        actor = actor if actor is not None else _actor()
        now = now or utcnow()
        entry = _pending(state, obj, policy, kind, changes, actor, now)
        _merge(pending, (policy.object_type, entry.row["object_id"]), entry)


def _pending(
    state: Any, obj: Any, policy: Policy, kind: str, changes: dict[str, list[Any]], actor: dict[str, Any], now: datetime
) -> Pending:
    """The entry of one row's change, by ``actor`` at ``now``."""
    object_id = _object_id(state)
    row = {
        **actor,
        "occurred_at": now,
        "regency_code": state.dict.get("regency_code"),
        "object_type": policy.object_type,
        "object_id": object_id,
        "object_label": _label(obj, policy, object_id),
        "action": kind if kind != m.UPDATE else policy.action_for_update(changes),
        "changes": changes,
    }
    return Pending(kind, row, policy)


def _snapshot(state: Any, policy: Policy, deleted: bool) -> dict[str, list[Any]]:
    """Every set column of a new or deleted row (only what is loaded: a flush must not query)."""
    pk = set(_pk_keys(state))
    changes = {}
    for key, kind in policy.columns:
        value = state.dict.get(key)
        if value is None or key in pk:
            continue
        stored = audit_value(value, kind)
        changes[key] = [stored, None] if deleted else [None, stored]
    for key in policy.collections:
        items = state.dict.get(key)
        if items:
            labels = sorted(_item_label(item) for item in items)
            changes[key] = [labels, None] if deleted else [None, labels]
    return changes


def _differences(state: Any, policy: Policy) -> dict[str, list[Any]]:
    changes = {}
    for key, kind in policy.columns:
        history = state.attrs[key].history
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before != after:  # compared raw: masked or cut values may look alike
            changes[key] = [audit_value(before, kind), audit_value(after, kind)]
    for key in policy.collections:
        history = state.attrs[key].history
        if not history.added and not history.deleted:
            continue
        before = sorted(_item_label(item) for item in (*history.unchanged, *history.deleted))
        after = sorted(_item_label(item) for item in (*history.unchanged, *history.added))
        if before != after:
            changes[key] = [before, after]
    return changes


def _pk_keys(state: Any) -> list[str]:
    mapper = state.mapper
    return [mapper.get_property_by_column(column).key for column in mapper.primary_key]


def _object_id(state: Any) -> str:
    return ",".join(str(state.dict.get(key)) for key in _pk_keys(state))


def _label(obj: Any, policy: Policy, object_id: str) -> str:
    """``str(obj)`` (the name people know the record by), or the type and id if that fails."""
    try:
        text = str(obj)
    except Exception:  # a label must never fail a save (e.g. a relation of a deleted row)
        text = ""
    return truncate(text or f"{policy.object_type} #{object_id}", 200)


def _item_label(item: Any) -> str:
    try:
        return truncate(str(item), 200)
    except Exception:
        return "?"


# --- merging entries of one object within a transaction -----------------------------------------
def _merge(pending: dict[Any, Pending], key: Any, new: Pending) -> None:
    old = pending.get(key)
    if old is None:
        pending[key] = new
        return
    if old.kind == m.CREATE and new.kind == m.DELETE:
        del pending[key]  # never existed outside this transaction
        return
    if new.kind in (m.DELETE, m.CREATE) or old.kind == m.DELETE:
        pending[key] = new
        return
    # An update after a create or an update: one difference, from the first before to the last after.
    changes = {name: list(pair) for name, pair in old.row["changes"].items()}
    for name, (before, after) in new.row["changes"].items():
        changes[name] = [changes[name][0] if name in changes else before, after]
    if old.kind == m.CREATE:
        changes = {name: pair for name, pair in changes.items() if pair[1] is not None}
    else:
        changes = {name: pair for name, pair in changes.items() if pair[0] != pair[1]}
    if not changes:
        del pending[key]
        return
    row = {**old.row, "changes": changes, "object_label": new.row["object_label"]}
    if old.kind == m.UPDATE and old.policy is not None:
        row["action"] = old.policy.action_for_update(changes)
    pending[key] = Pending(old.kind, row, old.policy)


# --- writing at commit ---------------------------------------------------------------------------
def _before_commit(session: orm.Session) -> None:
    session.flush()  # the commit would flush now anyway: read that flush too
    nested = session.get_nested_transaction()
    store = _store(session)
    if nested is not None:
        # A savepoint is released: its entries become its parent's, still to be committed.
        entries = store.pop(nested, None) or {}
        parent = store.setdefault(nested.parent, {})
        for key, entry in entries.items():
            _merge(parent, key, entry)
        return
    entries = store.pop(session.get_transaction(), None)
    if entries:
        rows = [
            {**entry.row, "action": entry.policy.action_name(entry.row["action"])} if entry.policy else entry.row
            for entry in entries.values()
        ]
        session.execute(sa.insert(m.AuditEntry.__table__), rows)


def _after_transaction_end(session: orm.Session, transaction: Any) -> None:
    # Whatever is still pending here was rolled back (written and moved entries are popped).
    store = session.info.get(_INFO_KEY)
    if store:
        store.pop(transaction, None)


def init_session(session_class: type[orm.Session]) -> None:
    """Install the listeners on ``session_class`` (once, however many apps are created)."""
    if event.contains(session_class, "after_flush", _after_flush):
        return
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "before_commit", _before_commit)
    event.listen(session_class, "after_transaction_end", _after_transaction_end)
    event.listen(orm.Mapper, "mapper_configured", _track_mapper)
    for mapper in list(sa.inspect(m.AuditEntry).registry.mappers):
        try:
            policy_for(mapper.class_)
        except Exception:  # a broken (plugin) mapping fails on its own first use, not at boot
            log.exception("audit: cannot inspect %s", mapper.class_.__name__)
