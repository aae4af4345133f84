"""Bahasa Indonesia first, English on request: our pages, Flask-Admin's, WTForms' and the catalogues."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import flask_admin
import pytest
import wtforms
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask_babel import force_locale

from kimadmin.admin.base import _date_formatter
from kimadmin.models import User
from kimadmin.testing.factories import KimFactory

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "kimadmin" / "translations"
FLASK_ADMIN_CATALOGUES = sorted(Path(flask_admin.__file__).parent.glob("translations/*/LC_MESSAGES/admin.po"))
WTFORMS_TEMPLATE = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"


def switch_language(client, code: str, next_path: str) -> None:
    response = client.post(f"/language/{code}", data={"csrf_token": client.csrf_token(next_path), "next": next_path})
    assert response.status_code == 302
    assert response.headers["Location"] == next_path


# --- pages ---------------------------------------------------------------------------------------


def test_login_page_is_indonesian_by_default(client):
    html = client.get("/login").get_data(as_text=True)

    assert '<html lang="id">' in html
    assert "Kata sandi" in html
    assert ">Masuk</button>" in html
    assert "Password" not in html


def test_a_visitor_switches_the_login_page_to_english(client):
    switch_language(client, "en", "/login")

    html = client.get("/login").get_data(as_text=True)

    assert '<html lang="en">' in html
    assert "Password" in html
    assert ">Log in</button>" in html
    assert "Kata sandi" not in html


def test_an_unknown_language_is_refused(client):
    response = client.post("/language/xx", data={"csrf_token": client.csrf_token("/login")})

    assert response.status_code == 404
    assert '<html lang="id">' in client.get("/login").get_data(as_text=True)


def test_an_operators_language_is_remembered_at_the_next_login(make_client, karanganyar, db_session):
    operator = karanganyar.operator
    switch_language(make_client(operator), "en", "/admin/")

    db_session.expire_all()
    assert db_session.get(User, operator.id).locale == "en"

    html = make_client(operator).get("/admin/kim/").get_data(as_text=True)  # a fresh browser
    assert "Log out" in html
    assert ">Create</a>" in html
    assert "KIM name" in html
    assert "Keluar" not in html


def test_the_kim_list_shows_flask_admin_in_indonesian(make_client, karanganyar):
    KimFactory(name="KIM Manteb", regency="33.13", founded_on=date(2024, 10, 27))

    html = make_client(karanganyar.operator).get("/admin/kim/").get_data(as_text=True)

    assert ">Daftar (1)</a>" in html
    assert ">Tambah</a>" in html
    assert 'title="Tambah Data Baru"' in html
    assert "Tambah Filter" in html
    assert ">Cari</button>" in html
    assert 'placeholder="Nama KIM, desa atau nomor kim.id"' in html  # the search box names what it searches
    assert 'title="Urutkan menurut Nama KIM"' in html
    assert "27 Oktober 2024" in html
    for english in (">List (1)</a>", ">Create</a>", "Add Filter", ">Search</button>", "Sort by"):
        assert english not in html


def test_indonesian_plurals_of_flask_admin_are_translated(make_client, karanganyar):
    """Flask-Babel must not let Flask-Admin's own folder (no Indonesian) impose English plurals."""
    html = make_client(karanganyar.operator).get("/admin/kim/").get_data(as_text=True)

    assert ">50 baris</a>" in html  # ngettext with n=50: the plural form
    assert "50 items" not in html


@pytest.mark.parametrize(("language", "message"), [("id", "Kolom ini wajib diisi."), ("en", "This field is required.")])
def test_a_missing_kim_name_is_reported_in_the_users_language(make_client, karanganyar, language, message):
    client = make_client(karanganyar.operator)
    switch_language(client, language, "/admin/kim/new/")

    response = client.post_form("/admin/kim/new/", {"name": "", "status": "aktif"})

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_dates_are_written_the_indonesian_way(app):
    founded = date(2024, 10, 27)
    with app.test_request_context():
        assert _date_formatter(None, founded, "founded_on") == "27 Oktober 2024"
        with force_locale("en"):
            assert _date_formatter(None, founded, "founded_on") == "27 October 2024"


# --- catalogues ----------------------------------------------------------------------------------


def read_catalogue(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def msgids(catalogue) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}


def extracted_msgids() -> set[str]:
    """What ``make extract-messages`` would find in the code today."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)
    return {message if isinstance(message, str) else message[0] for _file, _line, message, *_ in found}


def test_messages_pot_matches_the_code():
    """A string added to (or removed from) the code without `make extract-messages` fails here."""
    assert extracted_msgids() == msgids(read_catalogue(TRANSLATIONS / "messages.pot"))


def flask_admin_msgids() -> set[str]:
    ids: set[str] = set()
    for path in FLASK_ADMIN_CATALOGUES:
        ids |= msgids(read_catalogue(path))
    return ids


@pytest.mark.parametrize(
    ("domain", "source_msgids"),
    [
        ("messages", lambda: msgids(read_catalogue(TRANSLATIONS / "messages.pot"))),
        ("admin", flask_admin_msgids),
        ("wtforms", lambda: msgids(read_catalogue(WTFORMS_TEMPLATE))),
    ],
)
def test_every_string_has_an_indonesian_translation(domain, source_msgids):
    catalogue = read_catalogue(TRANSLATIONS / "id" / "LC_MESSAGES" / f"{domain}.po")
    entries = {message.id if isinstance(message.id, str) else message.id[0]: message for message in catalogue}
    expected = source_msgids()

    assert len(expected) > 10
    assert sorted(expected - set(entries)) == [], "msgids without an Indonesian entry"
    assert sorted(key for key in expected if not is_translated(entries[key])) == []
    assert sorted(key for key in expected if entries[key].fuzzy) == []
    assert catalogue.plural_forms == "nplurals=1; plural=0;"
    assert [(message.id, errors) for message, errors in catalogue.check()] == []


def is_translated(message) -> bool:
    forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(form.strip() for form in forms)


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        ("id", ["Kode provinsi pada NIK tidak dikenal.", "Tanggal lahir di NIK tidak valid."]),
        ("en", ["The NIK's province code is not a known province.", "The birth date in the NIK is not a valid date."]),
    ],
)
def test_nik_problems_are_explained_in_the_users_language(app, language, messages):
    """lokal-id checks the NIK; its own messages are Indonesian only, so ours are used by issue code."""
    from flask_babel import force_locale

    from kimadmin.personal_data import nik_errors

    with app.test_request_context("/"), force_locale(language):
        assert nik_errors("9999999999999999") == messages
        assert nik_errors("3313010101010001") == []
