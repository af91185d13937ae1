"""Fixtures of the annual report tests."""

import pytest
from django.utils.functional import empty

from rapports.models import report_storage


@pytest.fixture(autouse=True)
def _fresh_report_storage(_private_files):
    """The report storage reads PRIVATE_MEDIA_ROOT once: forget it so that each test's files go to
    that test's folder (the shared fixture only resets the evidence storage)."""
    report_storage._wrapped = empty
    yield
    report_storage._wrapped = empty
