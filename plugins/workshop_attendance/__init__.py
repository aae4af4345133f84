"""Workshop attendance (absensi workshop KIM): a regency office runs a workshop day with it.

An officer plans a **workshop** (topic, dates and times, venue, capacity, facilitator, target KIM),
**registers** participants (by hand or from a spreadsheet, with a preview of every error before
anything is written); seats go first come, first served, the rest wait in line and move up when
someone cancels. At the door each participant is **checked in** by the short code or the QR code
of their registration; attendees get a **certificate** (PDF). The attendance **report** gives
the rate per workshop, per KIM and per kecamatan; a dashboard card sums up the month.

Everything comes through the plugin contract (``kimadmin.plugin_api``): tables prefixed
``workshop_attendance_``, Alembic branch ``workshop_attendance``, permissions
``workshop_attendance.*``, endpoints ``workshop_attendance_*``. Nothing heavy is imported at
module level, so discovering the plugin costs nothing.
"""

from __future__ import annotations

from typing import Any

from kimadmin.plugin_api import Manifest, hookimpl

from .i18n import _l

manifest = Manifest(
    name="workshop_attendance",
    version="1.0.0",
    title=_l("Workshop attendance"),
    description=_l(
        "Workshops with a capacity and a waiting list, check-in at the door by code or QR code, "
        "certificates for attendees and attendance rates per KIM and kecamatan."
    ),
)

#: Default grants (administrators change them per role).
OFFICERS = ("superadmin", "admin_kabupaten", "operator")
READERS = ("superadmin", "provinsi", "admin_kabupaten", "operator", "viewer")


def permissions() -> dict[str, tuple[str, ...]]:
    """The plugin's permissions and the roles that hold them by default."""
    from kimadmin.plugin_api import data_permissions

    perms = dict(data_permissions("workshop_attendance.workshop"))
    perms.update(data_permissions("workshop_attendance.registration"))
    perms.update(
        {
            # Bringing in a participant list from a spreadsheet (many rows at once).
            "workshop_attendance.registration.import": OFFICERS,
            # Checking participants in at the door.
            "workshop_attendance.checkin.record": OFFICERS,
            # Printing an attendee's certificate.
            "workshop_attendance.certificate.export": OFFICERS,
            "workshop_attendance.report.view": READERS,
        }
    )
    return perms


@hookimpl
def kimadmin_admin_views() -> list[Any]:
    from .views import admin_views

    return admin_views()


@hookimpl
def kimadmin_blueprints() -> list[Any]:
    """The plugin's templates and its static print style sheet (gated per regency like every route)."""
    from flask import Blueprint

    return [
        Blueprint(
            "workshop_attendance",
            __name__,
            template_folder="templates",
            static_folder="static",
            url_prefix="/workshop_attendance",
        )
    ]


@hookimpl
def kimadmin_permissions() -> dict[str, tuple[str, ...]]:
    return permissions()


@hookimpl
def kimadmin_dashboard_widgets(regency: str | None, user: Any) -> list[Any]:
    from .widgets import workshop_widgets

    return workshop_widgets(user)
