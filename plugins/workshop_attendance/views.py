"""The workshop screens: workshops (with check-in at the door, a printable page of every ticket,
one PDF of every attendee's certificate, and the attendance report) and registrations (with
cancelling, tickets with a QR code, certificates and the spreadsheet import).

Scoping, per-regency gating and the permission check of each endpoint come from the core
(:class:`~kimadmin.plugin_api.PluginModelView`); an action with a dot names a permission of its
own (``"checkin.record"`` -> ``workshop_attendance.checkin.record``). The seat rules are in
:mod:`.seats`, the import in :mod:`.importer`.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy.orm import joinedload, undefer
from werkzeug.utils import secure_filename
from wtforms import ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from kimadmin.plugin_api import PHONE, PluginModelView, ScopedAjaxLoader, current_user, db, kim_picker, mask

from . import importer, report, seats
from .certificate import CertificateText, MissingGlyphs, certificates_pdf
from .i18n import _, _l
from .models import AGE_GROUPS, GENDERS, STATUSES, Registration, Workshop
from .texts import day, moment, today, workshop_when

log = logging.getLogger(__name__)

PLUGIN = "workshop_attendance"
CATEGORY = _l("Workshops")
STATUS_BADGES = {"registered": "success", "waiting": "warning", "cancelled": "secondary"}


class WorkshopBaseView(PluginModelView):
    """A workshop screen; dotted actions are permissions of their own."""

    plugin = PLUGIN

    def render(self, template: str, **kwargs: Any) -> Any:
        kwargs.setdefault("wa_", _)
        kwargs.setdefault("wa_day", day)
        kwargs.setdefault("wa_moment", moment)
        kwargs.setdefault("wa_when", workshop_when)
        return super().render(template, **kwargs)

    def refused(self, message: str, code: int = 403) -> tuple[str, int]:
        """A refusal the officer can read (the core's error page has a fixed sentence per code)."""
        return self.render("workshop_attendance/refused.html", message=message), code


def workshop_loader(name: str = "workshop") -> ScopedAjaxLoader:
    return ScopedAjaxLoader(
        name,
        db.session,
        Workshop,
        fields=("title", "venue"),
        order_by=Workshop.starts_on.desc(),
        placeholder=_l("Type a workshop title..."),
        minimum_input_length=0,
    )


def _choice(choices: dict) -> Any:
    return lambda view, context, row, name: str(choices.get(getattr(row, name), getattr(row, name) or ""))


def _at(view: Any, context: Any, row: Any, name: str) -> str:
    return moment(getattr(row, name))


# --- workshops -----------------------------------------------------------------------------------
class WorkshopView(WorkshopBaseView):
    permission = "workshop_attendance.workshop"
    list_loader_options = (
        undefer(Workshop.seated_count),
        undefer(Workshop.waiting_count),
        undefer(Workshop.attended_count),
    )
    endpoint_actions = {
        "checkin_view": "checkin.record",
        "report_view": "report.view",
        "tickets_view": "registration.view",
        "certificates_view": "certificate.export",
    }
    list_template = "workshop_attendance/workshop_list.html"

    column_list = (
        "starts_on",
        "title",
        "venue",
        "capacity",
        "seated_count",
        "waiting_count",
        "attended_count",
        "tools",
    )
    column_details_list = (
        "title",
        "topic",
        "when",
        "venue",
        "capacity",
        "facilitator",
        "organiser",
        "target_kim",
        "tools",
    )
    column_export_list = ("starts_on", "ends_on", "title", "topic", "venue", "capacity", "facilitator", "organiser")
    column_sortable_list = ("starts_on", "title", "capacity")
    column_default_sort = [("starts_on", True), ("id", True)]
    column_searchable_list = ("title", "topic", "venue", "facilitator")
    column_filters = ("starts_on",)
    column_labels = {
        "title": _l("Workshop"),
        "topic": _l("Topic"),
        "starts_on": _l("First day"),
        "ends_on": _l("Last day"),
        "start_time": _l("Starts at"),
        "end_time": _l("Ends at"),
        "when": _l("When"),
        "venue": _l("Venue"),
        "capacity": _l("Capacity"),
        "facilitator": _l("Facilitator"),
        "organiser": _l("Organiser"),
        "target_kim": _l("Target KIM"),
        "seated_count": _l("Seats taken"),
        "waiting_count": _l("Waiting"),
        "attended_count": _l("Checked in"),
        "tools": _l("Workshop day"),
    }
    column_formatters = {
        "when": lambda view, context, row, name: workshop_when(row),
        "tools": lambda view, context, row, name: view.tools(row),
    }

    form_columns = (
        "title",
        "topic",
        "starts_on",
        "ends_on",
        "start_time",
        "end_time",
        "venue",
        "capacity",
        "facilitator",
        "organiser",
        "target_kim",
    )
    form_ajax_refs = {"target_kim": kim_picker("target_kim")}
    form_args = {
        "title": {"validators": [DataRequired(), Length(max=200)]},
        "topic": {"validators": [Optional(), Length(max=300)]},
        "starts_on": {"validators": [InputRequired()]},
        "ends_on": {"validators": [Optional()], "description": _l("Empty for a one-day workshop.")},
        "start_time": {"validators": [Optional()], "description": _l("hh:mm, e.g. 08:00")},
        "end_time": {"validators": [Optional()], "description": _l("hh:mm, e.g. 15:00")},
        "venue": {"validators": [DataRequired(), Length(max=300)]},
        "capacity": {
            "validators": [InputRequired(), NumberRange(min=1, max=10000)],
            "description": _l("Seats; later registrations go on the waiting list."),
        },
        "facilitator": {"validators": [Optional(), Length(max=200)]},
        "organiser": {"validators": [Optional(), Length(max=200)], "description": _l("E.g. Diskominfo")},
        "target_kim": {"description": _l("Empty: open to every KIM of the regency.")},
    }

    def tools(self, workshop: Workshop) -> Any:
        links = []
        if current_user.can("workshop_attendance.registration.view"):
            url = url_for("workshop_attendance_registration.index_view", workshop=workshop.id)
            links.append(Markup('<a href="{}">{}</a>').format(url, _("Participants")))
        if self.allowed("registration.view"):
            url = url_for(".tickets_view", id=workshop.id)
            links.append(Markup('<a href="{}" class="wa-tickets-link">{}</a>').format(url, _("Tickets")))
        if self.allowed("checkin.record"):
            url = url_for(".checkin_view", id=workshop.id)
            links.append(Markup('<a href="{}" class="wa-checkin-link">{}</a>').format(url, _("Check-in")))
        if self.allowed("certificate.export"):
            url = url_for(".certificates_view", id=workshop.id)
            link = Markup('<a href="{}" class="wa-certificates-link">{}</a>')
            links.append(link.format(url, _("Certificates (PDF)")))
        return Markup(" · ").join(links)

    def on_model_change(self, form: Any, workshop: Workshop, is_created: bool) -> None:
        if workshop.ends_on and workshop.ends_on < workshop.starts_on:
            raise ValidationError(_("The last day must be on or after the first day."))
        one_day = workshop.last_day == workshop.starts_on
        if one_day and workshop.start_time and workshop.end_time and workshop.end_time <= workshop.start_time:
            raise ValidationError(_("The workshop must end after it starts."))
        if not is_created:
            with db.session.no_autoflush:
                taken = seats.seats_taken(workshop.id)
            if workshop.capacity < taken:
                raise ValidationError(
                    _(
                        "%(n)s participants already hold a seat: the capacity cannot be lower. "
                        "Cancel registrations first.",
                        n=taken,
                    )
                )

    def after_model_change(self, form: Any, workshop: Workshop, is_created: bool) -> None:
        """A larger capacity moves the waiting list up (in its own transaction, under the lock)."""
        if is_created:
            return
        try:
            moved = seats.fill_free_seats(workshop.id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("moving up the waiting list of workshop %s failed", workshop.id)
            return
        if moved:
            flash(_("%(n)s participants moved up from the waiting list.", n=len(moved)), "success")

    # --- check-in at the door -------------------------------------------------------------------
    @expose("/checkin/", methods=("GET", "POST"))
    def checkin_view(self) -> Any:
        workshop = self.get_one(request.values.get("id"))  # scoped: another regency's is a 404
        result = None
        if request.method == "POST":
            try:
                result = seats.check_in(workshop, request.form.get("code", ""), current_user)
                db.session.commit()
            except seats.SeatError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                registration = result.registration
                if result.first:
                    flash(_("Welcome, %(name)s: checked in.", name=registration), "success")
                else:
                    flash(
                        _(
                            "%(name)s was already checked in at %(time)s.",
                            name=registration,
                            time=moment(registration.checked_in_at),
                        ),
                        "info",
                    )
            return redirect(url_for(".checkin_view", id=workshop.id))
        last = (
            db.session.query(Registration)
            .options(joinedload(Registration.kim))
            .filter(Registration.workshop_id == workshop.id, Registration.checked_in_at.is_not(None))
            .order_by(Registration.checked_in_at.desc(), Registration.id.desc())
            .limit(15)
            .all()
        )
        counts = (
            db.session.query(Workshop)
            .options(undefer(Workshop.seated_count), undefer(Workshop.attended_count))
            .filter(Workshop.id == workshop.id)
            .one()
        )
        return self.render(
            "workshop_attendance/checkin.html",
            workshop=counts,
            last=last,
            is_open=seats.is_open(workshop),
            days=seats.workshop_days(workshop),
        )

    # --- printing for the day -------------------------------------------------------------------
    @expose("/tickets/")
    def tickets_view(self) -> Any:
        """Every seat holder's ticket on one printable page: QR code, name, KIM and code.

        The QR codes are inline SVG (drawn from the code alone, no image requests, nothing for
        the CSP to block); the page's print style sheet hides the menus and keeps each ticket
        on one sheet.
        """
        import segno

        workshop = self.get_one(request.args.get("id"))  # scoped: another regency's is a 404
        holders = (
            db.session.query(Registration)
            .options(joinedload(Registration.kim))
            .filter(Registration.workshop_id == workshop.id, Registration.status == "registered")
            .order_by(Registration.participant_name, Registration.id)
            .all()
        )
        tickets = [
            # segno draws the SVG from the ticket code (A-Z, 2-9 only): nothing of a user's text in it.
            (r, Markup(segno.make(r.code, error="m").svg_inline(scale=4, border=2)))  # noqa: S704
            for r in holders
        ]
        waiting = seats.waiting_count(workshop.id)
        return self.render("workshop_attendance/tickets.html", workshop=workshop, tickets=tickets, waiting=waiting)

    @expose("/certificates/")
    def certificates_view(self) -> Any:
        """One PDF with a certificate page for every participant checked in (no one else)."""
        workshop = self.get_one(request.args.get("id"))
        attendees = (
            db.session.query(Registration)
            .options(joinedload(Registration.kim))
            .filter(Registration.workshop_id == workshop.id, Registration.checked_in_at.is_not(None))
            .order_by(Registration.participant_name, Registration.id)
            .all()
        )
        if not attendees:
            return self.refused(_("Nobody has been checked in at this workshop yet: there is no certificate to print."))
        try:
            pdf = certificates_pdf([certificate_text(registration) for registration in attendees])
        except MissingGlyphs as exc:
            return self.refused(unprintable_message(exc), 422)
        return pdf_download(pdf, f"sertifikat-{workshop.title}-{workshop.starts_on.isoformat()}.pdf")

    # --- the attendance report ------------------------------------------------------------------
    @expose("/report/")
    def report_view(self) -> Any:
        year = request.args.get("year", type=int)
        now = today()
        workshops = report.by_workshop(now, year)
        return self.render(
            "workshop_attendance/report.html",
            year=year,
            workshops=workshops,
            kims=report.by_kim(now, year),
            kecamatan=report.by_kecamatan(now, year),
            overall=report.total(workshops),
        )


# --- registrations -------------------------------------------------------------------------------
class RegistrationView(WorkshopBaseView):
    permission = "workshop_attendance.registration"
    prefill_fields = ("workshop", "kim")
    personal_columns = {"phone": PHONE}
    list_loader_options = (joinedload(Registration.workshop), joinedload(Registration.kim))
    endpoint_actions = {
        "cancel_view": "edit",
        "qr_view": "view",
        "certificate_view": "certificate.export",
        "import_view": "import",
        "import_confirm_view": "import",
    }
    list_template = "workshop_attendance/registration_list.html"

    column_list = (
        "workshop",
        "participant_name",
        "kim",
        "gender",
        "age_group",
        "phone",
        "status",
        "code",
        "checked_in_at",
        "tools",
    )
    column_details_list = (
        "workshop",
        "participant_name",
        "kim",
        "gender",
        "age_group",
        "phone",
        "status",
        "registered_at",
        "seated_at",
        "cancelled_at",
        "checked_in_at",
        "code",
        "ticket",
        "tools",
    )
    column_export_list = (
        "workshop",
        "participant_name",
        "kim.name",
        "gender",
        "age_group",
        "phone",
        "status",
        "code",
        "registered_at",
        "checked_in_at",
    )
    column_sortable_list = ("participant_name", "status", "registered_at", "checked_in_at", ("kim", "kim.name"))
    column_default_sort = [("registered_at", False), ("id", False)]
    column_searchable_list = ("participant_name", "code", "kim.name")
    column_filters = ("status",)
    column_choices = {"status": list(STATUSES.items())}
    column_labels = {
        "workshop": _l("Workshop"),
        "participant_name": _l("Participant"),
        "kim": _l("KIM"),
        "kim.name": _l("KIM"),
        "gender": _l("Gender"),
        "age_group": _l("Age group"),
        "phone": _l("Phone"),
        "status": _l("Status"),
        "code": _l("Ticket code"),
        "registered_at": _l("Registered"),
        "seated_at": _l("Seat since"),
        "cancelled_at": _l("Cancelled at"),
        "checked_in_at": _l("Checked in"),
        "ticket": _l("QR code"),
        "tools": _l("Actions"),
    }
    column_formatters = {
        "status": lambda view, context, row, name: Markup('<span class="badge badge-{}">{}</span>').format(
            STATUS_BADGES.get(row.status, "secondary"), row.status_label
        ),
        "gender": _choice(GENDERS),
        "age_group": _choice(AGE_GROUPS),
        "registered_at": _at,
        "seated_at": _at,
        "cancelled_at": _at,
        "checked_in_at": _at,
        "ticket": lambda view, context, row, name: view.ticket(row),
        "tools": lambda view, context, row, name: view.tools(row),
    }
    column_formatters_export = {
        "status": _choice(STATUSES),
        "gender": _choice(GENDERS),
        "age_group": _choice(AGE_GROUPS),
        "registered_at": _at,
        "checked_in_at": _at,
    }
    url_filters = {
        "workshop": lambda value: Registration.workshop_id == int(value),
        "status": lambda value: Registration.status == value if value in STATUSES else _bad(value),
    }
    url_filter_labels = {"workshop": _l("Workshop"), "status": _l("Status")}

    form_columns = ("workshop", "participant_name", "kim", "gender", "age_group", "phone")
    form_ajax_refs = {"workshop": workshop_loader(), "kim": kim_picker()}
    form_choices = {"gender": list(GENDERS.items()), "age_group": [("", "-"), *AGE_GROUPS.items()]}
    form_args = {
        "workshop": {"validators": [DataRequired()]},
        "participant_name": {"validators": [DataRequired(), Length(max=150)]},
        "kim": {"validators": [DataRequired()]},
        "gender": {"validators": [DataRequired()]},
        "age_group": {"validators": [Optional()]},
        "phone": {"description": _l("Personal data: shown masked to users without permission.")},
    }

    # --- list helpers ---------------------------------------------------------------------------
    def ticket(self, registration: Registration) -> Any:
        url = url_for(".qr_view", id=registration.id)
        return Markup(
            '<img src="{}" alt="{}" width="160" height="160" class="wa-qr"><div class="h5 mt-1">{}</div>'
        ).format(url, registration.code, registration.code)

    def tools(self, registration: Registration) -> Any:
        parts = []
        if registration.checked_in_at and self.allowed("certificate.export"):
            url = url_for(".certificate_view", id=registration.id)
            parts.append(Markup('<a href="{}" class="wa-certificate">{}</a>').format(url, _("Certificate")))
        if registration.status != "cancelled" and not registration.checked_in_at and self.allowed("edit"):
            parts.append(
                Markup(
                    '<form method="post" action="{}" class="d-inline wa-cancel">'
                    '<input type="hidden" name="csrf_token" value="{}">'
                    '<input type="hidden" name="id" value="{}">'
                    '<button type="submit" class="btn btn-sm btn-outline-danger">{}</button></form>'
                ).format(url_for(".cancel_view"), generate_csrf(), registration.id, _("Cancel"))
            )
        return Markup(" ").join(parts)

    # --- forms ----------------------------------------------------------------------------------
    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        if "workshop" in form:  # a participant does not move to another workshop: register there
            del form["workshop"]
        return form

    def on_model_change(self, form: Any, registration: Registration, is_created: bool) -> None:
        registration.participant_name = (registration.participant_name or "").strip()
        registration.age_group = registration.age_group or None
        if is_created:
            try:
                seats.place(registration)
            except LookupError as exc:
                raise ValidationError(_("Choose the workshop.")) from exc
            except seats.SeatError as exc:
                raise ValidationError(str(exc)) from exc
            g.workshop_attendance_placed = registration.status

    def after_model_change(self, form: Any, registration: Registration, is_created: bool) -> None:
        if is_created and g.pop("workshop_attendance_placed", None) == "waiting":
            flash(_("The workshop is full: %(name)s is on the waiting list.", name=registration), "warning")

    def on_model_delete(self, registration: Registration) -> None:
        if registration.checked_in_at is not None:
            raise ValidationError(_("An attendee who has been checked in is not deleted."))
        g.workshop_attendance_freed = registration.workshop_id if registration.status == "registered" else None

    def after_model_delete(self, registration: Registration) -> None:
        workshop_id = g.pop("workshop_attendance_freed", None)
        if workshop_id is not None:
            try:
                seats.fill_free_seats(workshop_id)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("moving up the waiting list of workshop %s failed", workshop_id)

    # --- cancelling -----------------------------------------------------------------------------
    @expose("/cancel/", methods=("POST",))
    def cancel_view(self) -> Any:
        registration = self.get_one(request.form.get("id"))
        try:
            moved = seats.cancel(registration.id)
            db.session.commit()
        except seats.SeatError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("The registration of %(name)s is cancelled.", name=registration), "success")
            for promoted in moved:
                flash(_("%(name)s moved up from the waiting list and has a seat now.", name=promoted), "success")
        return redirect(url_for(".index_view", workshop=registration.workshop_id))

    # --- ticket QR code and certificate ---------------------------------------------------------
    @expose("/qr/")
    def qr_view(self) -> Response:
        """The ticket's QR code (PNG). It holds only the short code, which a scanner types into
        the check-in field; the code alone opens nothing without an officer's login."""
        import segno

        registration = self.get_one(request.args.get("id"))
        buffer = io.BytesIO()
        segno.make(registration.code, error="m").save(buffer, kind="png", scale=8, border=2)
        return Response(
            buffer.getvalue(),
            mimetype="image/png",
            headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
        )

    @expose("/certificate/")
    def certificate_view(self) -> Any:
        registration = self.get_one(request.args.get("id"))
        if registration.checked_in_at is None:
            return self.refused(_("A certificate is given only to participants who were checked in at the workshop."))
        try:
            pdf = certificates_pdf([certificate_text(registration)])
        except MissingGlyphs as exc:
            return self.refused(unprintable_message(exc), 422)
        return pdf_download(pdf, f"sertifikat-{registration.participant_name}-{registration.code}.pdf")

    # --- import from a spreadsheet --------------------------------------------------------------
    def _workshop_of_request(self) -> Workshop:
        value = request.values.get("workshop", "")
        workshop = db.session.get(Workshop, int(value)) if value.isdigit() else None  # scoped: None if unseen
        if workshop is None:
            abort(404)
        return workshop

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self) -> Any:
        workshop = self._workshop_of_request()
        preview = token = None
        problem = None
        if request.method == "POST":
            upload = request.files.get("file")
            data = upload.read(importer.MAX_BYTES + 1) if upload else b""
            try:
                rows = importer.read_rows(data)
                preview = importer.check_rows(workshop, rows)
            except importer.ImportProblem as exc:
                problem = str(exc)
            finally:
                db.session.rollback()  # the preview writes nothing, whatever happened
            if preview is not None and preview.ok:
                token = importer.sign(workshop, current_user.id, preview.rows)
        return self.render(
            "workshop_attendance/import.html",
            workshop=workshop,
            preview=preview,
            token=token,
            problem=problem,
            max_rows=importer.MAX_ROWS,
            max_mb=importer.MAX_BYTES // 2**20,
            show_phone=self.may("personal_data.view"),
            mask_phone=lambda value: mask(PHONE, value),
            gender_label=lambda key: str(GENDERS.get(key, "")),
            age_label=lambda key: str(AGE_GROUPS.get(key, "")),
        )

    @expose("/import/confirm/", methods=("POST",))
    def import_confirm_view(self) -> Any:
        workshop = self._workshop_of_request()
        back = url_for(".import_view", workshop=workshop.id)
        try:
            rows = importer.unsign(request.form.get("token", ""), workshop, current_user.id)
            preview = importer.check_rows(workshop, rows)
            if not preview.ok:
                raise importer.ImportProblem(
                    _("The list no longer passes the checks (someone registered meanwhile?); upload it again.")
                )
            seated, waiting = importer.write_rows(workshop, preview.rows)
            db.session.commit()
        except importer.ImportProblem as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(back)
        except Exception:
            db.session.rollback()
            log.exception("importing participants into workshop %s failed", workshop.id)
            flash(_("The participants could not be imported; nothing was written."), "error")
            return redirect(back)
        flash(
            _(
                "%(n)s participants imported: %(seated)s with a seat, %(waiting)s on the waiting list.",
                n=seated + waiting,
                seated=seated,
                waiting=waiting,
            ),
            "success",
        )
        return redirect(url_for(".index_view", workshop=workshop.id))


def certificate_text(registration: Registration) -> CertificateText:
    """What an attendee's certificate says, translated for the current request."""
    workshop = registration.workshop
    return CertificateText(
        heading=_("CERTIFICATE"),
        subheading=_("is awarded to"),
        name=registration.participant_name,
        kim=str(registration.kim or ""),
        role_line=_("for taking part as a participant in"),
        workshop=workshop.title,
        details=" · ".join(part for part in (workshop_when(workshop), workshop.venue) if part),
        issuer=workshop.organiser or "",
        number=_("No. %(code)s", code=registration.code),
    )


def unprintable_message(exc: MissingGlyphs) -> str:
    """Which texts the certificate font cannot print, and what the officer can do about it."""
    listed = "; ".join(f"{text} ({chars})" for text, chars in exc.problems)
    return _(
        "The certificate cannot be printed: the font has no letters for some characters of %(texts)s. "
        "Certificates print Latin (with accents), Greek and Cyrillic letters: write the name in Latin "
        "letters in the registration (or the workshop's title) and print again.",
        texts=listed,
    )


def pdf_download(pdf: bytes, filename: str) -> Response:
    """A PDF as a download, under a safe file name (no path or quote from a participant's name)."""
    name = secure_filename(filename) or "sertifikat.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f"attachment; filename={name}", "X-Content-Type-Options": "nosniff"},
    )


def _bad(value: str) -> Any:
    raise ValueError(value)


def admin_views() -> list[Any]:
    """New view objects for one app (a Flask-Admin view belongs to one admin)."""
    return [
        WorkshopView(
            Workshop,
            name=_l("Workshops"),
            endpoint="workshop_attendance_workshop",
            url="/admin/workshop_attendance/workshop",
            category=CATEGORY,
        ),
        RegistrationView(
            Registration,
            name=_l("Registrations"),
            endpoint="workshop_attendance_registration",
            url="/admin/workshop_attendance/registration",
            category=CATEGORY,
        ),
    ]
