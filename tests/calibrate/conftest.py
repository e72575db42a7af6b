"""Hypothesis profiles for the calibration tests: small in development, larger in CI."""

import os

from hypothesis import settings

settings.register_profile("calibrate-dev", max_examples=30, deadline=None)
settings.register_profile("calibrate-ci", max_examples=300, deadline=None)
settings.load_profile("calibrate-ci" if os.environ.get("CI") else "calibrate-dev")
