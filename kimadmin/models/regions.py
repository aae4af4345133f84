"""Kemendagri regions: province > regency (kabupaten/kota) > district (kecamatan) > village.

Regions are keyed by their official dotted code (``33``, ``33.13``, ``33.13.09``,
``33.13.09.2005``): the code is the natural key every spreadsheet and every other office uses,
the hierarchy can be read from it without a query, and loading is an upsert with no id lookups.
Region rows are shared reference data, not tenant-owned; districts and villages carry their
``regency_code`` so pickers can be scoped with one indexed predicate.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

REGENCY_KINDS = ("kabupaten", "kota")
VILLAGE_KINDS = ("desa", "kelurahan", "desa_adat")


def regency_code_of(code: str) -> str:
    """The regency part of any code at or below regency level (``33.13.09.2005`` → ``33.13``)."""
    return ".".join(code.split(".")[:2])


def province_code_of(code: str) -> str:
    return code.split(".")[0]


class Province(db.Model):
    __tablename__ = "province"

    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))

    regencies: Mapped[list[Regency]] = relationship(back_populates="province", order_by="Regency.code")

    def __str__(self) -> str:
        return self.name


class Regency(db.Model):
    __tablename__ = "regency"

    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    province_code: Mapped[str] = mapped_column(sa.ForeignKey("province.code"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(10))

    province: Mapped[Province] = relationship(back_populates="regencies")

    def __str__(self) -> str:
        return self.name


class District(db.Model):
    """Kecamatan."""

    __tablename__ = "district"

    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    regency_code: Mapped[str] = mapped_column(sa.ForeignKey("regency.code"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))

    regency: Mapped[Regency] = relationship()

    def __str__(self) -> str:
        return self.name


class Village(db.Model):
    """Desa or kelurahan (kind from the first digit of the last code part: 1 kelurahan, 2 desa)."""

    __tablename__ = "village"

    code: Mapped[str] = mapped_column(sa.String(13), primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("district.code"), index=True)
    regency_code: Mapped[str] = mapped_column(sa.ForeignKey("regency.code"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(10))
    postal_code: Mapped[str | None] = mapped_column(sa.String(5))

    district: Mapped[District] = relationship()
    regency: Mapped[Regency] = relationship()

    def __str__(self) -> str:
        # Shown in pickers, where desa names repeat across kecamatan.
        district = self.__dict__.get("district")
        suffix = f", Kec. {district.name}" if district is not None else ""
        return f"{self.name}{suffix} ({self.code})"
