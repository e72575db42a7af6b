"""Dated orders shown over a screening result: the COVID-19 direct-back order.

The order is not a provision of the STCA rules, so :func:`~roxham.law.determine.determine`
does not evaluate it; a crossing between ports while it was in force (``data/orders.yaml``:
2020-03-21 up to 2021-11-21) gets the STCA's answer *and* a notice that the order directed such
people back to the United States.

>>> import datetime as dt
>>> f = {"nat": ["HT"], "entry": {"mode": "BETWEEN_POE", "date": "2020-06-01"},
...      "claim": {"date": "2020-06-01"}}
>>> [o["order"] for o in orders_in_effect(f, "en")]
['COVID_DIRECT_BACK']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from roxham.law.determine import coerce_facts
from roxham.law.facts import Facts

__all__ = ["orders_in_effect"]


def _covid_order() -> tuple[dt.date, dt.date, str]:
    """(start, end exclusive, source) of the COVID-19 direct-back order: the law's one dated
    constant, :data:`roxham.law.dates.COVID_DIRECT_BACK`."""
    from roxham.law.dates import COVID_DIRECT_BACK as order

    return order.start, order.end, " ".join(order.source.split())


_TEXT = {
    "en": "From {start} to {last}, the COVID-19 direct-back order (Quarantine Act) directed "
    "people who crossed between ports of entry back to the United States, whatever the STCA "
    "answer above; the order had its own exemptions.",
    "fr": "Du {start} au {last}, le décret COVID-19 de renvoi direct (Loi sur la mise en "
    "quarantaine) renvoyait aux États-Unis les personnes entrées entre les points d'entrée, "
    "quelle que soit la réponse ci-dessus au titre de l'Entente ; le décret avait ses propres "
    "exemptions.",
}


def orders_in_effect(facts: Facts | Mapping[str, Any], lang: str = "en") -> list[dict[str, str]]:
    """Notices of the dated orders that acted on this crossing (``[]`` when none): each
    ``{"order", "text", "source"}`` in ``lang``."""
    f = coerce_facts(facts)
    start, end, source = _covid_order()
    if f.entry.mode != "BETWEEN_POE" or not (start <= f.entry.date < end):
        return []
    last = end - dt.timedelta(days=1)
    text = _TEXT["fr" if lang == "fr" else "en"].format(start=start, last=last)
    return [{"order": "COVID_DIRECT_BACK", "text": text, "source": source}]
