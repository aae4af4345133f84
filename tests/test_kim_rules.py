"""The rules of the KIM screen: status changes with a reason and a dated history, a warning for a
second KIM in a desa, deletion that says what goes with a KIM, validated contact and kim.id
fields, the regency's own level list, and the named list filters the dashboard links to."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from markupsafe import escape

from kimadmin.extensions import db
from kimadmin.models import (
    Activity,
    ActivityParticipant,
    Award,
    Board,
    ContentItem,
    Decree,
    Kim,
    KimLevel,
    KimStatusChange,
    Village,
)
from kimadmin.testing.factories import KimFactory, first_village

TODAY = date.today()


def villages(regency: str, count: int) -> list[Village]:
    """``count`` desa of a regency, each in a different kecamatan."""
    rows = db.session.scalars(sa.select(Village).where(Village.regency_code == regency).order_by(Village.code))
    by_district: dict[str, Village] = {}
    for village in rows:
        by_district.setdefault(village.district_code, village)
        if len(by_district) == count:
            break
    return list(by_district.values())


def form(kim: Kim | None = None, **changes: object) -> dict[str, object]:
    """The KIM form as the browser posts it (the current values of ``kim``, then ``changes``)."""
    data: dict[str, object] = {"status_changed_on": TODAY.isoformat()}
    if kim is not None:
        data.update({"name": kim.name, "village": kim.village_code, "status": kim.status})
    data.update(changes)
    return data


def reload(kim: Kim) -> Kim:
    db.session.expire_all()
    return db.session.get(Kim, kim.id)


def history_of(kim: Kim) -> list[KimStatusChange]:
    return list(db.session.scalars(sa.select(KimStatusChange).where(KimStatusChange.kim_id == kim.id)))


# --- status with a reason and a dated history ---------------------------------------------------


def test_changing_the_status_without_a_reason_is_refused_and_nothing_is_saved(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13", status="aktif")
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    response = client.post_form(f"/admin/kim/edit/?id={kim.id}", form(kim, status="tidak_aktif", name="Diubah"))

    assert response.status_code == 200
    assert "Give the reason for the status Inactive." in response.get_data(as_text=True)
    kim = reload(kim)
    assert (kim.status, kim.name) == ("aktif", "KIM Manteb")
    assert history_of(kim) == []


def test_a_status_change_is_recorded_with_its_reason_date_and_officer(make_client, karanganyar):
    kim = KimFactory(name="KIM Saraswati", regency="33.13", status="aktif")
    officer = karanganyar.operator
    changed_on = TODAY - timedelta(days=12)

    response = make_client(officer).post_form(
        f"/admin/kim/edit/?id={kim.id}",
        form(
            kim,
            status="tidak_aktif",
            status_change_reason="Kepengurusan tidak diregenerasi",
            status_changed_on=changed_on.isoformat(),
        ),
    )

    assert response.status_code == 302
    kim = reload(kim)
    assert (kim.status, kim.status_reason, kim.status_since) == (
        "tidak_aktif",
        "Kepengurusan tidak diregenerasi",
        changed_on,
    )
    [entry] = history_of(kim)
    assert (entry.status, entry.reason, entry.changed_on, entry.recorded_by_id) == (
        "tidak_aktif",
        "Kepengurusan tidak diregenerasi",
        changed_on,
        officer.id,
    )
    history = make_client(officer).get(f"/admin/kim/details/?id={kim.id}").get_data(as_text=True)
    assert str(escape(str(officer))) in history.split('id="kim-status-history"')[1]  # who recorded it, on the KIM page


def test_editing_other_fields_adds_no_status_history(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13", status="kurang_aktif")

    response = make_client(karanganyar.operator).post_form(
        f"/admin/kim/edit/?id={kim.id}", form(kim, address="Jl. Lawu 1", status_change_reason="tidak dipakai")
    )

    assert response.status_code == 302
    kim = reload(kim)
    assert kim.address == "Jl. Lawu 1"
    assert history_of(kim) == []


def test_a_status_change_dated_in_the_future_is_refused(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13", status="aktif")
    client = make_client(karanganyar.operator)
    client.switch_language("en")
    tomorrow = TODAY + timedelta(days=1)

    response = client.post_form(
        f"/admin/kim/edit/?id={kim.id}",
        form(kim, status="dibekukan", status_change_reason="Dibekukan", status_changed_on=tomorrow.isoformat()),
    )

    assert "The date cannot be in the future." in response.get_data(as_text=True)
    assert reload(kim).status == "aktif"


def test_a_new_kim_starts_its_history_with_its_first_status(make_client, karanganyar):
    village = first_village("33.13")

    response = make_client(karanganyar.operator).post_form(
        "/admin/kim/new/", form(name="KIM Tunas Harapan", village=village.code, status="aktif")
    )

    assert response.status_code == 302
    kim = db.session.scalar(sa.select(Kim).where(Kim.name == "KIM Tunas Harapan"))
    assert response.headers["Location"].endswith(f"/admin/kim/details/?id={kim.id}")  # on to its page
    [entry] = history_of(kim)
    assert (entry.status, entry.changed_on) == ("aktif", TODAY)


def test_a_new_kim_registered_as_inactive_needs_a_reason(make_client, karanganyar):
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    response = client.post_form(
        "/admin/kim/new/", form(name="KIM Lama", village=first_village("33.13").code, status="tidak_aktif")
    )

    assert "Give the reason for the status Inactive." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Kim).where(Kim.name == "KIM Lama")) is None


# --- a second KIM in one desa --------------------------------------------------------------------


def test_a_second_kim_in_a_desa_is_saved_with_a_warning_naming_the_first(make_client, karanganyar):
    first = KimFactory(name="KIM Manteb", regency="33.13")
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    response = client.post_form(
        "/admin/kim/new/", form(name="KIM Kedua", village=first.village_code, status="aktif"), follow_redirects=True
    )

    html = response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Kim).where(Kim.name == "KIM Kedua")) is not None
    assert "alert-warning" in html
    assert f"{first.village.name} already has KIM Manteb" in html


def test_a_kim_alone_in_its_desa_gets_no_warning(make_client, karanganyar):
    KimFactory(name="KIM Manteb", regency="33.13")
    other_desa = villages("33.13", 2)[1]
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    response = client.post_form(
        "/admin/kim/new/", form(name="KIM Sendiri", village=other_desa.code, status="aktif"), follow_redirects=True
    )

    assert "already has" not in response.get_data(as_text=True)


def test_editing_a_kim_that_shares_its_desa_does_not_warn_again(make_client, karanganyar):
    KimFactory(name="KIM Manteb", regency="33.13")
    second = KimFactory(name="KIM Kedua", regency="33.13")
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    response = client.post_form(
        f"/admin/kim/edit/?id={second.id}", form(second, address="Jl. Baru"), follow_redirects=True
    )

    assert "already has" not in response.get_data(as_text=True)


# --- contact and kim.id ------------------------------------------------------------------------


def test_the_contact_phone_is_checked_and_stored_in_one_form(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13")
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    refused = client.post_form(f"/admin/kim/edit/?id={kim.id}", form(kim, contact_phone="12345"))
    assert "Not a valid Indonesian phone number" in refused.get_data(as_text=True)
    assert reload(kim).contact_phone is None

    saved = client.post_form(f"/admin/kim/edit/?id={kim.id}", form(kim, contact_phone="0812-3456-7890"))
    assert saved.status_code == 302
    assert reload(kim).contact_phone == "+6281234567890"


def test_an_operator_never_sees_the_stored_phone_in_the_form_and_saving_keeps_it(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13", contact_phone="+6281234567890")
    client = make_client(karanganyar.operator)

    html = client.get(f"/admin/kim/edit/?id={kim.id}").get_data(as_text=True)
    response = client.post_form(f"/admin/kim/edit/?id={kim.id}", form(kim, address="Jl. Lawu 1"))

    assert "81234567890" not in html
    assert response.status_code == 302
    assert reload(kim).contact_phone == "+6281234567890"


@pytest.mark.parametrize("address", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "manteb.kim.id"])
def test_a_kimid_site_must_be_an_http_address(make_client, karanganyar, address):
    kim = KimFactory(name="KIM Manteb", regency="33.13")
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    response = client.post_form(f"/admin/kim/edit/?id={kim.id}", form(kim, kimid_url=address))

    assert "Enter a web address starting with http:// or https://." in response.get_data(as_text=True)
    assert reload(kim).kimid_url is None


def test_a_kimid_registration_is_saved(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13")

    response = make_client(karanganyar.operator).post_form(
        f"/admin/kim/edit/?id={kim.id}",
        form(kim, kimid_number=" KIM-3313-07 ", kimid_url="https://manteb.kim.id"),
    )

    assert response.status_code == 302
    kim = reload(kim)
    assert (kim.kimid_number, kim.kimid_url) == ("KIM-3313-07", "https://manteb.kim.id")


# --- level from the regency's own list, else the defaults ---------------------------------------


@pytest.fixture
def levels(db_session):
    """National defaults, Karanganyar's own list, and a Wonosobo level."""
    defaults = [KimLevel(name=name, position=i) for i, name in enumerate(("Pemula", "Berkembang", "Maju", "Mandiri"))]
    karanganyar = [KimLevel(name=name, position=i, regency_code="33.13") for i, name in enumerate(("Dasar", "Unggul"))]
    wonosobo = KimLevel(name="Level Wonosobo", position=0, regency_code="33.07")
    db.session.add_all([*defaults, *karanganyar, wonosobo])
    db.session.flush()
    return {"default": defaults[0], "own": karanganyar[1], "wonosobo": wonosobo}


def test_a_regency_with_its_own_levels_is_offered_only_those(make_client, karanganyar, wonosobo, levels):
    karanganyar_form = make_client(karanganyar.operator).get("/admin/kim/new/").get_data(as_text=True)
    wonosobo_form = make_client(wonosobo.operator).get("/admin/kim/new/").get_data(as_text=True)

    assert "Unggul" in karanganyar_form and "Dasar" in karanganyar_form
    assert "Pemula" not in karanganyar_form and "Level Wonosobo" not in karanganyar_form
    assert "Level Wonosobo" in wonosobo_form and "Pemula" not in wonosobo_form


def test_a_regency_without_its_own_levels_uses_the_defaults(make_client, levels):
    from kimadmin.testing.factories import make_user

    temanggung_operator = make_user("operator", regency="33.23")
    html = make_client(temanggung_operator).get("/admin/kim/new/").get_data(as_text=True)

    assert "Pemula" in html and "Mandiri" in html
    assert "Unggul" not in html


@pytest.mark.parametrize(("which", "saved"), [("own", True), ("default", False), ("wonosobo", False)])
def test_only_a_level_of_the_effective_list_is_saved(make_client, karanganyar, levels, which, saved):
    kim = KimFactory(name="KIM Manteb", regency="33.13")

    make_client(karanganyar.operator).post_form(f"/admin/kim/edit/?id={kim.id}", form(kim, level=levels[which].id))

    assert (reload(kim).level_id == levels[which].id) is saved


# --- deleting a KIM that has records attached ---------------------------------------------------


def attach_records(kim: Kim) -> None:
    activity = Activity(regency_code="33.13", kind="rakor", title="Rakor KIM", start_on=TODAY)
    second = Activity(regency_code="33.13", kind="pelatihan", title="Pelatihan", start_on=TODAY)
    db.session.add_all(
        [
            Award(kim=kim, contest_name="Lomba KIM Jateng", level="provinsi", year=2024, rank=3),
            ActivityParticipant(activity=activity, kim=kim),
            ActivityParticipant(activity=second, kim=kim),
            Decree(kim=kim, kind="pembentukan", number="141/1/2020", issued_on=date(2020, 1, 2), issuer="kepala_desa"),
        ]
    )
    db.session.flush()


def test_deleting_a_kim_with_records_asks_first_and_lists_them(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13")
    attach_records(kim)
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    response = client.post_form("/admin/kim/delete/", {"id": kim.id, "url": "/admin/kim/"})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Delete KIM Manteb?" in html
    for attached in ("1 award", "2 activity participations", "1 decree (SK)"):
        assert f"<li>{attached}</li>" in html
    assert "board" not in re.sub(r"<[^>]+>", "", html.split('id="kim-attachments"')[1].split("</ul>")[0])
    assert 'name="confirm" value="yes"' in html
    assert reload(kim) is not None


def test_confirming_deletes_the_kim_with_its_records(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13")
    attach_records(kim)
    kim_id = kim.id

    response = make_client(karanganyar.admin).post_form(
        "/admin/kim/delete/", {"id": kim_id, "url": f"/admin/kim/details/?id={kim_id}", "confirm": "yes"}
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/kim/")  # not back to the page that is gone
    db.session.expire_all()
    assert db.session.scalar(sa.select(Kim).where(Kim.id == kim_id)) is None  # in the trash: out of every query
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Award).where(Award.kim_id == kim_id)) == 0


def test_a_kim_without_records_is_deleted_at_once(make_client, karanganyar):
    kim = KimFactory(name="KIM Kosong", regency="33.13")
    kim_id = kim.id

    response = make_client(karanganyar.admin).post_form("/admin/kim/delete/", {"id": kim_id})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(Kim).where(Kim.id == kim_id)) is None  # in the trash


def test_bulk_delete_refuses_kim_with_records_and_deletes_nothing(make_client, karanganyar):
    attached = KimFactory(name="KIM Manteb", regency="33.13")
    attach_records(attached)
    empty = KimFactory(name="KIM Kosong", regency="33.13")
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    response = client.post_form(
        "/admin/kim/action/",
        {"action": "delete", "rowid": [str(attached.id), str(empty.id)], "url": "/admin/kim/"},
        follow_redirects=True,
    )

    html = response.get_data(as_text=True)
    assert "Nothing was deleted: KIM Manteb still have" in html
    assert reload(attached) is not None and reload(empty) is not None


def test_bulk_delete_of_kim_without_records_goes_ahead(make_client, karanganyar):
    ids = [KimFactory(name=f"KIM Kosong {i}", regency="33.13").id for i in range(2)]

    make_client(karanganyar.admin).post_form(
        "/admin/kim/action/", {"action": "delete", "rowid": [str(i) for i in ids], "url": "/admin/kim/"}
    )

    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Kim).where(Kim.id.in_(ids))) == 0


# --- search -------------------------------------------------------------------------------------


def test_the_list_searches_by_desa_and_kimid_number(make_client, karanganyar):
    desa_a, desa_b = villages("33.13", 2)
    KimFactory(name="KIM Manteb", regency="33.13", village=desa_a, kimid_number="KIM-3313-77")
    KimFactory(name="KIM Saraswati", regency="33.13", village=desa_b)
    client = make_client(karanganyar.operator)

    by_desa = client.get(f"/admin/kim/?search={desa_b.name}").get_data(as_text=True)
    by_number = client.get("/admin/kim/?search=3313-77").get_data(as_text=True)

    assert "KIM Saraswati" in by_desa and "KIM Manteb" not in by_desa
    assert "KIM Manteb" in by_number and "KIM Saraswati" not in by_number


# --- named list filters --------------------------------------------------------------------------


@pytest.fixture
def scenario(db_session, wonosobo):
    """Karanganyar KIM in several kecamatan with every kind of board term and recent work."""
    d1, d2, d3 = villages("33.13", 3)
    level = KimLevel(name="Maju", position=2)
    db.session.add(level)
    db.session.flush()

    def kim(name: str, village: Village, status: str, **kwargs: object) -> Kim:
        return KimFactory(name=name, village=village, status=status, **kwargs)

    def board(owner: Kim, start: int, end: int) -> None:
        db.session.add(Board(kim=owner, term_start=TODAY + timedelta(days=start), term_end=TODAY + timedelta(days=end)))

    def took_part(owner: Kim, days_ago: int, attended: bool = True) -> None:
        activity = Activity(
            regency_code=owner.regency_code, kind="rakor", title="Rakor", start_on=TODAY - timedelta(days=days_ago)
        )
        db.session.add(ActivityParticipant(activity=activity, kim=owner, attended=attended))

    def content(owner: Kim, days_ago: int) -> None:
        db.session.add(
            ContentItem(kim=owner, title="Berita", kind="berita", published_on=TODAY - timedelta(days=days_ago))
        )

    a = kim("KIM A", d1, "aktif", kimid_number="KIM-1", level=level)
    board(a, -900, 30)  # expiring
    content(a, 10)
    b = kim("KIM B", d1, "kurang_aktif", kimid_url="https://b.kim.id")
    board(b, -100, 400)
    took_part(b, 20)
    c = kim("KIM C", d2, "tidak_aktif", kimid_number="  ")
    board(c, -1200, -100)  # expired
    board(c, -2400, -1200)
    d = kim("KIM D", d2, "dibekukan")  # no board
    took_part(d, 10, attended=False)
    content(d, 200)
    e = kim("KIM E", d3, "aktif", level=level)
    board(e, -1000, 60)
    board(e, 61, 1000)  # renewal already recorded: not expiring
    took_part(e, 170)
    f = kim("KIM F", d1, "aktif")
    board(f, -1100, -10)  # expired...
    board(f, -5, 1000)  # ...but renewed: current
    took_part(f, 181)
    content(f, 400)
    KimFactory(name="KIM W", regency="33.07", status="tidak_aktif")  # another regency: never counted
    db.session.flush()
    return {"d1": d1, "d2": d2, "level": level}


# Each filter against an independent query: another formulation of the same rule, in plain SQL.
INDEPENDENT = {
    "status=aktif": "k.status = 'aktif'",
    "status=kurang_aktif": "k.status = 'kurang_aktif'",
    "status=tidak_aktif": "k.status = 'tidak_aktif'",
    "status=dibekukan": "k.status = 'dibekukan'",
    "status=active": "k.status IN ('aktif', 'kurang_aktif')",
    "status=inactive": "k.status NOT IN ('aktif', 'kurang_aktif')",
    "district={d1}": "k.village_code IN (SELECT code FROM village WHERE district_code = '{d1}')",
    "district={d2}": "k.village_code IN (SELECT code FROM village WHERE district_code = '{d2}')",
    "village={v1}": "k.village_code = '{v1}'",
    "regency=33.13": "1 = 1",
    "province=33": "1 = 1",
    "level={level}": "k.level_id = {level}",
    "level=none": "k.level_id IS NULL",
    "kimid=yes": "COALESCE(TRIM(k.kimid_number), '') <> '' OR COALESCE(TRIM(k.kimid_url), '') <> ''",
    "kimid=no": "COALESCE(TRIM(k.kimid_number), '') = '' AND COALESCE(TRIM(k.kimid_url), '') = ''",
    "board=expiring": (
        "(SELECT MAX(b.term_end) FROM board b WHERE b.kim_id = k.id) BETWEEN :today AND :horizon "
        "AND k.id IN (SELECT kim_id FROM board WHERE term_start <= :today AND term_end >= :today)"
    ),
    "board=expired": "(SELECT MAX(b.term_end) FROM board b WHERE b.kim_id = k.id) < :today",
    "board=none": "(SELECT COUNT(*) FROM board b WHERE b.kim_id = k.id) = 0",
    "idle=180": (
        "k.id NOT IN (SELECT p.kim_id FROM activity_participant p JOIN activity a ON a.id = p.activity_id "
        "WHERE p.kim_id IS NOT NULL AND p.attended = :yes AND a.start_on >= :since AND a.start_on <= :today) "
        "AND k.id NOT IN (SELECT c.kim_id FROM content_item c WHERE c.published_on >= :since "
        "AND c.published_on <= :today)"
    ),
}


PARAMETERS = (
    sa.bindparam("today", TODAY, type_=sa.Date),
    sa.bindparam("horizon", TODAY + timedelta(days=90), type_=sa.Date),
    sa.bindparam("since", TODAY - timedelta(days=180), type_=sa.Date),
    sa.bindparam("yes", True, type_=sa.Boolean),
)


def independent_names(condition: str) -> set[str]:
    sql = f"SELECT k.name FROM kim k WHERE k.regency_code = '33.13' AND ({condition})"  # noqa: S608 - test constants
    statement = sa.text(sql).bindparams(*(p for p in PARAMETERS if f":{p.key}" in condition))
    names = set(db.session.scalars(statement.columns(sa.column("name", sa.String))))
    return {name for name in names if name.startswith("KIM ")}


def listed_names(html: str) -> set[str]:
    return set(re.findall(r'<a href="/admin/kim/details/\?id=\d+">([^<]+)</a>', html))


@pytest.mark.parametrize("query", list(INDEPENDENT))
def test_each_named_filter_lists_exactly_what_an_independent_query_counts(
    make_client, karanganyar, scenario, count_queries, query
):
    values = {"d1": scenario["d1"].district_code, "d2": scenario["d2"].district_code}
    values |= {"v1": scenario["d1"].code, "level": scenario["level"].id}
    expected = independent_names(INDEPENDENT[query].format(**values))
    client = make_client(karanganyar.operator)

    with count_queries() as counter:
        response = client.get(f"/admin/kim/?{query.format(**values)}&page_size=100")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert listed_names(html) == expected
    assert re.search(rf"(?:Daftar|List) \({len(expected)}\)", html), "the count above the list agrees"
    assert len(counter) <= 3, "\n\n".join(counter.statements)


def test_the_scenario_gives_every_filter_something_to_tell_apart(karanganyar, scenario):
    """Guards the test above: each board/idle filter picks some KIM but not all."""
    everything = independent_names("1 = 1")
    for query in ("board=expiring", "board=expired", "board=none", "idle=180", "kimid=yes", "status=inactive"):
        found = independent_names(INDEPENDENT[query])
        assert found and found != everything, query
    assert independent_names(INDEPENDENT["board=expiring"]) == {"KIM A"}
    assert independent_names(INDEPENDENT["board=expired"]) == {"KIM C"}
    assert independent_names(INDEPENDENT["idle=180"]) == {"KIM C", "KIM D", "KIM F"}


def test_filters_combine_and_are_shown_above_the_list(make_client, karanganyar, scenario):
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    html = client.get(f"/admin/kim/?status=inactive&district={scenario['d2'].district_code}").get_data(as_text=True)

    assert listed_names(html) == {"KIM C", "KIM D"}
    assert 'id="url-filters"' in html and "Show all" in html


@pytest.mark.parametrize(
    "query",
    ["status=sleeping", "district=33.13", "village=abc", "level=x", "kimid=maybe", "board=soon", "idle=0", "idle=x"],
)
def test_a_malformed_filter_is_a_bad_request(make_client, karanganyar, query):
    assert make_client(karanganyar.operator).get(f"/admin/kim/?{query}").status_code == 400


def test_the_list_shows_kecamatan_level_and_board_term_end(make_client, karanganyar, scenario):
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    html = client.get("/admin/kim/?board=expiring").get_data(as_text=True)

    assert scenario["d1"].district.name in html
    assert "Maju" in html
    assert format_date(TODAY + timedelta(days=30), "d MMMM yyyy", locale="en") in html  # KIM A's board


def kim_view(app):
    admin = app.extensions["admin"]
    admin = admin[0] if isinstance(admin, list) else admin
    return next(view for view in admin._views if getattr(view, "endpoint", "") == "kim")


def test_the_kecamatan_filter_of_the_filter_menu_stays_three_statements(
    app, make_client, karanganyar, scenario, count_queries
):
    index = next(
        i
        for i, flt in enumerate(kim_view(app)._filters)
        if type(flt).__name__ == "FilterEqual"
        and getattr(flt.column, "table", None) is not None
        and flt.column.table.name == "district"
    )
    kecamatan = scenario["d2"].district.name
    client = make_client(karanganyar.operator)

    with count_queries() as counter:
        html = client.get(f"/admin/kim/?flt0_{index}={kecamatan}").get_data(as_text=True)

    assert listed_names(html) == {"KIM C", "KIM D"}
    assert len(counter) <= 3, "\n\n".join(counter.statements)


def test_the_export_follows_the_named_filters_and_leaves_out_the_contact_phone(make_client, karanganyar, scenario):
    KimFactory(name="KIM Telepon", regency="33.13", status="tidak_aktif", contact_phone="+6281234567890")

    response = make_client(karanganyar.admin).get("/admin/kim/export/csv/?status=inactive")

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = body.strip().splitlines()
    assert len(rows) == 1 + 3  # header, KIM C, KIM D, KIM Telepon
    assert "KIM C" in body and "KIM A" not in body
    assert "81234567890" not in body and "Pak" not in body
    expired_on = (TODAY - timedelta(days=100)).isoformat()
    assert expired_on in body  # KIM C's last board term end


def test_deleting_a_kim_keeps_its_decree_pdfs_for_the_trash(app, make_client, karanganyar):
    from kimadmin.uploads import upload_dir

    kim = KimFactory(name="KIM Manteb", regency="33.13")
    with app.test_request_context():
        folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / ("ab" * 16 + ".pdf")
    stored.write_bytes(b"%PDF-1.4\n")
    db.session.add(
        Decree(
            kim=kim,
            kind="pembentukan",
            number="141/3/2019",
            issued_on=date(2019, 3, 1),
            issuer="kepala_desa",
            pdf_path=stored.name,
            pdf_name="sk.pdf",
        )
    )
    db.session.flush()
    client = make_client(karanganyar.admin)

    try:
        page = client.get(f"/admin/kim/details/?id={kim.id}").get_data(as_text=True)
        client.post_form("/admin/kim/delete/", {"id": kim.id, "confirm": "yes"})

        assert "/admin/decree/pdf/?id=" in page  # the SK's PDF is one click away on the KIM page
        assert stored.exists()  # the KIM is in the trash, restorable: its files go only when purged
    finally:
        stored.unlink(missing_ok=True)
