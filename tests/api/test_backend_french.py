"""The Canada–US model's scenarios in the lab: titles, descriptions and levers in French."""

from __future__ import annotations

from roxham.api.canada_us_backend import CanadaUsBackend


def test_every_scenario_and_lever_has_its_own_french() -> None:
    specs = CanadaUsBackend().scenarios()
    assert {s.name for s in specs} >= {"historical", "no-protocol", "roxham-closed"}
    for s in specs:
        assert s.title_fr and s.title_fr != s.title_en, s.name
        assert s.description_fr and s.description_fr != s.description_en, s.name
        for lv in s.levers:
            assert lv.fr and lv.fr != lv.en, (s.name, lv.key)
