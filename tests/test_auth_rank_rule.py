"""Resetting a password or second factor, or setting a password, needs a strictly higher role.

An admin must not take over a peer's account; superadmins (nobody ranks above them) may rescue
each other, journalled with the actor. Lifting a login pause stays allowed on peers.
"""

from __future__ import annotations

from datetime import timedelta

import pyotp
import sqlalchemy as sa

from kimadmin.auth import clock
from kimadmin.auth.passwords import verify_password
from kimadmin.models import AuthEvent, PasswordResetToken, User
from kimadmin.testing import TEST_PASSWORD
from kimadmin.testing.factories import make_user

PEER_PASSWORD = "sandi-baru-dari-rekan"


def action(client, name, user):
    return client.post_form("/admin/user/action/", {"action": name, "rowid": user.id})


def edit_with_password(client, user, password=PEER_PASSWORD):
    return client.post_form(
        f"/admin/user/edit/?id={user.id}",
        {
            "email": user.email,
            "full_name": user.full_name,
            "role": user.role_name,
            "active": "y",
            "password": password,
        },
    )


def with_totp(user, db_session):
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = True
    db_session.flush()


def test_an_admin_cannot_reset_a_peer_admins_password_or_second_factor(make_client, karanganyar, db_session):
    peer = make_user("admin_kabupaten", regency="33.13", email="rekan@karanganyar.example")
    with_totp(peer, db_session)
    client = make_client(karanganyar.admin)

    assert action(client, "reset_link", peer).status_code == 403
    assert action(client, "reset_two_factor", peer).status_code == 403

    assert db_session.scalar(sa.select(sa.func.count()).select_from(PasswordResetToken)) == 0
    db_session.expire_all()
    assert db_session.get(User, peer.id).totp_enabled


def test_an_admin_cannot_set_a_peer_admins_password(make_client, karanganyar, db_session):
    peer = make_user("admin_kabupaten", regency="33.13", email="rekan@karanganyar.example", full_name="Rekan Kerja")
    client = make_client(karanganyar.admin)

    form = client.get(f"/admin/user/edit/?id={peer.id}").get_data(as_text=True)
    edit_with_password(client, peer)

    assert 'name="password"' not in form
    db_session.expire_all()
    assert verify_password(db_session.get(User, peer.id).password_hash, TEST_PASSWORD)
    assert not db_session.scalars(sa.select(AuthEvent).where(AuthEvent.outcome == "password_set_by_admin")).all()


def test_the_details_page_of_a_peer_offers_only_the_unlock(make_client, karanganyar, db_session):
    peer = make_user("admin_kabupaten", regency="33.13", email="rekan@karanganyar.example")
    client = make_client(karanganyar.admin)

    peer_page = client.get(f"/admin/user/details/?id={peer.id}").get_data(as_text=True)
    operator_page = client.get(f"/admin/user/details/?id={karanganyar.operator.id}").get_data(as_text=True)

    assert 'id="action-unlock"' in peer_page
    assert 'id="action-reset_link"' not in peer_page and 'id="action-reset_two_factor"' not in peer_page
    assert 'id="action-reset_link"' in operator_page and 'id="action-reset_two_factor"' in operator_page


def test_an_admin_may_still_lift_a_peers_login_pause(make_client, karanganyar, db_session):
    peer = make_user("admin_kabupaten", regency="33.13", email="rekan@karanganyar.example")
    peer.locked_until = clock.now() + timedelta(minutes=15)
    db_session.flush()

    response = action(make_client(karanganyar.admin), "unlock", peer)

    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(User, peer.id).locked_until is None


def test_an_admin_still_resets_a_lower_role(make_client, karanganyar, db_session):
    operator = karanganyar.operator
    client = make_client(karanganyar.admin)

    assert action(client, "reset_link", operator).status_code == 200
    assert edit_with_password(client, operator).status_code == 302
    db_session.expire_all()
    assert verify_password(db_session.get(User, operator.id).password_hash, PEER_PASSWORD)


def test_a_superadmin_may_rescue_another_superadmin_journalled(make_client, db_session):
    boss = make_user("superadmin", email="boss@kimadmin.example")
    colleague = make_user("superadmin", email="kolega@kimadmin.example", full_name="Kolega Pusat")
    with_totp(colleague, db_session)
    client = make_client(boss)

    assert action(client, "reset_link", colleague).status_code == 200
    assert action(client, "reset_two_factor", colleague).status_code == 302
    assert edit_with_password(client, colleague).status_code == 302

    db_session.expire_all()
    rescued = db_session.get(User, colleague.id)
    assert not rescued.totp_enabled
    assert verify_password(rescued.password_hash, PEER_PASSWORD)
    journal = db_session.scalars(sa.select(AuthEvent).where(AuthEvent.user_id == colleague.id)).all()
    assert {(event.outcome, event.actor_id) for event in journal} >= {
        ("reset_link_issued", boss.id),
        ("totp_reset_by_admin", boss.id),
        ("password_set_by_admin", boss.id),
    }
