"""Every list that grows with the data is shown a page at a time, through one component.

`paginate` cuts a query set into the page the request asks for (`?<param>=<n>`, a name of its
own per list so that several lists of one page turn independently); the `pagination` tag of
`coopqualite.templatetags.pages` draws the links (components/pagination.html), keeping the
request's other parameters. Two queries per list (count, page) whatever its length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(
    items: Sequence[Any] | QuerySet[Any],
    request: HttpRequest,
    *,
    param: str = "page",
    per_page: int,
) -> Page:
    """The page of `items` asked for by `request.GET[param]` (the first, or the last if out of
    range)."""
    return Paginator(items, per_page).get_page(request.GET.get(param))
