"""THE documented place for what the Canada–US calibration fits, its priors, and the distance.

Free parameters (all ASSUMPTIONS of ``historical.yaml``, marked (A) there; the priors are flat
ranges wide enough to hold the hand-tuned value and plausible alternatives, not sourced facts):

========================  ==================================  ==================  ======
name                      scenario key                        prior               hand
========================  ==================================  ==================  ======
nyc_base                  demand.land_base_per_day.nyc        log-uniform 30–300  100
midwest_base              demand.land_base_per_day.us_midwest log-uniform 0.5–20  4
northwest_base            demand.land_base_per_day.us_northwest log-uniform 0.3–15 2.6
great_lakes_base          demand.land_base_per_day.us_great_lakes log-uniform 0.3–15 2
sw_weight                 demand.sw_weight                    uniform 0–0.5       0.05
season_amp                demand.seasonality_amplitude        uniform 0–0.5       0.08
season_peak               demand.seasonality_peak_doy         integer 1–366       130
nyc_2022_mult             demand.shocks.nyc-arrivals-2022.multiplier uniform 1–4  2
haiti_2017_mult           demand.shocks.haiti-tps-2017.multiplier log-uniform 2–30 11
asc_stay                  choice.asc_stay                     uniform 0–5         2
beta_km                   choice.beta_km_per_100              uniform −1.5–0      −0.45
asc_emerson               choice.asc.emerson_irr              uniform −4–2        −0.8
asc_bc                    choice.asc.bc_irr                   uniform −4–2        −0.6
p_intercept               processing.p_intercept_irregular    uniform 0.8–1       0.97
info_lag                  law.information_lag_days            integer 0–30        3
covid_air                 demand.covid_gate_air               log-uniform 0.005–0.2 0.03
covid_air_eased           demand.covid_gate_air_eased         uniform 0.1–1       0.35
covid_inland              demand.covid_gate_inland            uniform 0.05–0.8    0.25
covid_inland_eased        demand.covid_gate_inland_eased      uniform 0.2–1       0.5
========================  ==================================  ==================  ======

The ``covid_*`` shares are identified by the airport and inland claims targets of
2020-2022 (the training window holds the prohibition, the easing and the end).
``info_lag`` reuses the dated law table (built once per law, 30 days deep: any lag of the
prior reads it).
Not fitted: sourced figures (airport and inland claims, IRB finalisations) are data;
``choice.exception_awareness_between_ports`` (it acts only between ports after the 2023
Protocol, so the 2017–2022 training window cannot identify it; it stays at 1 (A), see
models/canada_us/MODEL.md).

Summary statistics of the neural posterior estimation (``roxham calibrate --method npe``,
:func:`roxham.calibrate.posterior_for_window`): :mod:`roxham.calibrate.summaries` (quarterly
means of log official monthly figures and log annual totals of the same targets).

The optimiser's (``--method optimize``) distance (:func:`roxham.calibrate.distance.distance`):
for each target below, sMAPE (%) between the simulated and the official monthly figure over
the training window, only months with an official figure (missing months are skipped and
counted in the result); the distance is the
weighted mean of the per-series sMAPEs. Interception series use a floor of 10 persons in the
sMAPE denominator (Ontario's official monthly figure is 0 in every published month of
2017-2022, and Manitoba/BC fall to single digits: without a floor, 1 simulated vs 0 official
would count as the worst error). Quebec weighs 2 (the Roxham Road flow, nearly all of the
total); Ontario and the IRB inventory 0.5. Official figures: :func:`roxham.data.monthly` (IRCC
monthly RCMP interceptions by province; IRB RPD pending inventory at month end; IRCC's monthly
claims by office type and province, series ``asylum_claims_by_office``, official grades only).
Claims: ``claims_land_poe``, ``claims_inland`` and ``claims_airport`` for CA, QC, ON, MB and BC
month by month (weight 0.5 for CA, 0.25 per province; floor 10: provincial cells are small and
IRCC suppresses 1–4), ``claims_total`` CA monthly (0.5), and the claims of RCMP-intercepted
people ``claims_rcmp`` CA as annual totals (0.5; no monthly or provincial figure exists). The
model's office types follow IRCC's by date (``models/canada_us/outputs.py``: Quebec RCMP claims
count as "Inland" up to 2018-02, "Border" after). ``OTHER`` (the rest of Canada, derived as CA
minus the four provinces) is reported in the run's fit table but not a target: it adds nothing
the CA and provincial targets do not hold. Airport claims are an input stream (split by
province with IRCC's shares of the year before the run), compared so that the fit shows it.
The shipped calibration (``calibrated/canada_us.yaml``) was fitted with the earlier targets
(annual claims by office type); issue 14's refit uses these.

>>> [t.key for t in CANADA_US_TARGETS][:2]
['rcmp_interceptions/CA', 'rcmp_interceptions/QC']
>>> CANADA_US_SPACE["nyc_base"].hand
100.0
"""

from __future__ import annotations

from roxham.calibrate.distance import Target
from roxham.calibrate.space import Param, ParameterSpace

__all__ = ["CANADA_US_SPACE", "CANADA_US_TARGETS", "TRAIN_END", "TRAIN_START"]

#: IRCC's table of claims by office type and province (roxham.data series).
_IRCC = "asylum_claims_by_office"

TRAIN_START = "2017-01"
TRAIN_END = "2022-12"

CANADA_US_SPACE = ParameterSpace(
    (
        Param("nyc_base", "demand.land_base_per_day.nyc", 30.0, 300.0, "loguniform", 100.0,
              "would-be movers per day from New York when the driver is 1"),
        Param("midwest_base", "demand.land_base_per_day.us_midwest", 0.5, 20.0, "loguniform",
              4.0, "movers per day from the US Midwest (Manitoba routes)"),
        Param("northwest_base", "demand.land_base_per_day.us_northwest", 0.3, 15.0,
              "loguniform", 2.6, "movers per day from the US Northwest (BC routes)"),
        Param("great_lakes_base", "demand.land_base_per_day.us_great_lakes", 0.3, 15.0,
              "loguniform", 2.0, "movers per day from the Great Lakes (Ontario routes)"),
        Param("sw_weight", "demand.sw_weight", 0.0, 0.5, "uniform", 0.05,
              "weight of the lagged US southwest apprehensions driver"),
        Param("season_amp", "demand.seasonality_amplitude", 0.0, 0.5, "uniform", 0.08,
              "amplitude of the yearly cycle of departures"),
        Param("season_peak", "demand.seasonality_peak_doy", 1, 366, "int", 130,
              "day of year of the departures' peak"),
        Param("nyc_2022_mult", "demand.shocks.nyc-arrivals-2022.multiplier", 1.0, 4.0,
              "uniform", 2.0, "New York inflow multiplier reached by end 2022"),
        Param("haiti_2017_mult", "demand.shocks.haiti-tps-2017.multiplier", 2.0, 30.0,
              "loguniform", 11.0, "Haitian wave of July–August 2017"),
        Param("asc_stay", "choice.asc_stay", 0.0, 5.0, "uniform", 2.0,
              "utility of staying in the US"),
        Param("beta_km", "choice.beta_km_per_100", -1.5, 0.0, "uniform", -0.45,
              "utility per 100 road km"),
        Param("asc_emerson", "choice.asc.emerson_irr", -4.0, 2.0, "uniform", -0.8,
              "constant of crossing irregularly near Emerson (MB)"),
        Param("asc_bc", "choice.asc.bc_irr", -4.0, 2.0, "uniform", -0.6,
              "constant of crossing irregularly in BC"),
        Param("p_intercept", "processing.p_intercept_irregular", 0.8, 1.0, "uniform", 0.97,
              "share of irregular crossers intercepted by the RCMP"),
        Param("info_lag", "law.information_lag_days", 0, 30, "int", 3,
              "days before a change of the law (or a closure) is known to would-be movers"),
        # the COVID-19 travel gate of the statistical streams (models/canada_us/demand.py,
        # covid_gate): share of airport / inland claims still possible under the entry
        # prohibition and once eased for vaccinated travellers (dates: roxham.law orders)
        Param("covid_air", "demand.covid_gate_air", 0.005, 0.2, "loguniform", 0.03,
              "airport claims possible during the COVID-19 entry prohibition (share)"),
        Param("covid_air_eased", "demand.covid_gate_air_eased", 0.1, 1.0, "uniform", 0.35,
              "airport claims possible once eased for vaccinated travellers (share)"),
        Param("covid_inland", "demand.covid_gate_inland", 0.05, 0.8, "uniform", 0.25,
              "inland claims possible during the COVID-19 entry prohibition (share)"),
        Param("covid_inland_eased", "demand.covid_gate_inland_eased", 0.2, 1.0, "uniform",
              0.5, "inland claims possible once eased for vaccinated travellers (share)"),
    )
)

#: Official monthly series compared (model series/geography → roxham.data name/geography).
CANADA_US_TARGETS: tuple[Target, ...] = (
    Target("rcmp_interceptions", "CA", weight=1.0, floor=10.0),
    Target("rcmp_interceptions", "QC", weight=2.0, floor=10.0),
    Target("rcmp_interceptions", "MB", weight=1.0, floor=10.0),
    Target("rcmp_interceptions", "BC", weight=1.0, floor=10.0),
    Target("rcmp_interceptions", "ON", weight=0.5, floor=10.0),
    Target("irb_pending", "CA", weight=0.5, data_name="irb_rpd_pending_end"),
    # IRCC claims of people intercepted by the RCMP: annual totals only (binders)
    Target("claims_rcmp", "CA", weight=0.5, data_name="asylum_claims", data_geography="CA",
           frequency="year", data_subgroup="office=rcmp"),
    # IRCC's total of all office types, monthly
    Target("claims_total", "CA", weight=0.5, data_name=_IRCC, data_subgroup="office=total",
           floor=10.0),
    # IRCC monthly claims by office type x province (the model's office types follow IRCC's:
    # models/canada_us/outputs.py)
    *(Target(f"claims_{office}", geo, weight=0.5 if geo == "CA" else 0.25, data_name=_IRCC,
             data_subgroup=f"office={office}", floor=10.0)
      for office in ("land_poe", "inland", "airport") for geo in ("CA", "QC", "ON", "MB", "BC")),
)
