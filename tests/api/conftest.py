"""API clients for the personas of tests/personas.py; the demo data with a token per login
for the schemathesis modules."""

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from caseflow.models import Staff


@pytest.fixture
def api(people):
    """api(staff) → a client signed in as that staff member; api(None) → anonymous."""

    def client_for(staff=None):
        client = APIClient()
        if staff is not None:
            client.force_authenticate(user=staff.user)
        return client

    return client_for


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """The demo data (`seed_demo`), once for the module, and a token for each login;
    each test's own writes roll back with it, and the module's data is flushed at the
    end."""
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
        keys = {s.user.username: Token.objects.get_or_create(user=s.user)[0].key
                for s in Staff.objects.select_related("user")}
    yield keys
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def keep_the_test_connection():
    """The WSGI transport runs requests the way a server does, and Django closes the
    database connection after each one; the test's transaction needs it open (Django's
    own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
