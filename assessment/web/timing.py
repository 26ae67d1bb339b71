"""Server time of each script run, for ``bench/turns.py``; off unless ``SOC2_READY_TIMING_LOG`` is set.

With the setting, every full run of the app appends one tab-separated line to that file: wall-clock
end time (s), what ran, its duration (ms), how it ended (``ok``, or the exception that ended it, e.g.
``RerunException`` when a newer submission restarted the script) and the CPU time the server
process used meanwhile (ms; on a busy machine the duration grows with the load, the CPU time less).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from knowledge.settings import Settings


@functools.cache
def log_path() -> Path | None:
    """Where run times go (``Settings.timing_log``, read once per process), or None when timing is off."""
    return Settings().timing_log


@contextmanager
def timed(what: str) -> Iterator[None]:
    """Time the block and append one line to the timing log, however the block ends."""
    path = log_path()
    if path is None:
        yield
        return
    start, cpu_start = time.perf_counter(), time.process_time()
    outcome = "ok"
    try:
        yield
    except BaseException as exc:  # RerunException and StopException are BaseExceptions: record, re-raise
        outcome = type(exc).__name__
        raise
    finally:
        elapsed_ms = (time.perf_counter() - start) * 1000
        cpu_ms = (time.process_time() - cpu_start) * 1000
        line = f"{time.time():.3f}\t{what}\t{elapsed_ms:.1f}\t{outcome}\t{cpu_ms:.1f}\n"
        with path.open("a", encoding="utf-8") as log:
            log.write(line)
