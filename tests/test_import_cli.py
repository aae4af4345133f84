"""``flask kim import KIND FILE --regency CODE [--dry-run]``: the same preview, honest exit codes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimadmin.audit import AuditEntry
from kimadmin.models import ImportBatch
from kimadmin.testing.factories import make_user
from tests.test_imports import counts, csv_bytes, legacy_karanganyar_sheet, xlsx_bytes


@pytest.fixture
def run(app, db_session, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    runner = app.test_cli_runner()

    def invoke(rows, *options, name="kim.xlsx", kind="kim"):
        path = tmp_path / name
        path.write_bytes(xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows))
        return runner.invoke(args=["kim", "import", kind, str(path), *options])

    return invoke


def test_dry_run_of_a_sheet_with_errors_prints_them_and_exits_1(run, db_session):
    before = counts(db_session)

    result = run(legacy_karanganyar_sheet(), "--regency", "33.13", "--dry-run")

    assert result.exit_code == 1
    assert (
        "row 6: desa 'Popongn' was not found in Kecamatan Karanganyar; did you mean 'Popongan' in Kecamatan "
        "Karanganyar (33.13.09.1009)?" in result.output
    )
    assert "row 4: Telepon Pengurus is not a valid Indonesian phone number" in result.output
    assert "5 rows to create, 0 to update, 1 unchanged or skipped, 5 with errors." in result.output
    assert counts(db_session) == before


def test_a_sheet_with_errors_is_not_imported_without_dry_run_either(run, db_session):
    before = counts(db_session)

    result = run(legacy_karanganyar_sheet(), "--regency", "33.13")

    assert result.exit_code == 1
    assert "Nothing was imported." in result.output
    assert counts(db_session) == before


def test_dry_run_of_a_clean_sheet_exits_0_and_writes_nothing(run, db_session):
    before = counts(db_session)

    result = run(legacy_karanganyar_sheet(fixed=True), "--regency", "33.13", "--dry-run")

    assert result.exit_code == 0, result.output
    assert "9 rows to create, 0 to update, 1 unchanged or skipped, 0 with errors." in result.output
    assert "Dry run: nothing was written." in result.output
    assert counts(db_session) == before


def test_import_then_import_again_changes_nothing(run, db_session):
    first = run(legacy_karanganyar_sheet(fixed=True), "--regency", "33.13", name="kim.csv")
    after_first = counts(db_session)
    second = run(legacy_karanganyar_sheet(fixed=True), "--regency", "33.13", name="kim.csv")

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "0 rows to create, 0 to update, 10 unchanged or skipped, 0 with errors." in second.output
    after_second = counts(db_session)
    assert after_second["Kim"] == after_first["Kim"] and after_second["BoardMember"] == after_first["BoardMember"]
    batches = db_session.scalars(sa.select(ImportBatch).order_by(ImportBatch.id)).all()
    assert [(batch.source, batch.user_id, batch.rows_created) for batch in batches[-2:]] == [
        ("cli", None, 9),
        ("cli", None, 0),
    ]


def test_the_same_sheet_for_another_regency_is_all_errors(run, db_session):
    before = counts(db_session)

    result = run(legacy_karanganyar_sheet(fixed=True), "--regency", "33.07", "--dry-run")

    assert result.exit_code == 1
    assert "kecamatan 'Karangpandan' was not found in Kabupaten Wonosobo." in result.output
    assert counts(db_session) == before


def test_an_unknown_regency_is_a_usage_error(run):
    result = run(legacy_karanganyar_sheet(fixed=True), "--regency", "99.99", "--dry-run")

    assert result.exit_code == 2
    assert "unknown regency" in result.output


def test_by_records_the_officer_on_the_batch_and_on_every_audit_entry(run, db_session, karanganyar):
    officer = karanganyar.operator
    db_session.commit()  # the officer's own creation is audited (as "system") before the import
    since = db_session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0

    result = run(legacy_karanganyar_sheet(fixed=True), "--regency", "33.13", "--by", officer.email.upper())

    assert result.exit_code == 0, result.output
    batch = db_session.scalars(sa.select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    assert (batch.source, batch.user_id, batch.rows_created) == ("cli", officer.id, 9)
    entries = db_session.scalars(sa.select(AuditEntry).where(AuditEntry.id > since)).all()
    assert {entry.object_type for entry in entries} >= {"import_batch", "kim", "board_member"}
    assert {(entry.user_id, entry.user_label) for entry in entries} == {(officer.id, str(officer))}


def test_by_a_national_user_is_allowed(run, db_session):
    national = make_user("superadmin", email="pusat@kominfo.example")

    result = run(legacy_karanganyar_sheet(fixed=True), "--regency", "33.13", "--by", national.email)

    assert result.exit_code == 0, result.output
    assert db_session.scalars(sa.select(ImportBatch).order_by(ImportBatch.id.desc())).first().user_id == national.id


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("nobody@karanganyar.example", "no active user with the email"),
        ("wonosobo", "is not a user of Kabupaten Karanganyar or a national user"),
        ("viewer", "may not import this kind of sheet"),
    ],
)
def test_by_must_be_an_officer_of_the_regency_who_may_import(run, db_session, karanganyar, wonosobo, who, message):
    others = {"wonosobo": lambda: wonosobo.admin.email, "viewer": lambda: karanganyar.viewer.email}
    email = others[who]() if who in others else who
    before = counts(db_session)

    result = run(legacy_karanganyar_sheet(fixed=True), "--regency", "33.13", "--by", email)

    assert result.exit_code == 2
    assert message in result.output
    assert counts(db_session) == before
