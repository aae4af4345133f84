"""50 officers at work: browse KIM lists, open KIM pages, save edits (locust, headless).

Run through ``benchmarks/load_test.py`` (``make load``), which prepares PostgreSQL, the demo data
and gunicorn, and writes the report. Each simulated officer logs in once as one of the demo
operators/admins of Karanganyar or Wonosobo.

The morning rush (50 argon2 logins within seconds) and the working day are measured apart: each
officer waits after logging in until all have, the login figures are saved to
``LOAD_LOGIN_STATS`` and the statistics restart, so the browsing figures are the steady state
rather than the queue behind the password hashes.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from html.parser import HTMLParser

from gevent.event import Event
from locust import HttpUser, between, task

LOGINS = os.environ.get("LOAD_LOGINS", "").split(",")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
KIM_LINK = re.compile(r"/admin/kim/details/\?id=(\d+)")
OFFICERS = int(os.environ.get("LOAD_USERS", "50"))
LOGIN_STATS = os.environ.get("LOAD_LOGIN_STATS", "")
everyone_in = Event()
logged_in = 0


def _all_logged_in(environment: object) -> None:
    """Save the login figures, restart the statistics and let the officers start work."""
    stats = environment.stats  # type: ignore[attr-defined]
    if LOGIN_STATS:
        entries = [stats.get("/login", method) for method in ("GET", "POST")]
        with open(LOGIN_STATS, "w") as out:
            json.dump(
                [
                    {
                        "name": f"{entry.method} /login",
                        "count": entry.num_requests,
                        "failures": entry.num_failures,
                        "p50": entry.get_response_time_percentile(0.5),
                        "p95": entry.get_response_time_percentile(0.95),
                    }
                    for entry in entries
                ]
                + [{"steady_since": time.time()}],
                out,
            )
    stats.reset_all()
    everyone_in.set()


class FormFields(HTMLParser):
    """The name/value pairs a browser would submit for the first form with a csrf_token."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file", "checkbox"):
            self.fields.setdefault(name, a.get("value") or "")
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.fields[name] = a.get("value") or "y"
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


class Officer(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        login = self.client.get("/login", name="/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login.text).group(1)
        email = random.choice([e for e in LOGINS if e])
        self.client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}, name="/login")
        self.kim_ids: list[str] = []
        global logged_in
        logged_in += 1
        if logged_in == OFFICERS:
            _all_logged_in(self.environment)
        everyone_in.wait(timeout=120)

    @task(5)
    def browse_kim_list(self) -> None:
        page = random.randint(0, 1)
        response = self.client.get(f"/admin/kim/?page={page}", name="/admin/kim/ (list)")
        self.kim_ids = KIM_LINK.findall(response.text) or self.kim_ids

    @task(3)
    def open_kim_page(self) -> None:
        if self.kim_ids:
            kim_id = random.choice(self.kim_ids)
            self.client.get(f"/admin/kim/details/?id={kim_id}", name="/admin/kim/details/ (KIM page)")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/admin/", name="/admin/ (dashboard)")

    @task(1)
    def save_edit(self) -> None:
        if not self.kim_ids:
            return
        kim_id = random.choice(self.kim_ids)
        form = self.client.get(f"/admin/kim/edit/?id={kim_id}", name="/admin/kim/edit/ (form)")
        if form.status_code != 200:
            return
        parser = FormFields()
        parser.feed(form.text)
        data = parser.fields
        data["notes"] = f"Catatan uji beban {random.randint(1, 10**6)}"
        with self.client.post(
            f"/admin/kim/edit/?id={kim_id}",
            data=data,
            name="/admin/kim/edit/ (save)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 200 and 'id="edit-conflict"' in response.text:
                # Two officers saved the same KIM within the same seconds: the second save is
                # refused by design (version check). A correct answer, counted on its own line.
                response.request_meta["name"] = "/admin/kim/edit/ (save refused: edited meanwhile)"
                response.success()
            elif response.status_code != 302:
                response.failure(f"edit not saved: {response.status_code}")
