"""Security headers on every response; scripts only from our origin or with the page's nonce."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from kimadmin import create_app
from kimadmin.config import load_config
from kimadmin.testing.db_faults import database_fails
from kimadmin.testing.factories import KimFactory

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", re.IGNORECASE)


def csp_directives(response):
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def assert_security_headers(response) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    directives = csp_directives(response)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS


@pytest.mark.parametrize("path", ["/login", "/healthz", "/tidak-ada", "/static/css/kimadmin.css"])
def test_headers_on_anonymous_responses(client, path):
    assert_security_headers(client.get(path))


@pytest.mark.parametrize("page", ["details", "edit", "account", "account password"])
def test_headers_on_pages_showing_personal_data(make_client, karanganyar, page):
    kim = KimFactory(regency="33.13")
    path = {
        "details": f"/admin/kim/details/?id={kim.id}",
        "edit": f"/admin/kim/edit/?id={kim.id}",
        "account": "/account/",
        "account password": "/account/password",
    }[page]

    response = make_client(karanganyar.admin).get(path)

    assert response.status_code == 200, path
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert_scripts_carry_nonce(response)


def _server_error(app, monkeypatch, client):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "system.healthz", broken)
    return client.get("/healthz")


def _too_many_requests(app, monkeypatch, client):
    monkeypatch.setitem(app.config, "KIMADMIN_LOGIN_LIMIT_PER_ACCOUNT", "1 per hour")
    for _ in range(2):
        response = client.post(
            "/login",
            data={"email": "nobody@limit.example", "password": "wrong-password-1", "csrf_token": client.csrf_token()},
        )
    return response


def _too_large(app, monkeypatch, client):
    return client.post("/login", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})


ERROR_RESPONSES = {
    500: _server_error,
    429: _too_many_requests,
    413: _too_large,
    405: lambda app, monkeypatch, client: client.post("/healthz"),
    400: lambda app, monkeypatch, client: client.post("/login", data={"email": "a@b.example", "password": "x"}),
}


@pytest.mark.parametrize("code", ERROR_RESPONSES)
def test_headers_on_error_responses(app, client, monkeypatch, fake_clock, code):
    """Error pages are rendered by handlers, outside the views: they still get every header."""
    response = ERROR_RESPONSES[code](app, monkeypatch, client)

    assert response.status_code == code
    assert_security_headers(response)
    assert_scripts_carry_nonce(response)
    assert "Traceback" not in response.get_data(as_text=True)


def admin_pages(app):
    """The home page and every list and create page the admin registered."""
    yield "/admin/"
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith((".index_view", ".create_view")) and not rule.arguments:
            yield rule.rule


def test_every_inline_script_carries_the_nonce_of_the_header(app, make_client, karanganyar):
    from kimadmin.testing.plugins import enable_plugin

    for record in app.extensions["kimadmin_plugins"].active():  # plugins' pages are checked too
        enable_plugin(record.name, "33.13")
    KimFactory(regency="33.13")
    client = make_client(karanganyar.admin)
    checked = 0
    for path in admin_pages(app):
        response = client.get(path)
        if response.status_code == 403:  # e.g. read-only region screens have no create page
            continue
        assert response.status_code == 200, path
        assert_scripts_carry_nonce(response)
        checked += 1
    assert checked >= 8


def assert_scripts_carry_nonce(response):
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    html = response.get_data(as_text=True)
    for attributes in INLINE_SCRIPT.findall(html):
        assert f'nonce="{nonce}"' in attributes, attributes
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers are blocked by the CSP"
    assert response.headers["Cache-Control"] == "no-store"


def test_nonce_changes_per_request(client):
    first = client.get("/login").headers["Content-Security-Policy"]
    second = client.get("/login").headers["Content-Security-Policy"]
    assert first != second


def test_hsts_over_https(client):
    response = client.get("/login", base_url="https://kimadmin.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def _proxied_app(app, **settings):
    """A second app on the test database, configured as behind nginx (README "Production")."""
    proxied = create_app(
        {
            "KIMADMIN_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "KIMADMIN_DISABLED_PLUGINS": app.config.get("KIMADMIN_DISABLED_PLUGINS"),
            **settings,
        }
    )

    def reset_link() -> str:  # what an admin's "Make a password reset link" would show
        return url_for("auth.reset_password", token="t0k3n", _external=True)

    proxied.view_functions["system.healthz"] = reset_link
    return proxied


def test_hsts_behind_the_proxy_follows_x_forwarded_proto(app):
    client = _proxied_app(app, KIMADMIN_PROXY_FIX=1).test_client()

    over_https = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    plain = client.get("/login")

    assert over_https.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in plain.headers


def test_a_forwarded_host_does_not_choose_the_host_of_links_unless_configured(app):
    headers = {"Host": "kim.diskominfo.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    default = _proxied_app(app, KIMADMIN_PROXY_FIX=1).test_client().get("/healthz", headers=headers)
    opted_in = _proxied_app(app, KIMADMIN_PROXY_FIX=1, KIMADMIN_PROXY_FIX_HOST=1).test_client()

    assert default.get_data(as_text=True) == "https://kim.diskominfo.example/password-reset/t0k3n"
    assert "evil.example" in opted_in.get("/healthz", headers=headers).get_data(as_text=True)


def test_a_host_outside_the_trusted_hosts_is_refused(app, monkeypatch):
    monkeypatch.setenv("KIMADMIN_TRUSTED_HOSTS", "kim.diskominfo.example, localhost")
    trusted = load_config("/tmp/unused", {"KIMADMIN_ENV": "testing"})["TRUSTED_HOSTS"]  # noqa: S108
    client = _proxied_app(app, TRUSTED_HOSTS=trusted).test_client()

    assert trusted == ["kim.diskominfo.example", "localhost"]
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/healthz", headers={"Host": "kim.diskominfo.example"}).status_code == 200


def test_request_id_is_returned_and_a_sane_incoming_one_is_kept(client):
    generated = client.get("/healthz").headers["X-Request-ID"]
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-1234abcd"}).headers["X-Request-ID"]
    refused = client.get("/healthz", headers={"X-Request-ID": "<script>x</script>"}).headers["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert kept == "proxy-1234abcd"
    assert refused != "<script>x</script>" and re.fullmatch(r"[0-9a-f]{32}", refused)


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_readyz_is_503_when_the_database_is_unreachable(client, db_session):
    with database_fails(db_session.get_bind().engine):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}


def test_readyz_reports_unreachable_redis_as_degraded_not_down(app, client, monkeypatch):
    """Login limits fall back to each worker's memory without Redis: the app still serves."""
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "unreachable"}
