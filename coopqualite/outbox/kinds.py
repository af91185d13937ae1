"""The kinds of e-mail the outbox sends: one concrete model each, registered at start-up.

A feature registers its kind in its `AppConfig.ready()` (the outbox imports no feature):

    kinds.register(kinds.Kind(model=Message, build=..., cancel_reason=..., related=(...)))

The kind's name is its model's label ("enquetes.message"): it travels in the one Celery task
(`outbox_send_task(kind, ids)`), and the one dispatcher walks every registered kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from django.core.mail import EmailMessage
    from django.db.models import Prefetch

    from coopqualite.outbox.models import OutboxMessage

M = TypeVar("M", bound="OutboxMessage")


def _never(message: Any, now: dt.datetime) -> str:
    return ""


def _no_context(message: Any) -> str:
    return ""


@dataclass(frozen=True)
class Kind(Generic[M]):
    model: type[M]
    # The e-mail of one row (its related rows are loaded: `related`). Raising fails the row.
    build: Callable[[M], EmailMessage]
    # Why this row must not be sent any more ("" to send it), checked just before the claim;
    # a reason is stored on the row: French, for staff.
    cancel_reason: Callable[[M, dt.datetime], str] = _never
    # select_related() paths that `build`, `cancel_reason` and `log_context` read.
    related: tuple[str, ...] = ()
    # prefetch_related() lookups for the rows that many messages of a batch share (the
    # campaign of a batch's invitations): loaded once per batch instead of once per row.
    shared: tuple[str | Prefetch, ...] = ()
    # Ids only, for the logs (never an address, a name or a token): "campaign 3, number 1".
    log_context: Callable[[M], str] = _no_context
    # Optional: called once per batch (one `outbox_send`), returns the `build` of that batch,
    # which may reuse what the batch's rows share (templates rendered once per campaign). It
    # must build the same e-mails as `build`.
    batch_build: Callable[[], Callable[[M], EmailMessage]] | None = None

    def builder(self) -> Callable[[M], EmailMessage]:
        """The `build` of one batch."""
        return self.batch_build() if self.batch_build else self.build

    @property
    def name(self) -> str:
        return self.model._meta.label_lower


_registry: dict[str, Kind[Any]] = {}


def register(kind: Kind[Any]) -> None:
    _registry[kind.name] = kind


def get(name: str) -> Kind[Any]:
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"outbox: no kind {name!r} registered") from None


def registered() -> list[Kind[Any]]:
    return list(_registry.values())
