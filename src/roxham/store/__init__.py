"""Where results live, in one vocabulary for every model and entry point:

- :mod:`roxham.store.result`: the one result shape (:class:`~roxham.store.result.RunFrames`)
  and run-directory layout (``monthly.parquet``, ``replicates.parquet``, named extras,
  ``manifest.json``), its writer (returns the manifest written) and reader;
- :mod:`roxham.store.rundir`: the atomic writer every run directory goes through (the
  Canada–US model, the generic engine, Flee and the web lab alike);
- :mod:`roxham.store.claim`: a run directory is claimed before it is written; clean-up of what
  killed writers left (``roxham runs gc``);
- :mod:`roxham.store.identity`: the one content hash and the one replicate-seed scheme;
- :mod:`roxham.store.registry`: the run registry (SQLite by default, PostgreSQL by URL,
  through SQLAlchemy), with run owners and heartbeats.

The submodules are imported where used, so importing :mod:`roxham.store` pulls in neither
SQLAlchemy nor Polars."""
