"""The Canada–US model as a :class:`~roxham.api.jobs.ModelBackend` for the scenario lab.

Every scenario shipped with the model (``roxham.models.canada_us.scenarios``) is offered with
the same policy levers. A lever's default is the scenario's own value, so running a scenario
with its defaults runs exactly the shipped scenario; a changed lever becomes an override
deep-merged over the scenario (the same mechanism as ``extends:`` in a scenario file):

========================  ============================================================
lever                     what it changes in the scenario
========================  ============================================================
``protocol``              ``law.reform.no_protocol`` (the STCA's Additional Protocol)
``protocol_window_days``  ``law.reform.protocol_window_days`` (default: the law's window)
``family_exceptions``     ``law.reform.remove_exceptions`` ⊇ IRPR 159.5(a)–(d) when off
``covid_order``           ``law.covid_order`` (``roxham.law.COVID_DIRECT_BACK`` or none)
``close_roxham``          a ``network.closures`` entry for Roxham Road from ``close_roxham_from``
``nyc_tickets``           ``demand.nyc_tickets`` (New York's bus tickets north, early 2023)
``nyc_ticket_multiplier`` ``demand.nyc_tickets.multiplier`` (extra New York departures)
``irb_capacity``          ``processing.irb_capacity_factor``: IRB decisions per year × this
``irb_capacity_from``     … from this date on (default: the scenario's first factor date, or
                          its start)
``irb_wait_target_days``  ``processing.irb_wait_target_days`` from ``irb_capacity_from``: every
                          claim decided within this many days, capacity added as needed
``c12_ineligibility``     ``law.reform.in_force["D_C12_RA"]`` (Bill C-12's grounds) or never
========================  ============================================================

The model fixes its own number of agents (from demand); ``default_agents`` is the number of
agents of one historical replicate as measured on 2026-11-26 (847,512), used only for the
server's agents × days limit.

Until the model package is installed, :func:`load_backend` returns a backend with no scenarios.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from roxham import law
from roxham.api.jobs import Job, Lever, ModelBackend, NoModel, ProgressFn, RunOutput, ScenarioSpec

#: The family-member exceptions (IRPR s. 159.5(a)–(d)), as the shipped scenario names them.
FAMILY_EXCEPTIONS = ("IRPR 159.5(a)", "IRPR 159.5(b)(i)", "IRPR 159.5(b)(ii)",
                     "IRPR 159.5(b)(iii)", "IRPR 159.5(c)", "IRPR 159.5(d)")

#: Agents of one replicate of ``historical`` (measured; the model sets this from demand).
AGENTS_PER_REPLICATE = 850_000

#: Observed series charted beside the results: (roxham.data series, geography, result series).
OBSERVED = tuple(("rcmp_interceptions", g, f"rcmp_interceptions {g}")
                 for g in ("QC", "CA", "MB", "BC")) + tuple(
    # issue 15: the southbound half (US Border Patrol apprehensions from Canada)
    ("usbp_encounters", g, f"usbp_apprehensions {g}") for g in ("US-SWANTON", "US-NORTH"))

_TITLES_FR = {
    "historical": "Historique",
    "no-protocol": "Sans protocole additionnel",
    "protocol-30-days": "Protocole avec un délai de 30 jours",
    "roxham-closed": "Chemin Roxham fermé",
    "no-nyc-tickets": "Sans billets de New York",
    "no-family-exception": "Sans les exceptions familiales",
    "capacity": "Capacité de la CISR +30 %",
    "no-mexico-visa": "Sans visa pour les Mexicains",  # issue 15
    "eta-tightening": "AVE resserrée",  # issue 15
}

#: The scenarios' descriptions in French (the English ones are in the scenario files).
_COVID = law.COVID_DIRECT_BACK
_PROTOCOL = law.law_date("D_PROTOCOL")
_DESCRIPTIONS_FR = {
    "capacity": "La Section de la protection des réfugiés de la CISR rend 30 % de décisions de "
                "plus par an à partir du 2025-01-01 (hausse de capacité hypothétique); jusqu'au "
                "2026-12-31, la demande restant à ses derniers indicateurs observés.",
    "historical": "La chronologie réelle des politiques : l'ETPS aux points d'entrée terrestres; "
                  f"décret COVID-19 de renvoi direct du {_COVID.start} au {_COVID.end}; protocole "
                  f"additionnel le {_PROTOCOL} (délai de 14 jours); visa mexicain levé le "
                  "2016-12-01 et partiellement rétabli le 2024-02-29; billets de New York vers "
                  "Plattsburgh au début de 2023.",
    "no-protocol": f"Le protocole additionnel ({_PROTOCOL}) n'a jamais lieu; tout le reste comme "
                   "dans l'historique.",
    "protocol-30-days": "Le protocole additionnel s'applique aux demandes faites moins de 30 "
                        "jours après l'entrée.",
    "roxham-closed": f"Le chemin Roxham est physiquement fermé à partir du {_PROTOCOL}; le droit "
                     "ne change pas (pas de protocole).",
    "no-nyc-tickets": "New York ne renvoie pas de demandeurs d'asile vers Plattsburgh "
                      "(début 2023).",
    "no-family-exception": "Les exceptions des membres de la famille, RIPR 159.5a)–d), "
                           "n'existent pas.",
    "no-mexico-visa": "Les Mexicains restent dispensés de visa pour le Canada après le "
                      "2024-02-29 (pas de DORS/2024-34).",
    "eta-tightening": "La voie de l'AVE des nationalités visées (Mexique) se ferme le "
                      "2024-06-01; un visa pour tous.",
}


class CanadaUsBackend:
    """The scenarios of :mod:`roxham.models.canada_us`, run with ``run_scenario``."""

    def __init__(self) -> None:
        import roxham.models.canada_us.scenario  # noqa: F401  (ImportError: no model)

        self._specs: list[ScenarioSpec] | None = None

    @property
    def _sc(self) -> Any:
        # Imported where used, so the backend pickles into a run's child process.
        from roxham.models.canada_us import scenario

        return scenario

    def _levers(self, s: Any) -> tuple[Lever, ...]:
        reform = s.law.reform or {}
        removed = set(reform.get("remove_exceptions", ()))
        closures = [c for c in s.network.closures if c.crossing == "roxham"]
        tickets = s.demand.nyc_tickets
        protocol_day = law.law_date("D_PROTOCOL")
        order = law.COVID_DIRECT_BACK
        order_days = f"{order.start} → {order.end}"
        factors = s.processing.irb_capacity_factor
        cap_from = min(factors) if factors else s.start
        cap_factor = float(factors[cap_from]) if factors else 1.0
        targets = s.processing.irb_wait_target_days
        wait_target = int(targets[min(targets)]) if targets else 0
        c12_day = law.law_date("D_C12_RA")
        c12_on = (reform.get("in_force") or {}).get("D_C12_RA", c12_day) is not None
        return (
            Lever("protocol", "bool", not reform.get("no_protocol", False),
                  f"Additional Protocol ({protocol_day}): the STCA reaches crossings between "
                  "ports",
                  f"Protocole additionnel ({protocol_day}) : l'ETPS s'applique entre les points "
                  "d'entrée"),
            Lever("protocol_window_days", "int", law.protocol_window_days(reform),
                  "Protocol window (days after crossing)",
                  "Délai du protocole (jours après l'entrée)", min=1, max=365),
            Lever("family_exceptions", "bool", not removed.issuperset(FAMILY_EXCEPTIONS),
                  "Family-member exceptions IRPR 159.5(a)–(d)",
                  "Exceptions des membres de la famille, RIPR 159.5a)–d)"),
            Lever("covid_order", "bool", s.law.covid_order is not None,
                  f"{order.name} ({order_days})", f"{order.name_fr} ({order_days})"),
            Lever("close_roxham", "bool", bool(closures),
                  "Roxham Road physically closed", "Chemin Roxham physiquement fermé"),
            Lever("close_roxham_from", "date",
                  str(closures[0].start if closures else protocol_day),
                  "… closed from", "… fermé à partir du"),
            Lever("nyc_tickets", "bool", tickets is not None,
                  "New York buses asylum seekers north (early 2023)",
                  "New York envoie des demandeurs d'asile vers le nord (début 2023)"),
            Lever("nyc_ticket_multiplier", "float",
                  float(tickets.multiplier) if tickets is not None else 1.25,
                  "… extra New York departures (×)", "… départs supplémentaires de New York (×)",
                  min=0, max=10),
            Lever("irb_capacity", "float", cap_factor,
                  "IRB decision capacity (× the historical decisions per year)",
                  "Capacité de décision de la CISR (× les décisions historiques par an)",
                  min=0.1, max=5),
            Lever("irb_capacity_from", "date", str(cap_from),
                  "… from", "… à partir du"),
            Lever("irb_wait_target_days", "int", wait_target,
                  "IRB processing-time target from that date (days; 0 = none): capacity "
                  "added as needed",
                  "Délai cible de traitement de la CISR à partir de cette date (jours; 0 = "
                  "aucun) : capacité ajoutée au besoin", min=0, max=3650),
            Lever("c12_ineligibility", "bool", c12_on,
                  f"Bill C-12 ineligibilities IRPA 101(1)(b.1), (b.2) (in force {c12_day})",
                  f"Irrecevabilités du projet de loi C-12, LIPR 101(1)b.1), b.2) "
                  f"(en vigueur le {c12_day})"),
        )

    def scenarios(self) -> Sequence[ScenarioSpec]:
        """Every shipped scenario, with its levers."""
        if self._specs is None:
            specs = []
            for name in self._sc.builtin_scenarios():
                s = self._sc.load_scenario(name)
                title = name.replace("-", " ")
                specs.append(ScenarioSpec(
                    name=name, title_en=title[:1].upper() + title[1:],
                    title_fr=_TITLES_FR.get(name, title),
                    description_en=s.description,
                    description_fr=_DESCRIPTIONS_FR.get(name, s.description),
                    start=s.start, end=s.end, levers=self._levers(s),
                    default_agents=AGENTS_PER_REPLICATE, agents_adjustable=False,
                    observed=OBSERVED, baseline="historical",
                ))
            specs.sort(key=lambda sp: (sp.name != "historical", sp.name))
            self._specs = specs
        return self._specs

    def overrides(self, name: str, levers: dict[str, Any]) -> dict[str, Any]:
        """The scenario keys that ``levers`` change (empty when all are at their defaults)."""
        base = self._sc.load_scenario(name)
        spec = next(sp for sp in self.scenarios() if sp.name == name)
        defaults = {lv.key: lv.default for lv in spec.levers}
        changed = {k for k, v in levers.items() if defaults.get(k) != v}
        out: dict[str, Any] = {}
        reform: dict[str, Any] = {}
        if "protocol" in changed:
            reform["no_protocol"] = not levers["protocol"]
        if "protocol_window_days" in changed:
            reform["protocol_window_days"] = levers["protocol_window_days"]
        if "family_exceptions" in changed:
            removed = set((base.law.reform or {}).get("remove_exceptions", ()))
            removed = removed - set(FAMILY_EXCEPTIONS) if levers["family_exceptions"] else (
                removed | set(FAMILY_EXCEPTIONS))
            reform["remove_exceptions"] = sorted(removed)
        if "c12_ineligibility" in changed:
            in_force = dict((base.law.reform or {}).get("in_force") or {})
            if levers["c12_ineligibility"]:
                in_force["D_C12_RA"] = str(law.law_date("D_C12_RA"))
            else:
                in_force["D_C12_RA"] = None
            reform["in_force"] = in_force
        if reform:
            out["law"] = {"reform": reform}
        if "covid_order" in changed:
            out.setdefault("law", {})["covid_order"] = (
                list(law.COVID_DIRECT_BACK.span) if levers["covid_order"] else None)
        if {"close_roxham", "close_roxham_from"} & changed:
            others = [c.model_dump() for c in base.network.closures if c.crossing != "roxham"]
            if levers["close_roxham"]:
                others.append({"crossing": "roxham",
                               "start": dt.date.fromisoformat(levers["close_roxham_from"])})
            out["network"] = {"closures": others}
        if {"nyc_tickets", "nyc_ticket_multiplier"} & changed:
            if levers["nyc_tickets"]:
                tickets = base.demand.nyc_tickets or self._sc.load_scenario(
                    "historical").demand.nyc_tickets
                t = tickets.model_dump() if tickets is not None else {}
                t["multiplier"] = levers["nyc_ticket_multiplier"]
                out["demand"] = {"nyc_tickets": t}
            else:
                out["demand"] = {"nyc_tickets": None}
        if {"irb_capacity", "irb_capacity_from"} & changed:
            # × factor from the date on, × 1 before (the scenario's own dates are reset so)
            f = float(levers["irb_capacity"])
            start = dt.date.fromisoformat(str(levers["irb_capacity_from"]))
            factors = {d.isoformat(): (f if d >= start else 1.0)
                       for d in base.processing.irb_capacity_factor}
            factors[start.isoformat()] = f  # ISO keys: the overrides are written as JSON
            out.setdefault("processing", {})["irb_capacity_factor"] = factors
        if "irb_wait_target_days" in changed or ("irb_capacity_from" in changed and (
                levers["irb_wait_target_days"] or base.processing.irb_wait_target_days)):
            days = int(levers["irb_wait_target_days"])
            start = dt.date.fromisoformat(str(levers["irb_capacity_from"]))
            targets = {d.isoformat(): (days if d >= start else 0)
                       for d in base.processing.irb_wait_target_days}
            targets[start.isoformat()] = days
            out.setdefault("processing", {})["irb_wait_target_days"] = targets
        return out

    def run(self, job: Job, progress: ProgressFn) -> RunOutput:
        """Run the scenario with the levers applied and the shipped calibration; monthly mean
        and 5–95 % band."""
        from roxham.calibrate.runs import load_calibration, run_with_calibration

        over = self.overrides(job.scenario, dict(job.levers))
        s = self._sc.load_scenario(job.scenario, over or None)
        progress(0.0, "building the scenario")

        def on_replicate(done: int, total: int) -> None:
            progress(0.05 + 0.95 * done / max(total, 1), f"replicate {done}/{total}")

        # the shipped calibration, one posterior draw per replicate (as `roxham run`)
        res = run_with_calibration(s, job.seed, job.replicates, load_calibration(),
                                   progress=on_replicate)
        m = res.monthly.filter(pl.col("series") != "route_choices")
        table = m.select(
            pl.concat_str([pl.col("month"), pl.lit("-01")]).str.to_date().alias("period"),
            pl.concat_str([pl.col("series"), pl.col("geography")], separator=" ").alias(
                "series"),
            pl.col("value").alias("mean"), pl.col("p05").alias("lo"), pl.col("p95").alias("hi"),
        )
        manifest = {k: v for k, v in res.manifest.items() if k != "scenario"}
        manifest["overrides"] = over
        manifest.setdefault("band", "5th-95th percentile over replicates")
        from roxham.models.canada_us.rundir import run_frames

        # the run directory is the one `roxham run` writes (without report.html), so
        # `roxham compare` reads a web run as it reads a CLI run
        return RunOutput(table, manifest, run_frames(res))


def load_backend() -> ModelBackend:
    """The Canada–US backend if its model is importable, else :class:`NoModel`."""
    try:
        return CanadaUsBackend()
    except ImportError:
        return NoModel()


__all__ = ["FAMILY_EXCEPTIONS", "CanadaUsBackend", "load_backend"]
