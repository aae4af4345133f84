"""The domain screens as an officer uses them: lists, prefilled forms, pickers, personal data,
named list filters and the settings lists."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from kimadmin.models import (
    Activity,
    Award,
    BoardMember,
    Kim,
    KimLevel,
    MonevAssessment,
    MonevIndicator,
)
from kimadmin.testing.factories import (
    ActivityFactory,
    ActivityParticipantFactory,
    AwardFactory,
    BoardFactory,
    BoardMemberFactory,
    ContentItemFactory,
    DecreeFactory,
    FkMetraForumFactory,
    FkMetraGroupFactory,
    FkMetraPerformanceFactory,
    KimFactory,
    KimLevelFactory,
    MediaChannelFactory,
    MonevAssessmentFactory,
    MonevIndicatorFactory,
    make_user,
)

TODAY = date.today()
MAX_LIST_STATEMENTS = 3  # the user with role and permissions, the count, the page
PHONE = "+6281234567890"
NIK = "3313010101900001"


def picked(html: str, field: str) -> int | None:
    """The id an AJAX picker is preselected with, read from its hidden input."""
    match = re.search(rf'<input[^>]*data-json="\[(\d+),[^>]*name="{field}"', html)
    return int(match.group(1)) if match else None


def superadmin():
    return make_user("superadmin", email="pusat@kominfo.example")


# --- lists ----------------------------------------------------------------------------------------


def _kims(count: int) -> list[Kim]:
    return KimFactory.create_batch(count, regency="33.13")


def _decrees(kims):
    forum = FkMetraForumFactory()
    DecreeFactory(kim=None, forum=forum)
    for kim in kims:
        DecreeFactory(kim=kim, pdf_path="0" * 32 + ".pdf", pdf_name="sk.pdf")


def _boards(kims):
    for kim in kims:
        BoardFactory(kim=kim, decree=DecreeFactory(kim=kim))


def _members(kims):
    for kim in kims:
        BoardMemberFactory(board=BoardFactory(kim=kim), phone=PHONE, nik=NIK, position="ketua")


def _channels(kims):
    for kim in kims:
        MediaChannelFactory(kim=kim)


def _contents(kims):
    for kim in kims:
        ContentItemFactory(kim=kim, channel=MediaChannelFactory(kim=kim))


def _activities(kims):
    for kim in kims:
        activity = ActivityFactory()
        ActivityParticipantFactory(activity=activity, kim=kim)
        ActivityParticipantFactory(activity=activity, kim=None, fkmetra_group=FkMetraGroupFactory())


def _visits(kims):
    for _kim in kims:
        ActivityFactory(kind="studi_tiru", direction="masuk", partner_agency="Diskominfo", partner_regency_code="33.12")


def _monev(kims):
    for kim in kims:
        MonevAssessmentFactory(kim=kim)


def _awards(kims):
    for kim in kims:
        AwardFactory(kim=kim)
    AwardFactory(kim=None, fkmetra_group=FkMetraGroupFactory())
    AwardFactory()


def _forums(kims):
    FkMetraForumFactory.create_batch(len(kims))


def _groups(kims):
    FkMetraGroupFactory.create_batch(len(kims))


def _performances(kims):
    groups = FkMetraGroupFactory.create_batch(3)
    for _kim in kims:
        FkMetraPerformanceFactory(groups=groups)


def _levels(kims):
    KimLevelFactory.create_batch(len(kims))


def _indicators(kims):
    MonevIndicatorFactory.create_batch(len(kims))


LISTS = {
    "decree": _decrees,
    "board": _boards,
    "board_member": _members,
    "media_channel": _channels,
    "content": _contents,
    "activity": _activities,
    "study_visit": _visits,
    "monev": _monev,
    "award": _awards,
    "fkmetra_forum": _forums,
    "fkmetra_group": _groups,
    "fkmetra_performance": _performances,
    "kim_level": _levels,
    "monev_indicator": _indicators,
}


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_every_domain_list_is_three_statements_whatever_its_length(make_client, karanganyar, count_queries, endpoint):
    LISTS[endpoint](_kims(25))
    client = make_client(karanganyar.admin)

    with count_queries() as counter:
        response = client.get(f"/admin/{endpoint}/?page_size=100")

    assert response.status_code == 200
    assert response.get_data(as_text=True).count(f"/admin/{endpoint}/details/?id=") >= 25
    assert 1 <= len(counter) <= MAX_LIST_STATEMENTS, "\n\n".join(counter.statements)


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_every_create_form_opens_for_those_who_may_create(make_client, karanganyar, endpoint):
    client = make_client(karanganyar.admin)

    response = client.get(f"/admin/{endpoint}/new/")

    assert response.status_code == 200
    assert 'name="csrf_token"' in response.get_data(as_text=True)


def test_a_viewer_reads_the_lists_but_cannot_add(make_client, karanganyar):
    DecreeFactory(kim=KimFactory(regency="33.13"), number="SK 7/2024")
    client = make_client(karanganyar.viewer)

    assert "SK 7/2024" in client.get("/admin/decree/").get_data(as_text=True)
    assert client.get("/admin/decree/new/").status_code == 403
    assert client.post_form("/admin/decree/new/", {"number": "x"}).status_code == 403


def test_an_operator_may_not_change_the_regency_settings(make_client, karanganyar):
    client = make_client(karanganyar.operator)

    assert client.get("/admin/kim_level/").status_code == 200
    assert client.get("/admin/kim_level/new/").status_code == 403


# --- prefill from the KIM page -----------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["decree", "board", "media_channel", "content", "monev", "award"])
def test_a_create_form_opened_from_a_kim_page_preselects_that_kim(make_client, karanganyar, endpoint):
    kim = KimFactory(regency="33.13", name="KIM Manteb")
    client = make_client(karanganyar.operator)

    html = client.get(f"/admin/{endpoint}/new/?kim={kim.id}").get_data(as_text=True)

    assert picked(html, "kim") == kim.id
    assert "KIM Manteb" in html


def test_another_regencys_kim_is_not_preselected(make_client, karanganyar):
    foreign = KimFactory(regency="33.07", name="KIM Sindoro")
    client = make_client(karanganyar.operator)

    response = client.get(f"/admin/decree/new/?kim={foreign.id}")

    assert response.status_code == 200
    assert picked(response.get_data(as_text=True), "kim") is None
    assert "KIM Sindoro" not in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["abc", "-1", "99999999", ""])
def test_a_nonsense_prefill_is_ignored(make_client, karanganyar, value):
    client = make_client(karanganyar.operator)

    response = client.get(f"/admin/decree/new/?kim={value}")

    assert response.status_code == 200
    assert picked(response.get_data(as_text=True), "kim") is None


def test_an_activity_opened_from_a_kim_page_lists_that_kim_as_participant(make_client, karanganyar):
    kim = KimFactory(regency="33.13", name="KIM Saraswati")
    client = make_client(karanganyar.operator)

    html = client.get(f"/admin/activity/new/?kim={kim.id}").get_data(as_text=True)

    assert picked(html, "participants-0-kim") == kim.id


def test_save_and_add_another_member_keeps_the_board(make_client, karanganyar):
    board = BoardFactory(kim=KimFactory(regency="33.13"))
    client = make_client(karanganyar.operator)

    response = client.post_form(
        f"/admin/board_member/new/?board={board.id}",
        {"board": board.id, "name": "Sri Lestari", "position": "sekretaris", "_add_another": "1"},
    )

    assert response.status_code == 302
    assert f"board={board.id}" in response.headers["Location"]
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert picked(follow, "board") == board.id


# --- regency of office-owned rows ----------------------------------------------------------------------


def test_an_officer_gets_no_regency_field_and_the_activity_is_their_regencys(make_client, karanganyar, db_session):
    client = make_client(karanganyar.operator)
    assert 'name="regency"' not in client.get("/admin/activity/new/").get_data(as_text=True)

    response = client.post_form(
        "/admin/activity/new/",
        {"kind": "rakor", "title": "Rakor KIM Oktober", "start_on": "2024-10-03", "regency": "33.07"},
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    activity = db_session.scalar(sa.select(Activity).where(Activity.title == "Rakor KIM Oktober"))
    assert activity.regency_code == "33.13"


def test_a_superadmin_chooses_the_regency_of_an_activity(make_client, db_session):
    client = make_client(superadmin())
    assert 'name="regency"' in client.get("/admin/activity/new/").get_data(as_text=True)

    client.post_form(
        "/admin/activity/new/",
        {"kind": "rakor", "title": "Rakor KIM Wonosobo", "start_on": "2024-10-03", "regency": "33.07"},
    )
    missing = client.post_form(
        "/admin/activity/new/", {"kind": "rakor", "title": "Rakor tanpa kabupaten", "start_on": "2024-10-03"}
    )

    assert db_session.scalar(sa.select(Activity.regency_code).where(Activity.title == "Rakor KIM Wonosobo")) == "33.07"
    assert missing.status_code == 200
    assert db_session.scalar(sa.select(Activity).where(Activity.title == "Rakor tanpa kabupaten")) is None


def test_a_superadmins_performance_form_shows_its_stored_regency(make_client):
    performance = FkMetraPerformanceFactory(regency_code="33.07")
    client = make_client(superadmin())

    html = client.get(f"/admin/fkmetra_performance/edit/?id={performance.id}").get_data(as_text=True)

    assert 'data-json="[&#34;33.07&#34;' in html


# --- pickers ---------------------------------------------------------------------------------------------


def lookup(client, endpoint: str, name: str, query: str = "") -> list:
    response = client.get(f"/admin/{endpoint}/ajax/lookup/?name={name}&query={query}&limit=500")
    assert response.status_code == 200
    return response.get_json()


def test_the_kim_picker_offers_only_own_kim_and_at_most_20(make_client, karanganyar):
    own = KimFactory.create_batch(25, regency="33.13")
    KimFactory(regency="33.07", name="KIM Sindoro")
    client = make_client(karanganyar.operator)

    rows = lookup(client, "decree", "kim")

    assert len(rows) == 20
    assert {row_id for row_id, _label in rows} <= {kim.id for kim in own}


def test_the_participant_picker_is_scoped_too(make_client, karanganyar):
    KimFactory(regency="33.07", name="KIM Sindoro")
    mine = KimFactory(regency="33.13", name="KIM Sindoro Karanganyar")
    client = make_client(karanganyar.operator)

    rows = lookup(client, "activity", "activityparticipant-kim", "sindoro")

    assert [row_id for row_id, _label in rows] == [mine.id]


def test_a_board_is_found_by_its_kims_name(make_client, karanganyar):
    board = BoardFactory(kim=KimFactory(regency="33.13", name="KIM Bima"))
    BoardFactory(kim=KimFactory(regency="33.13", name="KIM Manteb"))
    client = make_client(karanganyar.operator)

    rows = lookup(client, "board_member", "board", "bima")

    assert [row_id for row_id, _label in rows] == [board.id]
    assert "KIM Bima" in rows[0][1]


def test_a_study_visits_partner_may_come_from_any_regency(make_client, karanganyar):
    client = make_client(karanganyar.operator)

    rows = lookup(client, "study_visit", "partner_regency", "wonogiri")
    own_map = lookup(client, "activity", "regency", "wonogiri")

    assert [code for code, _label in rows] == ["33.12"]
    assert own_map == []  # the regency picker of office rows stays on the user's own map


# --- study visits --------------------------------------------------------------------------------------


def test_study_visits_have_their_own_list_and_form(make_client, karanganyar, db_session):
    ActivityFactory(title="Rakor Oktober")
    client = make_client(karanganyar.operator)

    response = client.post_form(
        "/admin/study_visit/new/",
        {
            "direction": "masuk",
            "partner_agency": "Diskominfo Kabupaten Wonogiri",
            "partner_regency": "33.12",
            "title": "Studi tiru menjaga KIM tetap aktif",
            "start_on": "2024-11-12",
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    visit = db_session.scalar(sa.select(Activity).where(Activity.partner_agency == "Diskominfo Kabupaten Wonogiri"))
    assert (visit.kind, visit.direction, visit.partner_regency_code, visit.regency_code) == (
        "studi_tiru",
        "masuk",
        "33.12",
        "33.13",
    )
    listing = client.get("/admin/study_visit/").get_data(as_text=True)
    assert "Studi tiru menjaga KIM tetap aktif" in listing
    assert "Rakor Oktober" not in listing
    other = db_session.scalar(sa.select(Activity.id).where(Activity.title == "Rakor Oktober"))
    assert client.get(f"/admin/study_visit/details/?id={other}").status_code == 404


def test_editing_a_study_visit_from_the_activity_list_opens_the_study_visit_form(make_client, karanganyar):
    visit = ActivityFactory(kind="studi_tiru", direction="keluar", partner_agency="Diskominfo Wonosobo")
    client = make_client(karanganyar.operator)

    response = client.get(f"/admin/activity/edit/?id={visit.id}")

    assert response.status_code == 302
    assert f"/admin/study_visit/edit/?id={visit.id}" in response.headers["Location"]


# --- activities with participants ------------------------------------------------------------------


def test_an_activity_is_recorded_with_its_participants_and_attendance(make_client, karanganyar, db_session):
    manteb, bima = KimFactory(regency="33.13", name="KIM Manteb"), KimFactory(regency="33.13", name="KIM Bima")
    group = FkMetraGroupFactory(name="Sanggar Ngesti Budoyo")
    client = make_client(karanganyar.operator)

    response = client.post_form(
        "/admin/activity/new/",
        {
            "kind": "pelatihan",
            "title": "Pelatihan media sosial",
            "start_on": "2024-10-20",
            "participants-0-kim": manteb.id,
            "participants-0-attended": "y",
            "participants-0-attendees": "4",
            "participants-1-kim": bima.id,
            "participants-2-fkmetra_group": group.id,
            "participants-2-attended": "y",
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    activity = db_session.scalar(sa.select(Activity).where(Activity.title == "Pelatihan media sosial"))
    rows = {(p.kim_id, p.fkmetra_group_id): (p.attended, p.attendees) for p in activity.participants}
    assert rows == {(manteb.id, None): (True, 4), (bima.id, None): (False, None), (None, group.id): (True, None)}
    details = client.get(f"/admin/activity/details/?id={activity.id}").get_data(as_text=True)
    assert "KIM Manteb" in details and "Sanggar Ngesti Budoyo" in details


# --- personal data -----------------------------------------------------------------------------------------


@pytest.fixture
def member(db_session):
    board = BoardFactory(kim=KimFactory(regency="33.13"))
    return BoardMemberFactory(
        board=board, name="Siti Aminah", phone=PHONE, nik=NIK, birth_date=date(1990, 1, 1), position="ketua"
    )


def test_an_operator_sees_members_phone_and_nik_masked(make_client, karanganyar, member):
    client = make_client(karanganyar.operator)

    listing = client.get("/admin/board_member/").get_data(as_text=True)
    details = client.get(f"/admin/board_member/details/?id={member.id}").get_data(as_text=True)

    assert "0812****7890" in listing and PHONE not in listing
    assert "3313********0001" in details and NIK not in details
    assert "1990" not in details


def test_the_regency_admin_sees_them_in_full(make_client, karanganyar, member):
    client = make_client(karanganyar.admin)

    details = client.get(f"/admin/board_member/details/?id={member.id}").get_data(as_text=True)

    assert PHONE in details and NIK in details


def export_rows(client, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_exports_leave_personal_data_out_without_the_export_permission(make_client, karanganyar, member):
    client = make_client(karanganyar.admin)  # may view personal data, not export it
    client.switch_language("en")

    rows = export_rows(client, "/admin/board_member/export/csv/")

    assert rows[0]["Name"] == "Siti Aminah"
    assert not {"Phone", "NIK", "Birth date"} & set(rows[0])


def test_a_superadmin_export_includes_them(make_client, member):
    client = make_client(superadmin())
    client.switch_language("en")

    rows = export_rows(client, "/admin/board_member/export/csv/")

    # The leading "+" is neutralised like any would-be spreadsheet formula.
    assert (rows[0]["Phone"], rows[0]["NIK"]) == ("'" + PHONE, NIK)


def test_an_operators_edit_form_hides_the_stored_values_and_empty_keeps_them(
    make_client, karanganyar, member, db_session
):
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    html = client.get(f"/admin/board_member/edit/?id={member.id}").get_data(as_text=True)
    response = client.post_form(
        f"/admin/board_member/edit/?id={member.id}",
        {"board": member.board_id, "name": "Siti Aminah S.", "position": "ketua", "phone": "", "nik": ""},
    )

    assert PHONE not in html and "081234567890" not in html and NIK not in html and "1990-01-01" not in html
    assert "Stored, hidden" in html
    assert response.status_code == 302, response.get_data(as_text=True)
    db_session.expire_all()
    saved = db_session.get(BoardMember, member.id)
    assert (saved.name, saved.phone, saved.nik, saved.birth_date) == ("Siti Aminah S.", PHONE, NIK, date(1990, 1, 1))


def test_a_new_phone_is_normalised_and_a_bad_one_refused(make_client, karanganyar, member, db_session):
    client = make_client(karanganyar.operator)
    client.switch_language("en")
    form = {"board": member.board_id, "name": member.name, "position": "ketua"}

    bad = client.post_form(f"/admin/board_member/edit/?id={member.id}", {**form, "phone": "12345"})
    good = client.post_form(f"/admin/board_member/edit/?id={member.id}", {**form, "phone": "0813-2000-1111"})

    assert "Not a valid Indonesian phone number" in bad.get_data(as_text=True)
    assert good.status_code == 302
    db_session.expire_all()
    assert db_session.get(BoardMember, member.id).phone == "+6281320001111"


def test_a_bad_nik_is_refused_with_lokals_reason(make_client, karanganyar, member, db_session):
    client = make_client(karanganyar.admin)
    client.switch_language("en")

    response = client.post_form(
        f"/admin/board_member/edit/?id={member.id}",
        {"board": member.board_id, "name": member.name, "position": "ketua", "nik": "1234"},
    )

    assert response.status_code == 200
    assert "Not a valid NIK" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(BoardMember, member.id).nik == NIK


def test_a_masked_column_cannot_be_sorted_to_guess_it(make_client, karanganyar, member):
    client = make_client(karanganyar.operator)
    client.switch_language("en", "/admin/board_member/")

    html = client.get("/admin/board_member/").get_data(as_text=True)

    assert 'title="Sort by Name"' in html
    assert 'title="Sort by Phone"' not in html


# --- named list filters ----------------------------------------------------------------------------------


def ids_on(client, path: str, endpoint: str) -> set[int]:
    response = client.get(path)
    assert response.status_code == 200, path
    return {
        int(found) for found in re.findall(rf"/admin/{endpoint}/details/\?id=(\d+)", response.get_data(as_text=True))
    }


def test_decree_lists_by_expiry(make_client, karanganyar):
    renewed, lapsed, expiring = (KimFactory(regency="33.13") for _ in range(3))
    old = DecreeFactory(kim=renewed, term_end=TODAY - timedelta(days=400))
    current = DecreeFactory(kim=renewed, term_end=TODAY + timedelta(days=700))
    gone = DecreeFactory(kim=lapsed, term_end=TODAY - timedelta(days=10))
    soon = DecreeFactory(kim=expiring, term_end=TODAY + timedelta(days=30))
    client = make_client(karanganyar.operator)

    assert ids_on(client, "/admin/decree/?expired=1", "decree") == {gone.id}
    assert ids_on(client, "/admin/decree/?expiring=90", "decree") == {soon.id}
    assert ids_on(client, "/admin/decree/?expiring=800", "decree") == {soon.id, current.id}
    assert ids_on(client, f"/admin/decree/?kim={renewed.id}", "decree") == {old.id, current.id}


def test_board_lists_by_expiry(make_client, karanganyar):
    renewed, lapsed, expiring = (KimFactory(regency="33.13") for _ in range(3))
    BoardFactory(kim=renewed, term_end=TODAY - timedelta(days=400))
    BoardFactory(kim=renewed, term_end=TODAY + timedelta(days=700))
    gone = BoardFactory(kim=lapsed, term_end=TODAY - timedelta(days=1))
    soon = BoardFactory(kim=expiring, term_end=TODAY + timedelta(days=89))
    client = make_client(karanganyar.operator)

    html = client.get("/admin/board/?expired=1").get_data(as_text=True)

    assert ids_on(client, "/admin/board/?expired=1", "board") == {gone.id}
    assert ids_on(client, "/admin/board/?expiring=90", "board") == {soon.id}
    assert 'id="url-filters"' in html


def test_activity_lists_by_month_kind_and_kim(make_client, karanganyar):
    kim = KimFactory(regency="33.13")
    october = ActivityFactory(kind="rakor", start_on=date(2024, 10, 31))
    november = ActivityFactory(kind="sosialisasi", start_on=date(2024, 11, 1))
    december = ActivityFactory(kind="rakor", start_on=date(2024, 12, 1))
    ActivityParticipantFactory(activity=november, kim=kim)
    client = make_client(karanganyar.operator)

    assert ids_on(client, "/admin/activity/?month=2024-10", "activity") == {october.id}
    assert ids_on(client, "/admin/activity/?month=2024-12&kind=rakor", "activity") == {december.id}
    assert ids_on(client, "/admin/activity/?kind=rakor", "activity") == {october.id, december.id}
    assert ids_on(client, f"/admin/activity/?kim={kim.id}", "activity") == {november.id}


def test_award_lists_by_year_and_level(make_client, karanganyar):
    provincial = AwardFactory(year=2024, level="provinsi")
    AwardFactory(year=2023, level="provinsi")
    AwardFactory(year=2024, level="kabupaten")
    client = make_client(karanganyar.operator)

    assert ids_on(client, "/admin/award/?year=2024&level=provinsi", "award") == {provincial.id}


def test_group_list_by_art_form(make_client, karanganyar):
    wayang = FkMetraGroupFactory(art_form="wayang")
    FkMetraGroupFactory(art_form="rebana")
    client = make_client(karanganyar.operator)

    assert ids_on(client, "/admin/fkmetra_group/?art_form=wayang", "fkmetra_group") == {wayang.id}


@pytest.mark.parametrize(
    "path",
    [
        "/admin/decree/?expiring=abc",
        "/admin/board/?expired=maybe",
        "/admin/activity/?month=2024-13",
        "/admin/activity/?kind=pesta",
        "/admin/award/?year=20x4",
        "/admin/award/?level=galaksi",
        "/admin/fkmetra_group/?art_form=opera",
        "/admin/content/?kim=x",
    ],
)
def test_a_bad_filter_value_is_a_bad_request(make_client, karanganyar, path):
    assert make_client(karanganyar.operator).get(path).status_code == 400


def test_kim_lists_of_another_regencys_kim_are_empty(make_client, karanganyar):
    foreign = KimFactory(regency="33.07")
    MediaChannelFactory(kim=foreign, handle="@kim_sindoro")
    client = make_client(karanganyar.operator)

    html = client.get(f"/admin/media_channel/?kim={foreign.id}").get_data(as_text=True)

    assert "@kim_sindoro" not in html


# --- awards, Monev ---------------------------------------------------------------------------------------------


def test_an_award_without_a_label_shows_the_default_placing(make_client, karanganyar):
    AwardFactory(kim=KimFactory(regency="33.13", name="KIM Manteb"), rank=2, work_title="Krasa")
    AwardFactory(rank=6, rank_label="Juara Favorit")
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    html = client.get("/admin/award/").get_data(as_text=True)

    assert "Winner II" in html and "Juara Favorit" in html


def test_the_regency_itself_wins_an_award(make_client, karanganyar, db_session):
    client = make_client(karanganyar.operator)

    response = client.post_form(
        "/admin/award/new/",
        {
            "winner_kind": "regency",
            "contest_name": "Pemeringkatan KIM Jawa Tengah",
            "level": "provinsi",
            "year": "2024",
            "rank": "3",
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    award = db_session.scalar(sa.select(Award).where(Award.contest_name == "Pemeringkatan KIM Jawa Tengah"))
    assert (award.kim_id, award.fkmetra_group_id, award.regency_code, award.rank) == (None, None, "33.13", 3)


def test_a_monev_visit_scores_the_national_defaults_and_suggests_a_status(make_client, karanganyar, db_session):
    kim = KimFactory(regency="33.13")
    defaults = list(
        db_session.scalars(sa.select(MonevIndicator).where(MonevIndicator.regency_code.is_(None)).order_by("position"))
    )
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    form_html = client.get(f"/admin/monev/new/?kim={kim.id}").get_data(as_text=True)
    scores = {f"score_{indicator.id}": "80" for indicator in defaults}
    response = client.post_form(
        "/admin/monev/new/", {"kim": kim.id, "period": "2024", "visited_on": "2024-09-10", **scores}
    )

    assert len(defaults) == 8
    assert all(f'name="score_{indicator.id}"' in form_html for indicator in defaults)
    assert response.status_code == 302, response.get_data(as_text=True)
    assessment = db_session.scalar(sa.select(MonevAssessment).where(MonevAssessment.kim_id == kim.id))
    assert (float(assessment.total), assessment.suggested_status, len(assessment.scores)) == (80.0, "aktif", 8)


def test_a_regencys_own_indicators_replace_the_defaults(make_client, karanganyar, db_session):
    kim = KimFactory(regency="33.13")
    media = MonevIndicatorFactory(name="Kanal media aktif", weight=60, max_score=10)
    members = MonevIndicatorFactory(name="Anggota aktif", weight=40, max_score=5)
    MonevIndicatorFactory(regency_code="33.07", name="Indikator Wonosobo")
    client = make_client(karanganyar.operator)

    html = client.get("/admin/monev/new/").get_data(as_text=True)
    client.post_form(
        "/admin/monev/new/",
        {
            "kim": kim.id,
            "period": "2024-S2",
            "visited_on": "2024-09-10",
            f"score_{media.id}": "5",
            f"score_{members.id}": "5",
        },
    )

    assert re.findall(r'name="(score_\d+)"', html) == [f"score_{media.id}", f"score_{members.id}"]
    assert "Indikator Wonosobo" not in html
    assessment = db_session.scalar(sa.select(MonevAssessment).where(MonevAssessment.period == "2024-S2"))
    assert float(assessment.total) == 70.0  # (5/10*60 + 5/5*40) / 100
    assert assessment.suggested_status == "kurang_aktif"


def test_editing_a_monev_shows_its_scores(make_client, karanganyar, db_session):
    indicator = MonevIndicatorFactory(name="Kanal media aktif", max_score=10)
    kim = KimFactory(regency="33.13")
    client = make_client(karanganyar.operator)
    client.post_form(
        "/admin/monev/new/", {"kim": kim.id, "period": "2023", "visited_on": "2023-09-10", f"score_{indicator.id}": "7"}
    )
    assessment = db_session.scalar(sa.select(MonevAssessment).where(MonevAssessment.kim_id == kim.id))

    html = client.get(f"/admin/monev/edit/?id={assessment.id}").get_data(as_text=True)
    client.post_form(
        f"/admin/monev/edit/?id={assessment.id}",
        {"kim": kim.id, "period": "2023", "visited_on": "2023-09-10", f"score_{indicator.id}": "10"},
    )

    assert re.search(rf'name="score_{indicator.id}"[^>]*value="7"', html)
    db_session.expire_all()
    assert float(db_session.get(MonevAssessment, assessment.id).total) == 100.0


# --- settings lists -------------------------------------------------------------------------------------------


def test_an_admin_adds_the_regencys_own_level(make_client, karanganyar, db_session):
    client = make_client(karanganyar.admin)

    response = client.post_form("/admin/kim_level/new/", {"name": "Rintisan", "position": "0"})

    assert response.status_code == 302
    level = db_session.scalar(sa.select(KimLevel).where(KimLevel.name == "Rintisan"))
    assert level.regency_code == "33.13"
    listing = client.get("/admin/kim_level/").get_data(as_text=True)
    assert "Rintisan" in listing and "Pemula" in listing


def test_a_regency_admin_cannot_change_a_national_default_and_is_told_why(make_client, karanganyar, db_session):
    default = db_session.scalar(sa.select(KimLevel).where(KimLevel.name == "Pemula"))
    client = make_client(karanganyar.admin)
    client.switch_language("en", "/admin/kim_level/")

    edited = client.post_form(
        f"/admin/kim_level/edit/?id={default.id}", {"name": "Pemula Karanganyar", "position": "1"}
    )
    deleted = client.post_form("/admin/kim_level/delete/", {"id": default.id}, follow_redirects=True)

    assert "only a superadmin can change it" in edited.get_data(as_text=True)
    assert "only a superadmin can change it" in deleted.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(KimLevel, default.id).name == "Pemula"


def test_a_superadmin_changes_a_national_default(make_client, db_session):
    indicator = db_session.scalar(sa.select(MonevIndicator).where(MonevIndicator.regency_code.is_(None)).limit(1))
    client = make_client(superadmin())

    response = client.post_form(
        f"/admin/monev_indicator/edit/?id={indicator.id}",
        {"name": indicator.name, "weight": "15", "max_score": "100", "position": "1", "active": "y"},
    )

    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(MonevIndicator, indicator.id).weight == 15


def test_a_level_in_use_is_not_deleted(make_client, karanganyar, db_session):
    level = KimLevelFactory(name="Unggulan")
    KimFactory(regency="33.13", level=level)
    client = make_client(karanganyar.admin)
    client.switch_language("en", "/admin/kim_level/")

    response = client.post_form("/admin/kim_level/delete/", {"id": level.id}, follow_redirects=True)

    assert "is the level of 1 KIM" in response.get_data(as_text=True)
    assert db_session.get(KimLevel, level.id) is not None


def test_the_decree_list_links_the_pdf_and_the_kim(make_client, karanganyar):
    kim = KimFactory(regency="33.13", name="KIM Tunas Harapan")
    decree = DecreeFactory(kim=kim, number="141/12/2024", pdf_path="a" * 32 + ".pdf", pdf_name="SK Dagen.pdf")
    client = make_client(karanganyar.operator)

    html = client.get("/admin/decree/").get_data(as_text=True)

    assert f"/admin/decree/pdf/?id={decree.id}" in html
    assert f"/admin/kim/details/?id={kim.id}" in html
