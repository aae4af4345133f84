"""factory_boy factories for core models (flushed into the test's session, never committed)."""

from __future__ import annotations

from datetime import date

import factory
import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory

from ..auth.passwords import hash_password
from ..extensions import db
from ..models.kim import Kim
from ..models.regions import Village
from ..models.users import Role, User
from . import TEST_PASSWORD

# Hashing is deliberately slow; hash the shared test password once per run.
_TEST_PASSWORD_HASH = hash_password(TEST_PASSWORD)


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - the scoped session of the test
        sqlalchemy_session_persistence = "flush"


def first_village(regency_code: str) -> Village:
    village = db.session.scalar(
        sa.select(Village).where(Village.regency_code == regency_code).order_by(Village.code).limit(1)
    )
    if village is None:
        raise LookupError(f"no village in regency {regency_code}: are regions loaded?")
    return village


class UserFactory(BaseFactory):
    class Meta:
        model = User

    class Params:
        role_name_param = "operator"

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name", locale="id_ID")
    password_hash = _TEST_PASSWORD_HASH
    role = factory.LazyAttribute(lambda o: db.session.get(Role, o.role_name_param))
    regency_code = "33.13"
    province_code = None
    active = True


class KimFactory(BaseFactory):
    class Meta:
        model = Kim

    class Params:
        regency = "33.13"

    name = factory.Sequence(lambda n: f"KIM Uji {n}")
    village = factory.LazyAttribute(lambda o: first_village(o.regency))
    status = "aktif"
    founded_on = date(2020, 1, 15)


def make_user(role: str, regency: str | None = None, province: str | None = None, **kwargs: object) -> User:
    """A user of ``role`` in the given regency or province (nation for superadmin)."""
    return UserFactory(role_name_param=role, regency_code=regency, province_code=province, **kwargs)
