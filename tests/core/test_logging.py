"""A 403 is logged as one line, a 500 keeps its traceback (issue 12 §4)."""

import logging
import sys

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_refused_page_is_logged_without_traceback(client_for, org, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(org["sales1a"]).get(reverse("accounts:users"))
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage().startswith("Forbidden")
    assert record.exc_info is None


def test_a_server_error_keeps_its_traceback():
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logger.makeRecord(
            logger.name, logging.ERROR, __file__, 1, "Internal Server Error", (), None
        )
        record.exc_info = sys.exc_info()
    record.status_code = 500
    assert logger.filters
    assert all(f.filter(record) for f in logger.filters)
    assert record.exc_info is not None
