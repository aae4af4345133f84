"""No cross-regency access on any admin endpoint.

The walker enumerates every endpoint Flask-Admin registered and probes it, as users of
Wonosobo, against Karanganyar's objects. A new endpoint without a probe fails the test, so
every future screen is covered by construction.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimadmin.audit import AuditEntry
from kimadmin.extensions import db
from kimadmin.models import (
    Activity,
    ActivityParticipant,
    AuthEvent,
    Award,
    Board,
    BoardMember,
    ContentItem,
    Decree,
    FkMetraGroup,
    FkMetraPerformance,
    ImportBatch,
    Kim,
    MediaChannel,
    MonevAssessment,
    MonevIndicator,
    PluginActivation,
    User,
    Village,
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
    first_village,
    minimal_pdf,
)
from kimadmin.trash.service import move_to_trash

SECRET_KIM = "KIM Rahasia Karanganyar"
SECRET_PDF = "SK rahasia karanganyar"

# Flask-Admin endpoint suffixes and how to probe them. Object endpoints must answer 403/404;
# collection endpoints may answer 200 but must not contain the other regency's data.
OBJECT_ENDPOINTS = {"details_view", "edit_view", "delete_view", "ajax_update", "action_view", "pdf_view", "logo_view"}
COLLECTION_ENDPOINTS = {"index_view", "export", "ajax_lookup", "create_view"}
# The Modules screen (plugin switches): a regency admin switches modules for their own regency only.
PLUGIN_SCREEN_ENDPOINTS = {"index", "confirm", "toggle"}
# The Import screen (kimadmin.imports): its history detail is probed as details_view (an object).
IMPORT_SCREEN_ENDPOINTS = {"index", "template", "upload", "preview", "confirm", "history", "history_export"}
# The year-end report (kimadmin.reports): the download is probed with the other regency's code.
REPORT_SCREEN_ENDPOINTS = {"index", "download"}
# The Trash (kimadmin.trash): the other regency's batch is confirmed, restored and purged by id;
# the list and its export show the own area only.
TRASH_SCREEN_ENDPOINTS = {"index", "export", "confirm", "restore_view", "purge_view"}
# The audit (kimadmin.audit): a record's history is probed with the record of a Karanganyar entry.
AUDIT_SCREEN_ENDPOINTS = {"history_view"}


@pytest.fixture
def target(db_session, karanganyar, app, tmp_path, monkeypatch):
    """Karanganyar's objects, one per admin endpoint, and the text that must not leak."""
    kim = KimFactory(name=SECRET_KIM, regency="33.13")
    user = karanganyar.user("viewer")
    village = first_village("33.13")
    # A real stored PDF, so a download that leaked would show its content.
    monkeypatch.setitem(app.config, "KIMADMIN_UPLOAD_DIR", str(tmp_path))
    (tmp_path / ("a" * 32 + ".pdf")).write_bytes(minimal_pdf(SECRET_PDF))
    (tmp_path / ("b" * 32 + ".png")).write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET_PDF.encode())
    kim.logo_path = "b" * 32 + ".png"
    decree = DecreeFactory(kim=kim, number="SK Rahasia 1/2024", pdf_path="a" * 32 + ".pdf", pdf_name="rahasia.pdf")
    board = BoardFactory(kim=kim, decree=decree)
    group = FkMetraGroupFactory(name="Sanggar Rahasia")
    activity = ActivityFactory(title="Kegiatan Rahasia")
    ActivityParticipantFactory(activity=activity, kim=kim)
    visit = ActivityFactory(kind="studi_tiru", title="Studi Tiru Rahasia", direction="masuk", partner_agency="Mitra")
    batch = ImportBatch(kind="kim", file_name="impor-rahasia.xlsx", regency_code="33.13", source="cli")
    db.session.add(batch)
    db.session.flush()
    trashed = move_to_trash(KimFactory(name="KIM Rahasia Terhapus", regency="33.13"))
    entry = AuditEntry(
        user_label="Pejabat Rahasia", action="update", object_type="kim", object_id=str(kim.id), regency_code="33.13"
    )
    journal = AuthEvent(outcome="login_ok", email_masked="r***@rahasia.example", regency_code="33.13")
    db.session.add_all([entry, journal])
    db.session.flush()
    return {
        "audit_entry": (entry.id, "Pejabat Rahasia"),
        "auth_event": (journal.id, "r***@rahasia.example"),
        "trash": (trashed.id, "KIM Rahasia Terhapus"),
        "imports": (batch.id, "impor-rahasia.xlsx"),
        "yearend_report": ("33.13", SECRET_KIM),
        "kim": (kim.id, SECRET_KIM),
        "plugins": ("33.13", SECRET_KIM),
        "user": (user.id, user.email),
        "village": (village.code, village.code),
        "district": (village.district_code, village.district_code),
        "regency": ("33.13", "33.13."),
        "province": ("34", "Yogyakarta"),
        "decree": (decree.id, "SK Rahasia 1/2024"),
        "board": (board.id, SECRET_KIM),
        "board_member": (BoardMemberFactory(board=board, name="Anggota Rahasia").id, "Anggota Rahasia"),
        "media_channel": (MediaChannelFactory(kim=kim, handle="@kanal_rahasia").id, "@kanal_rahasia"),
        "content": (ContentItemFactory(kim=kim, title="Konten Rahasia").id, "Konten Rahasia"),
        "activity": (activity.id, "Kegiatan Rahasia"),
        "study_visit": (visit.id, "Studi Tiru Rahasia"),
        "monev": (MonevAssessmentFactory(kim=kim, assessors="Penilai Rahasia").id, SECRET_KIM),
        "award": (AwardFactory(kim=kim, contest_name="Lomba Rahasia").id, "Lomba Rahasia"),
        "fkmetra_forum": (FkMetraForumFactory(name="Forum Rahasia").id, "Forum Rahasia"),
        "fkmetra_group": (group.id, "Sanggar Rahasia"),
        "fkmetra_performance": (
            FkMetraPerformanceFactory(message_theme="Pentas Rahasia", groups=[group]).id,
            "Pentas Rahasia",
        ),
        "kim_level": (KimLevelFactory(name="Level Rahasia").id, "Level Rahasia"),
        "monev_indicator": (MonevIndicatorFactory(name="Indikator Rahasia").id, "Indikator Rahasia"),
    }


# Rows a forged create form could only make by pointing at a Karanganyar row: none may appear.
FORGEABLE = (
    Decree,
    Board,
    BoardMember,
    MediaChannel,
    ContentItem,
    Activity,
    ActivityParticipant,
    MonevAssessment,
    Award,
    FkMetraGroup,
    FkMetraPerformance,
)


def forged_create_form(target) -> dict[str, object]:
    """One form for every create view, each reference a Karanganyar row (unknown fields are ignored)."""
    kim_id = target["kim"][0]
    return {
        "name": "KIM Palsu Walker",
        "village": first_village("33.13").code,
        "status": "aktif",
        "kim": kim_id,
        "board": target["board"][0],
        "decree": target["decree"][0],
        "channel": target["media_channel"][0],
        "fkmetra_group": target["fkmetra_group"][0],
        "groups": str(target["fkmetra_group"][0]),
        "participants-0-kim": kim_id,
        "winner_kind": "kim",
        "number": "SK Palsu",
        "issued_on": "2024-01-01",
        "issuer": "kepala_desa",
        "term_start": "2024-01-01",
        "term_end": "2026-01-01",
        "title": "Palsu Walker",
        "start_on": "2024-01-01",
        "position": "anggota",
        "platform": "instagram",
        "handle": "@palsu",
        "published_on": "2024-01-01",
        "period": "2024",
        "visited_on": "2024-01-01",
        "contest_name": "Lomba Palsu",
        "level": "provinsi",
        "year": "2024",
        "rank": "1",
        "performed_on": "2024-01-01",
        "place": "Balai desa",
        "message_theme": "Pesan palsu",
        "art_form": "wayang",
        "direction": "masuk",
        "partner_agency": "Mitra palsu",
        **{f"score_{indicator_id}": "5" for indicator_id in db.session.scalars(sa.select(MonevIndicator.id))},
    }


def forged_variants(target) -> list[dict[str, object]]:
    """The forged form once per "kind" the create views use (decree, activity, content), and once
    owned by the FK Metra forum instead of the KIM (decrees and boards)."""
    form = forged_create_form(target)
    variants = [{**form, "kind": kind} for kind in ("pembentukan", "rakor", "berita")]
    return [*variants, {**form, "kind": "pembentukan", "kim": "", "forum": target["fkmetra_forum"][0]}]


def loader_names(app, view: str) -> list[str]:
    """The AJAX pickers a view registered (inline rows included), to probe each."""
    for admin in app.extensions["admin"]:
        for candidate in admin._views:
            if candidate.endpoint == view:
                return sorted(getattr(candidate, "_form_ajax_refs", {}) or ()) or ["kim"]
    return ["kim"]


def plugin_names(app) -> list[str]:
    return [record.name for record in app.extensions["kimadmin_plugins"].active()]


def admin_endpoints(app):
    for rule in app.url_map.iter_rules():
        if "." not in rule.endpoint or rule.endpoint.startswith(("admin.", "auth.", "system.")):
            continue
        view, method = rule.endpoint.split(".", 1)
        if method == "static":
            continue
        if app.extensions["kimadmin_plugins"].owner_of(view) is not None:
            continue  # a plugin's screens are walked by its own tests (kimadmin.testing.plugins)
        yield view, method, rule


def probe(client, rule, method, object_id, names=("village", "regency", "province", "kim"), create_forms=None):
    url = rule.rule.replace("<export_type>", "csv")
    if method in ("pdf_view", "logo_view"):
        return [client.get(f"{url}?id={object_id}")]
    if method in ("details_view", "edit_view"):
        responses = [client.get(f"{url}?id={object_id}")]
        if "POST" in rule.methods:
            responses.append(client.post_form(f"{url}?id={object_id}", {"name": "diretas"}))
        return responses
    if method == "delete_view":
        return [client.post_form(url, {"id": object_id})]
    if method == "history_view":  # the history of the record a Karanganyar audit entry is about
        entry = db.session.get(AuditEntry, object_id)
        return [client.get(url.replace("<object_type>", entry.object_type).replace("<object_id>", entry.object_id))]
    if method == "ajax_update":
        return [client.post_form(url, {"list_form_pk": object_id, "name": "diretas"})]
    if method == "action_view":
        return [client.post_form(url, {"action": "delete", "rowid": object_id})]
    if method == "ajax_lookup":
        return [client.get(f"{url}?name={name}&query=") for name in names]
    if rule.endpoint.startswith("imports.") and "POST" in rule.methods:  # upload, confirm
        return [client.post_form(url, {"token": object_id, "kind": "kim", "regency": "33.13"})]
    if rule.endpoint.startswith("trash."):  # the other regency's trash batch: 404 (403 without the right)
        if "POST" in rule.methods:
            return [client.post_form(url, {"id": object_id})]
        return [client.get(f"{url}?id={object_id}&action={action}") for action in ("restore", "purge")]
    if method == "download":  # the year-end report of the other regency: 404
        return [client.get(f"{url}?regency={object_id}&year=2024")]
    if method == "toggle":  # aim the switch at the other regency: it must never be switched
        return [
            client.post_form(url, {"plugin": name, "action": "enable", "regency": object_id})
            for name in plugin_names(client.application)
        ] or [client.post_form(url, {"plugin": "x", "action": "enable", "regency": object_id})]
    if method in ("index", "confirm"):
        return [client.get(f"{url}?plugin={name}&action=enable&regency={object_id}") for name in ("x", "y")]
    if method == "create_view":
        village = first_village("33.13").code
        forms = create_forms or [{"name": "KIM Palsu Walker", "village": village, "status": "aktif"}]
        return [client.post_form(url, form) for form in forms]
    return [client.get(url)]


@pytest.mark.parametrize("role", ["operator", "admin_kabupaten"])
def test_wonosobo_users_reach_no_karanganyar_object(app, make_client, wonosobo, target, db_session, role):
    client = make_client(wonosobo.user(role))
    before = {model: db_session.scalar(sa.select(sa.func.count()).select_from(model)) for model in FORGEABLE}
    forged = forged_variants(target)
    probed = set()
    for view, method, rule in admin_endpoints(app):
        assert view in target, f"no probe target for admin view {view!r}: add one"
        probes = OBJECT_ENDPOINTS | COLLECTION_ENDPOINTS | (PLUGIN_SCREEN_ENDPOINTS if view == "plugins" else set())
        probes |= IMPORT_SCREEN_ENDPOINTS if view == "imports" else set()
        probes |= REPORT_SCREEN_ENDPOINTS if view == "yearend_report" else set()
        probes |= TRASH_SCREEN_ENDPOINTS if view == "trash" else set()
        probes |= AUDIT_SCREEN_ENDPOINTS if view == "audit_entry" else set()
        assert method in probes, f"unprobed endpoint {view}.{method}"
        object_id, secret = target[view]
        for response in probe(client, rule, method, object_id, loader_names(app, view), forged):
            body = response.get_data(as_text=True)
            where = f"{role}: {view}.{method} -> {response.status_code}"
            trash_object = view == "trash" and method not in ("index", "export")
            if method in OBJECT_ENDPOINTS | AUDIT_SCREEN_ENDPOINTS or trash_object:
                assert response.status_code in (403, 404), where
            else:
                assert response.status_code in (200, 302, 403, 404), where
            assert secret not in body, f"{where} leaked {secret!r}"
            assert SECRET_PDF.encode() not in response.data, f"{where} leaked the PDF"
        probed.add(f"{view}.{method}")
    assert {"kim.edit_view", "kim.ajax_update", "kim.action_view", "user.delete_view", "decree.pdf_view"} <= probed
    assert {"activity.ajax_lookup", "fkmetra_performance.create_view", "monev_indicator.delete_view"} <= probed

    # No row was made that points at a Karanganyar row (pickers and the tenancy check refuse them).
    after = {model: db_session.scalar(sa.select(sa.func.count()).select_from(model)) for model in FORGEABLE}
    assert after == before

    # No module was switched for Karanganyar.
    switched = sa.select(sa.func.count()).select_from(PluginActivation).where(PluginActivation.regency_code == "33.13")
    assert db_session.scalar(switched) == 0

    # Nothing was changed, created or deleted.
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Kim)) == 1
    assert db_session.get(Kim, target["kim"][0]).name == SECRET_KIM
    assert db_session.get(User, target["user"][0]) is not None


@pytest.mark.parametrize(
    ("endpoint", "model", "variants"),
    [
        ("decree", Decree, 2),
        ("board", Board, 2),
        ("board_member", BoardMember, 1),
        ("media_channel", MediaChannel, 1),
        ("content", ContentItem, 1),
        ("activity", ActivityParticipant, 1),
        ("monev", MonevAssessment, 1),
        ("award", Award, 1),
        ("fkmetra_group", FkMetraGroup, 1),
        ("fkmetra_performance", FkMetraPerformance, 1),
    ],
)
def test_the_walkers_forged_forms_are_complete(make_client, karanganyar, target, db_session, endpoint, model, variants):
    """Control: sent by Karanganyar's own officer, the same forms are saved, so when Wonosobo's are
    not, it is because of the other regency's references and nothing else."""
    client = make_client(karanganyar.operator)
    before = db_session.scalar(sa.select(sa.func.count()).select_from(model))

    for form in forged_variants(target):
        client.post_form(f"/admin/{endpoint}/new/", form)

    assert db_session.scalar(sa.select(sa.func.count()).select_from(model)) - before >= variants


def test_forged_desa_of_another_regency_is_not_saved(make_client, wonosobo, db_session):
    karanganyar_village = first_village("33.13")
    client = make_client(wonosobo.operator)

    response = client.post_form(
        "/admin/kim/new/", {"name": "KIM Palsu", "village": karanganyar_village.code, "status": "aktif"}
    )

    assert response.status_code in (200, 302)
    assert db_session.scalar(sa.select(Kim).where(Kim.name == "KIM Palsu")) is None


def test_moving_own_kim_into_another_regency_is_refused(make_client, wonosobo, db_session):
    kim = KimFactory(name="KIM Sindoro", regency="33.07")
    karanganyar_village = first_village("33.13")
    client = make_client(wonosobo.operator)

    client.post_form(f"/admin/kim/edit/?id={kim.id}", {"name": "KIM Sindoro", "village": karanganyar_village.code})

    db_session.expire_all()
    assert db_session.get(Kim, kim.id).regency_code == "33.07"


def test_desa_picker_offers_only_own_regency_and_at_most_20(make_client, karanganyar):
    client = make_client(karanganyar.operator)

    rows = client.get("/admin/kim/ajax/lookup/?name=village&query=&limit=500").get_json()

    assert 0 < len(rows) <= 20
    codes = [code for code, _label in rows]
    assert all(code.startswith("33.13.") for code in codes)


def test_desa_picker_searches_by_name(make_client, karanganyar, db_session):
    client = make_client(karanganyar.operator)
    dagen = db_session.scalar(sa.select(Village).where(Village.regency_code == "33.13", Village.name == "Dagen"))

    rows = client.get("/admin/kim/ajax/lookup/?name=village&query=dagen").get_json()

    assert [code for code, _ in rows] == [dagen.code]
    assert "Jaten" in rows[0][1]


def test_province_staff_see_their_province_only(make_client, db_session):
    from kimadmin.testing.factories import make_user

    KimFactory(name="KIM Jateng", regency="33.13")
    KimFactory(name="KIM Sleman", regency="34.04")
    client = make_client(make_user("provinsi", province="33"))

    html = client.get("/admin/kim/").get_data(as_text=True)

    assert "KIM Jateng" in html
    assert "KIM Sleman" not in html


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/kim/")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
