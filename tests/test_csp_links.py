"""No ``javascript:`` URL in any page: the Content-Security-Policy would block it (and log it)."""

from __future__ import annotations

from kimadmin.testing.factories import KimFactory


def test_flask_admin_pages_carry_no_javascript_urls(make_client, karanganyar, db_session):
    kims = [KimFactory(regency="33.13", name=f"KIM Uji {n:02d}") for n in range(25)]  # two pages
    db_session.flush()
    client = make_client(karanganyar.admin)
    pages = [
        "/admin/",
        "/admin/kim/",
        "/admin/kim/?page=1",
        "/admin/kim/new/",
        f"/admin/kim/edit/?id={kims[0].id}",
        f"/admin/kim/details/?id={kims[0].id}",
        "/admin/board/",
        "/admin/board/new/",
        "/admin/user/",
    ]

    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert "javascript:" not in body, path
    listing = client.get("/admin/kim/").get_data(as_text=True)
    assert 'class="page-link" href="#"' in listing  # Flask-Admin's inert links, rewritten
