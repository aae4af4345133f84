"""A workshop day: seats, the waiting list, cancelling, check-in at the door, hostile names."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from kimadmin.testing.plugins import audit_trail, enable_plugin

from .. import seats
from ..models import Registration
from .factories import KARANGANYAR, PLUGIN, WONOSOBO, make_kim, make_workshop, register, today

REGISTRATIONS = "/admin/workshop_attendance/registration/"


@pytest.fixture
def officer(make_client, db_session, wonosobo):
    enable_plugin(PLUGIN, WONOSOBO)
    return make_client(wonosobo.operator)


def statuses(workshop) -> dict[str, str]:
    rows = sa.select(Registration.participant_name, Registration.status).where(Registration.workshop_id == workshop.id)
    from kimadmin.plugin_api import db

    return dict(db.session.execute(rows).all())


def test_seats_go_first_come_first_served_and_the_rest_wait(db_session):
    workshop = make_workshop(capacity=2)

    for name in ("Ani", "Budi", "Citra", "Dewi"):
        register(workshop, name=name)

    assert statuses(workshop) == {"Ani": "registered", "Budi": "registered", "Citra": "waiting", "Dewi": "waiting"}


def test_cancelling_a_seat_gives_it_to_the_first_on_the_waiting_list(officer, db_session):
    workshop = make_workshop(capacity=1)
    ani = register(workshop, name="Ani")
    budi = register(workshop, name="Budi")
    citra = register(workshop, name="Citra")

    response = officer.post_form(f"{REGISTRATIONS}cancel/", {"id": ani.id}, follow_redirects=True)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Budi" in page and "daftar tunggu" in page  # "moved up from the waiting list", in Indonesian
    db_session.expire_all()
    assert statuses(workshop) == {"Ani": "cancelled", "Budi": "registered", "Citra": "waiting"}
    promoted = db_session.get(Registration, budi.id)
    assert promoted.seated_at is not None and promoted.status_changed_at >= promoted.registered_at
    assert db_session.get(Registration, ani.id).cancelled_at is not None
    assert db_session.get(Registration, citra.id).seated_at is None


def test_cancelling_twice_or_a_waiting_place_moves_nobody_else(db_session):
    workshop = make_workshop(capacity=1)
    ani = register(workshop, name="Ani")
    budi = register(workshop, name="Budi")
    citra = register(workshop, name="Citra")

    assert seats.cancel(citra.id) == []  # a place in line frees no seat
    assert [r.participant_name for r in seats.cancel(ani.id)] == ["Budi"]
    assert seats.cancel(ani.id) == []
    assert statuses(workshop) == {"Ani": "cancelled", "Budi": "registered", "Citra": "cancelled"}
    assert budi.status == "registered"


def test_a_larger_capacity_moves_the_waiting_list_up(officer, db_session):
    workshop = make_workshop(capacity=1)
    for name in ("Ani", "Budi", "Citra"):
        register(workshop, name=name)

    response = officer.post_form(
        f"/admin/workshop_attendance/workshop/edit/?id={workshop.id}",
        {
            "title": workshop.title,
            "starts_on": workshop.starts_on.isoformat(),
            "venue": workshop.venue,
            "capacity": "2",
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    db_session.expire_all()
    assert statuses(workshop) == {"Ani": "registered", "Budi": "registered", "Citra": "waiting"}


def test_the_capacity_cannot_drop_below_the_seats_taken(officer, db_session):
    workshop = make_workshop(capacity=2)
    register(workshop, name="Ani")
    register(workshop, name="Budi")

    response = officer.post_form(
        f"/admin/workshop_attendance/workshop/edit/?id={workshop.id}",
        {
            "title": workshop.title,
            "starts_on": workshop.starts_on.isoformat(),
            "venue": workshop.venue,
            "capacity": "1",
        },
    )

    assert "sudah mendapat kursi" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(type(workshop), workshop.id).capacity == 2


def test_registering_through_the_form_seats_then_queues(officer, db_session, wonosobo):
    workshop = make_workshop(capacity=1)
    kim = make_kim(WONOSOBO)
    form = {"workshop": workshop.id, "kim": kim.id, "gender": "L", "age_group": "18_25", "phone": "0812 3456 7890"}

    first = officer.post_form(f"{REGISTRATIONS}new/", {**form, "participant_name": "Ani"})
    second = officer.post_form(f"{REGISTRATIONS}new/", {**form, "participant_name": "Budi"}, follow_redirects=True)

    assert first.status_code == 302
    assert "daftar tunggu" in second.get_data(as_text=True)
    assert statuses(workshop) == {"Ani": "registered", "Budi": "waiting"}
    ani = db_session.scalar(sa.select(Registration).where(Registration.participant_name == "Ani"))
    assert ani.phone == "+6281234567890" and len(ani.code) == 8


def test_a_phone_is_validated_like_the_core_and_masked_in_the_list(officer, make_client, db_session, wonosobo):
    workshop = make_workshop()
    kim = make_kim(WONOSOBO)
    bad = officer.post_form(
        f"{REGISTRATIONS}new/",
        {"workshop": workshop.id, "kim": kim.id, "gender": "L", "participant_name": "Ani", "phone": "12ab"},
    )
    assert bad.status_code == 200
    assert 'class="form-control is-invalid" id="phone"' in bad.get_data(as_text=True)
    assert statuses(workshop) == {}

    register(workshop, name="Budi", phone="+6281234567890")
    operator_page = officer.get(REGISTRATIONS).get_data(as_text=True)
    assert "+6281234567890" not in operator_page and "7890" in operator_page
    admin_page = make_client(wonosobo.admin).get(REGISTRATIONS).get_data(as_text=True)  # holds personal_data.view
    assert "+6281234567890" in admin_page
    export = officer.get(f"{REGISTRATIONS}export/csv/").get_data(as_text=True)
    assert "Budi" in export and "6281234567890" not in export


def test_a_kim_of_another_regency_is_refused(officer, db_session):
    workshop = make_workshop()
    foreign = make_kim(KARANGANYAR)

    response = officer.post_form(
        f"{REGISTRATIONS}new/",
        {"workshop": workshop.id, "kim": foreign.id, "gender": "P", "participant_name": "Penyusup"},
    )

    assert response.status_code == 200
    assert statuses(workshop) == {}


def test_checking_in_twice_records_one_check_in_and_keeps_the_first_time(officer, db_session):
    workshop = make_workshop()
    ani = register(workshop, name="Ani")
    code = ani.code

    first = officer.post_form(
        "/admin/workshop_attendance/workshop/checkin/", {"id": workshop.id, "code": code.lower()}, follow_redirects=True
    )
    db_session.expire_all()
    first_time = db_session.get(Registration, ani.id).checked_in_at
    again = officer.post_form(
        "/admin/workshop_attendance/workshop/checkin/",
        {"id": workshop.id, "code": f"{code[:4]}-{code[4:]}"},
        follow_redirects=True,
    )

    assert "Selamat datang, Ani" in first.get_data(as_text=True)
    assert "sudah check-in" in again.get_data(as_text=True)
    db_session.expire_all()
    assert first_time is not None
    assert db_session.get(Registration, ani.id).checked_in_at == first_time
    checked = sa.select(sa.func.count()).where(
        Registration.workshop_id == workshop.id, Registration.checked_in_at.is_not(None)
    )
    assert db_session.scalar(checked) == 1
    assert "1 dari 1" in again.get_data(as_text=True)
    check_ins = [
        changes for action, changes in audit_trail(db_session.get(Registration, ani.id)) if "checked_in_at" in changes
    ]
    assert len(check_ins) == 1  # traced once, with who checked in: the second scan wrote nothing
    assert check_ins[0]["checked_in_at"][0] is None and check_ins[0]["checked_in_at"][1]


def test_no_check_in_without_a_seat_or_with_a_wrong_code(db_session, wonosobo):
    workshop = make_workshop(capacity=1)
    other = make_workshop(title="Workshop Lain")
    register(workshop, name="Ani")
    waiting = register(workshop, name="Budi")
    elsewhere = register(other, name="Citra")

    for code, message in (
        (waiting.code, "waiting list"),
        (elsewhere.code, "another workshop"),
        ("ZZZZZZZZ", "No registration"),
        ("", "Type or scan"),
    ):
        with pytest.raises(seats.SeatError, match=message):
            seats.check_in(workshop, code, wonosobo.operator)
    assert waiting.checked_in_at is None and elsewhere.checked_in_at is None


def test_a_checked_in_attendee_is_not_cancelled(db_session, wonosobo):
    workshop = make_workshop()
    ani = register(workshop, name="Ani")
    seats.check_in(workshop, ani.code, wonosobo.operator)

    with pytest.raises(seats.SeatError):
        seats.cancel(ani.id)
    assert ani.status == "registered"


def test_hostile_names_come_back_escaped(officer, db_session):
    workshop = make_workshop(title="<script>alert('w')</script>")
    hostile = register(workshop, name="<script>alert(1)</script>")
    officer.post_form("/admin/workshop_attendance/workshop/checkin/", {"id": workshop.id, "code": hostile.code})

    pages = [
        officer.get(REGISTRATIONS),
        officer.get(f"{REGISTRATIONS}details/?id={hostile.id}"),
        officer.get("/admin/workshop_attendance/workshop/"),
        officer.get(f"/admin/workshop_attendance/workshop/checkin/?id={workshop.id}"),
        officer.get("/admin/workshop_attendance/workshop/report/"),
        officer.post_form(
            "/admin/workshop_attendance/workshop/checkin/",
            {"id": workshop.id, "code": hostile.code},
            follow_redirects=True,
        ),
    ]
    for page in pages:
        body = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "<script>alert(1)</script>" not in body and "<script>alert('w')</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0].get_data(as_text=True)


def test_deleting_a_seat_holder_moves_the_waiting_list_up(make_client, db_session, wonosobo):
    enable_plugin(PLUGIN, WONOSOBO)
    workshop = make_workshop(capacity=1)
    ani = register(workshop, name="Ani")
    register(workshop, name="Budi")

    response = make_client(wonosobo.admin).post_form(f"{REGISTRATIONS}delete/", {"id": ani.id})

    assert response.status_code == 302
    db_session.expire_all()
    assert statuses(workshop) == {"Budi": "registered"}


def test_editing_a_registration_keeps_its_workshop_and_seat(officer, db_session):
    workshop = make_workshop()
    other = make_workshop(title="Workshop Lain")
    ani = register(workshop, name="Ani")
    form = officer.get(f"{REGISTRATIONS}edit/?id={ani.id}").get_data(as_text=True)
    assert 'name="workshop"' not in form

    response = officer.post_form(
        f"{REGISTRATIONS}edit/?id={ani.id}",
        {"workshop": other.id, "participant_name": "Ani Lestari", "kim": ani.kim_id, "gender": "P"},
    )

    assert response.status_code == 302
    db_session.expire_all()
    stored = db_session.get(Registration, ani.id)
    assert (stored.participant_name, stored.workshop_id, stored.status) == ("Ani Lestari", workshop.id, "registered")


# --- the same person twice -----------------------------------------------------------------------


def test_the_same_person_is_not_registered_twice_for_one_workshop(officer, db_session, wonosobo):
    """A double-clicked Save, or a name typed again in other case and spacing: one place only."""
    workshop = make_workshop(capacity=5)
    kim = make_kim(WONOSOBO, name="KIM Sindoro")
    form = {"workshop": workshop.id, "kim": kim.id, "gender": "P"}

    first = officer.post_form(f"{REGISTRATIONS}new/", {**form, "participant_name": "Siti Aminah"})
    again = officer.post_form(f"{REGISTRATIONS}new/", {**form, "participant_name": "  siti   AMINAH "})

    assert first.status_code == 302
    assert again.status_code == 200  # the form again, with the reason
    assert "siti   AMINAH dari KIM Sindoro sudah terdaftar di workshop ini." in again.get_data(as_text=True)
    assert statuses(workshop) == {"Siti Aminah": "registered"}


def test_another_kim_or_a_cancelled_registration_is_not_a_duplicate(db_session):
    workshop = make_workshop(capacity=5)
    sindoro, sumbing = make_kim(WONOSOBO, name="KIM Sindoro"), make_kim(WONOSOBO, name="KIM Sumbing")
    first = register(workshop, name="Siti Aminah", kim=sindoro)

    register(workshop, name="Siti Aminah", kim=sumbing)  # a namesake of another KIM
    with pytest.raises(seats.SeatError, match="already registered"), db_session.begin_nested():
        register(workshop, name="SITI AMINAH", kim=sindoro)  # (rolled back, as the screen does)

    seats.cancel(first.id)
    again = register(workshop, name="Siti Aminah", kim=sindoro)  # registering again after cancelling
    assert again.status == "registered"


def test_the_form_and_the_import_share_one_idea_of_the_same_person():
    assert seats.person_key("  siti   AMINAH ", 7) == seats.person_key("Siti Aminah", 7)
    assert seats.person_key("Siti Aminah", 7) != seats.person_key("Siti Aminah", 8)
    assert seats.person_key("Siti Aminah", 7) != seats.person_key("Siti Amina", 7)


# --- check-in only on the workshop's days --------------------------------------------------------


def test_no_check_in_before_or_after_the_workshop_days(officer, db_session, wonosobo):
    soon = make_workshop(starts_on=today() + timedelta(days=30), title="Workshop Bulan Depan")
    past = make_workshop(starts_on=today() - timedelta(days=3), ends_on=today() - timedelta(days=2))
    early, late = register(soon, name="Terlalu Awal"), register(past, name="Terlambat")

    for workshop, person in ((soon, early), (past, late)):
        with pytest.raises(seats.SeatError, match="only on the workshop's days"):
            seats.check_in(workshop, person.code, wonosobo.operator)
    response = officer.post_form(
        "/admin/workshop_attendance/workshop/checkin/", {"id": soon.id, "code": early.code}, follow_redirects=True
    )

    page = response.get_data(as_text=True)
    assert "Check-in hanya dibuka pada hari pelaksanaan workshop" in page
    assert 'id="wa-checkin-closed"' in page  # the door screen says so before anyone scans
    db_session.expire_all()
    assert db_session.get(Registration, early.id).checked_in_at is None
    assert db_session.get(Registration, late.id).checked_in_at is None


def test_check_in_is_open_every_day_of_the_workshop_by_the_office_calendar(db_session, wonosobo):
    workshop = make_workshop(starts_on=today() - timedelta(days=1), ends_on=today())  # the second day is today
    ani = register(workshop, name="Ani")
    first_day = workshop.starts_on
    jakarta = ZoneInfo("Asia/Jakarta")

    # 23:30 UTC the evening before is 06:30 in Jakarta on the first day: open.
    dawn = datetime.combine(first_day - timedelta(days=1), time(23, 30), tzinfo=UTC)
    assert seats.is_open(workshop, dawn)
    # 16:59 UTC on the last day is 23:59 in Jakarta; one minute later it is the next day there.
    assert seats.is_open(workshop, datetime.combine(today(), time(16, 59), tzinfo=UTC))
    assert not seats.is_open(workshop, datetime.combine(today(), time(17, 0), tzinfo=UTC))
    assert not seats.is_open(workshop, datetime.combine(first_day, time(0, 0), tzinfo=jakarta) - timedelta(minutes=1))

    assert seats.check_in(workshop, ani.code, wonosobo.operator).first  # today, the second day
