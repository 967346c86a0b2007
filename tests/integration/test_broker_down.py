"""With the broker down, the console still answers at once and loses nothing: an organization waits
as Requested and a registration as In progress, and the sweeps send them once the broker is back."""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from route53.models import DomainRegistration, RegistrationStatus
from tests.conftest import require, signed_in
from tests.integration.test_faults import print_logs
from tests.processes import CeleryProcess, PrivateRedis, free_port
from tests.waiting import wait_for
from workmail_console.var import prepare

CREATE = textwrap.dedent(
    """
    from organizations import services
    from workmail_console.models import Account

    organization = services.create_organization(
        account=Account.create(), region="us-east-1", alias="brokerless"
    )
    organization.refresh_from_db()
    print("state", organization.state, "events", organization.events.count())
    """
)


@pytest.mark.process
def test_create_answers_and_keeps_the_organization_when_the_broker_is_down(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "WORKMAIL_QUEUE"}},
        "WORKMAIL_VAR_DIR": str(prepare(tmp_path)),
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
    }
    run = [sys.executable, "manage.py"]
    subprocess.run(
        [*run, "migrate"], cwd=settings.BASE_DIR, env=env, check=True, capture_output=True
    )
    result = subprocess.run(
        [*run, "shell", "-c", CREATE],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "state Requested events 1" in result.stdout, result.stderr[-2000:]
    assert "the stuck sweep will pick it up" in result.stderr


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object) -> None:
        return None  # Web.open follows them itself, with the cookies the redirect set


NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


class Web:
    """The console served by gunicorn in a process of its own, browsed with a session cookie."""

    def __init__(self, env: dict[str, str], log: Path, session: str) -> None:
        self.base = f"http://127.0.0.1:{free_port()}"
        self.env = env
        self.log = log
        self.cookies = {"sessionid": session}

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        with self.log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "workmail_console.wsgi", "--workers", "1",
                 "--no-control-socket", "--bind", self.base.removeprefix("http://")],
                cwd=settings.BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        try:
            wait_for(self._answers, timeout=30, interval=0.2)
            yield
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)

    def _answers(self) -> bool:
        """gunicorn to answer"""
        try:
            urllib.request.urlopen(f"{self.base}/signin/", timeout=10).close()
        except OSError:  # refused, reset or timed out while it boots (URLError is an OSError)
            return False
        return True

    def open(self, path: str, form: dict[str, str] | None = None) -> str:
        """The page at `path`, GET or, with `form`, POST, following redirects and keeping cookies
        as a browser does. An error status raises HTTPError."""
        data = urlencode(form).encode() if form is not None else None
        while True:
            cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            request = urllib.request.Request(self.base + path, data, {"Cookie": cookie})
            try:
                response = NO_REDIRECTS.open(request, timeout=30)
            except HTTPError as error:
                if error.code not in (301, 302, 303):
                    raise
                response = error
            with response:
                for header in response.headers.get_all("Set-Cookie") or []:
                    name, _, value = header.partition(";")[0].partition("=")
                    self.cookies[name] = value
                if response.status not in (301, 302, 303):
                    return response.read().decode()
                path, data = response.headers["Location"], None

    def submit(self, path: str, form: dict[str, str]) -> str:
        """Fill in the form at `path` and send it, as a browser would (with its CSRF token)."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.open(path))
        return self.open(path, {"csrfmiddlewaretoken": token.group(1), **form})


def registration_row(page: str, name: str) -> str:
    row = re.search(rf'<tr data-domain="{re.escape(name)}">.*?</tr>', page, re.DOTALL)
    assert row, f"no row for {name} on the page"
    return row.group(0)


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.process
@pytest.mark.django_db(transaction=True)
def test_a_domain_registered_while_the_broker_is_down_completes_once_it_is_back(
    services_problem, process_env, admin, tmp_path
) -> None:
    require(services_problem)
    require(None if shutil.which("redis-server") else "redis-server is not on PATH")
    broker = PrivateRedis(tmp_path / "redis.log")
    env = process_env(CELERY_BROKER_URL=broker.url)  # beat sweeps every second, stuck after 2 s
    worker = CeleryProcess.worker(env, tmp_path / "worker.log", name="brokerless")
    beat = CeleryProcess.beat(env, tmp_path / "beat.log", tmp_path / "schedule")
    session = signed_in(admin).cookies["sessionid"].value  # saved in the shared database
    web = Web(env, tmp_path / "web.log", session=session)
    try:
        # Everyone started on a live broker (the worker's start-up sweeps find nothing): only
        # beat's sweep can send what the web could not.
        with broker, worker, beat, web.running():
            broker.kill()
            page = web.submit(reverse("route53:register"), {"name": "offline.example.com"})
            assert "The registration of offline.example.com is in progress" in page
            assert 'data-state="IN_PROGRESS"' in registration_row(page, "offline.example.com")
            assert "the stuck sweep will pick it up" in web.log.read_text()
            broker.start()

            def completed() -> bool:
                """the registration to be Successful"""
                return DomainRegistration.objects.filter(
                    name="offline.example.com", status=RegistrationStatus.SUCCESSFUL
                ).exists()

            wait_for(completed, timeout=60, interval=0.2)
            page = web.open(reverse("route53:domains"))

        zone = DomainRegistration.objects.select_related("zone").get().zone
        assert zone.name == "offline.example.com"
        row = registration_row(page, "offline.example.com")
        assert 'data-state="SUCCESSFUL"' in row and zone.zone_id in row
    finally:
        print_logs(broker.log, worker.log, beat.log, web.log)
