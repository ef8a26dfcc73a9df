"""The app as production runs it, on this machine, for `make cluster` (tests/cluster/) and
`make load` (the `load` command): a throwaway database, app servers (gunicorn) and the queue's
worker, each a process of its own with production settings and a log of its own, all stopped
at the end however it ends; and a visitor who reaches them over HTTP as a browser does
through the proxy in front of them.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Self
from urllib.parse import urlencode, urlsplit

import psycopg
from django.conf import settings
from psycopg import sql

# The PostgreSQL server that .ci/run tries; a run makes a database of its own there.
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
# Seconds for a process to listen, or for a report to be rendered.
WAIT = 60


def postgres_answers() -> bool:
    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=5).close()
    except psycopg.OperationalError:
        return False
    return True


class PostgresDatabase:
    """A new, empty database on the local PostgreSQL server while the `with` block runs, then
    dropped; `url` is its DATABASE_URL."""

    def __init__(self, purpose: str) -> None:
        self.name = f"r2p_{purpose}_{secrets.token_hex(4)}"
        self.url = f"{POSTGRES}/{self.name}"

    def __enter__(self) -> str:
        self._run("CREATE DATABASE {}")
        return self.url

    def __exit__(self, *exc: object) -> None:
        # FORCE: a connection left open by a process killed mid-query must not keep it.
        self._run("DROP DATABASE IF EXISTS {} WITH (FORCE)")

    def _run(self, statement: str) -> None:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL(statement).format(sql.Identifier(self.name)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int, process: subprocess.Popen) -> bool:
    """Whether `process` listens on `port` of 127.0.0.1 within WAIT seconds (not if it ends)."""
    deadline = time.monotonic() + WAIT
    while process.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def production_env(database_url: str, **variables: str) -> dict[str, str]:
    """The environment of every process of a deployment: production settings, as README
    "Production" sets them, on loopback. The SSL redirect stays on: requests come as from the
    proxy where TLS ends (Visitor)."""
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        # One key for every process: a session signed in on one app server is read on another.
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Nobody listens there: an email is tried, fails and waits for its retry, never sent.
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(free_port()),
        "DATABASE_URL": database_url,
        **variables,
    }


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def tail(self, lines: int = 40) -> str:
        last = self.log.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join([f"--- {self.name}: the last {len(last)} lines of {self.log}", *last])

    def stop(self) -> None:
        """SIGTERM to the process and its own (gunicorn's workers, a render's child), SIGKILL
        to whatever is left after 10 s."""
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        with suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()


class Deployment:
    """Processes started in turn with `env`, their logs in `directory`, all stopped when the
    `with` block ends, however it ends."""

    def __init__(self, directory: Path, env: dict[str, str]) -> None:
        self.directory, self.env = directory, env
        self.processes: list[Process] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.processes):
            process.stop()

    def manage(self, *args: str, env: dict[str, str] | None = None) -> None:
        """`manage.py ARGS`, to its end; what it printed is in the error if it fails."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            env=env or self.env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")

    def app_server(self, *, workers: int) -> str:
        """gunicorn with `workers` sync workers, as README "Production" runs it: its URL."""
        gunicorn = Path(sys.executable).parent / "gunicorn"
        if not gunicorn.exists():
            raise RuntimeError(f"{gunicorn} is missing: pip install '.[prod]' (make install)")
        port = free_port()
        # No control socket: servers on one machine would share one ($HOME/.gunicorn/).
        options = ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--no-control-socket"]
        process = self._start(f"app-server-{port}", [str(gunicorn), "r2p_assess.wsgi", *options])
        if not listening(port, process.popen):
            raise RuntimeError(f"{process.name} did not start\n{process.tail()}")
        return f"http://127.0.0.1:{port}"

    def worker(self) -> Process:
        return self._start("worker", [sys.executable, "manage.py", "db_worker"])

    def logs(self) -> str:
        return "\n".join(process.tail() for process in self.processes)

    def _start(self, name: str, command: list[str]) -> Process:
        log = self.directory / f"{name}.log"
        with log.open("wb") as output:
            popen = subprocess.Popen(
                command,
                env=self.env,
                cwd=settings.BASE_DIR,
                stdout=output,
                stderr=subprocess.STDOUT,
                # A session of its own, as a service manager starts each service: its process
                # group is stopped as one, and the kernel shares the CPU between sessions
                # before nice counts within each, so a render's nice 10 yields nothing to the
                # app servers here, as on a machine running both as services.
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def expect(self, status: int, doing: str) -> Self:
        if self.status != status:
            raise AssertionError(f"{doing}: {self.status}, not {status}\n{self.text[:2000]}")
        return self


def fetch(method: str, url: str, *, headers: dict[str, str], body: bytes = b"") -> Reply:
    """One request, on a connection of its own; redirects are the caller's to follow."""
    parts = urlsplit(url)
    connection = HTTPConnection(parts.netloc, timeout=WAIT)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def probe(url: str) -> Reply:
    """A GET as a load balancer's health check makes it: to the app server itself, over plain
    HTTP, with no cookie."""
    return fetch("GET", url, headers={})


class Visitor:
    """One person's browser, as the app servers see it from behind the proxy where TLS ends.

    Production's cookies are Secure, sent by a browser over HTTPS only: to the proxy, which
    passes them on over plain HTTP with `X-Forwarded-Proto: https`, the header settings.py
    trusts to say that the browser's side was HTTPS (so no redirect to HTTPS, and the CSRF
    check compares the Origin with https://). There is no proxy here, and a cookie jar
    (http.cookiejar's, requests') never sends a Secure cookie to an http:// address, so the
    visitor keeps its cookies itself and sends them with that header, as the proxy does.
    """

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    @property
    def headers(self) -> dict[str, str]:
        """What the app server gets with each request from this person, through the proxy."""
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return {"X-Forwarded-Proto": "https", **({"Cookie": cookie} if cookie else {})}

    def get(self, url: str) -> Reply:
        return self._keep_cookies(fetch("GET", url, headers=self.headers))

    def post(self, url: str, fields: dict[str, str]) -> Reply:
        headers = {
            **self.headers,
            "Content-Type": "application/x-www-form-urlencoded",
            # As browsers send it with a form: the CSRF check of an HTTPS request needs it.
            "Origin": f"https://{urlsplit(url).netloc}",
        }
        return self._keep_cookies(
            fetch("POST", url, headers=headers, body=urlencode(fields).encode())
        )

    def form(self, url: str) -> dict[str, str]:
        """The page's hidden fields (the CSRF token, a section's revision and writer id), as
        its form sends them."""
        page = _HiddenInputs()
        page.feed(self.get(url).expect(200, f"GET {url}").text)
        return page.fields

    def submit(self, url: str, fields: dict[str, str]) -> Reply:
        """Open the page and post its form with `fields`."""
        return self.post(url, {**self.form(url), **fields})

    def sign_in(self, base: str, username: str, password: str, *, code: str = "") -> None:
        """The password, then, if given, the second factor's code (or a recovery code)."""
        login = f"{base}/accounts/login/"
        self.submit(login, {"username": username, "password": password}).expect(302, login)
        if code:
            verify = f"{base}/accounts/second-factor/"
            self.submit(verify, {"code": code}).expect(302, verify)

    def download_when_ready(self, url: str) -> Reply:
        """The report, as its "Preparing your report" page gets it: asked for again while it
        is being prepared (202)."""
        deadline = time.monotonic() + WAIT
        while (reply := self.get(url)).status == 202:
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} was still being prepared after {WAIT} s")
            time.sleep(0.5)
        return reply

    def _keep_cookies(self, reply: Reply) -> Reply:
        for header in reply.headers.get_all("Set-Cookie", []):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":  # deleted, as Django deletes one
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return reply


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields.setdefault(attributes["name"], attributes.get("value") or "")
