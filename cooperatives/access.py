"""Access helpers: the one place where views get the objects a user may see or change.

An object of another cooperative is a 404 (its existence is not revealed); a visible object that
the user's role may not use is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from cooperatives.models import Programme, User


def get_visible_or_404(queryset: QuerySet, user: User, **lookup):
    """Fetch one row among those `user` may read, or raise Http404."""
    return get_object_or_404(queryset.visible_to(user), **lookup)


def require_change(user: User, cooperative_id: int) -> None:
    """403 unless the user may change the records of this (visible) cooperative."""
    if not user.can_edit(cooperative_id):
        raise PermissionDenied


def permission_required(test: Callable[[User], bool]):
    """Decorate a view that only users passing `test` may use (403 for the others)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def reads_buyers(user: User) -> bool:
    return user.reads_buyers


def manages_cooperative(user: User) -> bool:
    return user.manages_cooperative


def is_federation(user: User) -> bool:
    return user.is_federation


def programme_for_user(user: User, pk: int) -> Programme:
    programme = get_visible_or_404(Programme.objects.all(), user, pk=pk)
    if not user.reads_buyers:
        raise PermissionDenied
    return programme
