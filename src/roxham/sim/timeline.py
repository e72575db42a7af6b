"""The dated policy timeline: events applied at the start of their day.

An :class:`Event` has a date, a kind and its arguments. Kinds the engine applies itself:

=====================  ===============================================================
``close_location``     ``target`` = location name: no option may lead into it
``open_location``      reopen it
``close_link``         ``target`` = ``(from, to)``: no agent enters it; agents on it are
                       sent back to its start when they reach its end (Flee's rule)
``open_link``          reopen it
``set_parameter``      ``target`` = parameter name, ``value`` = new value (in ``sim.params``)
``set_interception``   ``target`` = crossing name, ``value`` = probability in [0, 1]
``set_capacity``       ``target`` = queue name, ``value`` = capacity per day (None = unlimited)
``law_reform``         ``value`` = an opaque dict passed (with earlier reforms) to the oracle
=====================  ===============================================================

Any other kind is offered to the model's ``on_event`` hook (models add their own events);
an event nobody handles is an error. Events dated before the period start are applied
before day 0, in date order.

>>> tl = Timeline([Event(dt.date(2023, 3, 20), "close_link", ("A", "B")),
...                Event(dt.date(2023, 1, 1), "set_parameter", "speed_km_per_day", 300.0)])
>>> [e.kind for e in tl.on_day(dt.date(2023, 1, 1), dt.date(2023, 3, 20))]
['close_link']
>>> [e.kind for e in tl.before(dt.date(2023, 3, 1))]
['set_parameter']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ENGINE_EVENT_KINDS", "Event", "Timeline"]

ENGINE_EVENT_KINDS = frozenset(
    {
        "close_location",
        "open_location",
        "close_link",
        "open_link",
        "set_parameter",
        "set_interception",
        "set_capacity",
        "law_reform",
    }
)


@dataclass(frozen=True)
class Event:
    """One dated policy event (see the module docstring for the kinds)."""

    date: dt.date
    kind: str
    target: str | tuple[str, str] | None = None
    value: Any = None
    #: free text shown in reports ("Additional Protocol in force")
    label: str = ""
    #: where it came from (e.g. ``"scenario.yaml:42"``), for error messages
    origin: str = field(default="", compare=False)


class Timeline:
    """Events sorted by date (stable: same-day events keep their given order)."""

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self.events: tuple[Event, ...] = tuple(sorted(events, key=lambda e: e.date))

    def __len__(self) -> int:
        return len(self.events)

    def before(self, start: dt.date) -> list[Event]:
        """Events dated strictly before ``start`` (applied before day 0)."""
        return [e for e in self.events if e.date < start]

    def on_day(self, start: dt.date, date: dt.date) -> list[Event]:
        """Events to apply at the start of ``date`` (for ``date == start``, those of that day;
        earlier ones are returned by :meth:`before`)."""
        return [e for e in self.events if e.date == date and e.date >= start]

    def reforms(self) -> list[tuple[dt.date, Mapping[str, Any]]]:
        """``(date, reform)`` of every ``law_reform`` event, in order."""
        return [(e.date, dict(e.value or {})) for e in self.events if e.kind == "law_reform"]
