"""The companion profile (``dataaudit run --profile``): a ydata-profiling report written next to the audit.

The audit answers "is this data ready?"; the profile is for browsing every column. It is built on a seeded
sample of at most ``max_rows`` rows (both reports say so), in ydata-profiling's minimal mode unless ``full``
is asked for, and always in its *sensitive* mode: categorical and text values are redacted and no sample rows
are shown, so the profile, like the audit, never repeats raw personal data. ydata_profiling is imported only
here, only when a profile is requested; its progress bars, logging and usage analytics are switched off.

A profile that fails does not fail the audit: :func:`build_profile` returns a :class:`ProfileInfo` carrying
the error, and the report shows it.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataaudit.privacy import mask_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_PROFILE_ROWS", "PROFILE_MODES", "ProfileInfo", "build_profile", "profile_path"]

PROFILE_MODES = ("minimal", "full")
DEFAULT_PROFILE_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class ProfileInfo:
    """What the audit report says about its companion profile.

    ``path`` is the profile's file name, relative to the report (set once the file is written); ``error`` is
    why profiling failed; ``html`` is the document itself, kept out of the JSON report.
    """

    mode: str
    rows: int  # rows profiled
    total_rows: int
    seconds: float = 0.0
    path: str | None = None
    error: str | None = None
    html: str | None = field(default=None, repr=False, compare=False)

    @property
    def sample_note(self) -> str:
        if self.rows < self.total_rows:
            return f"a seeded sample of {self.rows:,} of {self.total_rows:,} rows"
        return f"all {self.total_rows:,} rows"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "mode": self.mode,
            "rows": self.rows,
            "total_rows": self.total_rows,
            "sample": self.sample_note,
            "seconds": round(self.seconds, 3),
            "error": self.error,
        }


def profile_path(report_path: str | os.PathLike[str]) -> Path:
    """``reports/audit.html`` → ``reports/audit-profile.html``."""
    path = Path(report_path)
    return path.with_name(f"{path.stem}-profile.html")


def build_profile(
    frame: pd.DataFrame,
    *,
    mode: str = "minimal",
    max_rows: int = DEFAULT_PROFILE_ROWS,
    seed: int = 0,
    title: str = "dataset",
) -> ProfileInfo:
    """Profile ``frame`` (a seeded sample of at most ``max_rows`` rows) with ydata-profiling.

    Never raises for a profiling failure: the returned :class:`ProfileInfo` then has ``error`` set and no
    ``html``."""
    if mode not in PROFILE_MODES:
        raise ValueError(f"profile mode {mode!r} is not one of {', '.join(PROFILE_MODES)}")
    if max_rows < 1:
        raise ValueError(f"profile rows must be at least 1, got {max_rows}")
    total = len(frame)
    sample = frame if total <= max_rows else frame.sample(n=max_rows, random_state=seed).sort_index()
    info = ProfileInfo(mode=mode, rows=len(sample), total_rows=total)
    start = time.perf_counter()
    try:
        html = _render(sample, info, title)
    except Exception as exc:  # noqa: BLE001 - any failure of the optional profile is reported, never fatal
        text = " ".join(f"{type(exc).__name__}: {exc}".split())
        return _replace(info, seconds=time.perf_counter() - start, error=mask_text(text, 300))
    return _replace(info, seconds=time.perf_counter() - start, html=html)


def _render(sample: pd.DataFrame, info: ProfileInfo, title: str) -> str:
    # no usage analytics request to ydata's server (read when a report is built)
    os.environ.setdefault("YDATA_PROFILING_NO_ANALYTICS", "True")
    logger = logging.getLogger("ydata_profiling")
    logger_disabled = logger.disabled
    logger.disabled = True
    sink = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            warnings.simplefilter("ignore")
            from ydata_profiling import ProfileReport

            report = ProfileReport(
                sample,
                minimal=info.mode == "minimal",
                explorative=info.mode == "full",
                sensitive=True,
                progress_bar=False,
                title=f"Profile of {title}",
                dataset={
                    "description": (
                        f"Companion profile of a dataaudit report, on {info.sample_note} "
                        f"({info.mode} mode; categorical and text values redacted)."
                    )
                },
            )
            return report.to_html()
    finally:
        logger.disabled = logger_disabled


def _replace(info: ProfileInfo, **changes: Any) -> ProfileInfo:
    import dataclasses

    return dataclasses.replace(info, **changes)
