"""The client's address, for the login lockout (django-axes' AXES_CLIENT_IP_CALLABLE).

Behind TRUSTED_PROXY_COUNT reverse proxies, each of them appends to X-Forwarded-For the address
it received the request from, so the client is the N-th entry from the right; anything further
left was written by the client and is never believed. With no proxy declared (the default),
X-Forwarded-For is ignored and the address is REMOTE_ADDR: a forged header changes nothing.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < count:
        return remote  # a proxy that did not add its entry: the proxy's own address is safer
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote
