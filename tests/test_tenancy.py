"""The tenancy layer itself: scoping of reads and checks of writes, below any view."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimadmin import tenancy
from kimadmin.models import Kim
from kimadmin.tenancy import NOBODY, Scope, TenantViolation
from kimadmin.testing.factories import KimFactory, first_village


@pytest.fixture
def two_kims(db_session):
    own = KimFactory(name="KIM Sindoro", regency="33.07")
    other = KimFactory(name="KIM Manteb", regency="33.13")
    db_session.expunge_all()  # a real request starts with an empty identity map
    return own.id, other.id


@pytest.fixture
def as_wonosobo(app):
    with app.test_request_context():
        tenancy.set_scope(Scope.for_regency("33.07"))
        yield


def names(session):
    return set(session.scalars(sa.select(Kim.name)))


def test_queries_see_only_the_scope(db_session, two_kims, as_wonosobo):
    own_id, other_id = two_kims

    assert names(db_session) == {"KIM Sindoro"}
    assert db_session.get(Kim, other_id) is None
    assert db_session.get(Kim, own_id) is not None
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Kim)) == 1


def test_province_scope_sees_its_regencies(db_session, two_kims, app):
    KimFactory(name="KIM Sleman", regency="34.04")
    db_session.expunge_all()
    with app.test_request_context():
        tenancy.set_scope(Scope.for_province("33"))
        assert names(db_session) == {"KIM Sindoro", "KIM Manteb"}


def test_request_without_user_sees_nothing(db_session, two_kims, app):
    with app.test_request_context():
        assert tenancy.current_scope() is NOBODY
        assert names(db_session) == set()


def test_bulk_update_touches_only_the_scope(db_session, two_kims, as_wonosobo):
    db_session.execute(sa.update(Kim).values(status="tidak_aktif"))
    with tenancy.unscoped():
        statuses = dict(db_session.execute(sa.select(Kim.name, Kim.status)).all())
    assert statuses == {"KIM Sindoro": "tidak_aktif", "KIM Manteb": "aktif"}


def test_creating_a_row_in_another_regency_is_refused(db_session, as_wonosobo):
    db_session.add(Kim(name="KIM Palsu", village=first_village("33.13")))

    with pytest.raises(TenantViolation):
        db_session.flush()


def test_regency_is_derived_from_the_desa_not_taken_from_input(db_session, as_wonosobo):
    kim = Kim(name="KIM Baru", village=first_village("33.07"), regency_code="33.13")
    db_session.add(kim)
    db_session.flush()

    assert kim.regency_code == "33.07"


def test_moving_a_row_out_of_the_scope_is_refused(db_session, two_kims, as_wonosobo):
    own = db_session.get(Kim, two_kims[0])
    own.village = first_village("33.13")

    with pytest.raises(TenantViolation):
        db_session.flush()


def test_deleting_a_row_of_another_regency_is_refused(db_session, two_kims, as_wonosobo):
    with tenancy.unscoped():
        other = db_session.get(Kim, two_kims[1])
    db_session.delete(other)

    with pytest.raises(TenantViolation):
        db_session.flush()


def test_scope_holds_by_code_prefix():
    assert Scope.for_province("33").holds("33.13")
    assert not Scope.for_province("33").holds("34.04")
    assert not Scope.for_province("3").holds("33.13")
    assert Scope.for_regency("33.13").holds("33.13")
    assert not Scope.for_regency("33.13").holds("33.07")
    assert not Scope.for_regency("33.13").holds(None)
    assert not NOBODY.holds("33.13")


def test_aliased_tenant_rows_inside_subqueries_are_scoped_too(db_session, app):
    from sqlalchemy.orm import aliased

    from kimadmin.models import Decree
    from kimadmin.testing.factories import DecreeFactory

    karanganyar_kim, wonosobo_kim = KimFactory(regency="33.13"), KimFactory(regency="33.07")
    DecreeFactory(kim=karanganyar_kim)
    DecreeFactory(kim=wonosobo_kim)
    wonosobo_id = wonosobo_kim.id
    db_session.expunge_all()
    with app.test_request_context():
        tenancy.set_scope(Scope.for_regency("33.07"))
        other = aliased(Decree)
        # "A KIM for which another KIM's decree exists": true only if Karanganyar's decree is seen.
        foreign_decree = sa.exists(
            sa.select(other.id).where(sa.or_(other.kim_id != Kim.id, other.forum_id.is_not(None)))
        )
        assert db_session.scalars(sa.select(Kim.id).where(foreign_decree)).all() == []
        assert db_session.scalar(sa.select(sa.func.count()).select_from(other)) == 1
        assert db_session.scalars(sa.select(Kim.id)).all() == [wonosobo_id]


def test_a_province_office_row_is_read_by_its_regencies_and_written_by_the_province_only():
    """ProvinceOrRegencyOwned: a row without a regency is the province office's own."""
    province_row = (None, "33")
    assert Scope.for_regency("33.13").sees_owner(*province_row)
    assert not Scope.for_regency("33.13").writes_owner(*province_row)
    assert Scope.for_province("33").writes_owner(*province_row)
    assert not Scope.for_regency("35.07").sees_owner(*province_row)
    assert not Scope.for_province("35").sees_owner(*province_row)
    assert not NOBODY.sees_owner(*province_row)
    assert Scope("nation").writes_owner(*province_row)
    regency_row = ("33.13", "33")
    assert Scope.for_province("33").writes_owner(*regency_row)
    assert not Scope.for_regency("33.07").sees_owner(*regency_row)


def test_province_staff_see_their_colleagues_but_not_other_provinces_staff(db_session, app):
    from kimadmin.models import User
    from kimadmin.testing.factories import make_user

    make_user("provinsi", province="33", email="rekan@jatengprov.example")
    make_user("provinsi", province="35", email="rekan@jatimprov.example")
    make_user("viewer", regency="33.13", email="viewer@karanganyar.example")
    db_session.expunge_all()
    with app.test_request_context():
        tenancy.set_scope(Scope.for_province("33"))
        emails = set(db_session.scalars(sa.select(User.email)))
        assert {"rekan@jatengprov.example", "viewer@karanganyar.example"} <= emails
        assert "rekan@jatimprov.example" not in emails
        tenancy.set_scope(Scope.for_regency("33.13"))
        assert "rekan@jatengprov.example" not in set(db_session.scalars(sa.select(User.email)))
