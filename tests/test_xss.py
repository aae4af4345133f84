"""Hostile text in every free-text field of every core model comes back inert.

Rows are written directly (as an import or a future API could), bypassing form validation, so
this proves the *rendering*: lists, details, edit forms, the KIM page, the dashboard and exports
escape it, never turn it into a live link, and never evaluate template syntax.
"""

from __future__ import annotations

import sqlalchemy as sa
from markupsafe import escape

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
    make_user,
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
    # A user's name is shown on the user screens, in the page header and in the audit trail.
    user = make_user("operator", regency="33.13", email=f"xss-{PAYLOADS.index(payload)}@karanganyar.example")
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
        user,
    ]
    for row in rows:
        fill_free_text(row, payload)
    assert user.full_name.startswith(payload)  # the corpus really has it
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
    """``payload`` never comes back as live markup, a live link or an evaluated template."""
    if any(char in payload for char in "<>\"'"):
        assert payload not in body, where  # its markup characters were escaped wherever it is shown
    assert "<script>alert" not in body, where
    assert "<img src=x onerror" not in body, where
    if payload.startswith("javascript:"):
        compact = body.replace(" ", "").lower().replace("href='", 'href="')
        # (Flask-Admin's own menus use javascript:void(0))
        assert f'href="{payload.lower()}' not in compact, where
        assert 'href="javascript:alert' not in compact, where
    if payload == "{{7*191}}":
        assert "1337" not in body, where  # never evaluated


def shows_escaped(body: str, payload: str) -> bool:
    """The page shows ``payload`` as text (HTML-escaped, as Jinja writes it)."""
    return str(escape(payload)) in body or str(escape(payload)).replace("&#34;", "&quot;") in body


def test_hostile_text_is_escaped_everywhere_it_is_shown(app, make_client, karanganyar, db_session):
    records = {payload: hostile_records(payload) for payload in PAYLOADS}
    client = make_client(karanganyar.admin)
    for payload, rows in records.items():
        checked = shown = 0
        pages = admin_pages(app, rows)
        assert sum("/details/" in page for page in pages) >= len(rows) - 1, pages  # each payload's own rows
        for path in pages:
            response = client.get(path)
            if response.status_code in (403, 404):
                continue
            assert response.status_code == 200, path
            body = response.get_data(as_text=True)
            assert_inert(body, payload, path)
            checked += 1
            shown += shows_escaped(body, payload)
        assert checked >= 30, payload
        assert shown >= 10, payload  # the hostile text really is on those pages, escaped
        user_details = client.get(f"/admin/user/details/?id={rows[-1].id}").get_data(as_text=True)
        assert shows_escaped(user_details, payload)  # User.full_name is part of the corpus


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
