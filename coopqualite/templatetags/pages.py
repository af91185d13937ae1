"""{% pagination page param label %}: the links of one paginated list (coopqualite.pagination)."""

from django import template

register = template.Library()


@register.inclusion_tag("components/pagination.html", takes_context=True)
def pagination(context, page, param: str = "page", label: str = "Pages", anchor: str = ""):
    request = context["request"]

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}{'#' + anchor if anchor else ''}"

    return {
        "page": page,
        "label": label,
        "previous": url(page.previous_page_number()) if page.has_previous() else None,
        "next": url(page.next_page_number()) if page.has_next() else None,
        "first": url(1) if page.number > 2 else None,
        "last": url(page.paginator.num_pages)
        if page.number < page.paginator.num_pages - 1
        else None,
    }


@register.filter
def filters_in_use(form) -> int:
    """How many fields of a GET filter form have a value: the folded filters open when some do."""
    if not form.is_bound:
        return 0
    return sum(1 for name in form.fields if any(v.strip() for v in form.data.getlist(name)))
