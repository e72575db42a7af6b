"""Hypothesis profiles for the law tests: small by default, 10,000 examples when ``CI`` is set."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "law-dev", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "law-ci", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
LAW_PROFILE = "law-ci" if os.environ.get("CI") else "law-dev"
