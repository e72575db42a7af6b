"""Calibration summarises a simulation inside the run (``simulate_series``): the same numbers
as the long table ``simulate`` returns, read by ``sim_table``."""

from __future__ import annotations

from roxham.calibrate import CanadaUSModel, load_observed
from roxham.calibrate.distance import distance, sim_table
from roxham.calibrate.fit import SimTask, evaluate_task


def test_simulate_series_equals_sim_table_of_simulate() -> None:
    m = CanadaUSModel()
    obs = load_observed(m.targets)
    keys = list(obs.series)
    assert "usbp_apprehensions/US-NORTH" not in keys
    keys_sb = [*keys, "usbp_apprehensions/US-NORTH"]  # a series of the southbound half
    assert "year" in obs.frequency.values() and "month" in obs.frequency.values()
    for i, p in enumerate(m.space.sample_prior(2, seed=4)):
        fast = m.simulate_series(p, 7 + i, "2018-12", keys_sb, obs.frequency)
        slow = sim_table(m.simulate(p, 7 + i, "2018-12"), keys_sb, obs.frequency)
        assert fast == slow
        assert len(fast["usbp_apprehensions/US-NORTH"]) == 24
        # without a southbound series asked, the northbound ones are the same
        assert m.simulate_series(p, 7 + i, "2018-12", keys, obs.frequency) == {
            k: v for k, v in fast.items() if k in keys}
        assert fast["claims_rcmp/CA"].keys() == {"2017", "2018"}  # whole years only
        assert len(fast["rcmp_interceptions/QC"]) == 24


def test_evaluate_task_gives_the_distance_of_the_long_table() -> None:
    m = CanadaUSModel()
    obs = load_observed(m.targets)
    p = m.space.sample_prior(1, seed=9)[0]
    r = evaluate_task(m, obs, "2017-01", "2018-06", SimTask(0, p, 123))
    table = sim_table(m.simulate(p, 123, "2018-06"), list(obs.series), obs.frequency)
    assert r["distance"] == distance(table, obs, "2017-01", "2018-06").value
