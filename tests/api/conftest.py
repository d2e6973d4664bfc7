"""Helpers for the API tests: a client that sends a user's bearer token."""

import pytest
from django.test import Client

from guanxi.accounts.services import token_create


@pytest.fixture
def token_for(db):
    """token_for(user) creates an API token through the service and returns the raw key."""

    def _token(user, name="tests"):
        _token_object, raw = token_create(user=user, name=name)
        return raw

    return _token


@pytest.fixture
def api_for(token_for):
    """api_for(user, language=None) is a test client authenticated by the user's token."""

    def _client(user, language=None):
        headers = {"Authorization": f"Bearer {token_for(user)}"}
        if language:
            headers["Accept-Language"] = language
        return Client(headers=headers)

    return _client
