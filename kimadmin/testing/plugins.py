"""Test helpers for plugins: switch a plugin per regency, and prove it is unreachable where off."""

from __future__ import annotations

from typing import Any

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
    """Walk every URL of the plugin (GET and POST with a valid CSRF token): all must answer 404.

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
        if methods & {"POST", "PUT", "PATCH", "DELETE"}:
            response = client.post(path, data={"csrf_token": token, "id": "1"})
            assert response.status_code == 404, f"POST {path} answered {response.status_code}"
            made += 1
    return made
