"""keep_heap: a worker keeps the memory it frees (glibc), so the next simulation's arrays do
not cost fresh pages; without it the same block goes back to the system."""

from __future__ import annotations

import subprocess
import sys

import pytest

_PROBE = """
import sys
import numpy as np
from roxham.calibrate.executor import keep_heap

def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

if sys.argv[1] == "keep":
    assert keep_heap() is True
a = np.ones(40 << 20, dtype=np.uint8)  # 40 MiB, written
before = rss_kb()
del a
print(before - rss_kb())  # KiB given back by free
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt (Linux)")
def test_freed_memory_stays_with_keep_heap_and_goes_back_without() -> None:
    def freed(mode: str) -> int:
        out = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True,
                             text=True, check=True)
        return int(out.stdout.strip())

    assert freed("default") > 30_000  # the 40 MiB block was unmapped on free
    assert freed("keep") < 5_000  # kept in the heap for the next allocation
