"""Hypothesis profiles for the engine tests: small in development, larger in CI (``CI`` set)."""

import os

from hypothesis import settings

settings.register_profile("sim-dev", max_examples=10, deadline=None)
settings.register_profile("sim-ci", max_examples=50, deadline=None)
settings.load_profile("sim-ci" if os.environ.get("CI") else "sim-dev")
