"""The disk caches of a build (roxham.diskcache): a hit gives exactly what computing gives,
without computing; a changed input is a miss; a damaged entry or a cache turned off is a
miss too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from roxham import diskcache, statforecast
from roxham.models.canada_us import demand as D
from roxham.models.canada_us import model as M
from roxham.models.canada_us.scenario import load_scenario


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ROXHAM_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("ROXHAM_DISK_CACHE", raising=False)
    D._STAT_CACHE.clear()
    M._TABLE_CACHE.clear()
    yield tmp_path
    D._STAT_CACHE.clear()
    M._TABLE_CACHE.clear()


def _no_fit(*a: Any, **k: Any) -> Any:
    raise AssertionError("computed although the disk cache holds it")


def _same_forecast(a: Any, b: Any) -> None:
    for k in ("point", "mu", "sigma", "samples"):
        assert getattr(a, k).tobytes() == getattr(b, k).tobytes(), k
    assert (a.method, a.n_obs, a.n_filled, a.notes) == (b.method, b.n_obs, b.n_filled, b.notes)


def test_stream_forecast_hit_miss_and_damage(cache: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    fitted, hist = D.stream_forecast("air", "2018-12", 12)
    files = sorted((cache / "streams").glob("*.npz"))
    assert len(files) == 1
    D._STAT_CACHE.clear()  # a new process: only the disk remembers
    with monkeypatch.context() as m:
        m.setattr(statforecast, "forecast", _no_fit)
        hit, hist2 = D.stream_forecast("air", "2018-12", 12)
    _same_forecast(fitted, hit)
    assert hist.tobytes() == hist2.tobytes()
    # other inputs (another history, horizon, stream) are other entries
    D._STAT_CACHE.clear()
    D.stream_forecast("air", "2019-12", 12)
    D.stream_forecast("air", "2018-12", 6)
    D.stream_forecast("inland", "2018-12", 12)
    assert len(list((cache / "streams").glob("*.npz"))) == 4
    # a damaged entry is a miss: fitted again, the same result, the entry rewritten
    files[0].write_bytes(b"not an npz")
    D._STAT_CACHE.clear()
    again, _ = D.stream_forecast("air", "2018-12", 12)
    _same_forecast(fitted, again)
    assert np.load(files[0])["point"].tobytes() == fitted.point.tobytes()


def test_disk_cache_off_writes_and_reads_nothing(cache: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROXHAM_DISK_CACHE", "0")
    D.stream_forecast("air", "2018-12", 12)
    assert not (cache / "streams").exists()
    assert diskcache.load("streams", "0" * 64) is None


def test_law_table_hit_and_miss(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_scenario("historical", {"end": "2017-03-31"})
    built = M.full_build(s)
    assert len(list((cache / "law_tables").glob("*.npz"))) == 1
    M._TABLE_CACHE.clear()
    with monkeypatch.context() as m:
        m.setattr(M, "build_outcome_table", _no_fit)
        hit = M.full_build(s)
    t0, t1 = built.table, hit.table
    assert t1.codes.dtype == t0.codes.dtype and t1.codes.tobytes() == t0.codes.tobytes()
    assert t1.referred.tobytes() == t0.referred.tobytes()
    assert t1.after_return.tobytes() == t0.after_return.tobytes()
    assert (t1.places, t1.lag_max, t1.code_names) == (t0.places, t0.lag_max, t0.code_names)
    r0 = built.sim.run(seed=3).replicates[0]
    r1 = hit.sim.run(seed=3).replicates[0]
    assert np.array_equal(r0.series, r1.series) and np.array_equal(r0.codes, r1.codes)
    # another law (a reform) or period: a new table, computed
    M._TABLE_CACHE.clear()
    M.full_build(load_scenario("no-protocol", {"end": "2017-03-31"}))
    M.full_build(load_scenario("historical", {"end": "2017-04-30"}))
    assert len(list((cache / "law_tables").glob("*.npz"))) == 3


def test_content_key_and_source_digest() -> None:
    assert diskcache.content_key("a", b"x") != diskcache.content_key("a", b"y")
    assert diskcache.content_key("a", (1, 2)) != diskcache.content_key("a", (1, 3))
    # parts are length-prefixed: ("ab", "c") is not ("a", "bc")
    assert diskcache.content_key("ab", "c") != diskcache.content_key("a", "bc")
    d = diskcache.source_digest("statforecast.py")
    assert len(d) == 64 and d != diskcache.source_digest("statforecast.py", "metrics.py")
