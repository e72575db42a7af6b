"""When the law changes: its breakpoints, the Protocol's window, and dated orders.

Everything here is read from the law data (``data/constants.yaml``, ``data/provisions.yaml``,
``data/orders.yaml``); code elsewhere asks these functions instead of writing a legal date or
a number of days.

- :func:`breakpoints` — the dates on which a provision version starts or ends and the dated
  constants, under a reform (moved or removed constants follow it);
- :func:`protocol_window_days` — the IRPR s. 159.4(1.1) window under a reform;
- :func:`law_date` — one dated constant (e.g. ``"D_PROTOCOL"``) under a reform;
- :data:`COVID_DIRECT_BACK` — the COVID-19 direct-back order, an :class:`Order`
  ([start, end) with its source): not a provision of the STCA rules, but a dated fact of the
  law that the Canada–US model, scenario defaults, the API and the reports all read here;
- :func:`order` / :func:`orders` — any dated order of ``orders.yaml`` (e.g. the COVID-19
  travel restrictions ``COVID_ENTRY_PROHIBITION``, ``COVID_US_BORDER_RESTRICTION`` and their
  easing for vaccinated travellers, which gate the Canada–US model's airport and inland
  claims).

>>> protocol_window_days(), protocol_window_days({"protocol_window_days": 30})
(14, 30)
>>> law_date("D_PROTOCOL") in breakpoints()
True
>>> law_date("D_PROTOCOL", {"no_protocol": True}) is None
True
>>> order("COVID_VACCINATED_EASING").end == order("COVID_ENTRY_PROHIBITION").end
True
>>> order = COVID_DIRECT_BACK
>>> order.in_force(order.start), order.in_force(order.last_day), order.in_force(order.end)
(True, True, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from roxham.law.reform import Reform, law_params
from roxham.law.registry import CONSTANTS, constant_dates, provisions

__all__ = [
    "COVID_DIRECT_BACK",
    "Order",
    "breakpoints",
    "law_date",
    "order",
    "orders",
    "protocol_window_days",
]

ReformLike = Reform | Mapping[str, Any] | None


def _reform(reform: ReformLike) -> Reform | None:
    if reform is None or isinstance(reform, Reform):
        return reform
    return Reform.model_validate(dict(reform)) if reform else None


def protocol_window_days(reform: ReformLike = None) -> int:
    """Days of the IRPR s. 159.4(1.1) window (``PROTOCOL_WINDOW_DAYS``) under ``reform``.

    A claim ``d`` days after the day of entry is inside the window iff ``d < window``.
    """
    return law_params(_reform(reform)).window


def law_date(name: str, reform: ReformLike = None) -> dt.date | None:
    """The dated constant ``name`` of ``constants.yaml`` under ``reform`` (None = never)."""
    dates = constant_dates(_reform(reform))
    if name not in dates:
        raise KeyError(f"unknown dated constant {name!r}; expected one of {', '.join(dates)}")
    return dates[name]


def breakpoints(reform: ReformLike = None) -> list[dt.date]:
    """Sorted dates on which the law may change under ``reform``: every dated constant and
    every start and end of a provision version (the versions' bounds are constants too, but a
    provision may also carry a literal date in ``provisions.yaml``). A constant that a rule
    reads strictly (``reads: after`` in ``constants.yaml``, e.g. "entered Canada after June
    24, 2020") also gives the day after it, when the answer changes.
    """
    r = _reform(reform)
    out: set[dt.date] = set()
    for name, d in constant_dates(r).items():
        if d is not None:
            out.add(d)
            if CONSTANTS[name].reads == "after":
                out.add(d + dt.timedelta(days=1))
    for p in provisions():
        for v in p.versions_for(r):
            if v.start != dt.date.min:
                out.add(v.start)
            if v.end is not None:
                out.add(v.end)
    return sorted(out)


@dataclass(frozen=True, slots=True)
class Order:
    """A dated order acting beside the STCA rules, in force on ``[start, end)``."""

    key: str
    name: str
    name_fr: str
    start: dt.date
    end: dt.date
    source: str

    def in_force(self, day: dt.date) -> bool:
        """Whether the order applies on ``day``."""
        return self.start <= day < self.end

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        """``(start, end)``, end exclusive."""
        return (self.start, self.end)

    @property
    def last_day(self) -> dt.date:
        """The last day the order applies (``end`` − 1 day)."""
        return self.end - dt.timedelta(days=1)


def _load_orders() -> dict[str, Order]:
    text = resources.files("roxham.law").joinpath("data", "orders.yaml").read_text("utf-8")
    out = {}
    for key, d in yaml.safe_load(text).items():
        start, end = d["start"], d["end"]
        if not (isinstance(start, dt.date) and isinstance(end, dt.date) and start < end):
            raise ValueError(f"orders.yaml: {key}: start and end must be dates, start < end")
        out[key] = Order(key, str(d["name"]), str(d.get("name_fr", d["name"])), start, end,
                         str(d["source"]))
    return out


_ORDERS = _load_orders()

#: The COVID-19 direct-back order (``orders.yaml``): between-port crossers directed back to
#: the US on ``[start, end)``.
COVID_DIRECT_BACK: Order = _ORDERS["COVID_DIRECT_BACK"]


def order(key: str) -> Order:
    """The dated order ``key`` of ``orders.yaml``."""
    if key not in _ORDERS:
        raise KeyError(f"unknown order {key!r}; expected one of {', '.join(_ORDERS)}")
    return _ORDERS[key]


def orders() -> tuple[Order, ...]:
    """Every dated order of ``orders.yaml``, in file order."""
    return tuple(_ORDERS.values())


def order_date(ref: str) -> dt.date:
    """The date named by ``"ORDER_KEY.start"`` or ``"ORDER_KEY.end"`` (``orders.yaml``), so that
    scenario files can cite an order's date instead of copying it.

    >>> order_date("COVID_DIRECT_BACK.start")
    datetime.date(2020, 3, 21)
    >>> order_date("COVID_DIRECT_BACK.middle")
    Traceback (most recent call last):
    ...
    ValueError: 'COVID_DIRECT_BACK.middle': expected ORDER_KEY.start or ORDER_KEY.end
    """
    key, _, which = ref.partition(".")
    if which not in ("start", "end"):
        raise ValueError(f"{ref!r}: expected ORDER_KEY.start or ORDER_KEY.end")
    if key not in _ORDERS:
        raise ValueError(f"{ref!r}: unknown order {key!r}; expected one of {', '.join(_ORDERS)}")
    o = _ORDERS[key]
    return o.start if which == "start" else o.end
