"""Finding a row's desa in the importing regency: by Kemendagri code, or by name, with suggestions.

Legacy sheets name desa the way officers type them ("Ds. Popongan", "POPONGAN", "popongn"), with
or without the kecamatan. Matching is case- and spacing-insensitive and ignores the usual
prefixes; a name that is not found gets suggestions (``difflib``) among the desa of the same
kecamatan, and the same name in another kecamatan of the regency. Only the importing regency's
regions are loaded (one statement each; 177 desa for Karanganyar), so a row can never be matched
to a desa elsewhere: a code of another regency is an error, never a write.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..models.regions import District, Regency, Village, regency_code_of
from .values import CellProblem, blank, norm

_PREFIXES = re.compile(r"^(desa|ds|kelurahan|kel|kec|kecamatan)\s+")
_VILLAGE_CODE = re.compile(r"^(\d{2})\.?(\d{2})\.?(\d{2})\.?(\d{4})$")
_DISTRICT_CODE = re.compile(r"^(\d{2})\.?(\d{2})\.?(\d{2})$")
SUGGESTION_CUTOFF = 0.75


def region_key(value: Any) -> str:
    """Compare form of a region name: ``"Ds.  POPONGAN"`` → ``"popongan"``."""
    return _PREFIXES.sub("", norm(value))


def village_code(value: Any) -> str | None:
    """The dotted form of a desa code typed with or without dots (``3313092005``), else ``None``."""
    match = _VILLAGE_CODE.match(str(value).strip().replace(" ", ""))
    return ".".join(match.groups()) if match else None


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    district_code: str
    district_name: str


class RegionMatcher:
    """The kecamatan and desa of one regency, indexed by code and by compare form of the name."""

    def __init__(self, session: Any, regency: Regency) -> None:
        self.regency = regency
        districts = session.execute(
            sa.select(District.code, District.name).where(District.regency_code == regency.code)
        ).all()
        self.districts = {code: name for code, name in districts}
        self._district_by_key: dict[str, list[str]] = {}
        for code, name in districts:
            self._district_by_key.setdefault(region_key(name), []).append(code)
        rows = session.execute(
            sa.select(Village.code, Village.name, Village.district_code).where(Village.regency_code == regency.code)
        ).all()
        self.villages = {
            code: Place(code, name, district, self.districts.get(district, "")) for code, name, district in rows
        }
        self._village_by_key: dict[str, list[Place]] = {}
        for place in self.villages.values():
            self._village_by_key.setdefault(region_key(place.name), []).append(place)

    # --- kecamatan -------------------------------------------------------------------------------
    def district(self, value: Any) -> str | None:
        """The code of the kecamatan named or coded ``value``; ``None`` when the cell is empty."""
        if blank(value):
            return None
        raw = str(value).strip().replace(" ", "")
        match = _DISTRICT_CODE.match(raw)
        if match:
            code = ".".join(match.groups())
            if code in self.districts:
                return code
            if regency_code_of(code) != self.regency.code:
                raise CellProblem(
                    _(
                        "kecamatan %(code)s is outside %(regency)s; rows of another regency are not imported.",
                        code=code,
                        regency=self.regency.name,
                    )
                )
            raise CellProblem(_("there is no kecamatan with code %(code)s.", code=code))
        codes = self._district_by_key.get(region_key(value), [])
        if codes:
            return codes[0]
        close = difflib.get_close_matches(region_key(value), list(self._district_by_key), n=3, cutoff=SUGGESTION_CUTOFF)
        names = [f"'{self.districts[self._district_by_key[key][0]]}'" for key in close]
        if names:
            return self._fail(
                _(
                    "kecamatan '%(name)s' was not found in %(regency)s; did you mean %(suggestions)s?",
                    name=str(value).strip(),
                    regency=self.regency.name,
                    suggestions=_or(names),
                )
            )
        return self._fail(
            _("kecamatan '%(name)s' was not found in %(regency)s.", name=str(value).strip(), regency=self.regency.name)
        )

    # --- desa --------------------------------------------------------------------------------------
    def village(self, name: Any, district: Any = None, code: Any = None) -> Place:
        """The desa of a row, from its code (which wins) or its name within the kecamatan."""
        if blank(code) and not blank(name) and village_code(name) is not None:
            code, name = name, None  # a code typed in the name column
        if not blank(code):
            place = self._by_code(code, name)
            district_code = self.district(district)
            if district_code is not None and district_code != place.district_code:
                raise CellProblem(
                    _(
                        "desa %(code)s lies in Kecamatan %(found)s, not in Kecamatan %(given)s.",
                        code=place.code,
                        found=place.district_name,
                        given=self.districts[district_code],
                    )
                )
            return place
        district_code = self.district(district)
        if blank(name):
            raise CellProblem(_("fill in the desa/kelurahan (its name or its Kemendagri code)."))
        key = region_key(name)
        everywhere = self._village_by_key.get(key, [])
        found = [place for place in everywhere if district_code in (None, place.district_code)]
        if len(found) == 1:
            return found[0]
        shown = str(name).strip()
        if len(found) > 1:
            raise CellProblem(
                _(
                    "there are several desa named '%(name)s' (%(places)s); fill in the Kecamatan column.",
                    name=shown,
                    places=", ".join(_describe(place) for place in found),
                )
            )
        if district_code is None:
            return self._fail(self._not_found(shown, key, self.villages.values(), self.regency.name))
        in_district = [place for place in self.villages.values() if place.district_code == district_code]
        where = _("Kecamatan %(name)s", name=self.districts[district_code])
        if everywhere:  # the right name, in another kecamatan
            return self._fail(
                _(
                    "desa '%(name)s' was not found in %(where)s; did you mean %(suggestions)s?",
                    name=shown,
                    where=where,
                    suggestions=_or([_describe(place) for place in everywhere]),
                )
            )
        return self._fail(self._not_found(shown, key, in_district, where))

    def _by_code(self, value: Any, name: Any) -> Place:
        code = village_code(value)
        if code is None:
            raise CellProblem(
                _("'%(value)s' is not a desa code (it looks like 33.13.09.2005).", value=str(value).strip()[:40])
            )
        if regency_code_of(code) != self.regency.code:
            raise CellProblem(
                _(
                    "desa %(code)s is outside %(regency)s; rows of another regency are not imported.",
                    code=code,
                    regency=self.regency.name,
                )
            )
        place = self.villages.get(code)
        if place is None:
            raise CellProblem(_("there is no desa with code %(code)s.", code=code))
        if not blank(name) and region_key(name) != region_key(place.name):
            raise CellProblem(
                _(
                    "code %(code)s is desa '%(found)s', not '%(name)s'; correct the name or the code.",
                    code=code,
                    found=place.name,
                    name=str(name).strip(),
                )
            )
        return place

    def _not_found(self, shown: str, key: str, candidates: Any, where: str) -> str:
        candidates = list(candidates)
        by_key: dict[str, list[Place]] = {}
        for place in candidates:
            by_key.setdefault(region_key(place.name), []).append(place)
        close = difflib.get_close_matches(key, list(by_key), n=3, cutoff=SUGGESTION_CUTOFF)
        suggestions = [_describe(place) for match in close for place in by_key[match]]
        if suggestions:
            return _(
                "desa '%(name)s' was not found in %(where)s; did you mean %(suggestions)s?",
                name=shown,
                where=where,
                suggestions=_or(suggestions),
            )
        return _("desa '%(name)s' was not found in %(where)s.", name=shown, where=where)

    @staticmethod
    def _fail(message: str) -> Any:
        raise CellProblem(message)


def _describe(place: Place) -> str:
    return _(
        "'%(name)s' in Kecamatan %(district)s (%(code)s)",
        name=place.name,
        district=place.district_name,
        code=place.code,
    )


def _or(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(first)s or %(last)s", first=", ".join(items[:-1]), last=items[-1])
