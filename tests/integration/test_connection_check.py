"""A kept database connection cut since the last request (a PostgreSQL restart, a terminated
session) costs the next request nothing. Pages rely on Django's check (CONN_HEALTH_CHECKS: a
`SELECT 1` before a request's first statement); the WorkMail API's first read is that check
itself (workmail_console.db.fetch_first), so a call costs one round trip, not two."""

import boto3
import pytest
from django.db import OperationalError, connection

from tests.api.clients import NO_RETRIES
from tests.conftest import require
from tests.factories import active_organization
from tests.integration.test_broker_down import Web
from tests.integration.test_faults import print_logs, terminate_sessions
from tests.waiting import wait_for
from workmail_console import db
from workmail_console.access_keys import create_access_key

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit, as a request runs


def _postgresql() -> None:
    require(None if connection.vendor == "postgresql" else "pg_terminate_backend is PostgreSQL's")
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]


def _backend() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cut(pid: int) -> None:
    """Terminate session `pid` from another connection, and wait until it is gone."""
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

            def gone() -> bool:
                """the session to end"""
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                return cursor.fetchone()[0] == 0

            wait_for(gone, timeout=10, interval=0.05)
    finally:
        other.close()


def _a_request_starts() -> None:
    """What Django does for a kept connection when a request starts (close_old_connections)."""
    connection.close_if_unusable_or_obsolete()
    assert connection.connection is not None and not connection.health_check_done


def test_the_first_read_of_a_request_is_its_connection_check(monkeypatch):
    _postgresql()
    pid = _backend()
    _a_request_starts()
    checks = []
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)

    assert db.fetch_first("SELECT pg_backend_pid()", []) == (pid,)
    assert checks == []  # no SELECT 1 before it
    assert connection.health_check_done  # nor before the request's next statements


def test_a_cut_connection_is_replaced_and_the_read_runs_again():
    _postgresql()
    pid = _backend()
    _cut(pid)
    _a_request_starts()

    (replaced,) = db.fetch_first("SELECT pg_backend_pid()", [])
    assert replaced != pid


def test_a_read_that_fails_on_a_live_connection_fails_once():
    _postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 50")
    pid = _backend()
    _a_request_starts()
    runs = []

    def counting(execute, sql, params, many, context):
        runs.append(sql)
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(counting), pytest.raises(OperationalError):
            db.fetch_first("SELECT pg_sleep(1)", [])  # canceled by the timeout
        assert runs == ["SELECT pg_sleep(1)"]
        assert _backend() == pid  # the same connection, still in use
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


@pytest.mark.process
def test_an_api_call_after_the_servers_connection_was_cut_still_answers(
    services_problem, process_env, admin, tmp_path
):
    _postgresql()
    require(services_problem)
    organization = active_organization(account=admin.account)
    access_key, secret = create_access_key(admin.user)
    application_name = "workmail-web-cut"
    web = Web(process_env(PGAPPNAME=application_name), tmp_path / "web.log", session="")
    try:
        with web.running():
            workmail = boto3.client(
                "workmail", region_name="us-east-1", endpoint_url=web.base,
                aws_access_key_id=access_key.key_id, aws_secret_access_key=secret,
                config=NO_RETRIES,
            )  # fmt: skip
            described = workmail.describe_organization(OrganizationId=organization.organization_id)
            assert described["State"] == "Active"
            assert terminate_sessions(application_name) >= 1

            # One attempt (NO_RETRIES): the call itself must get through.
            described = workmail.describe_organization(OrganizationId=organization.organization_id)
            assert described["Alias"] == organization.alias
            assert terminate_sessions(application_name) >= 1
            listed = workmail.list_organizations()["OrganizationSummaries"]
            assert [o["OrganizationId"] for o in listed] == [organization.organization_id]
        assert "Traceback" not in web.log.read_text()
    finally:
        print_logs(web.log)
