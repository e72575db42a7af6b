"""Where results live: run directories (:mod:`roxham.store.rundir`: Parquet files and a
manifest, written atomically) and the run registry (:mod:`roxham.store.registry`: SQLite by
default, PostgreSQL by URL, through SQLAlchemy). The submodules are imported where used, so
importing :mod:`roxham.store` pulls in neither SQLAlchemy nor Polars."""
