"""The Safe Third Country Agreement (STCA) as executable, dated, cited law.

Eligibility to refer a refugee claim in Canada for people arriving from the United States:
IRPA s. 101(1) and IRPR ss. 159.1–159.7, per ``docs/law/RULES.md``. The provisions (texts, dates,
sources) are data in ``roxham/law/data/``; :mod:`~roxham.law.rules` holds the predicates;
:func:`determine` decides one person with a trace; :func:`evaluate_batch` decides columns of
people with a Numba kernel and the same answers; a :class:`Reform` changes provisions or dates
(or reads an ambiguity another way) for both.

>>> import datetime as dt
>>> facts = {"nat": ["HT"], "entry": {"mode": "LAND_POE", "date": "2022-08-15"},
...          "claim": {"date": "2022-08-15"}}
>>> det = determine(facts, dt.date(2022, 8, 15))
>>> det.result_code, det.grounds
('INELIGIBLE/STCA', ['101(1)(e)'])
>>> print(explain(det).splitlines()[0])
Not eligible under the Safe Third Country Agreement (IRPA s. 101(1)(e)).
>>> sister = {**facts, "family": [{"rel": "sister", "status": "VISITOR"}]}
>>> what_would_change(sister, dt.date(2022, 8, 15))[0].provision
'IRPR 159.5(a)'
>>> evaluate_batch(columns_from_facts([facts, sister]), dt.date(2022, 8, 15),
...                Reform(stca_suspended=True)).result_codes()
['ELIGIBLE/STCA_NOT_IN_FORCE', 'ELIGIBLE/STCA_NOT_IN_FORCE']
"""

from __future__ import annotations

from roxham.law.batch import BatchResult, columns_from_facts, default_columns, evaluate_batch
from roxham.law.changes import Change, what_would_change
from roxham.law.dates import (
    COVID_DIRECT_BACK,
    Order,
    breakpoints,
    law_date,
    order,
    order_date,
    orders,
    protocol_window_days,
)
from roxham.law.determine import (
    RESULT_CODES,
    STCA_STATUSES,
    Determination,
    TraceStep,
    consequence,
    determine,
)
from roxham.law.explain import derived_text, explain
from roxham.law.facts import MAX_DATE, MAX_ITEMS, MIN_DATE, Facts
from roxham.law.reform import EXCEPTION_IDS, GROUND_IDS, Reform
from roxham.law.registry import Provision, get_provision, provisions, provisions_in_force

__all__ = [
    "COVID_DIRECT_BACK",
    "EXCEPTION_IDS",
    "GROUND_IDS",
    "MAX_DATE",
    "MAX_ITEMS",
    "MIN_DATE",
    "RESULT_CODES",
    "STCA_STATUSES",
    "BatchResult",
    "Change",
    "Determination",
    "Facts",
    "Order",
    "Provision",
    "Reform",
    "TraceStep",
    "breakpoints",
    "columns_from_facts",
    "consequence",
    "default_columns",
    "derived_text",
    "determine",
    "evaluate_batch",
    "explain",
    "get_provision",
    "law_date",
    "order",
    "order_date",
    "orders",
    "protocol_window_days",
    "provisions",
    "provisions_in_force",
    "what_would_change",
]
