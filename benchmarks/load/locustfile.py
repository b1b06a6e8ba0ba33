"""Locust workload for ``bench_load.py``: coordinators, reporters and API clients against one server.

Configured through the environment by ``bench_load.py`` (never run against anything but 127.0.0.1):

- ``LOAD_COORDINATOR`` / ``LOAD_REPORTER``: user names; ``LOAD_PASSWORD``: their password
- ``LOAD_TOKEN``: an organisation API token; ``LOAD_PAYLOAD``: the JSON body of a signal
- ``LOAD_REFERENCES``: a file with case references the coordinator may open (one per line)
- ``LOAD_SESSIONS``: JSON ``{"coordinator": [session keys], "reporter": [...]}``; empty: log in with the password

Names of the requests are the URL patterns, so case numbers do not split the statistics.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid
from pathlib import Path

from locust import FastHttpUser, between, task

REFERENCES = [line.strip() for line in Path(os.environ.get("LOAD_REFERENCES", "/dev/null")).read_text().splitlines()
              if line.strip()]
PAYLOAD = json.loads(os.environ.get("LOAD_PAYLOAD", "{}"))
#: the cookie names of settings.py over plain HTTP (the load test serves on 127.0.0.1 without TLS)
SESSION_COOKIE = os.environ.get("LOAD_SESSION_COOKIE", "vangnet_session")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


#: synthetic names only
GIVEN = ["Ana", "Maria", "Ioana", "Olena", "Tetiana", "Amina", "Fatima", "Grace", "Blessing", "Linh", "Mai", "Wei",
         "Li", "Samir", "Yonas", "Senait", "Joana", "Piotr", "Dmytro", "Rahul", "Priya", "Carlos", "Lucia", "Eva"]
FAMILY = ["Popescu", "Ionescu", "Kowalski", "Shevchenko", "Kovalenko", "Okafor", "Adeyemi", "Nguyen", "Tran", "Zhang",
          "Chen", "Haile", "Tesfaye", "Singh", "Sharma", "Silva", "Santos", "Horvath", "Petrov", "El Amrani", "Jansen"]

#: seconds a user waits between two requests (reading the page, typing): ``LOAD_THINK_TIME=low,high``
THINK_LOW, THINK_HIGH = (float(x) for x in os.environ.get("LOAD_THINK_TIME", "1,3").split(","))

SESSIONS: dict[str, list[str]] = json.loads(os.environ.get("LOAD_SESSIONS") or "{}")


class WebUser(FastHttpUser):  # FastHttpUser: the load generator shares the 2 cores, so it must be light
    abstract = True
    username = ""
    kind = ""

    def on_start(self) -> None:
        self.cookie: dict[str, str] = {}
        pool = SESSIONS.get(self.kind)
        if pool:  # a session made beforehand: the measurement is about pages, not password hashing
            self.cookie = {"Cookie": f"{SESSION_COOKIE}={pool.pop()}"}
            return
        page = self.client.get("/login/", name="/login/")
        match = CSRF.search(page.text)
        token = match.group(1) if match else ""
        with self.client.post("/login/", name="/login/ (POST)", catch_response=True, allow_redirects=False, data={
            "username": self.username, "password": os.environ["LOAD_PASSWORD"], "csrfmiddlewaretoken": token,
        }, headers={"Referer": f"{self.host}/login/"}) as response:
            if response.status_code != 302:
                response.failure(f"login failed for {self.username}: {response.status_code}")

    def page(self, path: str, name: str) -> None:
        """GET a page; being sent to the login page counts as a failure (a lost session)."""
        with self.client.get(path, name=name, catch_response=True, headers=self.cookie,
                             allow_redirects=False) as response:
            if response.status_code in (301, 302) and "/login/" in (response.headers.get("Location") or ""):
                response.failure("sent to the login page")
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Coordinator(WebUser):
    weight = 3
    wait_time = between(THINK_LOW, THINK_HIGH)
    username = os.environ.get("LOAD_COORDINATOR", "")
    kind = "coordinator"

    @task(4)
    def worklist(self) -> None:
        self.page("/cases/", "/cases/ (worklist)")

    @task(2)
    def worklist_filtered(self) -> None:
        self.page("/cases/?status=in_care", "/cases/?status=")

    @task(4)
    def case_page(self) -> None:
        if REFERENCES:
            self.page(f"/cases/{random.choice(REFERENCES)}/", "/cases/<reference>/")


class Reporter(WebUser):
    weight = 2
    wait_time = between(THINK_LOW, THINK_HIGH)
    username = os.environ.get("LOAD_REPORTER", "")
    kind = "reporter"

    @task(3)
    def my_signals(self) -> None:
        self.page("/signals/", "/signals/ (mine)")

    @task(1)
    def home(self) -> None:
        self.page("/", "/ (home)")

    @task(1)
    def handovers(self) -> None:
        self.page("/sharing/", "/sharing/ (handovers)")


class ApiClient(FastHttpUser):
    weight = 1
    wait_time = between(THINK_LOW, THINK_HIGH)

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Token {os.environ['LOAD_TOKEN']}"}
        self.created: list[str] = []

    @task(2)
    def submit(self) -> None:
        # a different synthetic person each time (mostly new persons, sometimes a namesake), as in real intake
        person = {**PAYLOAD.get("person", {}), "given_names": random.choice(GIVEN),
                  "family_name": random.choice(FAMILY),
                  "birth_date": f"{random.randint(1965, 2008)}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}"}
        with self.client.post("/api/v1/signals", name="POST /api/v1/signals", json={**PAYLOAD, "person": person},
                              catch_response=True,
                              headers={**self.headers, "Idempotency-Key": uuid.uuid4().hex}) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            self.created.append(response.json()["id"])

    @task(3)
    def read_back(self) -> None:
        if self.created:
            self.client.get(f"/api/v1/signals/{random.choice(self.created)}", headers=self.headers,
                            name="GET /api/v1/signals/<id>")

