"""Read-only region screens and the scoped desa picker."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models.regions import District, Province, Regency, Village
from .base import ReadOnlyView, ScopedAjaxLoader


def village_picker(name: str) -> ScopedAjaxLoader:
    """AJAX desa/kelurahan picker, limited to the user's regency, searchable by name or code."""
    return ScopedAjaxLoader(
        name,
        db.session,
        Village,
        fields=("name", "code"),
        order_by=Village.code,
        loader_options=(joinedload(Village.district),),
        placeholder=_l("Type a village name..."),
        minimum_input_length=0,
    )


_LABELS = {
    "code": _l("Code"),
    "name": _l("Name"),
    "kind": _l("Type"),
    "postal_code": _l("Postal code"),
    "province.name": _l("Province"),
    "regency.name": _l("Regency/City"),
    "district.name": _l("District"),
    "province": _l("Province"),
    "regency": _l("Regency/City"),
    "district": _l("District"),
}


class RegionView(ReadOnlyView):
    """Regions are shared reference data; lists show the user's own part of the map."""

    permission = "region"
    column_labels = _LABELS
    column_default_sort = "code"
    column_searchable_list = ("name", "code")
    column_display_pk = True


class ProvinceView(RegionView):
    column_list = ("code", "name")


class RegencyView(RegionView):
    list_loader_options = (joinedload(Regency.province),)
    column_list = ("code", "name", "kind", "province.name")
    column_filters = ("kind",)


class DistrictView(RegionView):
    list_loader_options = (joinedload(District.regency),)
    column_list = ("code", "name", "regency.name")


class VillageView(RegionView):
    list_loader_options = (joinedload(Village.district), joinedload(Village.regency))
    column_list = ("code", "name", "kind", "postal_code", "district.name", "regency.name")
    column_filters = ("kind",)


REGION_VIEWS = (
    (ProvinceView, Province, _l("Province"), "province"),
    (RegencyView, Regency, _l("Regency/City"), "regency"),
    (DistrictView, District, _l("District"), "district"),
    (VillageView, Village, _l("Village"), "village"),
)
