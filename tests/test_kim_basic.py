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


def test_province_staff_see_which_regency_each_row_belongs_to(make_client, karanganyar, wonosobo, db_session):
    from kimadmin.testing.factories import KimFactory, make_user

    KimFactory(regency="33.13", name="KIM Lawu")
    KimFactory(regency="33.07", name="KIM Dieng")
    province = make_user("provinsi", province="33")
    db_session.flush()

    staff = make_client(province)
    staff.switch_language("en")
    page = staff.get("/admin/kim/").get_data(as_text=True)
    export = staff.get("/admin/kim/export/csv/").get_data().decode("utf-8-sig")
    own = make_client(karanganyar.operator)
    own.switch_language("en")
    own_page = own.get("/admin/kim/").get_data(as_text=True)

    assert "col-regency_code" in page and "KARANGANYAR" in page.upper() and "WONOSOBO" in page.upper()
    header, *rows = export.splitlines()
    assert header.endswith("Regency/City")
    assert any("KIM Dieng" in row and "WONOSOBO" in row.upper() for row in rows)
    assert "col-regency_code" not in own_page  # a regency's own users see only their regency
