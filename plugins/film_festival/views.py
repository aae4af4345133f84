"""The festival's admin screens: editions (with results and publishing), submissions, jurors, scoring.

Tenant scoping, per-regency gating and the permission check of each endpoint come from the core
(:class:`~kimadmin.plugin_api.PluginModelView`); these views add the festival's rules. Who may do
what is in ``kimadmin_permissions`` (``__init__.py``).
"""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.model.form import InlineFormAdmin
from markupsafe import Markup
from sqlalchemy.orm import joinedload, undefer, with_expression
from werkzeug.utils import secure_filename
from wtforms import StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from kimadmin.plugin_api import (
    AWARD_LEVELS,
    PluginModelView,
    ScopedAjaxLoader,
    User,
    current_scope,
    current_user,
    db,
    kim_picker,
    writable,
)

from . import rules
from .export import XLSX_MIMETYPE, results_workbook
from .i18n import _, _l
from .models import (
    DEFAULT_CRITERIA,
    FINALIST_STATUSES,
    SCORE_MAX,
    SCORE_MIN,
    STATUSES,
    Criterion,
    Edition,
    Juror,
    Score,
    Submission,
)
from .ranking import as_decimal_text, tie_break_order

log = logging.getLogger(__name__)

PLUGIN = "film_festival"
CATEGORY = _l("Film festival")
STATUS_BADGES = {
    "terdaftar": "secondary",
    "lolos_verifikasi": "info",
    "nominasi": "primary",
    "juara": "success",
    "tidak_juara": "light",
    "didiskualifikasi": "danger",
}


# --- fields and formatters -----------------------------------------------------------------------
class DurationField(StringField):
    """A duration typed as ``m:ss`` (or whole minutes), stored in seconds."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return rules.format_duration(self.data) if isinstance(self.data, int) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = (valuelist[0] if valuelist else "") or ""
        if not text.strip():
            self.data = None
            return
        try:
            self.data = rules.parse_duration(text)
        except ValueError as exc:
            self.data = None
            raise ValueError(_("Write the duration as minutes:seconds, for example 4:35.")) from exc


def video_url_validator(form: Any, field: Any) -> None:
    rules.check_video_url(field.data)


def _status_badge(view: Any, context: Any, row: Submission, name: str) -> Any:
    badge = STATUS_BADGES.get(row.status, "secondary")
    return Markup('<span class="badge badge-{}">{}</span>').format(badge, row.status_label)


def _duration(view: Any, context: Any, row: Any, name: str) -> str:
    return rules.format_duration(getattr(row, name))


def _video_link(view: Any, context: Any, row: Submission, name: str) -> Any:
    url = row.video_url or ""
    if not url.lower().startswith(("http://", "https://")):
        return url
    return Markup('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>').format(url, _("Watch"))


def _level(view: Any, context: Any, row: Edition, name: str) -> str:
    return str(AWARD_LEVELS.get(row.level, row.level))


def _placing(view: Any, context: Any, row: Submission, name: str) -> str:
    if row.final_rank is None:
        return ""
    label = row.edition.label_for(row.final_rank)
    return f"{row.final_rank} — {label}" if label else str(row.final_rank)


def _choice_export(choices: dict) -> Any:
    return lambda view, context, row, name: str(choices.get(getattr(row, name), getattr(row, name)))


# The core's default labels (DEFAULT_RANK_LABELS), in the festival's catalogue too: "Juara I".
DEFAULT_PLACINGS = (
    _l("Winner I"),
    _l("Winner II"),
    _l("Winner III"),
    _l("Honourable mention I"),
    _l("Honourable mention II"),
    _l("Honourable mention III"),
)


def default_placing_labels() -> str:
    """The six default labels in the officer's language (stored: they are the edition's own labels)."""
    return "\n".join(str(label) for label in DEFAULT_PLACINGS)


def edition_loader(name: str = "edition") -> ScopedAjaxLoader:
    return ScopedAjaxLoader(
        name,
        db.session,
        Edition,
        fields=("name", "theme"),
        order_by=Edition.year.desc(),
        placeholder=_l("Type an edition name..."),
        minimum_input_length=0,
    )


class JurorUserLoader(ScopedAjaxLoader):
    """Active users (of the scope) whose role holds the jury permission."""

    def get_query(self) -> Any:
        grants = db.metadata.tables["role_permission"]
        roles = sa.select(grants.c.role_name).where(grants.c.permission_name == rules.JURY_PERMISSION)
        return super().get_query().filter(User.role_name.in_(roles), User.active.is_(True))


def juror_picker() -> JurorUserLoader:
    return JurorUserLoader(
        "user",
        db.session,
        User,
        fields=("full_name", "email"),
        order_by=User.full_name,
        label=lambda user: f"{user.full_name or user.email} ({user.email})",
        placeholder=_l("Type a name or e-mail..."),
        minimum_input_length=0,
    )


# --- the base ------------------------------------------------------------------------------------
class FestivalView(PluginModelView):
    """A festival screen (dotted actions, e.g. ``"result.publish"``, are the plugin's own
    permissions: see ``PluginModelView.allowed``)."""

    plugin = PLUGIN

    def render(self, template: str, **kwargs: Any) -> Any:
        kwargs.setdefault("ff_", _)
        kwargs.setdefault("ff_duration", rules.format_duration)
        kwargs.setdefault("ff_decimal", as_decimal_text)
        kwargs.setdefault("ff_day", rules.day)
        return super().render(template, **kwargs)

    def _before(self, obj: Any, name: str) -> Any:
        """The value ``name`` had when loaded (before the form changed it)."""
        history = sa.inspect(obj).attrs[name].history
        loaded = list(history.deleted) or list(history.unchanged)
        return loaded[0] if loaded else None


# --- editions, results, publishing ---------------------------------------------------------------
class CriterionInline(InlineFormAdmin):
    form_columns = ("id", "name", "weight", "position")
    column_labels = {"name": _l("Criterion"), "weight": _l("Weight (%)"), "position": _l("Order")}
    form_args = {
        "name": {"validators": [DataRequired()]},
        "weight": {"validators": [InputRequired(), NumberRange(min=1, max=100)]},
        "position": {"validators": [Optional()]},
    }
    form_label = _l("Judging criteria")


class EditionView(FestivalView):
    permission = "film_festival.edition"
    list_loader_options = (undefer(Edition.submission_count),)
    endpoint_actions = {
        "results_view": "result.view",
        "publish_view": "result.publish",
        "results_xlsx": "result.export",
    }

    column_list = (
        "year",
        "name",
        "theme",
        "level",
        "opens_on",
        "closes_on",
        "submission_count",
        "published_at",
        "results",
    )
    column_details_list = (
        "year",
        "name",
        "theme",
        "level",
        "organiser",
        "category",
        "opens_on",
        "closes_on",
        "min_duration",
        "max_duration",
        "criteria",
        "placing_labels",
        "exclude_own_regency_jurors",
        "published_at",
        "results",
    )
    column_export_list = ("year", "name", "theme", "level", "organiser", "category", "opens_on", "closes_on")
    column_sortable_list = ("year", "name", "opens_on", "closes_on")
    column_default_sort = [("year", True), ("id", True)]
    column_searchable_list = ("name", "theme", "organiser")
    column_filters = ("year", "level")
    column_choices = {"level": list(AWARD_LEVELS.items())}
    column_labels = {
        "year": _l("Year"),
        "name": _l("Edition"),
        "theme": _l("Theme"),
        "level": _l("Level"),
        "organiser": _l("Organiser"),
        "category": _l("Award category"),
        "opens_on": _l("Submissions open"),
        "closes_on": _l("Submissions close"),
        "min_duration": _l("Shortest film (m:ss)"),
        "max_duration": _l("Longest film (m:ss)"),
        "criteria": _l("Judging criteria"),
        "placing_labels": _l("Placing labels"),
        "exclude_own_regency_jurors": _l("Jurors may not score KIM of their own regency"),
        "submission_count": _l("Submissions"),
        "published_at": _l("Results published"),
        "results": _l("Results"),
    }
    column_formatters = {
        "level": _level,
        "min_duration": _duration,
        "max_duration": _duration,
        "results": lambda view, context, row, name: view.results_link(row),
        "criteria": lambda view, context, row, name: ", ".join(str(c) for c in row.criteria),
        "placing_labels": lambda view, context, row, name: ", ".join(row.labels),
        "published_at": lambda view, context, row, name: (
            _("Yes, %(date)s", date=rules.day(row.published_at)) if row.published_at else _("Not yet")
        ),
    }
    column_formatters_export = {"level": _choice_export(AWARD_LEVELS)}

    form_columns = (
        "name",
        "year",
        "theme",
        "level",
        "organiser",
        "category",
        "opens_on",
        "closes_on",
        "min_duration",
        "max_duration",
        "placing_labels",
        "exclude_own_regency_jurors",
        "criteria",
    )
    form_overrides = {"min_duration": DurationField, "max_duration": DurationField, "placing_labels": TextAreaField}
    form_choices = {"level": list(AWARD_LEVELS.items())}
    form_args = {
        "name": {"validators": [DataRequired(), Length(max=200)], "description": _l("E.g. Festival Film Pendek KIM")},
        "year": {"validators": [InputRequired(), NumberRange(min=2000, max=2100)]},
        "opens_on": {"validators": [InputRequired()]},
        "closes_on": {"validators": [InputRequired()]},
        "min_duration": {"validators": [Optional()], "description": _l("m:ss, e.g. 3:00; empty: no minimum")},
        "max_duration": {"validators": [InputRequired()], "description": _l("m:ss, e.g. 10:00")},
        "placing_labels": {
            "validators": [DataRequired()],
            "description": _l("One per line, rank 1 first (at most six); fewer lines award fewer placings."),
        },
        "exclude_own_regency_jurors": {
            "description": _l("For an independent jury: a juror from a KIM's regency does not score that KIM.")
        },
        "category": {"description": _l("Shown on the awards, e.g. Film pendek.")},
    }
    inline_models = (CriterionInline(Criterion),)

    # Fields written on the awards: fixed once the results are published.
    AWARD_FIELDS = ("name", "year", "level", "organiser", "category", "placing_labels", "exclude_own_regency_jurors")

    # --- what a juror sees ------------------------------------------------------------------------
    def get_query(self) -> Any:
        return self._only_judged(super().get_query())

    def get_count_query(self) -> Any:
        return self._only_judged(super().get_count_query())

    def _only_judged(self, query: Any) -> Any:
        """A juror without officer rights sees only the editions they judge."""
        if current_user.is_authenticated and rules.is_pure_juror(current_user):
            return query.filter(Edition.id.in_(rules.judged_editions(current_user.id)))
        return query

    def may_see_results(self, edition: Edition) -> bool:
        """The ranking is the organiser's: not for the edition's jurors before publication (their
        marks stay independent), not for regencies reading the province's edition (they see only
        their own films, so the ranking would be wrong)."""
        return (
            self.allowed("result.view") and not rules.ranking_hidden_from(current_user, edition) and writable(edition)
        )

    def results_link(self, edition: Edition) -> Any:
        if not self.may_see_results(edition):
            return ""
        return Markup('<a href="{}">{}</a>').format(url_for(".results_view", id=edition.id), _("Ranking"))

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        if request.method == "GET":
            scope = current_scope()
            if scope is not None and scope.level == "province":
                form.level.data = "provinsi"  # province staff run the province's festival
            form.year.data = form.year.data or rules.today().year
            form.placing_labels.data = form.placing_labels.data or default_placing_labels()
            if not form.criteria.entries:
                for position, (name, weight) in enumerate(DEFAULT_CRITERIA, start=1):
                    form.criteria.append_entry(SimpleNamespace(name=_(name), weight=weight, position=position))
        return form

    def on_model_change(self, form: Any, edition: Edition, is_created: bool) -> None:
        rules.check_edition(edition)
        session = db.session
        with session.no_autoflush:
            criteria = [c for c in edition.criteria if c not in session.deleted]
            if not criteria:
                for position, (name, weight) in enumerate(DEFAULT_CRITERIA, start=1):
                    edition.criteria.append(Criterion(name=_(name), weight=weight, position=position))
                criteria = list(edition.criteria)
            for position, criterion in enumerate(criteria, start=1):
                if criterion.position is None:
                    criterion.position = position
            rules.check_criteria(criteria)
            if not is_created:
                rules.check_organiser(edition, current_user)
                self._check_locked(edition)

    def _check_locked(self, edition: Edition) -> None:
        session = db.session
        changed_rubric = any(
            c in session.new or c in session.deleted or session.is_modified(c) for c in edition.criteria
        ) or any(isinstance(obj, Criterion) and obj.edition_id == edition.id for obj in session.deleted)
        if changed_rubric:
            scored = session.scalar(
                sa.select(sa.func.count(Score.id)).join(Criterion).where(Criterion.edition_id == edition.id)
            )
            if scored:
                raise ValidationError(_("The jury has started scoring: the criteria and weights can no longer change."))
        if edition.is_published:
            state = sa.inspect(edition)
            if changed_rubric or any(state.attrs[name].history.has_changes() for name in self.AWARD_FIELDS):
                raise ValidationError(
                    _("The results are published: the name, year, level, organiser, placings and rubric are fixed.")
                )

    def on_model_delete(self, edition: Edition) -> None:
        rules.check_organiser(edition, current_user)
        if edition.is_published:
            raise ValidationError(_("A published edition is not deleted: its placings are awards on the KIM records."))

    # --- results ---------------------------------------------------------------------------------
    def _results(self) -> rules.Results:
        edition = self.get_one(request.values.get("id"))  # scoped: another regency's edition is a 404
        if not self.may_see_results(edition):
            abort(403)
        loaded = rules.load_edition_for_results(edition.id)
        assert loaded is not None
        return rules.compute_results(loaded)

    @expose("/results/")
    def results_view(self) -> str:
        results = self._results()
        edition = results.edition
        criteria = list(edition.criteria)
        tie_order = [criteria[index].name for index in tie_break_order(criteria)]
        return self.render(
            "film_festival/results.html",
            results=results,
            edition=edition,
            criteria=criteria,
            tie_order=tie_order,
            can_publish=self.allowed("result.publish") and rules.is_organiser(edition, current_user),
            can_export_results=self.allowed("result.export"),
        )

    @expose("/results/publish/", methods=("POST",))
    def publish_view(self) -> Any:
        edition = self.get_one(request.form.get("id"))
        if not self.may_see_results(edition) or not rules.is_organiser(edition, current_user):
            abort(403)  # the organiser publishes; a juror never publishes the edition they judge
        target = url_for(".results_view", id=edition.id)
        if request.form.get("confirm") != "1":
            flash(_("Tick the confirmation to publish the results."), "error")
            return redirect(target)
        republish = edition.is_published
        try:
            results = rules.publish(edition.id, current_user)
            db.session.commit()
        except rules.PublishError as exc:
            db.session.rollback()
            flash(_("The results were not published: %(problems)s", problems=" ".join(exc.problems)), "error")
            return redirect(target)
        except Exception:
            db.session.rollback()
            log.exception("publishing film festival edition %s failed", edition.id)
            flash(_("The results could not be published; nothing was changed."), "error")
            return redirect(target)
        placed = sum(1 for entry in results.entries if entry.label)
        if republish:
            flash(_("The results were published again; the %(n)s awards are up to date.", n=placed), "success")
        else:
            flash(_("Results published: %(n)s placings are now awards on the KIM records.", n=placed), "success")
        return redirect(target)

    @expose("/results/xlsx/")
    def results_xlsx(self) -> Response:
        results = self._results()
        name = secure_filename(f"hasil-{results.edition.name}-{results.edition.year}.xlsx") or "hasil.xlsx"
        return Response(
            results_workbook(results),
            mimetype=XLSX_MIMETYPE,
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )


# --- submissions ---------------------------------------------------------------------------------
class SubmissionView(FestivalView):
    permission = "film_festival.submission"
    prefill_fields = ("edition", "kim")
    list_loader_options = (joinedload(Submission.edition), joinedload(Submission.kim))
    details_loader_options = (joinedload(Submission.award),)

    column_list = ("edition", "kim", "title", "duration", "status", "video_url", "final_rank")
    column_details_list = (
        "edition",
        "kim",
        "title",
        "synopsis",
        "duration",
        "video_url",
        "status",
        "disqualification_reason",
        "submitted_on",
        "final_rank",
        "award",
    )
    column_export_list = (
        "edition",
        "kim.name",
        "title",
        "duration",
        "video_url",
        "status",
        "disqualification_reason",
        "submitted_on",
        "final_rank",
    )
    column_sortable_list = ("title", "duration", "status", "submitted_on", "final_rank", ("kim", "kim.name"))
    column_default_sort = [("id", True)]
    column_searchable_list = ("title", "kim.name")
    column_filters = ("status", "submitted_on")
    column_choices = {"status": list(STATUSES.items())}
    column_labels = {
        "edition": _l("Edition"),
        "kim": _l("KIM"),
        "kim.name": _l("KIM"),
        "title": _l("Film title"),
        "synopsis": _l("Synopsis"),
        "duration": _l("Duration (m:ss)"),
        "video_url": _l("Video link"),
        "status": _l("Status"),
        "disqualification_reason": _l("Reason for disqualification"),
        "submitted_on": _l("Submitted on"),
        "final_rank": _l("Placing"),
        "award": _l("Award"),
    }
    column_formatters = {
        "status": _status_badge,
        "duration": _duration,
        "video_url": _video_link,
        "final_rank": _placing,
    }
    column_formatters_export = {"status": _choice_export(STATUSES), "duration": _duration}
    url_filters = {
        "edition": lambda value: Submission.edition_id == int(value),
        "kim": lambda value: Submission.kim_id == int(value),
        "status": lambda value: Submission.status == value if value in STATUSES else _bad(value),
    }
    url_filter_labels = {"edition": _l("Edition"), "kim": _l("KIM"), "status": _l("Status")}

    form_columns = ("edition", "kim", "title", "synopsis", "duration", "video_url", "status", "disqualification_reason")
    form_ajax_refs = {"edition": edition_loader(), "kim": kim_picker()}
    form_overrides = {"duration": DurationField}
    form_choices = {"status": list(STATUSES.items())}
    form_args = {
        "edition": {"validators": [DataRequired()]},
        "kim": {"validators": [DataRequired()]},
        "title": {"validators": [DataRequired(), Length(max=200)]},
        "duration": {"validators": [InputRequired()], "description": _l("m:ss, e.g. 4:35")},
        "video_url": {
            "validators": [DataRequired(), Length(max=500), video_url_validator],
            "description": _l("A web address (https://...), e.g. the film on YouTube."),
        },
        "disqualification_reason": {"description": _l("Required when the status is Disqualified.")},
    }

    def get_query(self) -> Any:
        return self._jury_view(super().get_query())

    def get_count_query(self) -> Any:
        return self._jury_view(super().get_count_query())

    def _jury_view(self, query: Any) -> Any:
        """Of an edition the user judges, only the films the jury judges (nominated and after)."""
        if not current_user.is_authenticated:
            return query
        judged = rules.judged_editions(current_user.id)
        return query.filter(sa.or_(Submission.edition_id.not_in(judged), Submission.status.in_(FINALIST_STATUSES)))

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        for name in ("status", "disqualification_reason"):  # a new submission is always Registered
            if name in form:
                del form[name]
        return form

    def on_model_change(self, form: Any, submission: Submission, is_created: bool) -> None:
        with db.session.no_autoflush:
            self._check(submission, is_created)

    def _check(self, submission: Submission, is_created: bool) -> None:
        edition = submission.edition
        if edition is None:
            raise ValidationError(_("Choose the edition."))
        if is_created:
            submission.status = "terdaftar"
            submission.submitted_on = rules.today()
            # The organiser enters any KIM it may see; a regency enters its own KIM (e.g. in the
            # province's festival); province staff do not enter films in a regency's festival.
            kim_regency = submission.kim.regency_code if submission.kim is not None else None
            own_kim = current_user.regency_code is not None and current_user.regency_code == kim_regency
            if not own_kim:
                rules.check_organiser(edition, current_user)
            if edition.is_published:
                raise ValidationError(_("The results of this edition are published: it takes no new submissions."))
            rules.check_window(edition, submission.submitted_on)
        else:
            if self._before(submission, "edition_id") not in (None, edition.id):
                raise ValidationError(_("A submission cannot move to another edition; register it there instead."))
            before = self._before(submission, "status")
            if edition.is_published and (before in FINALIST_STATUSES or submission.status != before):
                raise ValidationError(
                    _("The results of this edition are published: its ranked films and all statuses are final.")
                )
            rules.check_status_change(before, submission.status, submission.disqualification_reason)
            if submission.status != before and not rules.is_organiser(edition, current_user):
                raise ValidationError(
                    _(
                        "Only the organiser of %(edition)s verifies, nominates or disqualifies its films.",
                        edition=edition,
                    )
                )
        rules.check_video_url(submission.video_url)
        rules.check_duration(edition, submission.duration)
        if submission.status != "didiskualifikasi":
            submission.disqualification_reason = None

    def on_model_delete(self, submission: Submission) -> None:
        if submission.edition.is_published and submission.status in FINALIST_STATUSES:
            raise ValidationError(_("The results are published: a ranked submission is not deleted."))
        if submission.status != "terdaftar" and not rules.is_organiser(submission.edition, current_user):
            raise ValidationError(
                _(
                    "Only the organiser of %(edition)s removes a film once it is past registration.",
                    edition=submission.edition,
                )
            )


def _bad(value: str) -> Any:
    raise ValueError(value)


# --- jurors --------------------------------------------------------------------------------------
class JurorView(FestivalView):
    permission = "film_festival.juror"
    can_view_details = False
    list_loader_options = (joinedload(Juror.edition),)

    column_list = ("edition", "display_name", "home_regency_code", "assigned_at")
    column_sortable_list = ("display_name", "assigned_at")
    column_default_sort = [("id", True)]
    column_searchable_list = ("display_name",)
    column_labels = {
        "edition": _l("Edition"),
        "display_name": _l("Juror"),
        "user": _l("Juror"),
        "home_regency_code": _l("Juror's regency"),
        "assigned_at": _l("Assigned"),
    }
    column_formatters = {
        "home_regency_code": lambda view, context, row, name: row.home_regency_code or _("Province / national"),
        "assigned_at": lambda view, context, row, name: rules.day(row.assigned_at) if row.assigned_at else "",
    }
    url_filters = {"edition": lambda value: Juror.edition_id == int(value)}
    url_filter_labels = {"edition": _l("Edition")}
    prefill_fields = ("edition",)

    form_columns = ("edition", "user")
    form_ajax_refs = {"edition": edition_loader(), "user": juror_picker()}
    form_args = {
        "edition": {"validators": [DataRequired()]},
        "user": {
            "validators": [DataRequired()],
            "description": _l("Users whose role holds the jury permission (by default: viewers and province staff)."),
        },
    }

    def on_model_change(self, form: Any, juror: Juror, is_created: bool) -> None:
        with db.session.no_autoflush:
            self._check(juror)

    def _check(self, juror: Juror) -> None:
        edition, user = juror.edition, juror.user
        if edition is None:
            raise ValidationError(_("Choose the edition."))
        if edition.is_published:
            raise ValidationError(_("The results are published: the jury can no longer change."))
        rules.check_organiser(edition, current_user)
        rules.check_juror(edition, user)
        with db.session.no_autoflush:
            existing = rules.juror_of(edition.id, user.id)
        if existing is not None and existing is not juror:
            raise ValidationError(_("%(user)s is already on this jury.", user=user))
        juror.display_name = str(user)
        juror.home_regency_code = user.regency_code

    def on_model_delete(self, juror: Juror) -> None:
        rules.check_organiser(juror.edition, current_user)
        if juror.edition.is_published:
            raise ValidationError(_("The results are published: the jury can no longer change."))


# --- the jury's screen ---------------------------------------------------------------------------
class JuryView(FestivalView):
    """A juror's films: the nominated films of the editions the juror sits on, and nothing else."""

    permission = "film_festival.jury"
    list_loader_options = (
        joinedload(Submission.edition).undefer(Edition.criterion_count),
        joinedload(Submission.kim),
    )
    endpoint_actions = {"score_view": "score"}
    list_template = "film_festival/jury_list.html"

    column_list = ("edition", "kim", "title", "duration", "video_url", "my_scored")
    column_details_list = ("edition", "kim", "title", "synopsis", "duration", "video_url")
    column_sortable_list = ("title", ("kim", "kim.name"))
    column_default_sort = [("id", False)]
    column_searchable_list = ("title", "kim.name")
    column_labels = {**SubmissionView.column_labels, "my_scored": _l("My scores")}
    column_formatters = {
        "duration": _duration,
        "video_url": _video_link,
        "my_scored": lambda view, context, row, name: view.progress(row),
    }
    url_filters = {"edition": lambda value: Submission.edition_id == int(value)}
    url_filter_labels = {"edition": _l("Edition")}

    def allowed(self, action: str) -> bool:
        return action in ("view", "score") and bool(
            current_user.is_authenticated and current_user.can(rules.JURY_PERMISSION)
        )

    def _mine(self, query: Any) -> Any:
        my_editions = sa.select(Juror.edition_id).where(Juror.user_id == current_user.id)
        return query.filter(Submission.edition_id.in_(my_editions), Submission.status.in_(FINALIST_STATUSES))

    def get_query(self) -> Any:
        marked = (
            sa.select(sa.func.count(Score.id))
            .join(Juror, Score.juror_id == Juror.id)
            .where(Score.submission_id == Submission.id, Juror.user_id == current_user.id)
            .scalar_subquery()
        )
        return self._mine(super().get_query()).options(with_expression(Submission.my_scored, marked))

    def get_count_query(self) -> Any:
        return self._mine(super().get_count_query())

    def progress(self, submission: Submission) -> Any:
        edition = submission.edition
        if edition.exclude_own_regency_jurors and current_user.regency_code == submission.regency_code:
            return Markup('<span class="text-muted">{}</span>').format(_("Not yours to score (own regency)"))
        done = submission.my_scored or 0
        link = url_for(".score_view", id=submission.id)
        text = _("%(done)s of %(total)s criteria", done=done, total=edition.criterion_count)
        label = _("Change scores") if done else _("Score")
        if edition.is_published:
            return Markup("{}").format(text)
        return Markup('{} <a class="btn btn-sm btn-outline-primary ml-2" href="{}">{}</a>').format(text, link, label)

    @expose("/score/", methods=("GET", "POST"))
    def score_view(self) -> Any:
        submission = self.get_one(request.args.get("id"))  # only films of the juror's editions: else 404
        juror = rules.juror_of(submission.edition_id, current_user.id)
        if juror is None:
            abort(404)
        edition = submission.edition
        criteria = list(edition.criteria)
        allowed = juror.may_score(submission)
        current = {s.criterion_id: s.score for s in submission.scores if s.juror_id == juror.id}
        errors: dict[int, str] = {}
        if request.method == "POST":
            if not allowed:
                abort(403)
            marks, errors = self._read_marks(criteria)
            if not errors:
                try:
                    rules.save_marks(submission, juror, marks)
                    db.session.commit()
                except ValidationError as exc:
                    db.session.rollback()
                    flash(str(exc), "error")
                else:
                    flash(_("Your scores for %(film)s are saved.", film=submission.title), "success")
                    return redirect(url_for(".index_view"))
            current = {**current, **marks}
        return self.render(
            "film_festival/score.html",
            submission=submission,
            edition=edition,
            criteria=criteria,
            current=current,
            errors=errors,
            allowed=allowed,
            score_min=SCORE_MIN,
            score_max=SCORE_MAX,
        )

    def _read_marks(self, criteria: list[Criterion]) -> tuple[dict[int, int], dict[int, str]]:
        marks: dict[int, int] = {}
        errors: dict[int, str] = {}
        for criterion in criteria:
            raw = request.form.get(f"mark_{criterion.id}", "").strip()
            try:
                mark = int(raw)
            except ValueError:
                errors[criterion.id] = _("Give a whole number from %(low)s to %(high)s.", low=SCORE_MIN, high=SCORE_MAX)
                continue
            if not SCORE_MIN <= mark <= SCORE_MAX:
                errors[criterion.id] = _("Give a whole number from %(low)s to %(high)s.", low=SCORE_MIN, high=SCORE_MAX)
                continue
            marks[criterion.id] = mark
        return marks, errors


def admin_views() -> list[Any]:
    """New view objects for one app (a Flask-Admin view belongs to one admin)."""
    return [
        EditionView(
            Edition,
            name=_l("Editions"),
            endpoint="film_festival_edition",
            url="/admin/film_festival/edition",
            category=CATEGORY,
        ),
        SubmissionView(
            Submission,
            name=_l("Submissions"),
            endpoint="film_festival_submission",
            url="/admin/film_festival/submission",
            category=CATEGORY,
        ),
        JurorView(
            Juror,
            name=_l("Jurors"),
            endpoint="film_festival_juror",
            url="/admin/film_festival/juror",
            category=CATEGORY,
        ),
        JuryView(
            Submission,
            name=_l("Jury scoring"),
            endpoint="film_festival_jury",
            url="/admin/film_festival/jury",
            category=CATEGORY,
        ),
    ]
