"""The KIM page an officer works from: everything about one KIM on one screen, in a fixed number of
SQL statements, with personal data masked for those who may not see it, and nothing executable
coming back from what users typed."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from kimadmin.extensions import db
from kimadmin.models import (
    Activity,
    ActivityParticipant,
    Award,
    Board,
    BoardMember,
    ContentItem,
    Decree,
    KimStatusChange,
    MediaChannel,
    MonevAssessment,
)
from kimadmin.testing.factories import KimFactory

TODAY = date.today()
LINKED = ("decree", "board", "media_channel", "content", "monev", "award", "activity")


def page_of(client, kim) -> str:
    response = client.get(f"/admin/kim/details/?id={kim.id}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def add_history(kim, rows: int) -> None:
    """``rows`` records of every kind the page shows, written directly with the models."""
    for i in range(rows):
        day = TODAY - timedelta(days=30 * (i + 1))
        db.session.add(KimStatusChange(kim=kim, status="aktif", changed_on=day, reason=f"Catatan {i}"))
        decree = Decree(
            kim=kim,
            kind="pengukuhan_pengurus",
            number=f"141/{i}/2024",
            issued_on=day,
            issuer="kepala_desa",
            term_start=day,
            term_end=day + timedelta(days=3 * 365),
        )
        board = Board(kim=kim, decree=decree, term_start=day, term_end=day + timedelta(days=3 * 365))
        board.members = [
            BoardMember(name=f"Ketua {i}", position="ketua", phone="+6281234567890"),
            BoardMember(name=f"Anggota {i}", position="anggota", phone="+6281298765432"),
        ]
        activity = Activity(regency_code=kim.regency_code, kind="rakor", title=f"Rakor KIM {i}", start_on=day)
        channel = MediaChannel(kim=kim, platform="instagram", handle=f"@kim{i}")
        db.session.add_all(
            [
                board,
                ActivityParticipant(activity=activity, kim=kim, attendees=3),
                channel,
                ContentItem(kim=kim, title=f"Berita {i}", kind="berita", published_on=day, channel=channel),
                Award(kim=kim, contest_name=f"Lomba KIM {i}", level="provinsi", year=2020 + i % 5, rank=3),
                MonevAssessment(kim=kim, period=f"{2000 + i}", visited_on=day, total=Decimal("80.50")),
            ]
        )
    db.session.flush()


def test_the_page_shows_the_kim_and_its_whole_record(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13", status="tidak_aktif", kimid_number="KIM-3313-001")
    kim.status_reason, kim.status_since = "Kepengurusan tidak diregenerasi", date(2024, 3, 1)
    decree = Decree(kim=kim, kind="pembentukan", number="141/12/2021", issued_on=date(2021, 5, 3), issuer="kepala_desa")
    board = Board(kim=kim, term_start=TODAY - timedelta(days=700), term_end=TODAY + timedelta(days=45))
    board.members = [
        BoardMember(name="Sri Wahyuni", position="anggota"),
        BoardMember(name="Bambang Sutrisno", position="ketua"),
        BoardMember(name="Dewi Lestari", position="sekretaris"),
    ]
    activity = Activity(regency_code="33.13", kind="pelatihan", title="Pelatihan Media Sosial", start_on=TODAY)
    db.session.add_all(
        [
            decree,
            board,
            KimStatusChange(kim=kim, status="tidak_aktif", changed_on=date(2024, 3, 1), reason="Tidak ada rapat"),
            ActivityParticipant(activity=activity, kim=kim, attendees=4),
            ContentItem(kim=kim, title="Video Cegah Stunting", kind="video", published_on=TODAY),
            Award(
                kim=kim,
                contest_name="Festival Film Pendek Jateng",
                level="provinsi",
                year=2022,
                rank=2,
                work_title="Krasa",
            ),
            MonevAssessment(
                kim=kim, period="2024-S1", visited_on=TODAY, total=Decimal("62.50"), suggested_status="kurang_aktif"
            ),
        ]
    )
    db.session.flush()
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    html = page_of(client, kim)

    assert "KIM Manteb" in html
    assert "Inactive" in html and "Kepengurusan tidak diregenerasi" in html and "1 March 2024" in html
    assert "KIM-3313-001" in html
    assert "141/12/2021" in html  # the current SK
    assert "45 days left" in html
    positions = [html.index(name) for name in ("Bambang Sutrisno", "Dewi Lestari", "Sri Wahyuni")]
    assert positions == sorted(positions), "board members are listed by position, Ketua first"
    assert "Tidak ada rapat" in html  # status history
    assert "Pelatihan Media Sosial" in html and "4 people" in html
    assert "Video Cegah Stunting" in html
    assert "Festival Film Pendek Jateng" in html and "Krasa" in html and "Winner II" in html and "2022" in html
    assert "2024-S1" in html and "62.50" in html and "Less active" in html


def test_an_expired_board_says_how_long_ago(make_client, karanganyar):
    kim = KimFactory(name="KIM Saraswati", regency="33.13")
    db.session.add(Board(kim=kim, term_start=date(2019, 1, 1), term_end=TODAY - timedelta(days=10)))
    db.session.flush()
    client = make_client(karanganyar.operator)
    client.switch_language("en")

    assert "expired 10 days ago" in page_of(client, kim)


def test_an_empty_kim_page_says_what_is_missing_in_indonesian(make_client, karanganyar):
    kim = KimFactory(name="KIM Baru", regency="33.13")

    html = page_of(make_client(karanganyar.operator), kim)

    assert "Belum ada SK tercatat." in html
    assert "Belum ada kepengurusan tercatat." in html
    assert "Belum ada kegiatan tercatat untuk KIM ini." in html


@pytest.mark.parametrize("endpoint", LINKED)
def test_each_section_links_to_adding_a_record_for_this_kim(app, make_client, karanganyar, endpoint):
    if f"{endpoint}.create_view" not in app.view_functions:
        pytest.skip(f"the {endpoint} screen is not registered in this build")
    kim = KimFactory(name="KIM Manteb", regency="33.13")

    html = page_of(make_client(karanganyar.operator), kim)

    link = re.search(rf'href="(/admin/{endpoint}/new/\?[^"]+)"', html)
    assert link is not None, f"no add link to {endpoint}"
    query = parse_qs(urlsplit(unescape(link.group(1))).query)
    assert query["kim"] == [str(kim.id)]
    assert query["url"] == [f"/admin/kim/details/?id={kim.id}"]  # back to this page after saving


def test_a_viewer_gets_no_add_edit_or_delete_links(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13")
    add_history(kim, 1)

    html = page_of(make_client(karanganyar.viewer), kim)

    assert "/new/?" not in html
    assert "/edit/?" not in html
    assert "/admin/kim/delete/" not in html


def test_the_operator_gets_edit_but_no_delete(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13")

    html = page_of(make_client(karanganyar.operator), kim)

    assert f"/admin/kim/edit/?id={kim.id}" in html
    assert "/admin/kim/delete/" not in html


# The user, the KIM with desa, kecamatan, regency and level, and one statement per collection:
# status history (with who recorded it), decrees, boards, board members, participations (with
# their activities), content (with channels), awards, Monev results, media channels.
MAX_PAGE_STATEMENTS = 11


def test_the_page_costs_the_same_statements_whatever_the_history(make_client, karanganyar, count_queries):
    young = KimFactory(name="KIM Muda", regency="33.13")
    add_history(young, 1)
    old = KimFactory(name="KIM Lama", regency="33.13")
    add_history(old, 30)
    client = make_client(karanganyar.admin)

    statements = {}
    for kim, rows in ((young, 1), (old, 30)):
        with count_queries() as counter:
            html = page_of(client, kim)
        assert html.count("Rakor KIM ") == rows  # everything was loaded and shown
        assert html.count("Berita ") == rows
        statements[rows] = counter.statements

    assert len(statements[1]) == len(statements[30]), "\n\n".join(statements[30])
    assert len(statements[30]) <= MAX_PAGE_STATEMENTS, "\n\n".join(statements[30])


def test_phones_are_masked_for_an_operator_and_shown_to_the_regency_admin(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13", contact_name="Pak Joko", contact_phone="+6281234567890")
    board = Board(kim=kim, term_start=TODAY - timedelta(days=10), term_end=TODAY + timedelta(days=1000))
    board.members = [BoardMember(name="Bambang Sutrisno", position="ketua", phone="+6285711112222")]
    db.session.add(board)
    db.session.flush()

    operator_html = page_of(make_client(karanganyar.operator), kim)
    admin_html = page_of(make_client(karanganyar.admin), kim)

    assert "Pak Joko" in operator_html
    assert "0812****7890" in operator_html and "+6281234567890" not in operator_html
    assert "0857****2222" in operator_html and "+6285711112222" not in operator_html
    assert "+6281234567890" in admin_html and "+6285711112222" in admin_html


def test_a_wonosobo_officer_gets_404_on_a_karanganyar_kim_page(make_client, wonosobo):
    kim = KimFactory(name="KIM Rahasia Karanganyar", regency="33.13")

    for user in (wonosobo.operator, wonosobo.admin):
        response = make_client(user).get(f"/admin/kim/details/?id={kim.id}")
        assert response.status_code == 404
        assert "KIM Rahasia Karanganyar" not in response.get_data(as_text=True)


@pytest.mark.parametrize("kim_id", ["999999", "abc", ""])
def test_an_unknown_kim_page_is_404(make_client, karanganyar, kim_id):
    assert make_client(karanganyar.operator).get(f"/admin/kim/details/?id={kim_id}").status_code == 404


def javascript_links(html: str) -> list[str]:
    """``javascript:`` addresses in links, except Flask-Admin's own menu toggles (``javascript:void(0)``)."""
    found = re.findall(r"""(?:href|src|action)\s*=\s*["']?\s*(javascript:[^"'>\s]*)""", html, re.IGNORECASE)
    return [link for link in found if link != "javascript:void(0)"]


HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_ATTRIBUTE = '"><img src=x onerror=alert(1)>'


def test_hostile_text_comes_back_escaped_and_no_javascript_link(make_client, karanganyar):
    kim = KimFactory(
        name=HOSTILE_NAME,
        regency="33.13",
        notes=HOSTILE_ATTRIBUTE,
        address=HOSTILE_ATTRIBUTE,
        contact_name=HOSTILE_NAME,
        kimid_url="javascript:alert(1)",  # written past the form, e.g. by an old import
    )
    kim.status_reason = HOSTILE_ATTRIBUTE
    db.session.add_all(
        [
            ContentItem(kim=kim, title=HOSTILE_NAME, kind="berita", published_on=TODAY, url="javascript:alert(1)"),
            MediaChannel(kim=kim, platform="website", handle="JavaScript:alert(1)"),
            Award(
                kim=kim, contest_name=HOSTILE_ATTRIBUTE, level="provinsi", year=2024, rank=3, work_title=HOSTILE_NAME
            ),
        ]
    )
    db.session.flush()

    for client in (make_client(karanganyar.admin), make_client(karanganyar.viewer)):
        html = page_of(client, kim)
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert javascript_links(html) == []
        list_html = client.get("/admin/kim/").get_data(as_text=True)
        assert "<script>alert(1)" not in list_html and "&lt;script&gt;" in list_html


def test_the_page_has_no_inline_script(make_client, karanganyar):
    kim = KimFactory(name="KIM Manteb", regency="33.13")
    add_history(kim, 2)

    html = page_of(make_client(karanganyar.admin), kim)

    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert re.search(r"\son[a-z]+=", html) is None, "no inline event handlers"
    assert javascript_links(html) == []
