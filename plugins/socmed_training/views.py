"""The training's admin screens: sessions (with scores), participants, the account log (with its
trend charts) and the follow-up list of KIM that stopped posting.

Tenant scoping, per-regency gating and the permission check of each endpoint come from the core
(:class:`~kimadmin.plugin_api.PluginModelView`); these views add the training's rules. Who may do
what is in ``kimadmin_permissions`` (``__init__.py``).
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.form import Select2Widget
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectMultipleField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation

from kimadmin.plugin_api import Kim, PluginModelView, ScopedAjaxLoader, current_user, db, kim_picker

from . import followup, scores, trend
from .dates import day, today
from .i18n import _, _l
from .models import PLATFORMS, TOPICS, AccountLog, Participant, TrainingSession, split_topics
from .validation import check_handle, check_score, parse_score, score_error

log = logging.getLogger(__name__)

PLUGIN = "socmed_training"
CATEGORY = _l("Social-media training")


def template_helpers() -> dict[str, Any]:
    """What the plugin's templates use: its translations, dates and numbers."""
    return {
        "st_": _,
        "st_day": day,
        "st_decimal": scores.one_decimal,
        "st_follow_up_days": followup.FOLLOW_UP_DAYS,
    }


# --- fields and formatters -----------------------------------------------------------------------
class TopicsField(SelectMultipleField):
    """The topics of a session: a multi-select of :data:`TOPICS`, stored as comma-separated codes."""

    widget = Select2Widget(multiple=True)

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.pop("coerce", None)
        kwargs["choices"] = list(TOPICS.items())
        super().__init__(label, validators, **kwargs)

    def process_data(self, value: Any) -> None:
        self.data = split_topics(value) if isinstance(value, str) or value is None else list(value)

    def populate_obj(self, obj: Any, name: str) -> None:
        chosen = set(self.data or ())
        setattr(obj, name, ",".join(code for code in TOPICS if code in chosen))


def require_topics(form: Any, field: Any) -> None:
    """At least one topic (a plain-string message: Flask-Admin shows only ``str`` errors)."""
    if not field.data:
        raise StopValidation(_("Choose at least one topic."))


def _topics(view: Any, context: Any, row: TrainingSession, name: str) -> str:
    return ", ".join(row.topic_labels)


def _handle(view: Any, context: Any, row: AccountLog, name: str) -> str:
    return f"@{row.handle}"  # plain text: Flask-Admin escapes it


def _platform(view: Any, context: Any, row: AccountLog, name: str) -> str:
    return row.platform_label


def _improvement(view: Any, context: Any, row: Participant, name: str) -> str:
    return scores.one_decimal(row.improvement, signed=True) if row.improvement is not None else "—"


def _choice_export(choices: dict) -> Any:
    return lambda view, context, row, name: str(choices.get(getattr(row, name), getattr(row, name)))


def _int_or_bad(value: str) -> int:
    return int(value)  # ValueError -> 400 (the core's named filters)


def _topic_filter(value: str) -> Any:
    if value not in TOPICS:
        raise ValueError(value)
    return TrainingSession.topics.contains(value, autoescape=True)


def session_loader(name: str = "session") -> ScopedAjaxLoader:
    return ScopedAjaxLoader(
        name,
        db.session,
        TrainingSession,
        fields=("title", "venue", "trainer"),
        order_by=TrainingSession.held_on.desc(),
        placeholder=_l("Type a session title..."),
        minimum_input_length=0,
    )


# --- the base ------------------------------------------------------------------------------------
class SocmedView(PluginModelView):
    """A training screen (dotted actions, e.g. ``"participant.edit"``, are the plugin's own
    permissions: see ``PluginModelView.allowed``)."""

    plugin = PLUGIN

    def render(self, template: str, **kwargs: Any) -> Any:
        for key, value in template_helpers().items():
            kwargs.setdefault(key, value)
        return super().render(template, **kwargs)


# --- sessions ------------------------------------------------------------------------------------
class SessionView(SocmedView):
    permission = "socmed_training.session"
    list_loader_options = (selectinload(TrainingSession.participants),)
    details_loader_options = (selectinload(TrainingSession.participants).joinedload(Participant.kim),)
    details_template = "socmed_training/session_details.html"
    endpoint_actions = {"scores_view": "participant.edit"}

    column_list = ("held_on", "title", "trainer", "venue", "topics", "participant_count", "average_improvement")
    column_details_list = ("held_on", "title", "trainer", "venue", "topics", "notes")
    column_export_list = ("held_on", "title", "trainer", "venue", "topics", "participant_count", "average_improvement")
    column_sortable_list = ("held_on", "title", "trainer", "venue")
    column_default_sort = [("held_on", True), ("id", True)]
    column_searchable_list = ("title", "trainer", "venue")
    column_filters = ("held_on",)
    column_labels = {
        "held_on": _l("Date"),
        "title": _l("Session"),
        "trainer": _l("Trainer"),
        "venue": _l("Venue"),
        "topics": _l("Topics"),
        "notes": _l("Notes"),
        "participant_count": _l("Participants"),
        "average_improvement": _l("Average improvement"),
    }
    column_formatters = {
        "topics": _topics,
        "participant_count": lambda view, context, row, name: len(row.participants),
        "average_improvement": lambda view, context, row, name: scores.one_decimal(
            scores.summarise(row.participants).improvement_mean, signed=True
        ),
    }
    column_formatters_export = column_formatters
    url_filters = {"topic": _topic_filter}
    url_filter_labels = {"topic": _l("Topic")}

    form_columns = ("title", "held_on", "trainer", "venue", "topics", "notes")
    form_overrides = {"topics": TopicsField}
    form_args = {
        "title": {
            "validators": [DataRequired(), Length(max=200)],
            "description": _l("E.g. Pelatihan Pengelolaan Media Sosial KIM Angkatan I"),
        },
        "held_on": {"validators": [InputRequired()]},
        "trainer": {"validators": [DataRequired(), Length(max=150)]},
        "venue": {"validators": [DataRequired(), Length(max=200)]},
        "topics": {"validators": [require_topics]},
    }

    def render(self, template: str, **kwargs: Any) -> Any:
        if template == self.details_template and kwargs.get("model") is not None:
            session = kwargs["model"]
            kwargs["participants"] = list(session.participants)
            kwargs["summary"] = scores.summarise(session.participants)
            kwargs["can_enter_scores"] = self.allowed("participant.edit")
            kwargs["can_add_participant"] = self.allowed("participant.create")
        return super().render(template, **kwargs)

    @expose("/scores/", methods=("GET", "POST"))
    def scores_view(self) -> Any:
        """Every participant's two scores on one form, saved together (one transaction) or not at all."""
        session = self.get_one(request.args.get("id"))  # another regency's session: 404
        participants = list(session.participants)
        typed = {p.id: (_text(p.pre_score), _text(p.post_score)) for p in participants}
        errors: dict[str, str] = {}
        if request.method == "POST":
            parsed: dict[int, tuple[int | None, int | None]] = {}
            for participant in participants:
                pre_raw = request.form.get(f"pre_{participant.id}", "")
                post_raw = request.form.get(f"post_{participant.id}", "")
                typed[participant.id] = (pre_raw, post_raw)
                values = []
                for kind, raw in (("pre", pre_raw), ("post", post_raw)):
                    try:
                        values.append(parse_score(raw))
                    except ValueError:
                        errors[f"{kind}_{participant.id}"] = score_error()
                        values.append(None)
                parsed[participant.id] = (values[0], values[1])
            if errors:
                flash(_("The scores were not saved: correct the marked fields."), "error")
            else:
                for participant in participants:
                    participant.pre_score, participant.post_score = parsed[participant.id]
                try:
                    db.session.commit()
                except SQLAlchemyError:
                    db.session.rollback()
                    log.exception("saving the scores of training session %s failed", session.id)
                    flash(_("The scores could not be saved; nothing was changed."), "error")
                else:
                    flash(_("The scores of %(session)s are saved.", session=session.title), "success")
                    return redirect(url_for(".details_view", id=session.id))
        return self.render(
            "socmed_training/scores.html", session=session, participants=participants, typed=typed, errors=errors
        )


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


# --- participants --------------------------------------------------------------------------------
class ParticipantView(SocmedView):
    permission = "socmed_training.participant"
    prefill_fields = ("session", "kim")
    list_loader_options = (joinedload(Participant.session), joinedload(Participant.kim))

    column_list = ("session", "kim", "name", "pre_score", "post_score", "improvement")
    column_details_list = column_list
    column_export_list = ("session", "kim.name", "name", "pre_score", "post_score", "improvement")
    column_sortable_list = ("name", "pre_score", "post_score", ("kim", "kim.name"), ("session", "session.held_on"))
    column_default_sort = [("id", True)]
    column_searchable_list = ("name", "kim.name")
    column_labels = {
        "session": _l("Session"),
        "kim": _l("KIM"),
        "kim.name": _l("KIM"),
        "name": _l("Participant"),
        "pre_score": _l("Pre-test"),
        "post_score": _l("Post-test"),
        "improvement": _l("Improvement"),
    }
    column_formatters = {"improvement": _improvement}
    column_formatters_export = {"improvement": lambda view, context, row, name: _text(row.improvement)}
    url_filters = {
        "session": lambda value: Participant.session_id == _int_or_bad(value),
        "kim": lambda value: Participant.kim_id == _int_or_bad(value),
    }
    url_filter_labels = {"session": _l("Session"), "kim": _l("KIM")}

    form_columns = ("session", "kim", "name", "pre_score", "post_score")
    form_ajax_refs = {"session": session_loader(), "kim": kim_picker()}
    form_args = {
        "session": {"validators": [DataRequired()]},
        "kim": {"validators": [DataRequired()], "description": _l("A KIM of the session's regency.")},
        "name": {"validators": [DataRequired(), Length(max=150)]},
        "pre_score": {"validators": [Optional(), check_score], "description": _l("0-100; empty: not taken.")},
        "post_score": {"validators": [Optional(), check_score], "description": _l("0-100; empty: not taken.")},
    }

    def on_model_change(self, form: Any, participant: Participant, is_created: bool) -> None:
        with db.session.no_autoflush:
            session, kim = participant.session, participant.kim
            if session is None or kim is None:
                raise ValidationError(_("Choose the session and the KIM."))
            if kim.regency_code != session.tenant_regency_code():
                raise ValidationError(_("The KIM must belong to the regency that held the session."))
            participant.name = participant.name.strip()


# --- the account log -----------------------------------------------------------------------------
class AccountLogView(SocmedView):
    permission = "socmed_training.account_log"
    prefill_fields = ("kim",)
    list_loader_options = (joinedload(AccountLog.kim),)
    endpoint_actions = {"trend_view": "view"}

    column_list = ("kim", "platform", "handle", "checked_on", "followers", "posts_per_month", "trend")
    column_details_list = ("kim", "platform", "handle", "checked_on", "followers", "posts_per_month")
    column_export_list = ("kim.name", "platform", "handle", "checked_on", "followers", "posts_per_month")
    column_sortable_list = ("platform", "handle", "checked_on", "followers", "posts_per_month", ("kim", "kim.name"))
    column_default_sort = [("checked_on", True), ("id", True)]
    column_searchable_list = ("handle", "kim.name")
    column_filters = ("platform", "checked_on")
    column_choices = {"platform": list(PLATFORMS.items())}
    column_labels = {
        "kim": _l("KIM"),
        "kim.name": _l("KIM"),
        "platform": _l("Platform"),
        "handle": _l("Account"),
        "checked_on": _l("Checked on"),
        "followers": _l("Followers"),
        "posts_per_month": _l("Posts per month"),
        "trend": _l("Trend"),
    }
    column_formatters = {
        "handle": _handle,
        "platform": _platform,
        "trend": lambda view, context, row, name: Markup('<a href="{}">{}</a>').format(
            url_for(".trend_view", kim=row.kim_id), _("Trend")
        ),
    }
    column_formatters_export = {"platform": _choice_export(PLATFORMS)}
    url_filters = {"kim": lambda value: AccountLog.kim_id == _int_or_bad(value)}
    url_filter_labels = {"kim": _l("KIM")}

    form_columns = ("kim", "platform", "handle", "checked_on", "followers", "posts_per_month")
    form_ajax_refs = {"kim": kim_picker()}
    form_choices = {"platform": list(PLATFORMS.items())}
    form_args = {
        "kim": {"validators": [DataRequired()]},
        "platform": {"validators": [DataRequired()]},
        "handle": {
            "validators": [DataRequired(), check_handle],
            "description": _l("The account name, e.g. @kimmanteb."),
        },
        "checked_on": {"validators": [InputRequired()], "description": _l("The day you looked at the account.")},
        "followers": {"validators": [Optional(), NumberRange(min=0, message=_l("Give a number of 0 or more."))]},
        "posts_per_month": {
            "validators": [InputRequired(), NumberRange(min=0, message=_l("Give a number of 0 or more."))],
            "description": _l("Posts in the month before the check date; 0 when the account was silent."),
        },
    }

    def on_model_change(self, form: Any, entry: AccountLog, is_created: bool) -> None:
        if entry.checked_on is not None and entry.checked_on > today():
            raise ValidationError(_("The check date cannot be in the future."))

    @expose("/trend/")
    def trend_view(self) -> Any:
        """A KIM's accounts over time; a KIM outside the user's scope is a 404 like any row."""
        kim = _kim_or_404(request.args.get("kim"))
        logs = list(
            db.session.scalars(
                sa.select(AccountLog)
                .where(AccountLog.kim_id == kim.id)
                .order_by(AccountLog.checked_on, AccountLog.platform, AccountLog.handle)
            )
        )
        charts = {
            "socmed-trend-followers": trend.trend_chart(logs, "followers"),
            "socmed-trend-posts": trend.trend_chart(logs, "posts_per_month"),
        }
        return self.render("socmed_training/trend.html", kim=kim, logs=logs, charts=charts)


def _kim_or_404(raw: str | None) -> Kim:
    try:
        kim_id = int(raw or "")
    except ValueError:
        abort(404)
    kim = db.session.scalar(sa.select(Kim).where(Kim.id == kim_id))  # scoped by the core
    if kim is None:
        abort(404)
    return kim


# --- the follow-up list --------------------------------------------------------------------------
class FollowUpView(BaseView):
    """Trained KIM whose accounts show no posts three months after the training (rule: followup.py)."""

    def is_accessible(self) -> bool:
        return bool(current_user.is_authenticated and current_user.can(f"{PLUGIN}.followup.view"))

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    def render(self, template: str, **kwargs: Any) -> Any:
        for key, value in template_helpers().items():
            kwargs.setdefault(key, value)
        return super().render(template, **kwargs)

    @expose("/")
    def index(self) -> Any:
        on = today()
        judged = followup.follow_ups(on)
        quiet = [entry for entry in judged if not entry.kept_posting]
        return self.render(
            "socmed_training/followup.html",
            today=on,
            judged=judged,
            quiet=quiet,
            can_see_trend=bool(current_user.can(f"{PLUGIN}.account_log.view")),
        )


def admin_views() -> list[Any]:
    """New view objects for one app (a Flask-Admin view belongs to one admin)."""
    return [
        SessionView(
            TrainingSession,
            name=_l("Sessions"),
            endpoint="socmed_training_session",
            url="/admin/socmed_training/session",
            category=CATEGORY,
        ),
        ParticipantView(
            Participant,
            name=_l("Participants"),
            endpoint="socmed_training_participant",
            url="/admin/socmed_training/participant",
            category=CATEGORY,
        ),
        AccountLogView(
            AccountLog,
            name=_l("Account log"),
            endpoint="socmed_training_account_log",
            url="/admin/socmed_training/account_log",
            category=CATEGORY,
        ),
        FollowUpView(
            name=_l("Quiet after training"),
            endpoint="socmed_training_followup",
            url="/admin/socmed_training/followup",
            category=CATEGORY,
        ),
    ]
