"""Test helpers for plugins: switch a plugin per regency, and prove it is unreachable where off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from ..extensions import db
from ..plugin_service import set_enabled


def enable_plugin(name: str, regency: str) -> None:
    """Switch ``name`` on for ``regency`` inside the test's transaction."""
    set_enabled(name, regency, True)
    db.session.flush()


def disable_plugin(name: str, regency: str) -> None:
    set_enabled(name, regency, False)
    db.session.flush()


def plugin_urls(app: Flask, name: str) -> list[tuple[str, set[str]]]:
    """Every URL rule served by a blueprint the plugin owns, with its methods."""
    plugins = app.extensions["kimadmin_plugins"]
    urls = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else ""
        if plugins.owner_of(blueprint) == name:
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<{argument}>", "1").replace(f"<int:{argument}>", "1")
                path = path.replace(f"<path:{argument}>", "x").replace(f"<string:{argument}>", "x")
            urls.append((path, set(rule.methods or ()) - {"HEAD", "OPTIONS"}))
    return urls


def assert_plugin_unreachable(app: Flask, client: Any, name: str) -> int:
    """Walk every URL of the plugin (GET, and each writing method it declares with a valid CSRF
    token): all must answer 404.

    Returns how many requests were made, so a test can also assert the plugin has URLs at all.
    """
    urls = plugin_urls(app, name)
    assert urls, f"plugin {name} owns no URL"
    token = client.csrf_token("/admin/")
    made = 0
    for path, methods in urls:
        if "GET" in methods:
            response = client.get(path)
            assert response.status_code == 404, f"GET {path} answered {response.status_code}"
            made += 1
        for method in sorted(methods & {"POST", "PUT", "PATCH", "DELETE"}):
            response = client.open(path, method=method, data={"csrf_token": token, "id": "1"})
            assert response.status_code == 404, f"{method} {path} answered {response.status_code}"
            made += 1
    return made


# --- acting inside one scope -------------------------------------------------------------------------


@contextmanager
def in_scope(level: str, code: str | None = None) -> Iterator[None]:
    """Run a block (inside a request context) as a user of ``level`` (``regency``, ``province``,
    ``nation``) and ``code`` would: the tenancy layer then scopes reads and checks writes, so a
    plugin can test its rows' ownership without logging anybody in."""
    from ..tenancy import Scope, acting_in

    with acting_in(Scope(level, code)):
        yield


# --- the audit history of a plugin's rows ------------------------------------------------------------


def audit_trail(obj: Any) -> list[tuple[str, dict[str, list[Any]]]]:
    """``(action, {field: [before, after]})`` of every committed audit entry of ``obj``, oldest first.

    Entries are written when a transaction commits (a request's save, in tests a savepoint), so
    a plugin can check that its own writes are traced: one entry per change, with the right diff.
    """
    from ..audit import AuditEntry
    from ..audit.capture import policy_for

    policy = policy_for(type(obj))
    if policy is None:
        return []
    object_id = ",".join(str(part) for part in sa.inspect(obj).identity)
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == policy.object_type, AuditEntry.object_id == object_id)
        .order_by(AuditEntry.id)
    )
    return [(entry.action, dict(entry.changes or {})) for entry in entries]


# --- a plugin's own catalogue ------------------------------------------------------------------------


def extracted_msgids(plugin_dir: Path, *template_keywords: str) -> set[str]:
    """The msgids a plugin's code and templates use (its ``tests/`` left out), as Babel finds them.

    ``template_keywords`` names the plugin's own translate function in templates (e.g. ``"ff_"``).
    """
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "N_": None}
    keywords.update(dict.fromkeys(template_keywords))
    messages = extract_from_dir(
        str(plugin_dir),
        method_map=[("tests/**", "ignore"), ("**.py", "python"), ("**/templates/**.html", "jinja2")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords=keywords,
    )
    return {message if isinstance(message, str) else message[0] for _file, _line, message, _c, _x in messages}


def catalogue_strings(plugin_dir: Path, domain: str, language: str = "id") -> dict[str, Any]:
    """``msgid -> translation`` of the plugin's ``translations/<language>/LC_MESSAGES/<domain>.po``."""
    from babel.messages.pofile import read_po

    with (plugin_dir / "translations" / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return {message.id: message.string for message in read_po(handle, locale=language) if message.id}
