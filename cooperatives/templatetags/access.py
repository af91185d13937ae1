"""`{% if user|may:"read_buyers" %}`: templates ask the same question as views (User.may)."""

from django import template

from cooperatives.models import Permission

register = template.Library()


@register.filter
def may(user, permission: str) -> bool:
    """Whether `user` may do `permission` (a Permission value: a wrong name fails loudly)."""
    permission = Permission(permission)
    return hasattr(user, "may") and user.may(permission)
