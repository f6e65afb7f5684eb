"""Excel .xlsx workbooks, read once with openpyxl."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pandas as pd

from dataaudit.loading.problems import _first_line, _Problem

_EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"})


def _read_excel(data: bytes, sheet: str | None, notes: list[str]) -> pd.DataFrame:
    """The first row is the header; empty rows are skipped; cells keep their types (numbers, dates)."""
    from xml.etree.ElementTree import ParseError  # here, with openpyxl: a CSV audit needs no XML parser

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Problem(
            "looks like an old .xls workbook or an encrypted .xlsx; save it as an unencrypted .xlsx"
        )
    bad_workbook = (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        TypeError,
        InvalidFileException,
        ParseError,
    )
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except bad_workbook as exc:
        raise _Problem(f"not a valid .xlsx workbook ({_first_line(exc)})") from None
    try:
        rows = _sheet_rows(_pick_sheet(wb, sheet, notes))
    except bad_workbook as exc:
        raise _Problem(f"cannot read the worksheet ({_first_line(exc)})") from None
    finally:
        wb.close()
    if not rows:
        raise _Problem("the sheet is empty")
    frame = pd.DataFrame(rows[1:], columns=range(len(rows[0])))
    frame.columns = pd.Index([None if _empty(v) else v for v in rows[0]], dtype=object)
    return frame


def _pick_sheet(wb: Any, sheet: str | None, notes: list[str]) -> Any:
    sheets = wb.worksheets  # not chartsheets
    names = [ws.title for ws in sheets]
    if not sheets:
        raise _Problem("workbook has no worksheets")
    if sheet is None:
        if len(sheets) > 1:
            notes.append(
                f"read sheet {names[0]!r}, the first of {len(names)} ({', '.join(names)}); "
                "choose with --sheet"
            )
        return sheets[0]
    if sheet not in names:
        raise _Problem(f"no sheet named {sheet!r} (sheets: {', '.join(names)})")
    return sheets[names.index(sheet)]


def _sheet_rows(ws: Any) -> list[list[Any]]:
    """Non-empty rows, padded to one width, without trailing empty columns. Error cells (``#N/A``…) are
    kept as their text here (``load`` reads them as missing, with the null tokens, and counts them) but
    count as empty when deciding which rows and columns the sheet has."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # read-only sheets trust the file's declared size, which writers get wrong
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    rows = [row for row in rows if not all(_empty(v) for v in row)]
    width = max((max(i for i, v in enumerate(row) if not _empty(v)) + 1 for row in rows), default=0)
    return [row[:width] + [None] * (width - len(row)) for row in rows]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value in _EXCEL_ERRORS)
