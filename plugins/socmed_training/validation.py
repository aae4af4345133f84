"""Input rules: test scores and account handles, with the officer's (translated) error messages."""

from __future__ import annotations

import re
from typing import Any

from wtforms import ValidationError

from .i18n import _
from .models import HANDLE_MAX, SCORE_MAX, SCORE_MIN

# What the platforms allow in an account name: letters, digits, dots, underscores, hyphens.
HANDLE = re.compile(r"[A-Za-z0-9._-]+")


def score_error() -> str:
    return _(
        "A score is a whole number from %(low)s to %(high)s; leave it empty when the test was not taken.",
        low=SCORE_MIN,
        high=SCORE_MAX,
    )


def parse_score(raw: str | None) -> int | None:
    """A typed score: empty is ``None`` (test not taken); anything but 0-100 raises ``ValueError``."""
    text = (raw or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{1,3}", text):
        raise ValueError(text)
    value = int(text)
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise ValueError(text)
    return value


def check_score(form: Any, field: Any) -> None:
    """WTForms validator: a present score lies in 0-100 (the database checks it again)."""
    if field.data is not None and not SCORE_MIN <= field.data <= SCORE_MAX:
        raise ValidationError(score_error())


def normalise_handle(raw: str | None) -> str:
    """``" @kim.manteb "`` -> ``"kim.manteb"``; anything that is not an account name raises ``ValueError``."""
    text = (raw or "").strip().removeprefix("@")
    if not text or len(text) > HANDLE_MAX or not HANDLE.fullmatch(text):
        raise ValueError(raw)
    return text


def check_handle(form: Any, field: Any) -> None:
    """WTForms validator that also stores the normalised handle."""
    try:
        field.data = normalise_handle(field.data)
    except ValueError as exc:
        raise ValidationError(
            _("Write the account name only, e.g. @kimmanteb: letters, digits, dots, underscores and hyphens.")
        ) from exc
