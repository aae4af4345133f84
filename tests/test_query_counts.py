"""List pages run a fixed number of SQL statements, whatever the page size."""

from __future__ import annotations

import pytest

from kimadmin.testing.factories import KimFactory

MAX_LIST_STATEMENTS = 3  # the user with role and permissions, the count, the page


@pytest.mark.parametrize("page_size", [20, 100])
def test_kim_list_with_desa_kecamatan_kabupaten_is_three_statements(make_client, karanganyar, count_queries, page_size):
    KimFactory.create_batch(60, regency="33.13")
    client = make_client(karanganyar.operator)

    with count_queries() as counter:
        response = client.get(f"/admin/kim/?page_size={page_size}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("KIM Uji") >= min(page_size, 60)
    assert "Jatipuro" in html  # kecamatan column rendered
    assert 1 <= len(counter) <= MAX_LIST_STATEMENTS, "\n\n".join(counter.statements)


@pytest.mark.parametrize("path", ["/admin/village/", "/admin/district/", "/admin/regency/", "/admin/user/"])
def test_other_list_pages_are_fixed_too(make_client, karanganyar, count_queries, path):
    client = make_client(karanganyar.admin)

    with count_queries() as counter:
        response = client.get(path + "?page_size=100")

    assert response.status_code == 200
    assert 1 <= len(counter) <= MAX_LIST_STATEMENTS, "\n\n".join(counter.statements)


def test_kim_form_does_not_embed_the_desa_table(make_client, karanganyar, count_queries):
    client = make_client(karanganyar.operator)

    with count_queries() as counter:
        response = client.get("/admin/kim/new/")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-role="select2-ajax"' in html  # the desa field is an AJAX picker
    assert html.count("<option") < 20
    assert len(html) < 100_000
    assert len(counter) <= 2, "\n\n".join(counter.statements)
