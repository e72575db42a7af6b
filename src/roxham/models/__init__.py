"""Concrete models built on :mod:`roxham.sim`: ``canada_us`` (the flagship) and ``flee``."""
