"""Anonymity of survey results, stated once.

In an anonymous campaign nothing lets staff link an answer to a person: responses carry no link to
their invitation and no date (see `enquetes.models.Response`), lists show counts, never who answered
(`enquetes.selectors.campaign_follow_up`), and no figure computed on fewer than `MIN_CELL` people is
shown or exported. `hidden_cells` is the one mask that every breakdown goes through: the whole
campaign (results, comments, exports), each question, theme and commitment, programmes, channels,
response rates per programme, and the answers over time. Nominative campaigns hide nothing: their
staff know who answered.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

MIN_CELL = 5  # the fewest people a figure of an anonymous campaign may be computed on

K = TypeVar("K", bound=Hashable)


def hidden_cells(anonymous: bool, cells: Mapping[K, int]) -> set[K]:
    """The cells of a breakdown that must not be shown.

    `cells` maps each cell to the number of people its figure is computed on. Give together the
    cells that split one population (programmes, channels): a cell of fewer than `MIN_CELL` people
    is hidden, and if the hidden cells hold between 1 and `MIN_CELL` - 1 people together (a figure
    anyone could get by subtracting the shown cells from the total), the smallest shown cells are
    hidden too, until the hidden ones hold at least `MIN_CELL` people.
    """
    if not anonymous:
        return set()
    hidden = {key for key, n in cells.items() if n < MIN_CELL}
    held = sum(cells[key] for key in hidden)
    shown = sorted((key for key in cells if key not in hidden), key=lambda key: cells[key])
    while 0 < held < MIN_CELL and shown:
        key = shown.pop(0)
        hidden.add(key)
        held += cells[key]
    return hidden


def is_hidden(anonymous: bool, people: int) -> bool:
    """Whether one figure computed on `people` people must not be shown (the same rule)."""
    return bool(hidden_cells(anonymous, {"": people}))
