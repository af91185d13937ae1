"""Access: the one place where views get an object for a user, and the one way to refuse.

- `get_object_for(user, permission, Model or queryset, **lookup)`: an object of another
  cooperative (outside `Model.objects.visible_to(user)`) is a **404**, its existence is not
  revealed; a visible object on which the user's role may not do `permission` is a **403**.
- `require(user, permission, cooperative=None)`: the 403 itself, for checks inside a view.
- `@permission_required(permission)`: the same check for views without an object.
- `@cooperative_chosen`: a page of one cooperative's data, for a reader of several: which one.

What each role may do is the table `User.ROLE_PERMISSIONS` (cooperatives/models.py), asked
through `User.may(permission, cooperative)`; templates ask it with `{% load access %}` and
`user|may:"read_buyers"`.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404, redirect

from cooperatives.models import Cooperative, Permission, User

M = TypeVar("M", bound=Model)


def get_object_for(
    user: User, permission: Permission, source: type[M] | QuerySet[M], **lookup
) -> M:
    """The object `lookup` finds among those `user` reads (404 otherwise), on which the user
    may do `permission` (403 otherwise). `source` is a model with a `cooperative_path`, or one
    of its querysets (to add select_related)."""
    # A TenantQuerySet, or Cooperative's own queryset: both answer visible_to.
    queryset: Any = source if isinstance(source, QuerySet) else cast(Any, source).objects.all()
    path = getattr(queryset.model, "cooperative_path", "")  # "" for Cooperative itself
    if path:
        queryset = queryset.select_related(path)
    found = get_object_or_404(queryset.visible_to(user), **lookup)
    require(user, permission, _cooperative_of(found, path))
    return found


def _cooperative_of(found: Model, path: str) -> Cooperative:
    step: Any = found
    for name in path.split("__") if path else ():
        step = getattr(step, name)
    return step


def require(user: User, permission: Permission, cooperative: Cooperative | None = None) -> None:
    """403 unless the user may do `permission` (on `cooperative`, when given)."""
    if not user.may(permission, cooperative):
        raise PermissionDenied(f"Votre rôle ne permet pas de {permission.label}.")


def permission_required(permission: Permission):
    """Decorate a view without an object that only users with `permission` may use."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


CHOSEN = "cooperative"  # the query parameter that names the cooperative a page reads


def cooperative_chosen(view):
    """For a page that reads one cooperative's data (scorecard, charter, actions): a reader of
    several cooperatives (federation, superuser) chooses which with ?cooperative=<id> (404 if
    not among those they read); without a choice they are sent to the federation's summaries,
    where each cooperative links to its pages. The view gets `request.chosen_cooperative`: the
    chosen one, or None for a user of one cooperative (their pages read only theirs)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        request.chosen_cooperative = None
        if not user.reads_one_cooperative:
            chosen = request.GET.get(CHOSEN, "")
            if not chosen.isdigit():
                return redirect("federation_overview")
            request.chosen_cooperative = get_object_or_404(
                Cooperative.objects.visible_to(user), pk=int(chosen)
            )
        return view(request, *args, **kwargs)

    return wrapper
