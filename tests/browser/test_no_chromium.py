"""Without Chromium the browser tests stop at collection with one line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def test_missing_chromium_gives_one_line_and_no_traceback(tmp_path: Path) -> None:
    env = dict(os.environ, ROXHAM_CHROMIUM=str(tmp_path / "no-such-chromium"))
    r = subprocess.run([sys.executable, "-m", "pytest", str(HERE / "test_pages.py"), "-q",
                        "-n", "0", "-p", "no:cacheprovider"],
                       cwd=HERE.parents[1], env=env, capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr
    assert r.returncode != 0  # a failure, not a pass or a skip
    assert "Traceback" not in out and "Error" not in out.replace("ERROR", "")
    lines = [ln for ln in out.splitlines() if "the browser tests need Chromium" in ln]
    assert lines and "apt-get install chromium" in lines[0]
    assert " passed" not in out and " skipped" not in out
