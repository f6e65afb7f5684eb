"""The self-contained HTML report: Jinja2 with autoescape and StrictUndefined, inline CSS and SVG.

:func:`render_html` returns the full document; :func:`render_notebook` wraps it in a sandboxed ``<iframe>`` so
its page-wide CSS cannot restyle a Jupyter notebook.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from dataaudit.datasheet import policy_notes
from dataaudit.model import STATUS_ORDER, Area, Report, Status, in_status_order
from dataaudit.report.drift import drift_bars, drift_rows
from dataaudit.report.svg import meter, render_chart, sparkline

_QUIET = (Status.PASS, Status.SKIPPED)
#: evidence rows shown before "show all": a failed check's table of 70 rows would fill two screens
PREVIEW_ROWS = 8


#: the options the templates are compiled with; a compiled template in the cache is only valid for these
_OPTIONS: dict[str, Any] = {"undefined": StrictUndefined, "trim_blocks": True, "lstrip_blocks": True}
_AUTOESCAPE = "select_autoescape(default=True, default_for_string=True)"  # as _env() passes it


class _TemplateCache(FileSystemBytecodeCache):
    """Jinja's compiled templates kept between runs, so that a run does not parse and compile the report's
    templates again (about 0.05 CPU-seconds of a small file's audit). Jinja checks each entry against its
    template's source (a changed template is compiled afresh) and against its own and Python's versions; the
    file name adds our compile options, so entries made with other options are never read. The cache only
    saves time: an entry that cannot be read is compiled again, one that cannot be written is skipped."""

    def load_bytecode(self, bucket: Any) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # e.g. a truncated or foreign file: compile instead
            bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        with contextlib.suppress(OSError):  # a full disk, a read-only cache folder
            super().dump_bytecode(bucket)


def cache_folder() -> Path:
    """Where dataaudit keeps what it may rebuild at any time: ``DATAAUDIT_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/dataaudit`` (``~/.cache/dataaudit``; ``%LOCALAPPDATA%\\dataaudit`` on Windows)."""
    own = os.environ.get("DATAAUDIT_CACHE_DIR")
    if own:
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if os.name == "nt" else None)
    return Path(base or Path.home() / ".cache") / "dataaudit"


def _template_cache() -> _TemplateCache | None:
    """The compiled-template cache in :func:`cache_folder`, or None where that folder cannot be made or is
    not the user's own (compiled code from it is executed)."""
    options = repr((sorted((k, getattr(v, "__name__", v)) for k, v in _OPTIONS.items()), _AUTOESCAPE))
    tag = hashlib.sha256(f"{options} {jinja2.__version__}".encode()).hexdigest()[:12]
    try:
        folder = cache_folder() / "templates"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if hasattr(os, "getuid") and folder.stat().st_uid != os.getuid():
            return None
    except (OSError, RuntimeError):  # RuntimeError: no home directory to expand
        return None
    return _TemplateCache(str(folder), f"{tag}-%s.cache")


def _env() -> Environment:
    folder = importlib.resources.files("dataaudit.templates")
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        bytecode_cache=_template_cache(),
        **_OPTIONS,
    )
    env.filters["chart"] = render_chart
    env.filters["meter"] = meter
    env.filters["sparkline"] = sparkline
    env.filters["basename"] = _basename
    env.filters["num"] = _num
    env.filters["cell"] = _cell
    env.filters["ident"] = _breakable
    env.filters["policy_notes"] = policy_notes  # the "Policy notes" datasheet partial (_policy.html.j2)
    env.filters["drift_rows"] = drift_rows  # the "Changes since baseline" partial (_drift.html.j2)
    env.filters["drift_bars"] = drift_bars
    return env


# Where a long identifier may wrap: after "_" or "/", after a "." followed by a letter (``size.min_rows``, not
# ``1.5``) and between a lower-case letter and a capital (``approvalLetter``).
_BREAK_AT = re.compile(r"(?<=[_/])(?=.)|(?<=\.)(?=[A-Za-z])|(?<=[a-z])(?=[A-Z])")
_KEEP_WHOLE = 24  # words up to this long never wrap; a longer unbroken run may wrap anywhere (unavoidable)


def _breakable(text: Any) -> Markup:
    """``text`` escaped; words longer than ``_KEEP_WHOLE`` get ``<wbr>`` at an identifier's natural break
    points, so ``a_very_long_column_name_here`` wraps after an ``_`` rather than mid-word. With CSS
    ``overflow-wrap: break-word`` (not ``anywhere``), shorter identifiers such as ``approval_letter_sent``
    stay whole and the table narrows other columns instead."""
    return Markup("").join(_break_word(w) for w in re.split(r"(\s+)", str(text)))


def _break_word(word: str) -> Markup:
    if len(word) <= _KEEP_WHOLE:
        return escape(word)
    pieces = [p[i : i + _KEEP_WHOLE] for p in _BREAK_AT.split(word) for i in range(0, len(p), _KEEP_WHOLE)]
    return Markup("<wbr>").join(escape(p) for p in pieces)


def _num(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return "—" if v is None else str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _cell(v: Any, column: str = "") -> str | Markup:
    """A table cell; floats in a column named like ``share``/``rate`` read as percentages; text may wrap at
    identifier boundaries."""
    if isinstance(v, float) and column.split(" ")[0].endswith(("share", "rate")) and -1 <= v <= 1:
        return f"{v:.1%}"
    if v is None:
        return ""
    return _num(v) if isinstance(v, (int, float)) else _breakable(v)


def _basename(path: str | None) -> str:
    """The file name of a path as typed (``/home/me/data/x.csv`` → ``x.csv``); the full path is in the run
    details, so a shared report's header shows no one's folders."""
    if not path:
        return "in-memory DataFrame"
    return re.split(r"[/\\]", path.rstrip("/\\"))[-1] or path


_CHECK_ID = re.compile(r"\b[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\b")


def _linker(ids: frozenset[str]) -> Callable[[Any], Markup]:
    """A filter that escapes a message and links every check id in it that this report holds to its card."""

    def link_ids(text: Any) -> Markup:
        out, last = [], 0
        s = str(text)
        for m in _CHECK_ID.finditer(s):
            if m.group(0) in ids:
                out += [escape(s[last : m.start()]), Markup('<a href="#{0}">{0}</a>').format(m.group(0))]
                last = m.end()
        out.append(escape(s[last:]))
        return Markup("").join(out)

    return link_ids


def _size(n: float | None) -> str:
    if n is None:
        return "in memory"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document (inline CSS and SVG, no scripts, no external URLs)."""
    return _render(report, in_srcdoc=False)


def render_notebook(report: Report, height: int = 800) -> str:
    """The report for a notebook's ``_repr_html_``: the whole document in a sandboxed ``<iframe>``.

    The document's global CSS (``body``, ``table``, headings) stays inside the frame instead of restyling the
    notebook. ``sandbox`` without ``allow-scripts``: the report has no scripts and needs none.
    """
    document = escape(_render(report, in_srcdoc=True))  # once: the frame's parser unescapes it once
    title = f"dataaudit report: {report.dataset.path or 'DataFrame'}"
    return str(
        Markup(
            '<iframe srcdoc="{}" title="{}" sandbox="" '
            'style="width:100%;height:{}px;border:0;display:block"></iframe>'
        ).format(document, title, int(height))
    )


def _render(report: Report, *, in_srcdoc: bool) -> str:
    by_area = report.by_area()
    counts_by_area = report.summary.by_area
    no_results = {s.value: 0 for s in Status}
    areas: list[dict[str, Any]] = []
    for area in Area:
        results = in_status_order(by_area.get(area, ()))
        if not results and area in (Area.DRIFT, Area.SPLIT):  # run only with --baseline / --test
            continue
        counts = counts_by_area.get(area.value, no_results)
        worst = next((s for s in STATUS_ORDER if counts[s.value]), None)
        areas.append(
            {
                "area": area,
                "question": area.question,
                "results": results,
                "counts": counts,
                "worst": worst.value if worst else "none",
            }
        )
    config = {k: v for k, v in report.config.items() if k != "path" and v not in (None, [], {}, ())}
    env = _env()
    env.filters["link_ids"] = _linker(frozenset(r.id for r in report.results))
    return env.get_template("report.html.j2").render(
        r=report,
        in_srcdoc=in_srcdoc,
        # load notes, then the run's own (kept apart in the model and JSON); a note in both shows once
        notes=tuple(dict.fromkeys((*report.dataset.notes, *report.notes))),
        areas=areas,
        blocking=report.blocking,
        # what to review, per area, worst first: the contents list under the scorecard
        to_review=[(a, [c for c in a["results"] if c.status not in _QUIET]) for a in areas],
        preview_rows=PREVIEW_ROWS,
        statuses=[s.value for s in STATUS_ORDER],
        size=_size(report.dataset.bytes),
        config_yaml=yaml.safe_dump(config, sort_keys=False, allow_unicode=True, default_flow_style=False),
    )
