"""The client's address behind reverse proxies (coopqualite/proxy.py), used by the lockout."""

import pytest
from django.test import RequestFactory

from coopqualite.proxy import client_ip


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_declared_proxy_the_address_is_remote_addr_whatever_the_header_says(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from("192.0.2.66", "203.0.113.9")) == "192.0.2.66"


def test_behind_one_proxy_the_address_is_the_last_forwarded_entry_not_the_forged_ones(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"


def test_behind_two_proxies_the_address_is_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    found = client_ip(request_from("10.0.0.3", "6.6.6.6, 203.0.113.9, 10.0.0.2"))

    assert found == "203.0.113.9"


@pytest.mark.parametrize("forwarded", [None, "", "pas-une-adresse", "203.0.113.9"])
def test_a_missing_short_or_garbled_header_falls_back_to_remote_addr(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 2 if forwarded == "203.0.113.9" else 1

    assert client_ip(request_from("10.0.0.2", forwarded)) == "10.0.0.2"


def test_an_ipv6_forwarded_address_is_normalised(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from("10.0.0.2", "2001:DB8:0:0::1")) == "2001:db8::1"
