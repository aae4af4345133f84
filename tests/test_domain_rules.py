"""The rules of the domain screens: each refused with a clear message and nothing saved, and the
cross-regency references a forged form could try."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from kimadmin.models import (
    Activity,
    ActivityParticipant,
    Award,
    Board,
    BoardMember,
    ContentItem,
    Decree,
    FkMetraPerformance,
    Kim,
    KimStatusChange,
    MonevAssessment,
)
from kimadmin.testing.factories import (
    ActivityFactory,
    BoardFactory,
    BoardMemberFactory,
    DecreeFactory,
    FkMetraGroupFactory,
    KimFactory,
    MediaChannelFactory,
    MonevIndicatorFactory,
)

TODAY = date.today()


@pytest.fixture
def officer(make_client, karanganyar):
    client = make_client(karanganyar.operator)
    client.switch_language("en")
    return client


def count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def refused(response, message: str) -> None:
    """The form comes back (200) with the rule's message."""
    assert response.status_code == 200, response.status_code
    assert message in response.get_data(as_text=True)


def decree_form(owner: Kim, **changes: object) -> dict[str, object]:
    form = {
        "kim": owner.id,
        "kind": "pengukuhan_pengurus",
        "number": "141/05/2024",
        "issued_on": "2024-01-10",
        "issuer": "kepala_desa",
        "term_start": "2024-01-10",
        "term_end": "2027-01-09",
    }
    form.update(changes)
    return form


# --- terms and dates ---------------------------------------------------------------------------------


def test_a_decree_term_must_end_after_it_starts(officer, db_session):
    kim = KimFactory(regency="33.13")

    response = officer.post_form("/admin/decree/new/", decree_form(kim, term_end="2023-12-31"))

    refused(response, "The term must end after it starts")
    assert count(db_session, Decree) == 0


def test_a_decree_date_cannot_be_in_the_future(officer, db_session):
    kim = KimFactory(regency="33.13")
    tomorrow = (TODAY + timedelta(days=1)).isoformat()

    response = officer.post_form("/admin/decree/new/", decree_form(kim, issued_on=tomorrow))

    refused(response, "The decree date cannot be in the future.")
    assert count(db_session, Decree) == 0


def test_a_decree_dated_today_is_fine(officer, db_session):
    kim = KimFactory(regency="33.13")

    response = officer.post_form("/admin/decree/new/", decree_form(kim, issued_on=TODAY.isoformat()))

    assert response.status_code == 302
    assert count(db_session, Decree) == 1


def test_a_decree_belongs_to_a_kim_or_the_forum(officer, db_session):
    kim = KimFactory(regency="33.13")

    response = officer.post_form("/admin/decree/new/", decree_form(kim, kim=""))

    refused(response, "Choose the KIM (or the FK Metra forum)")
    assert count(db_session, Decree) == 0


def board_form(kim: Kim, **changes: object) -> dict[str, object]:
    form = {"kim": kim.id, "term_start": "2024-01-01", "term_end": "2026-12-31"}
    form.update(changes)
    return form


def test_a_board_term_must_end_after_it_starts(officer, db_session):
    kim = KimFactory(regency="33.13")

    response = officer.post_form("/admin/board/new/", board_form(kim, term_end="2024-01-01"))

    refused(response, "The term must end after it starts")
    assert count(db_session, Board) == 0


def test_a_board_cannot_cite_another_kims_decree(officer, db_session):
    kim, other = KimFactory(regency="33.13"), KimFactory(regency="33.13")
    decree = DecreeFactory(kim=other, number="141/99/2024")

    response = officer.post_form("/admin/board/new/", board_form(kim, decree=decree.id))

    refused(response, "The decree 141/99/2024 belongs to another KIM or forum.")
    assert count(db_session, Board) == 0


# --- one serving Ketua --------------------------------------------------------------------------------


def test_a_second_serving_chair_is_refused_naming_the_current_one(officer, db_session):
    board = BoardFactory(kim=KimFactory(regency="33.13"), term_start=date(2024, 1, 1), term_end=date(2026, 12, 31))
    BoardMemberFactory(board=board, name="Bambang Sutrisno", position="ketua")

    response = officer.post_form(
        "/admin/board_member/new/", {"board": board.id, "name": "Joko Susilo", "position": "ketua"}
    )

    refused(response, "Bambang Sutrisno is already the serving Chair of this board")
    assert count(db_session, BoardMember) == 1


def test_a_new_chair_after_the_old_one_left_is_accepted(officer, db_session):
    board = BoardFactory(kim=KimFactory(regency="33.13"), term_start=date(2024, 1, 1), term_end=date(2026, 12, 31))
    BoardMemberFactory(board=board, name="Bambang Sutrisno", position="ketua", end_on=date(2024, 6, 30))

    response = officer.post_form(
        "/admin/board_member/new/",
        {"board": board.id, "name": "Joko Susilo", "position": "ketua", "start_on": "2024-07-01"},
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    assert count(db_session, BoardMember) == 2


def test_two_chairs_entered_together_on_the_board_form_are_refused(officer, db_session):
    kim = KimFactory(regency="33.13")

    response = officer.post_form(
        "/admin/board/new/",
        board_form(
            kim,
            **{
                "members-0-name": "Bambang Sutrisno",
                "members-0-position": "ketua",
                "members-1-name": "Joko Susilo",
                "members-1-position": "ketua",
            },
        ),
    )

    refused(response, "is already the serving Chair of this board")
    assert count(db_session, Board) == 0
    assert count(db_session, BoardMember) == 0


def test_a_board_is_entered_with_its_members_on_one_form(officer, db_session):
    kim = KimFactory(regency="33.13")

    response = officer.post_form(
        "/admin/board/new/",
        board_form(
            kim,
            **{
                "members-0-name": "Bambang Sutrisno",
                "members-0-position": "ketua",
                "members-1-name": "Sri Lestari",
                "members-1-position": "seksi",
                "members-1-section_name": "Humas",
            },
        ),
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    board = db_session.scalar(sa.select(Board).where(Board.kim_id == kim.id))
    assert [(m.name, m.position_label) for m in board.members] == [
        ("Bambang Sutrisno", "Ketua"),
        ("Sri Lestari", "Seksi Humas"),
    ]


def test_a_section_member_names_the_section(officer, db_session):
    board = BoardFactory(kim=KimFactory(regency="33.13"))

    response = officer.post_form(
        "/admin/board_member/new/", {"board": board.id, "name": "Sri Lestari", "position": "seksi"}
    )

    refused(response, "Sri Lestari: name the section (seksi) they lead.")
    assert count(db_session, BoardMember) == 0


# --- a board renewal reactivates an inactive KIM ----------------------------------------------------------


def test_recording_a_current_board_reactivates_an_inactive_kim(officer, db_session):
    kim = KimFactory(
        regency="33.13", name="KIM Bima", status="tidak_aktif", status_reason="kepengurusan tidak diregenerasi"
    )
    start, end = TODAY - timedelta(days=10), TODAY + timedelta(days=3 * 365)

    response = officer.post_form(
        "/admin/board/new/", board_form(kim, term_start=start.isoformat(), term_end=end.isoformat())
    )
    page = officer.get(response.headers["Location"]).get_data(as_text=True)

    assert response.status_code == 302
    db_session.expire_all()
    kim = db_session.get(Kim, kim.id)
    assert kim.status == "aktif"
    assert [entry.status for entry in kim.status_history] == ["aktif"]
    assert "KIM Bima is active again: its board was renewed." in page


def test_an_old_board_does_not_reactivate(officer, db_session):
    kim = KimFactory(regency="33.13", status="tidak_aktif")

    officer.post_form("/admin/board/new/", board_form(kim, term_start="2018-01-01", term_end="2021-01-01"))

    db_session.expire_all()
    assert db_session.get(Kim, kim.id).status == "tidak_aktif"
    assert count(db_session, KimStatusChange) == 0


# --- awards ------------------------------------------------------------------------------------------------


def award_form(**changes: object) -> dict[str, object]:
    form = {"winner_kind": "regency", "contest_name": "Lomba Film Pendek", "level": "provinsi", "year": "2023"}
    form.update(changes)
    return form


@pytest.mark.parametrize("rank", ["0", "7", "-1"])
def test_a_rank_outside_1_to_6_is_refused(officer, db_session, rank):
    response = officer.post_form("/admin/award/new/", award_form(rank=rank))

    refused(response, "The rank must be from 1 (Juara I) to 6 (Harapan III).")
    assert count(db_session, Award) == 0


def test_a_kim_award_needs_the_kim(officer, db_session):
    response = officer.post_form("/admin/award/new/", award_form(winner_kind="kim", rank="1"))

    refused(response, "Choose the KIM that won")
    assert count(db_session, Award) == 0


def test_the_winner_kind_decides_which_picker_counts(officer, db_session):
    kim = KimFactory(regency="33.13")
    group = FkMetraGroupFactory()

    officer.post_form(
        "/admin/award/new/", award_form(winner_kind="fkmetra_group", kim=kim.id, fkmetra_group=group.id, rank="4")
    )

    award = db_session.scalar(sa.select(Award))
    assert (award.kim_id, award.fkmetra_group_id) == (None, group.id)


# --- Monev ---------------------------------------------------------------------------------------------------


def test_a_monev_score_above_the_indicators_range_is_refused(officer, db_session):
    indicator = MonevIndicatorFactory(name="Kanal media aktif", max_score=10)
    kim = KimFactory(regency="33.13")

    response = officer.post_form(
        "/admin/monev/new/", {"kim": kim.id, "period": "2024", "visited_on": "2024-09-10", f"score_{indicator.id}": 11}
    )

    refused(response, "Kanal media aktif: the score must be between 0 and 10.")
    assert count(db_session, MonevAssessment) == 0


def test_a_negative_monev_score_is_refused(officer, db_session):
    indicator = MonevIndicatorFactory(name="Kanal media aktif", max_score=10)
    kim = KimFactory(regency="33.13")

    response = officer.post_form(
        "/admin/monev/new/", {"kim": kim.id, "period": "2024", "visited_on": "2024-09-10", f"score_{indicator.id}": -1}
    )

    refused(response, "Kanal media aktif: the score must be between 0 and 10.")
    assert count(db_session, MonevAssessment) == 0


# --- activities and content -------------------------------------------------------------------------------------


def test_an_activity_cannot_end_before_it_starts(officer, db_session):
    response = officer.post_form(
        "/admin/activity/new/", {"kind": "rakor", "title": "Rakor", "start_on": "2024-10-03", "end_on": "2024-10-02"}
    )

    refused(response, "The activity must end on or after its start.")
    assert count(db_session, Activity) == 0


def test_a_participant_listed_twice_is_refused(officer, db_session):
    kim = KimFactory(regency="33.13", name="KIM Manteb")

    response = officer.post_form(
        "/admin/activity/new/",
        {
            "kind": "rakor",
            "title": "Rakor",
            "start_on": "2024-10-03",
            "participants-0-kim": kim.id,
            "participants-1-kim": kim.id,
        },
    )

    refused(response, "KIM Manteb is listed twice among the participants.")
    assert count(db_session, Activity) == 0


def test_a_participant_row_needs_exactly_one_kim_or_group(officer, db_session):
    kim = KimFactory(regency="33.13")
    group = FkMetraGroupFactory()

    response = officer.post_form(
        "/admin/activity/new/",
        {
            "kind": "rakor",
            "title": "Rakor",
            "start_on": "2024-10-03",
            "participants-0-kim": kim.id,
            "participants-0-fkmetra_group": group.id,
        },
    )

    refused(response, "Each participant row needs either a KIM or an FK Metra group (not both).")
    assert count(db_session, Activity) == 0


def test_an_empty_participant_row_is_ignored(officer, db_session):
    kim = KimFactory(regency="33.13")

    response = officer.post_form(
        "/admin/activity/new/",
        {
            "kind": "rakor",
            "title": "Rakor",
            "start_on": "2024-10-03",
            "participants-0-kim": kim.id,
            "participants-1-kim": "",
            "participants-1-fkmetra_group": "",
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    assert count(db_session, ActivityParticipant) == 1


def test_a_current_board_without_a_serving_chair_is_saved_with_a_warning(officer, db_session):
    kim = KimFactory(regency="33.13")
    start, end = TODAY - timedelta(days=10), TODAY + timedelta(days=700)

    response = officer.post_form(
        "/admin/board/new/",
        board_form(
            kim,
            term_start=start.isoformat(),
            term_end=end.isoformat(),
            **{"members-0-name": "Sri Lestari", "members-0-position": "sekretaris"},
        ),
    )

    assert response.status_code == 302
    assert "This board has no serving Chair (Ketua) yet." in officer.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert count(db_session, BoardMember) == 1


def test_content_cannot_name_another_kims_channel(officer, db_session):
    kim, other = KimFactory(regency="33.13"), KimFactory(regency="33.13")
    channel = MediaChannelFactory(kim=other, handle="@kim_lain")

    response = officer.post_form(
        "/admin/content/new/",
        {"kim": kim.id, "title": "Berita", "kind": "berita", "published_on": "2024-10-01", "channel": channel.id},
    )

    refused(response, "The channel @kim_lain belongs to another KIM.")
    assert count(db_session, ContentItem) == 0


# --- another regency's rows in a forged form -----------------------------------------------------------------------


@pytest.fixture
def wonosobo_officer(make_client, wonosobo):
    return make_client(wonosobo.operator)


def test_a_karanganyar_kim_as_participant_of_a_wonosobo_activity_is_refused(wonosobo_officer, db_session):
    karanganyar_kim = KimFactory(regency="33.13")

    response = wonosobo_officer.post_form(
        "/admin/activity/new/",
        {
            "kind": "rakor",
            "title": "Rakor Wonosobo",
            "start_on": "2024-10-03",
            "participants-0-kim": karanganyar_kim.id,
        },
    )

    assert response.status_code == 200
    assert count(db_session, Activity) == 0
    assert count(db_session, ActivityParticipant) == 0


def test_a_karanganyar_kim_as_decree_owner_is_refused(wonosobo_officer, db_session):
    karanganyar_kim = KimFactory(regency="33.13")

    response = wonosobo_officer.post_form("/admin/decree/new/", decree_form(karanganyar_kim))

    assert response.status_code == 200
    assert count(db_session, Decree) == 0


def test_a_karanganyar_group_in_a_wonosobo_performance_is_refused(wonosobo_officer, db_session):
    own = FkMetraGroupFactory(regency="33.07")
    foreign = FkMetraGroupFactory(regency="33.13")

    response = wonosobo_officer.post_form(
        "/admin/fkmetra_performance/new/",
        {
            "performed_on": "2024-08-17",
            "place": "Alun-alun Wonosobo",
            "message_theme": "Pencegahan stunting",
            "groups": f"{own.id},{foreign.id}",
        },
    )

    assert response.status_code == 200
    assert count(db_session, FkMetraPerformance) == 0


def test_adding_a_participant_to_another_regencys_activity_is_404(wonosobo_officer, db_session):
    activity = ActivityFactory(regency_code="33.13")
    own_kim = KimFactory(regency="33.07")

    response = wonosobo_officer.post_form(
        f"/admin/activity/edit/?id={activity.id}",
        {"kind": "rakor", "title": "diretas", "start_on": "2024-10-03", "participants-0-kim": own_kim.id},
    )

    assert response.status_code == 404
    assert count(db_session, ActivityParticipant) == 0
