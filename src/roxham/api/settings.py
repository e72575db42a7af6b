"""Configuration of the web app: where runs are stored and the limits that keep a laptop safe.

Every field can be set from the environment as ``ROXHAM_<FIELD>`` (upper case), and the
``roxham serve`` options override the database URL and data directory.

>>> s = ApiSettings()
>>> s.max_concurrent_jobs, s.max_body_bytes
(1, 1048576)
>>> ApiSettings.from_env({"ROXHAM_MAX_CONCURRENT_JOBS": "2"}).max_concurrent_jobs
2
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from roxham.errors import UserError, format_validation_error


class ApiSettings(BaseModel):
    """Limits and locations for ``roxham serve``. Defaults are safe for a laptop."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    db_url: str = Field(
        "", description="Run registry URL; empty: a SQLite file runs.db in data_dir"
    )
    data_dir: Path = Field(Path("roxham-data"), description="Folder for run results (Parquet)")
    max_body_bytes: int = Field(1024 * 1024, ge=1024, description="Largest request body")
    max_batch: int = Field(1000, ge=1, description="Most fact sets in one POST /screen/batch")
    max_agent_days: int = Field(
        50_000_000_000, ge=1,
        description="Cap on agents × simulated days × replicates for one run (the historical "
        "Canada–US scenario is about 850,000 agents × 2,922 days per replicate)",
    )
    max_replicates: int = Field(20, ge=1, description="Most replicates in one run")
    max_concurrent_jobs: int = Field(1, ge=1, le=64, description="Runs executing at once")
    max_queued_jobs: int = Field(20, ge=0, description="Runs waiting; more are refused (429)")
    job_timeout_s: float = Field(900.0, gt=0, description="A run still going after this fails")
    job_isolation: Literal["process", "thread"] = Field(
        "process",
        description="Run each job in a child process (killed at the timeout; the server stays "
        "responsive while compiled model code runs) or in a thread of the server (tests)",
    )

    # -- hardening for non-local use (see README "Serving beyond this computer") -------------
    allowed_hosts: tuple[str, ...] = Field(
        ("localhost", "127.0.0.1", "::1", "testserver"),
        description="Host header values accepted (comma-separated in ROXHAM_ALLOWED_HOSTS); "
        "others get 400 (DNS-rebinding defence). 'testserver' is the in-process test client's "
        "name; '*' accepts any host (behind a proxy that checks it)",
    )
    token: SecretStr = Field(
        SecretStr(""),
        description="Access token(s), comma-separated (ROXHAM_TOKEN or --token): when set, "
        "/api/v1/runs needs 'Authorization: Bearer TOKEN' and each run belongs to its token",
    )
    run_retention_days: float = Field(
        0.0, ge=0.0, description="Finished runs older than this are deleted (0: kept forever)"
    )
    header_timeout_s: float = Field(10.0, gt=0, description="A client must send its request "
                                    "line and headers within this (slowloris defence)")
    body_timeout_s: float = Field(30.0, gt=0, description="Longest wait for each chunk of a "
                                  "request body (408 after)")
    keep_alive_s: float = Field(5.0, gt=0, description="Idle keep-alive connections close after")
    max_connections: int = Field(200, ge=1, description="Open connections served at once; "
                                 "more get 503 (uvicorn limit_concurrency)")

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, v: object) -> object:
        if isinstance(v, str):
            return tuple(h.strip() for h in v.split(",") if h.strip())
        return v

    @property
    def tokens(self) -> tuple[str, ...]:
        """The access tokens (none: the API is open, as on a laptop)."""
        return tuple(t.strip() for t in self.token.get_secret_value().split(",") if t.strip())

    @property
    def resolved_db_url(self) -> str:
        """The registry URL, defaulting to ``<data_dir>/runs.db``."""
        return self.db_url or f"sqlite:///{self.data_dir / 'runs.db'}"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, **overrides: object
    ) -> ApiSettings:
        """Settings from ``ROXHAM_*`` variables, then ``overrides`` (ignored when ``None``)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for name in cls.model_fields:
            key = f"ROXHAM_{name.upper()}"
            if key in env:
                values[name] = env[key]
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(values)
        except ValidationError as e:
            raise UserError(format_validation_error(e, "server settings")) from e


__all__ = ["ApiSettings"]
