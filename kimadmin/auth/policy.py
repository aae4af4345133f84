"""The password policy: long enough, not common, not the user's own name or e-mail.

Applied wherever a password is set: the user screen (create, edit), the CLI, the change-password
page and the reset link. Length matters most (NIST SP 800-63B, ASVS V2.1): there are no
composition rules, and a long phrase of ordinary words passes. The lists are bundled in
``data/`` (see its README): no network call is made to check a password.
"""

from __future__ import annotations

import gzip
import re
import string
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import gettext as _

MIN_LENGTH = 12  # the floor; KIMADMIN_PASSWORD_MIN_LENGTH may only raise it
MAX_LENGTH = 1024  # argon2 hashes anything, but a megabyte password is a denial of service

_DATA = Path(__file__).parent / "data"
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "5": "s", "$": "s", "7": "t"})
_SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm")
_EDGE = string.digits + string.punctuation + string.whitespace


@cache
def common_passwords() -> frozenset[str]:
    """The bundled lists, lower-case (about 20,000 entries; read once per process)."""
    with gzip.open(_DATA / "common-passwords.txt.gz", "rt", encoding="utf-8", errors="replace") as handle:
        words = {line.strip() for line in handle}
    extra = (_DATA / "common-passwords-id.txt").read_text(encoding="utf-8").splitlines()
    words.update(line.strip().lower() for line in extra if line.strip() and not line.startswith("#"))
    words.discard("")
    return frozenset(words)


def min_length() -> int:
    configured = current_app.config.get("KIMADMIN_PASSWORD_MIN_LENGTH", MIN_LENGTH) if has_app_context() else 0
    return max(MIN_LENGTH, int(configured or 0))


def check_password(password: str, email: str | None = None, full_name: str | None = None) -> str | None:
    """The first reason (translated) why ``password`` is refused, or ``None`` if it is acceptable."""
    length = min_length()
    if len(password) < length:
        return _("The password must have at least %(count)d characters.", count=length)
    if len(password) > MAX_LENGTH:
        return _("The password is too long.")
    lowered = password.lower()
    if _is_guessable(lowered):
        return _("This password is too common or too easy to guess. A phrase of several unrelated words is best.")
    if _contains_personal(lowered, email, full_name):
        return _("The password must not contain your name or the name part of your email address.")
    return None


def _is_guessable(lowered: str) -> bool:
    common = common_passwords()
    core = lowered.strip(_EDGE)
    candidates = {lowered, lowered.translate(_LEET), core, core.translate(_LEET), re.sub(r"\s+", "", lowered)}
    if any(candidate in common for candidate in candidates):
        return True
    if len(set(lowered)) < 5:  # "aaaaaaaaaaaa", "abababababab", "121212121212"
        return True
    if any(lowered in sequence * 2 or lowered in sequence[::-1] * 2 for sequence in _SEQUENCES):
        return True
    for period in range(1, len(lowered) // 2 + 1):  # "passwordpassword", "sayang123sayang123"
        unit = lowered[:period]
        if len(lowered) % period == 0 and unit * (len(lowered) // period) == lowered:
            return period <= 6 or unit in common or unit.strip(_EDGE) in common
    return False


# A name part shorter than this is not checked: "ani@..." would otherwise ban every password
# containing "ani" (organik, tanaman, pertanian), refusing good phrases for no security gain.
MIN_PERSONAL_LENGTH = 4


def _contains_personal(lowered: str, email: str | None, full_name: str | None) -> bool:
    squeezed = re.sub(r"[\W_]+", "", lowered)
    fragments: set[str] = set()
    if email:
        local = email.strip().lower().split("@", 1)[0]
        fragments.add(local)
        fragments.update(re.split(r"[\W_\d]+", local))
    if full_name:
        fragments.update(re.split(r"[\W_\d]+", full_name.lower()))
    for fragment in fragments:
        compact = re.sub(r"[\W_]+", "", fragment)
        if len(compact) < MIN_PERSONAL_LENGTH:
            continue
        if fragment in lowered or compact in squeezed:
            return True
    return False
