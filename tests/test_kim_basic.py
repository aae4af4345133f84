"""An officer's basic round trip with the KIM list and form."""

from __future__ import annotations

import sqlalchemy as sa

from kimadmin.models import Kim
from kimadmin.testing.factories import KimFactory, first_village


def test_operator_sees_only_own_regency_kim(make_client, karanganyar, wonosobo):
    KimFactory(name="KIM Manteb", regency="33.13")
    KimFactory(name="KIM Sindoro", regency="33.07")
    client = make_client(karanganyar.operator)

    html = client.get("/admin/kim/").get_data(as_text=True)

    assert "KIM Manteb" in html
    assert "KIM Sindoro" not in html


def test_operator_creates_kim_in_own_desa(make_client, karanganyar, db_session):
    village = first_village("33.13")
    client = make_client(karanganyar.operator)

    response = client.post_form(
        "/admin/kim/new/", {"name": "KIM Tunas Harapan", "village": village.code, "status": "aktif"}
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    kim = db_session.scalar(sa.select(Kim).where(Kim.name == "KIM Tunas Harapan"))
    assert kim is not None and kim.regency_code == "33.13"
