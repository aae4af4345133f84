"""A plugin's export column marked as personal data follows the core's rule: left out of the
file unless the user holds ``personal_data.export``."""

from __future__ import annotations

import pytest

from kimadmin.hookspecs import ExportColumn
from kimadmin.plugin_api import PHONE
from kimadmin.testing.factories import KimFactory, make_user
from kimadmin.testing.plugins import enable_plugin

from .test_exports import csv_rows, export, xlsx_rows

export_columns = pytest.importorskip("plugins.film_festival.export_columns")
SECRET = "+6281299990000"


@pytest.fixture
def contact_column(monkeypatch):
    """The festival adds the KIM's contact phone (personal) next to its film count (not personal)."""
    original = export_columns.export_columns

    def with_contact(model):
        columns = original(model)
        if columns:
            columns.append(ExportColumn("contact_phone", "Contact phone", lambda kim: SECRET, personal=PHONE))
        return columns

    monkeypatch.setattr(export_columns, "export_columns", with_contact)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_personal_plugin_column_is_left_out_without_the_export_permission(
    make_client, karanganyar, contact_column, kind
):
    KimFactory(name="KIM Manteb", regency=karanganyar.regency_code)
    enable_plugin("film_festival", karanganyar.regency_code)
    client = make_client(karanganyar.admin)  # may view personal data, not export it
    client.switch_language("en")

    response = export(client, "kim", kind)
    rows = csv_rows(response) if kind == "csv" else xlsx_rows(response)

    assert "Festival films" in rows[0]  # the plugin's other column stays
    assert "Contact phone" not in rows[0]
    assert "81299990000" not in " ".join(str(value) for row in rows for value in row.values())


def test_a_personal_plugin_column_is_exported_with_the_permission(make_client, karanganyar, contact_column):
    KimFactory(name="KIM Manteb", regency=karanganyar.regency_code)
    enable_plugin("film_festival", karanganyar.regency_code)
    client = make_client(make_user("superadmin", email="pusat@kominfo.example"))
    client.switch_language("en")

    rows = csv_rows(export(client, "kim", "csv"))

    assert rows[0]["Contact phone"] == "'" + SECRET  # a leading "+" is neutralised like any formula
