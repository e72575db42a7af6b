"""The law as the Canada–US model asks it: a :class:`roxham.sim.oracle.LawOracle`.

:class:`CanadaUSLawOracle` answers "what happens to a claim by profile *p* at place *x* on
day *t*" by building the facts of each unique profile (:func:`cohorts.law_facts`) and calling
``roxham.law.evaluate_batch`` under the scenario's :class:`roxham.law.Reform`. On top of the
statute it applies one dated **order**:

- the COVID-19 **direct-back order** (Canada–US temporary arrangement; its dates and source
  are :data:`roxham.law.COVID_DIRECT_BACK`): a person who crosses between ports of entry
  to claim is directed back to the US whatever the STCA's exceptions say, as the order of
  April 2020 (P.C. 2020-263) did: it applied the STCA's exceptions at land ports only (where
  the statute applies them anyway). Between ports it exempted only people the STCA cannot
  reach by who they are (US citizens, stateless habitual residents of the US): in the model,
  a profile for which the STCA at a land port answers ``ELIGIBLE/STCA_NOT_APPLICABLE`` keeps
  the statute's between-ports answer. Its national-interest exemptions are not modelled, nor
  the order's first month, when land ports took no exceptions either.

A person **returned** after a claim found ineligible carries a prior claim in Canada from then
on (:meth:`CanadaUSLawOracle.profile_after_return`): IRPA s. 101(1)(c) bars a later referral,
whatever the place. If they try again and are intercepted, the law refuses the claim (and
they are returned again); if they get in unseen, they do not claim and stay without status
(:data:`STAYED_UNCLAIMED`). People directed back under the order were not determined and keep
their profile.

The outcome code is one of ``roxham.law.RESULT_CODES`` or ``DIRECTED_BACK/COVID_ORDER``. The
engine tabulates answers over the period once (:func:`roxham.sim.oracle.build_outcome_table`),
asking only on :meth:`CanadaUSLawOracle.breakpoints`; agents read the table ``lag`` days back
(what they believe) and on the day itself (what happens).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from roxham import law
from roxham.models.canada_us.cohorts import (
    LAW_PLACES,
    NATIONALITIES,
    VISA_CHANGE_DATES,
    Profile,
    after_return_profile,
    law_facts,
    visa_req_ca,
)

__all__ = [
    "CODE_NAMES",
    "COVID_ORDER",
    "KIND_DIRECTED_BACK",
    "KIND_OTHER",
    "KIND_REFERRED",
    "KIND_STAYED_UNCLAIMED",
    "KIND_STCA_RETURN",
    "PENDING_REACHED",
    "STAYED_UNCLAIMED",
    "UNSEEN_PLACES",
    "CanadaUSLawOracle",
    "code_kinds",
]

#: The COVID-19 direct-back order, [start, end), as the law data dates it.
COVID_ORDER: tuple[dt.date, dt.date] = law.COVID_DIRECT_BACK.span

DIRECTED_BACK = "DIRECTED_BACK/COVID_ORDER"
#: Not a claim: a person barred by IRPA s. 101(1)(c) (a prior claim found ineligible) who got
#: into Canada unseen stays without claiming (no status). The engine ends their journey at the
#: inland office as it does for a referral (for the engine ``referred`` means "stays in
#: Canada"); ``engine_model.daily_counts`` counts them apart, never as claims.
STAYED_UNCLAIMED = "STAYED/NO_CLAIM_101_1_C"
#: Referred, but reached by the 2026 law while pending: a claim made from ``D_C2_INTRO`` and
#: referred before ``D_C12_RA`` (determined under the law of its day) that the law determined
#: on ``D_C12_RA`` would refuse ((b.1), (b.2)). Referred like the others; a scenario may give
#: a share of them a s. 104(1)(a) notice (``processing.pending_notice_share``).
PENDING_REACHED = "ELIGIBLE/PENDING_REACHED_BY_2026_LAW"
CODE_NAMES: tuple[str, ...] = (
    *law.RESULT_CODES, DIRECTED_BACK, STAYED_UNCLAIMED, PENDING_REACHED,
)

KIND_REFERRED = 0
KIND_STCA_RETURN = 1
KIND_DIRECTED_BACK = 2
KIND_OTHER = 3
KIND_STAYED_UNCLAIMED = 4
_DIRECTED_BACK_CODE = np.int8(CODE_NAMES.index(DIRECTED_BACK))
_STAYED_CODE = np.int8(CODE_NAMES.index(STAYED_UNCLAIMED))
_PENDING_CODE = np.int8(CODE_NAMES.index(PENDING_REACHED))
#: Places reached by crossing between ports unseen (no officer decides there: people choose
#: whether to claim).
UNSEEN_PLACES: tuple[str, ...] = ("between_inland_early", "between_inland_late")
_NOT_APPLICABLE = law.RESULT_CODES.index("ELIGIBLE/STCA_NOT_APPLICABLE")
_FIRST_INELIGIBLE = law.RESULT_CODES.index("INELIGIBLE/STCA")


def code_kinds() -> npt.NDArray[np.int8]:
    """What each code means for the model: referred, STCA return, directed back, other,
    stayed in Canada without claiming.

    >>> code_kinds().tolist()
    [0, 0, 0, 1, 3, 2, 4, 0]
    """
    kinds = []
    for name in CODE_NAMES:
        if name.startswith("ELIGIBLE"):  # incl. referred claims the 2026 law reaches later
            kinds.append(KIND_REFERRED)
        elif name == "INELIGIBLE/STCA":
            kinds.append(KIND_STCA_RETURN)
        elif name == DIRECTED_BACK:
            kinds.append(KIND_DIRECTED_BACK)
        elif name == STAYED_UNCLAIMED:
            kinds.append(KIND_STAYED_UNCLAIMED)
        else:
            kinds.append(KIND_OTHER)
    return np.asarray(kinds, dtype=np.int8)


class CanadaUSLawOracle:
    """Law oracle for the model's profiles (see the module docstring).

    ``reform`` is a dict for ``roxham.law.Reform.model_validate``; ``covid_order`` is the
    [start, end) of the direct-back order or ``None`` for none.
    """

    def __init__(
        self,
        profiles: Sequence[Profile],
        reform: Mapping[str, Any] | None = None,
        covid_order: tuple[dt.date, dt.date] | None = COVID_ORDER,
        delays: Mapping[str, int] | None = None,
    ) -> None:
        self.profiles = list(profiles)
        self.delays = {p: d for p, (_, _, d) in LAW_PLACES.items()}
        self.delays.update(delays or {})
        self.reform_dict = dict(reform or {})
        self.covid_order = covid_order
        self._reform_obj = law.Reform.model_validate(self.reform_dict) if reform else None
        #: (D_C2_INTRO, D_C12_RA) under the reform: claims made from the first and referred
        #: before the second may be reached by the 2026 law while pending
        self.law_2026 = (law.law_date("D_C2_INTRO", self._reform_obj),
                         law.law_date("D_C12_RA", self._reform_obj))

    code_names: Sequence[str] = CODE_NAMES
    #: the journey ends in Canada: referred claims, and people who stay without claiming
    referred: Sequence[bool] = tuple(
        k in (KIND_REFERRED, KIND_STAYED_UNCLAIMED) for k in code_kinds().tolist()
    )

    # -- the law itself -------------------------------------------------------------------
    def law_codes(
        self, place: str, as_of: dt.date, determined: dt.date | None = None
    ) -> npt.NDArray[np.int8]:
        """Statutory result code per profile (no order applied) of a claim made on ``as_of``
        and determined that day, or on ``determined`` (a later day) when given.

        The law reads nationality only through "is a US national" and the visa facts
        (docs/law/RULES.md §2, §5), so profiles that agree on those and on every other fact get the
        same answer: the law is asked once per such class (the tests check every profile
        against ``roxham.law.determine`` with its own nationality).
        """
        keys = [
            (p.nat == "US", visa_req_ca(p.nat, as_of), NATIONALITIES[p.nat].visa_req_us,
             p.family, p.unaccompanied_minor, p.trv, p.prior_ca_claim, p.prior_us_claim,
             p.inland_days if place == "inland" else 0)
            for p in self.profiles
        ]
        first: dict[tuple[object, ...], int] = {}
        for i, k in enumerate(keys):
            first.setdefault(k, i)
        reps = list(first.values())
        facts = [law_facts(self.profiles[i], place, as_of, self.delays) for i in reps]
        res = law.evaluate_batch(
            law.columns_from_facts(facts), determined or as_of, self._reform_obj
        )
        rep_codes = np.asarray(res.result_code, dtype=np.int8)
        slot = {k: j for j, k in enumerate(first)}
        return rep_codes[[slot[k] for k in keys]]

    def outcome_codes(
        self,
        profile_columns: Mapping[str, npt.NDArray[Any]],
        place: str,
        as_of: dt.date,
        reforms: Sequence[Mapping[str, Any]] = (),
    ) -> npt.NDArray[np.int8]:
        """Outcome code per profile for a claim at ``place`` on ``as_of`` (order applied).

        ``profile_columns`` must be the columns of this oracle's profiles (row ``i`` =
        ``profiles[i]``); dated ``reforms`` are not used (the scenario's reform is fixed).
        """
        if place not in LAW_PLACES:
            raise ValueError(f"unknown claim place {place!r}")
        codes = self.law_codes(place, as_of)
        if (
            self.covid_order is not None
            and place == "between_ports"
            and self.covid_order[0] <= as_of < self.covid_order[1]
        ):
            # exempt from the order between ports: those the STCA cannot reach by who they are
            as_if_poe = self.law_codes("land_poe", as_of)
            exempt = as_if_poe == _NOT_APPLICABLE
            codes = np.where(exempt, codes, _DIRECTED_BACK_CODE).astype(np.int8)
        c2, ra = self.law_2026
        if c2 is not None and ra is not None and c2 <= as_of < ra:
            # made from D_C2_INTRO, referred before D_C12_RA: would the 2026 law refuse it?
            later = self.law_codes(place, as_of, determined=ra)
            reached = (codes < _FIRST_INELIGIBLE) & (later >= _FIRST_INELIGIBLE)
            codes = np.where(reached, _PENDING_CODE, codes).astype(np.int8)
        if place in UNSEEN_PLACES:
            # a person who knows a prior claim bars them (they were told when returned) does
            # not claim after getting in unseen: they stay without status
            prior = np.asarray([p.prior_ca_claim is not None for p in self.profiles])
            barred = prior & (codes >= _FIRST_INELIGIBLE) & (codes < _DIRECTED_BACK_CODE)
            codes = np.where(barred, _STAYED_CODE, codes).astype(np.int8)
        return codes

    def profile_after_return(
        self, profile_columns: Mapping[str, npt.NDArray[Any]]
    ) -> npt.NDArray[np.int64]:
        """``[code, profile]``: the profile of a person returned with that outcome code (the
        engine switches an agent to it, :func:`roxham.sim.oracle.build_outcome_table`). After an
        ineligible claim (STCA or another ground) it is the same facts with a prior claim in
        Canada found ineligible (:func:`cohorts.after_return_profile`); after a referral or a
        direction back under the COVID order, the profile itself. Rows are this oracle's
        profiles, as in :meth:`outcome_codes`."""
        n = len(self.profiles)
        twin = np.asarray(after_return_profile(self.profiles), dtype=np.int64)
        out = np.tile(np.arange(n, dtype=np.int64), (len(CODE_NAMES), 1))
        for c, name in enumerate(CODE_NAMES):
            if name.startswith("INELIGIBLE"):
                out[c] = twin
        return out

    def breakpoints(
        self,
        start: dt.date,
        end: dt.date,
        reforms: Sequence[Mapping[str, Any]] = (),
        place: str | None = None,
    ) -> list[dt.date]:
        """Days on which an answer may change: the law's breakpoints under the scenario's
        reform (:func:`roxham.law.breakpoints`), visa dates and the order's dates, as they are
        and shifted by the entry-to-claim delay of ``place`` (of every place when ``None``; at
        ``inland`` also by the profiles' own days since entry)."""
        base: set[dt.date] = set(law.breakpoints(self._reform_obj))
        base.update(VISA_CHANGE_DATES)
        if self.covid_order is not None:
            base.update(self.covid_order)
        delays = {self.delays[place]} if place is not None else set(self.delays.values())
        if place in (None, "inland"):  # inland claimants' own days since entry
            delays.update(p.inland_days for p in self.profiles if p.inland_days > 0)
        out: set[dt.date] = set()
        for b in base:
            out.add(b)  # dates read on the claim day (visa, order, in-force of the Act)
            for d in delays:  # dates read on the entry day (the Protocol)
                out.add(b + dt.timedelta(days=d))
        return sorted(d for d in out if start <= d <= end)
