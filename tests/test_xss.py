"""Hostile text in every free-text field of every core model comes back inert.

Rows are written directly (as an import or a future API could), bypassing form validation, so
this proves the *rendering*: lists, details, edit forms, the KIM page, the dashboard and exports
escape it, never turn it into a live link, and never evaluate template syntax.
"""

from __future__ import annotations

import sqlalchemy as sa

from kimadmin.extensions import db
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
    MediaChannelFactory,
    MonevAssessmentFactory,
)

PAYLOADS = (
    "<script>alert('kim')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*191}}",
    '=HYPERLINK("http://evil.example")',
)
# Columns holding a fixed choice (checked by constraints or used as keys), codes and secrets:
# hostile text there is refused on input, not a rendering question.
NOT_FREE_TEXT = {
    "status",
    "kind",
    "issuer",
    "position",
    "platform",
    "level",
    "art_form",
    "gender",
    "direction",
    "organiser",
    "budget_source",
    "suggested_status",
    "regency_code",
    "village_code",
    "district_code",
    "province_code",
    "partner_regency_code",
    "code",
    "role_name",
    "password_hash",
    "totp_secret",
    "locale",
    "email",
    "phone",
    "nik",
    "contact_phone",
    "pdf_path",
    "logo_path",
    "period",
    "plugin",
}


def fill_free_text(obj, payload: str) -> None:
    for column in sa.inspect(type(obj)).columns:
        if column.key in NOT_FREE_TEXT or not isinstance(column.type, sa.String) or column.primary_key:
            continue
        if column.foreign_keys:
            continue
        length = getattr(column.type, "length", None) or 1000
        setattr(obj, column.key, (payload * 3)[:length])


def hostile_records(payload: str) -> list:
    kim = KimFactory(regency="33.13")
    decree = DecreeFactory(kim=kim)
    board = BoardFactory(kim=kim, decree=decree)
    group = FkMetraGroupFactory()
    activity = ActivityFactory()
    rows = [
        kim,
        decree,
        board,
        BoardMemberFactory(board=board),
        MediaChannelFactory(kim=kim),
        ContentItemFactory(kim=kim),
        activity,
        ActivityParticipantFactory(activity=activity, kim=kim),
        MonevAssessmentFactory(kim=kim),
        AwardFactory(kim=kim),
        FkMetraForumFactory(),
        group,
        FkMetraPerformanceFactory(groups=[group]),
    ]
    for row in rows:
        fill_free_text(row, payload)
    db.session.flush()
    return rows


def admin_pages(app, rows) -> list[str]:
    """List pages of every admin view, plus details and edit of each hostile row it shows."""
    by_model = {type(row): row for row in rows}
    pages = ["/admin/"]
    for admin in app.extensions["admin"]:
        for view in admin._views:
            model = getattr(view, "model", None)
            if model is None or not hasattr(view, "endpoint"):
                continue
            pages.append(f"/admin/{view.endpoint}/")
            if model in by_model:
                row_id = by_model[model].id
                pages += [f"/admin/{view.endpoint}/details/?id={row_id}", f"/admin/{view.endpoint}/edit/?id={row_id}"]
    return pages


def assert_inert(body: str, payload: str, where: str) -> None:
    assert "<script>alert" not in body, where
    assert "<img src=x onerror" not in body, where
    compact = body.replace(" ", "").lower().replace("href='", 'href="')
    assert 'href="javascript:alert' not in compact, where  # (Flask-Admin's own menus use javascript:void(0))
    assert "1337" not in body, where  # {{7*191}} was never evaluated


def test_hostile_text_is_escaped_everywhere_it_is_shown(app, make_client, karanganyar, db_session):
    rows = []
    for payload in PAYLOADS:
        rows = hostile_records(payload)
    client = make_client(karanganyar.admin)
    checked = shown = 0
    for path in admin_pages(app, rows):
        response = client.get(path)
        if response.status_code in (403, 404):
            continue
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert_inert(body, PAYLOADS[-1], path)
        checked += 1
        shown += "&lt;script&gt;alert" in body or "&lt;script&gt;alert".replace("&gt;", "&#62;") in body
    assert checked >= 30
    assert shown >= 10  # the hostile text really is on those pages, escaped


def test_exports_neutralise_formulas_and_keep_text_inert(app, make_client, karanganyar, db_session):
    for payload in PAYLOADS:
        hostile_records(payload)
    client = make_client(karanganyar.admin)
    for admin in app.extensions["admin"]:
        for view in admin._views:
            if not getattr(view, "can_export", False) or getattr(view, "model", None) is None:
                continue
            response = client.get(f"/admin/{view.endpoint}/export/csv/")
            if response.status_code != 200:
                continue
            for line in response.get_data(as_text=True).splitlines():
                for cell in line.split(","):
                    assert not cell.strip('"').startswith(("=", "+", "@")), (view.endpoint, cell)
