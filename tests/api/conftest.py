"""API clients for the personas of tests/personas.py."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api(people):
    """api(staff) → a client signed in as that staff member; api(None) → anonymous."""

    def client_for(staff=None):
        client = APIClient()
        if staff is not None:
            client.force_authenticate(user=staff.user)
        return client

    return client_for
