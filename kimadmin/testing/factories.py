"""factory_boy factories for core models (flushed into the test's session, never committed)."""

from __future__ import annotations

from datetime import date

import factory
import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory

from ..auth.passwords import hash_password
from ..extensions import db
from ..models.activities import Activity, ActivityParticipant
from ..models.awards import Award
from ..models.boards import Board, BoardMember
from ..models.decrees import Decree
from ..models.fkmetra import FkMetraForum, FkMetraGroup, FkMetraPerformance
from ..models.kim import Kim, KimLevel
from ..models.media import ContentItem, MediaChannel
from ..models.monev import MonevAssessment, MonevIndicator
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


# --- KIM domain records (dashboard tests and others) ---------------------------------------------


class BoardFactory(BaseFactory):
    """A KIM's board term (pass ``kim=``; an FK Metra forum's: ``kim=None, forum=``)."""

    class Meta:
        model = Board

    kim = factory.SubFactory(KimFactory)
    term_end = date(2025, 12, 31)
    term_start = factory.LazyAttribute(lambda o: _three_years_before(o.term_end))


class DecreeFactory(BaseFactory):
    """A board-confirmation SK of a KIM (``kim=None, forum=`` for the FK Metra forum's)."""

    class Meta:
        model = Decree

    kim = factory.SubFactory(KimFactory)
    kind = "pengukuhan_pengurus"
    number = factory.Sequence(lambda n: f"141/{n:03d}/2022")
    issued_on = date(2021, 12, 20)
    issuer = "kepala_desa"
    term_end = date(2025, 12, 31)
    term_start = factory.LazyAttribute(lambda o: _three_years_before(o.term_end))


def _three_years_before(day: date | None) -> date | None:
    """A term start for a given term end (factories' default: three-year terms)."""
    return None if day is None else date(day.year - 3, day.month, 1)


class FkMetraForumFactory(BaseFactory):
    class Meta:
        model = FkMetraForum

    regency_code = "33.13"
    name = factory.Sequence(lambda n: f"FK Metra Uji {n}")
    formed_on = date(2018, 3, 1)


class FkMetraGroupFactory(BaseFactory):
    class Meta:
        model = FkMetraGroup

    class Params:
        regency = "33.13"

    name = factory.Sequence(lambda n: f"Sanggar Uji {n}")
    art_form = "wayang"
    village = factory.LazyAttribute(lambda o: first_village(o.regency))
    status = "aktif"


class ActivityFactory(BaseFactory):
    class Meta:
        model = Activity

    regency_code = "33.13"
    kind = "sosialisasi"
    title = factory.Sequence(lambda n: f"Sosialisasi Uji {n}")
    start_on = date(2024, 10, 15)


class ActivityParticipantFactory(BaseFactory):
    """A KIM taking part in an activity (give both, of the same regency)."""

    class Meta:
        model = ActivityParticipant

    activity = factory.SubFactory(ActivityFactory)
    kim = factory.SubFactory(KimFactory)
    attended = True


class ContentItemFactory(BaseFactory):
    class Meta:
        model = ContentItem

    kim = factory.SubFactory(KimFactory)
    title = factory.Sequence(lambda n: f"Berita Uji {n}")
    kind = "berita"
    published_on = date(2024, 10, 1)


class AwardFactory(BaseFactory):
    """An award; by default the regency's own (no KIM, no FK Metra group)."""

    class Meta:
        model = Award

    regency_code = "33.13"
    kim = None
    fkmetra_group = None
    contest_name = "Lomba KIM Jawa Tengah"
    level = "provinsi"
    year = 2024
    rank = 3


# --- more KIM domain records (domain screen tests) -----------------------------------------------


class BoardMemberFactory(BaseFactory):
    class Meta:
        model = BoardMember

    board = factory.SubFactory(BoardFactory)
    name = factory.Faker("name", locale="id_ID")
    position = "anggota"


class MediaChannelFactory(BaseFactory):
    class Meta:
        model = MediaChannel

    kim = factory.SubFactory(KimFactory)
    platform = "instagram"
    handle = factory.Sequence(lambda n: f"@kim_uji_{n}")
    active = True


class KimLevelFactory(BaseFactory):
    """A regency's own KIM level (``regency_code=None`` for a national default)."""

    class Meta:
        model = KimLevel

    regency_code = "33.13"
    name = factory.Sequence(lambda n: f"Level Uji {n}")
    position = factory.Sequence(int)


class MonevIndicatorFactory(BaseFactory):
    """A regency's own Monev indicator (``regency_code=None`` for a national default)."""

    class Meta:
        model = MonevIndicator

    regency_code = "33.13"
    name = factory.Sequence(lambda n: f"Indikator Uji {n}")
    weight = 50
    max_score = 10
    position = factory.Sequence(int)
    active = True


class MonevAssessmentFactory(BaseFactory):
    class Meta:
        model = MonevAssessment

    kim = factory.SubFactory(KimFactory)
    period = "2024"
    visited_on = date(2024, 9, 10)


class FkMetraPerformanceFactory(BaseFactory):
    class Meta:
        model = FkMetraPerformance

    regency_code = "33.13"
    performed_on = date(2024, 8, 17)
    place = "Alun-alun"
    message_theme = factory.Sequence(lambda n: f"Pencegahan stunting {n}")


def minimal_pdf(text: str = "SK Uji") -> bytes:
    """A small, valid one-page PDF (with a correct cross-reference table) for upload tests."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>",
    ]
    stream = f"BT /F1 12 Tf 10 50 Td ({text}) Tj ET".encode("latin-1")
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    body = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(body)
