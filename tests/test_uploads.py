"""SK PDFs: checked by content, at most 10 MB, stored under random names that follow the database
transaction, and served only to users who may see the decree."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from kimadmin.extensions import KimSession
from kimadmin.models import Decree
from kimadmin.testing.factories import DecreeFactory, KimFactory, minimal_pdf
from kimadmin.uploads import MAX_PDF_BYTES, PendingFiles, download_name, pdf_problem

STORED = re.compile(r"^[0-9a-f]{32}\.pdf$")


@pytest.fixture
def upload_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "KIMADMIN_UPLOAD_DIR", str(folder))
    return folder


def stored_files(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def officer(make_client, karanganyar):
    return make_client(karanganyar.operator).switch_language("en", "/admin/decree/")


@pytest.fixture
def kim(db_session):
    return KimFactory(regency="33.13", name="KIM Tunas Harapan")


def decree_form(kim, pdf: bytes | None = None, filename: str = "SK Kades Dagen.pdf", **changes):
    form = {
        "kim": kim.id,
        "kind": "pembentukan",
        "number": "141/07/2024",
        "issued_on": "2024-03-01",
        "issuer": "kepala_desa",
    }
    if pdf is not None:
        form["pdf"] = (io.BytesIO(pdf), filename)
    form.update(changes)
    return form


def decree_of(session, number: str = "141/07/2024") -> Decree | None:
    session.expire_all()
    return session.scalar(sa.select(Decree).where(Decree.number == number))


# --- storing ---------------------------------------------------------------------------------------------


def test_a_real_pdf_is_stored_under_a_random_name_and_downloaded(officer, kim, upload_dir, db_session):
    pdf = minimal_pdf("SK Pembentukan KIM Tunas Harapan")

    response = officer.post_form("/admin/decree/new/", decree_form(kim, pdf))

    assert response.status_code == 302, response.get_data(as_text=True)
    decree = decree_of(db_session)
    assert STORED.match(decree.pdf_path)
    assert (decree.pdf_name, decree.pdf_size) == ("SK Kades Dagen.pdf", len(pdf))
    assert stored_files(upload_dir) == [decree.pdf_path]
    assert (upload_dir / decree.pdf_path).read_bytes() == pdf

    download = officer.get(f"/admin/decree/pdf/?id={decree.id}")

    assert download.status_code == 200
    assert download.data == pdf
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == "attachment; filename=SK_Kades_Dagen.pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_fake_pdf_with_a_pdf_name_is_refused(officer, kim, upload_dir, db_session):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200

    response = officer.post_form("/admin/decree/new/", decree_form(kim, png, filename="sk.pdf"))

    assert response.status_code == 200
    assert "This file is not a PDF." in response.get_data(as_text=True)
    assert decree_of(db_session) is None
    assert stored_files(upload_dir) == []


def test_a_truncated_pdf_is_refused(officer, kim, upload_dir, db_session):
    response = officer.post_form("/admin/decree/new/", decree_form(kim, minimal_pdf()[:150]))

    assert "This PDF is damaged or incomplete" in response.get_data(as_text=True)
    assert decree_of(db_session) is None
    assert stored_files(upload_dir) == []


def test_a_pdf_over_10_mb_is_refused_with_a_message(officer, kim, upload_dir, db_session):
    too_big = b"%PDF-1.4\n" + b"0" * MAX_PDF_BYTES

    response = officer.post_form("/admin/decree/new/", decree_form(kim, too_big))

    assert response.status_code == 200
    assert "The PDF is larger than 10 MB." in response.get_data(as_text=True)
    assert decree_of(db_session) is None
    assert stored_files(upload_dir) == []


def test_a_much_larger_request_is_cut_off_before_it_is_read(officer, kim, upload_dir, app, db_session):
    huge = b"%PDF-1.4\n" + b"0" * app.config["MAX_CONTENT_LENGTH"]

    response = officer.post_form("/admin/decree/new/", decree_form(kim, huge))

    assert response.status_code == 413
    assert decree_of(db_session) is None
    assert stored_files(upload_dir) == []


def test_a_decree_without_pdf_is_fine_and_has_nothing_to_download(officer, kim, upload_dir, db_session):
    officer.post_form("/admin/decree/new/", decree_form(kim))
    decree = decree_of(db_session)

    assert decree.pdf_path is None
    assert officer.get(f"/admin/decree/pdf/?id={decree.id}").status_code == 404
    assert stored_files(upload_dir) == []


def test_a_rule_broken_elsewhere_on_the_form_writes_no_file(officer, kim, upload_dir, db_session):
    response = officer.post_form(
        "/admin/decree/new/", decree_form(kim, minimal_pdf(), term_start="2024-01-01", term_end="2023-01-01")
    )

    assert "The term must end after it starts" in response.get_data(as_text=True)
    assert stored_files(upload_dir) == []


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        # A lost database: the friendly 503 page (re-showing the form would need the database too).
        (sa.exc.OperationalError, 503, "The database cannot be reached right now"),
        # Any other database error: the form again, with a message.
        (sa.exc.InternalError, 200, "A database error occurred. The record was not saved"),
    ],
)
def test_no_orphan_file_when_the_transaction_fails(
    officer, kim, upload_dir, db_session, monkeypatch, error, status, message
):
    written = []
    save = PendingFiles.save

    def recording_save(self, data):
        written.append(save(self, data))
        return written[-1]

    def failing_commit(self):
        raise error("COMMIT", {}, Exception("the database went away"))

    monkeypatch.setattr(PendingFiles, "save", recording_save)
    monkeypatch.setattr(KimSession, "commit", failing_commit)

    response = officer.post_form("/admin/decree/new/", decree_form(kim, minimal_pdf()))

    monkeypatch.undo()
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert len(written) == 1  # the file was written once every rule passed...
    assert stored_files(upload_dir) == []  # ...and removed when the commit failed
    assert decree_of(db_session) is None


def test_replacing_the_pdf_removes_the_old_file_after_saving(officer, kim, upload_dir, db_session):
    officer.post_form("/admin/decree/new/", decree_form(kim, minimal_pdf("lama")))
    decree = decree_of(db_session)
    old = decree.pdf_path

    response = officer.post_form(
        f"/admin/decree/edit/?id={decree.id}", decree_form(kim, minimal_pdf("baru"), filename="SK revisi.pdf")
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    decree = decree_of(db_session)
    assert decree.pdf_path != old
    assert decree.pdf_name == "SK revisi.pdf"
    assert stored_files(upload_dir) == [decree.pdf_path]


def test_editing_without_a_new_file_keeps_the_pdf(officer, kim, upload_dir, db_session):
    officer.post_form("/admin/decree/new/", decree_form(kim, minimal_pdf()))
    decree = decree_of(db_session)

    officer.post_form(f"/admin/decree/edit/?id={decree.id}", decree_form(kim, subject="Pembentukan KIM"))

    edited = decree_of(db_session)
    assert (edited.subject, edited.pdf_path) == ("Pembentukan KIM", decree.pdf_path)
    assert stored_files(upload_dir) == [decree.pdf_path]


def test_a_failed_replacement_keeps_the_old_file(officer, kim, upload_dir, db_session):
    officer.post_form("/admin/decree/new/", decree_form(kim, minimal_pdf()))
    decree = decree_of(db_session)

    officer.post_form(
        f"/admin/decree/edit/?id={decree.id}", decree_form(kim, minimal_pdf("baru"), issued_on="2999-01-01")
    )

    assert decree_of(db_session).pdf_path == decree.pdf_path
    assert stored_files(upload_dir) == [decree.pdf_path]


def test_deleting_a_decree_keeps_its_file_until_the_trash_is_purged(
    make_client, karanganyar, kim, upload_dir, db_session
):
    client = make_client(karanganyar.admin)
    client.post_form("/admin/decree/new/", decree_form(kim, minimal_pdf()))
    decree = decree_of(db_session)
    stored = decree.pdf_path

    response = client.post_form("/admin/decree/delete/", {"id": decree.id})

    assert response.status_code == 302
    assert decree_of(db_session) is None  # in the trash: out of every query
    assert stored_files(upload_dir) == [stored]  # restorable, so the file stays (tests/test_trash.py: purge)


# --- serving ---------------------------------------------------------------------------------------------


def test_another_regency_gets_404_for_the_pdf(officer, kim, upload_dir, make_client, wonosobo, db_session):
    officer.post_form("/admin/decree/new/", decree_form(kim, minimal_pdf()))
    decree = decree_of(db_session)

    response = make_client(wonosobo.admin).get(f"/admin/decree/pdf/?id={decree.id}")

    assert response.status_code == 404
    assert b"%PDF" not in response.data


def test_an_anonymous_visitor_is_sent_to_login(client, kim, db_session):
    decree = DecreeFactory(kim=kim, pdf_path="a" * 32 + ".pdf", pdf_name="sk.pdf")

    response = client.get(f"/admin/decree/pdf/?id={decree.id}")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("value", ["", "abc", "0", "-5"])
def test_a_bad_id_is_404(officer, value):
    assert officer.get(f"/admin/decree/pdf/?id={value}").status_code == 404


def test_a_missing_file_is_404_not_an_error(officer, kim, upload_dir):
    decree = DecreeFactory(kim=kim, pdf_path="b" * 32 + ".pdf", pdf_name="sk.pdf")

    assert officer.get(f"/admin/decree/pdf/?id={decree.id}").status_code == 404


def test_a_path_in_the_database_is_never_followed(officer, kim, upload_dir, tmp_path):
    (tmp_path / "secret.pdf").write_bytes(minimal_pdf())
    decree = DecreeFactory(kim=kim, pdf_path="../secret.pdf", pdf_name="sk.pdf")

    assert officer.get(f"/admin/decree/pdf/?id={decree.id}").status_code == 404


# --- the checks themselves ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        # The officer's language (Indonesian by default).
        (b"", "Berkas kosong."),
        (b"<html><body>%PDF-1.4</body></html>", "Berkas ini bukan PDF."),
        (b"PK\x03\x04 word document", "Berkas ini bukan PDF."),
        (b"%PDF-1.4\n1 0 obj << >> endobj\n", "rusak atau tidak lengkap"),
        (b"%PDF-1.4\n1 0 obj << >> endobj\nstartxref\n999999\n%%EOF\n", "tabel strukturnya tidak ada"),
        (b"%PDF-1.4\n1 0 obj << >> endobj\nstartxref\n3\n%%EOF\n", "tabel strukturnya tidak ada"),
    ],
)
def test_what_is_not_a_pdf(app, content, problem):
    with app.test_request_context():
        assert problem in (pdf_problem(content) or "")


def test_a_real_pdf_passes(app):
    with app.test_request_context():
        assert pdf_problem(minimal_pdf()) is None


@pytest.mark.parametrize(
    ("original", "sent"),
    [
        ("SK Kades Dagen.pdf", "SK_Kades_Dagen.pdf"),
        ("../../etc/passwd", "etc_passwd.pdf"),
        ('sk"; filename=evil.html', "sk_filenameevil.html.pdf"),
        ("Surat Keputusan Kepala Désa.PDF", "Surat_Keputusan_Kepala_Desa.PDF"),
        ("", "sk.pdf"),
    ],
)
def test_the_original_name_is_sanitised_for_the_download(original, sent):
    assert download_name(original) == sent


def test_an_unwritable_upload_folder_is_a_clear_message_and_saves_nothing(
    officer, kim, app, tmp_path, monkeypatch, db_session
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the upload folder should be")  # mkdir fails, even for root
    monkeypatch.setitem(app.config, "KIMADMIN_UPLOAD_DIR", str(blocker / "uploads"))

    response = officer.post_form("/admin/decree/new/", decree_form(kim, minimal_pdf()))

    assert response.status_code == 200
    assert "could not be stored" in response.get_data(as_text=True)
    assert decree_of(db_session) is None
