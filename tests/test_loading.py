"""Loading: every format, encoding and compression round-trips a small frame; every bad input is one line
that starts with the path and names the problem."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import dataaudit
from dataaudit.errors import DataLoadError
from dataaudit.loading import compressed, detect_format, load


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "amount": [10.5, None, 7.25, 3.0],
            "city": ["Zürich", "Ōsaka", "Lyon", None],
            "day": pd.to_datetime(["2024-01-05", "2024-02-29", "2024-03-31", "2024-12-01"]),
            "member": [True, False, True, False],
        }
    )


def csv_text(frame: pd.DataFrame, sep: str = ",") -> str:
    return frame.to_csv(index=False, sep=sep, date_format="%Y-%m-%d")


def json_text(frame: pd.DataFrame, lines: bool) -> str:
    dated = frame.assign(day=frame["day"].dt.strftime("%Y-%m-%d"))
    return dated.to_json(orient="records", lines=lines, force_ascii=False)


def assert_round_trip(loaded: pd.DataFrame, frame: pd.DataFrame, *, dates_parsed: bool = True) -> None:
    """Same names and values; numbers stay numeric, dates become datetimes (or parse as dates)."""
    assert list(loaded.columns) == list(frame.columns)
    assert loaded["id"].tolist() == [1, 2, 3, 4]
    assert pd.api.types.is_integer_dtype(loaded["id"])
    assert pd.api.types.is_float_dtype(loaded["amount"])
    assert loaded["amount"].isna().tolist() == [False, True, False, False]
    assert loaded["amount"].dropna().tolist() == [10.5, 7.25, 3.0]
    assert loaded["city"].tolist()[:3] == ["Zürich", "Ōsaka", "Lyon"]
    assert pd.isna(loaded["city"].iloc[3])
    assert pd.api.types.is_bool_dtype(loaded["member"])
    days = loaded["day"] if dates_parsed else pd.to_datetime(loaded["day"])
    assert pd.api.types.is_datetime64_any_dtype(days)
    assert days.dt.strftime("%Y-%m-%d").tolist() == ["2024-01-05", "2024-02-29", "2024-03-31", "2024-12-01"]


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def load_error(path: Path, problem: str, **kwargs) -> None:
    """``load`` fails with exactly ``"<path>: <problem>"``, on one line."""
    with pytest.raises(DataLoadError, match=f"^{re.escape(f'{path}: {problem}')}$") as info:
        load(path, **kwargs)
    assert "\n" not in str(info.value)


# -- formats -------------------------------------------------------------------------------------------------


def test_csv(tmp_path, frame):
    loaded, info = load(write(tmp_path / "d.csv", csv_text(frame)))
    assert_round_trip(loaded, frame)
    assert (info.format, info.encoding, info.notes) == ("csv", "utf-8", ())


def test_tsv(tmp_path, frame):
    loaded, info = load(write(tmp_path / "d.tsv", csv_text(frame, "\t")))
    assert_round_trip(loaded, frame)
    assert (info.format, info.notes) == ("tsv", ())


def test_parquet(tmp_path, frame):
    frame.to_parquet(tmp_path / "d.parquet", index=False)
    loaded, info = load(tmp_path / "d.parquet")
    assert_round_trip(loaded, frame)
    assert (info.format, info.encoding) == ("parquet", None)


def test_parquet_dates_become_datetimes_and_a_named_index_stays_a_column(tmp_path, frame):
    frame.assign(day=frame["day"].dt.date).set_index("id").to_parquet(tmp_path / "d.parquet")
    loaded, _ = load(tmp_path / "d.parquet")
    assert_round_trip(loaded, frame)
    assert isinstance(loaded.index, pd.RangeIndex)


def test_parquet_structs_are_flattened_and_lists_skipped_with_a_note(tmp_path):
    nested = pd.DataFrame({"a": [1, 2], "s": [{"x": 1}, {"x": 2}], "tags": [[1], [2, 3]]})
    nested.to_parquet(tmp_path / "n.pq")
    loaded, info = load(tmp_path / "n.pq")
    assert list(loaded.columns) == ["a", "s.x"]
    assert info.notes == ("skipped 1 column(s) holding lists or maps: tags",)


def test_json_array_of_records(tmp_path, frame):
    loaded, info = load(write(tmp_path / "d.json", json_text(frame, lines=False)))
    assert_round_trip(loaded, frame, dates_parsed=False)
    assert (info.format, info.encoding) == ("json", "utf-8")


def test_json_records_under_one_key_and_nested_objects(tmp_path):
    rows = [{"a": 1, "geo": {"lat": 1.5}, "tags": ["x"]}, {"a": 2, "geo": {"lat": 2.5}}]
    doc = {"meta": {"v": 1}, "rows": rows}
    loaded, info = load(write(tmp_path / "d.json", json.dumps(doc)))
    assert list(loaded.columns) == ["a", "geo.lat"]
    assert loaded["geo.lat"].tolist() == [1.5, 2.5]
    assert info.notes == ("skipped 1 column(s) holding lists or maps: tags",)


def test_jsonl(tmp_path, frame):
    loaded, info = load(write(tmp_path / "d.jsonl", json_text(frame, lines=True)))
    assert_round_trip(loaded, frame)
    assert (info.format, info.notes) == ("jsonl", ())


def test_jsonl_skips_a_malformed_line_and_tolerates_changing_types(tmp_path):
    text = '{"a": 1, "b": "x"}\n{"a": "two", "b": "y"}\nnot json\n\n{"a": 3, "b": "z"}\n'
    loaded, info = load(write(tmp_path / "d.ndjson", text))
    assert loaded["a"].tolist() == [1, "two", 3]
    assert info.notes == ("skipped 1 malformed JSON line(s) (first at line 3)",)


def test_xlsx(tmp_path, frame):
    frame.to_excel(tmp_path / "d.xlsx", index=False)
    loaded, info = load(tmp_path / "d.xlsx")
    assert_round_trip(loaded, frame)
    assert (info.format, info.encoding, info.notes) == ("xlsx", None, ())


def test_xlsx_first_sheet_by_default_with_a_note_and_sheet_chooses(tmp_path, frame):
    with pd.ExcelWriter(tmp_path / "book.xlsx") as xw:
        frame.to_excel(xw, sheet_name="Loans", index=False)
        pd.DataFrame({"k": ["a", "b"], "v": [1, 2]}).to_excel(xw, sheet_name="Lookup", index=False)
    loaded, info = load(tmp_path / "book.xlsx")
    assert_round_trip(loaded, frame)
    assert info.notes == ("read sheet 'Loans', the first of 2 (Loans, Lookup); choose with --sheet",)
    loaded, info = load(tmp_path / "book.xlsx", sheet="Lookup")
    assert loaded.to_dict("list") == {"k": ["a", "b"], "v": [1, 2]}
    assert info.notes == ()


def test_xlsx_blank_header_cells_duplicates_blank_rows_and_error_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["x", None, "x"], [1, "a", "#N/A"], [None, None, None], [2, "b", 5.5]]:
        ws.append(row)
    ws.cell(row=9, column=1, value=None)  # a sheet whose declared size runs past the data
    wb.save(tmp_path / "h.xlsx")
    loaded, info = load(tmp_path / "h.xlsx")
    assert list(loaded.columns) == ["x", "unnamed_2", "x.1"]
    assert loaded["x"].tolist() == [1, 2]
    assert loaded["x.1"].isna().tolist() == [True, False]
    assert info.notes == ("renamed 2 empty or duplicate column name(s): ''→'unnamed_2', 'x'→'x.1'",)


# -- compression and --format -------------------------------------------------------------------------------


def _zip(data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("inner/data.csv", data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("suffix", "compress", "fmt"),
    [
        (".csv.gz", gzip.compress, "csv+gzip"),
        (".csv.bz2", bz2.compress, "csv+bz2"),
        (".csv.xz", lzma.compress, "csv+xz"),
        (".csv.zip", _zip, "csv+zip"),
        (".gz", gzip.compress, "csv+gzip"),  # no inner extension: CSV assumed
    ],
)
def test_compressed_csv(tmp_path, frame, suffix, compress, fmt):
    raw = compress(csv_text(frame).encode())
    loaded, info = load(write(tmp_path / f"d{suffix}", raw))
    assert_round_trip(loaded, frame)
    assert (info.format, info.bytes) == (fmt, len(raw))
    assert info.sha256 == hashlib.sha256(raw).hexdigest()  # of the file as stored, not decompressed


def test_compressed_jsonl(tmp_path, frame):
    raw = gzip.compress(json_text(frame, lines=True).encode())
    loaded, info = load(write(tmp_path / "d.jsonl.gz", raw))
    assert_round_trip(loaded, frame)
    assert info.format == "jsonl+gzip"


def test_format_option_overrides_the_extension(tmp_path, frame):
    path = write(tmp_path / "export.dat", json_text(frame, lines=True))
    loaded, info = load(path, fmt="JSONL")
    assert_round_trip(loaded, frame)
    assert info.format == "jsonl"


def test_detect_format():
    assert detect_format(Path("a/b.CSV")) == ("csv", None)
    assert detect_format(Path("b.v2.tsv.bz2")) == ("tsv", "bz2")
    assert detect_format(Path("b.ndjson")) == ("jsonl", None)
    assert detect_format(Path("b.xlsm")) == ("xlsx", None)
    assert detect_format(Path("b.txt.gz"), "parquet") == ("parquet", "gzip")


# -- delimiters ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sep", "name"), [(";", "';'"), ("|", "'|'"), ("\t", "tab")])
def test_sniffed_delimiter(tmp_path, frame, sep, name):
    loaded, info = load(write(tmp_path / "d.csv", csv_text(frame, sep)))
    assert_round_trip(loaded, frame)
    assert info.notes == (f"delimiter {name} detected",)


def test_sniffer_is_not_fooled_by_other_delimiters_inside_quotes(tmp_path):
    loaded, _ = load(write(tmp_path / "c.csv", 'id,note\n1,"a; b; c"\n2,"d; e"\n3,"x | y"\n'))
    assert loaded["note"].tolist() == ["a; b; c", "d; e", "x | y"]
    loaded, _ = load(write(tmp_path / "s.csv", 'id;note;price\n1;"hello, world";1,5\n2;"a, b, c";2,25\n'))
    assert list(loaded.columns) == ["id", "note", "price"]
    assert loaded["note"].tolist() == ["hello, world", "a, b, c"]


def test_single_column_csv(tmp_path):
    loaded, info = load(write(tmp_path / "one.csv", "name\nAda Lovelace\nAlan Turing\n"))
    assert loaded["name"].tolist() == ["Ada Lovelace", "Alan Turing"]
    assert info.notes == ()


def test_quoted_newlines_and_a_literal_unnamed_column(tmp_path):
    loaded, info = load(write(tmp_path / "q.csv", 'Unnamed: 0,text\n1,"two\nlines"\n2,plain\n'))
    assert list(loaded.columns) == ["Unnamed: 0", "text"]
    assert loaded["text"].tolist() == ["two\nlines", "plain"]
    assert info.notes == ()


# -- encodings -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-be-bom", "utf-16")],
)
def test_csv_encodings(tmp_path, frame, encoding, reported):
    text = csv_text(frame)
    raw = b"\xfe\xff" + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding)
    loaded, info = load(write(tmp_path / "d.csv", raw))
    assert_round_trip(loaded, frame)
    assert (info.encoding, info.notes) == (reported, ())
    assert loaded.columns[0] == "id"  # no BOM left in the first name


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_json_and_jsonl_encodings(tmp_path, frame, encoding):
    lines = json_text(frame, lines=True)
    loaded, info = load(write(tmp_path / "d.jsonl", lines.encode(encoding)))
    assert_round_trip(loaded, frame)
    assert info.encoding == encoding
    loaded, _ = load(write(tmp_path / "d.json", json_text(frame, lines=False).encode(encoding)))
    assert loaded["city"].tolist()[:2] == ["Zürich", "Ōsaka"]


LEGACY = "not valid UTF-8: decoded as {} (legacy 8-bit encoding); check accented characters"


def test_legacy_cp1252_is_read_and_said(tmp_path):
    path = write(tmp_path / "win.csv", "name,price\nCafé,€3\nNaïve,€4\n".encode("cp1252"))
    loaded, info = load(path)
    assert loaded["name"].tolist() == ["Café", "Naïve"]
    assert loaded["price"].tolist() == ["€3", "€4"]
    assert info.encoding == "cp1252"
    assert info.notes == (LEGACY.format("cp1252"),)
    report = dataaudit.audit(path, config={}, select=["size.min_rows"])
    assert info.notes[0] in report.dataset.notes
    assert report.dataset.notes == info.notes
    assert report.dataset.encoding == "cp1252"


def test_legacy_latin1_when_not_cp1252(tmp_path):
    # 0x81 is undefined in cp1252; latin-1 decodes every byte
    loaded, info = load(write(tmp_path / "l.jsonl", b'{"a": "x\x81\xe9"}\n'))
    assert loaded["a"].tolist() == ["x\x81é"]
    assert info.encoding == "latin-1"
    assert info.notes == (LEGACY.format("latin-1"),)


# -- provenance: SourceInfo and audit(...).dataset -----------------------------------------------------------


def test_source_info_and_report_dataset(tmp_path, frame):
    path = write(tmp_path / "d.csv", csv_text(frame))
    raw = path.read_bytes()
    loaded, info = load(path)
    assert info.path == str(path)
    assert info.bytes == len(raw)
    assert info.sha256 == hashlib.sha256(raw).hexdigest()
    assert 0 < info.load_seconds < 10
    assert loaded.shape == (4, 5)

    ds = dataaudit.audit(path, config={}, select=["size.min_rows"]).dataset
    assert (ds.path, ds.format, ds.bytes, ds.sha256) == (str(path), "csv", len(raw), info.sha256)
    assert (ds.rows, ds.columns, ds.encoding) == (4, 5, "utf-8")
    assert 0 < ds.load_seconds < 10


def test_audit_accepts_a_dataframe(frame):
    report = dataaudit.audit(frame, config={}, select=["size.min_rows"])
    ds = report.dataset
    assert (ds.path, ds.format, ds.bytes, ds.sha256) == (None, "dataframe", None, None)
    assert (ds.rows, ds.columns) == (4, 5)
    assert [r.id for r in report.results] == ["size.min_rows"]


def test_audit_passes_format_and_sheet_through(tmp_path, frame):
    with pd.ExcelWriter(tmp_path / "book.xlsx") as xw:
        pd.DataFrame({"k": [1]}).to_excel(xw, sheet_name="Cover", index=False)
        frame.to_excel(xw, sheet_name="Data", index=False)
    report = dataaudit.audit(tmp_path / "book.xlsx", config={}, select=["size.min_rows"], sheet="Data")
    assert (report.dataset.rows, report.dataset.columns) == (4, 5)


# -- column names --------------------------------------------------------------------------------------------


def test_empty_and_duplicate_column_names_are_renamed_with_a_note(tmp_path):
    loaded, info = load(write(tmp_path / "d.csv", "a,a,,b, ,a\n1,2,3,4,5,6\n"))
    assert list(loaded.columns) == ["a", "a.1", "unnamed_3", "b", "unnamed_5", "a.2"]
    assert info.notes == (
        "renamed 4 empty or duplicate column name(s): 'a'→'a.1', ''→'unnamed_3', ' '→'unnamed_5', 'a'→'a.2'",
    )


def test_pandas_index_column_becomes_unnamed_1(tmp_path, frame):
    frame.to_csv(tmp_path / "d.csv")  # index=True: the header starts with an empty name
    loaded, info = load(tmp_path / "d.csv")
    assert list(loaded.columns) == ["unnamed_1", *frame.columns]
    assert info.notes == ("renamed 1 empty or duplicate column name(s): ''→'unnamed_1'",)


def test_renamed_note_is_capped(tmp_path):
    _, info = load(write(tmp_path / "d.csv", "x," * 8 + "x\n" + "1," * 8 + "1\n"))
    assert info.notes[0].startswith("renamed 8 empty or duplicate column name(s): 'x'→'x.1', ")
    assert info.notes[0].endswith("'x'→'x.5' and 3 more")


def test_numeric_header_cells_become_strings(tmp_path):
    wb = openpyxl.Workbook()
    for row in [[2023, 2024], [1, 2]]:
        wb.active.append(row)
    wb.save(tmp_path / "years.xlsx")
    loaded, _ = load(tmp_path / "years.xlsx")
    assert list(loaded.columns) == ["2023", "2024"]


# -- bad input: one line, starting with the path -------------------------------------------------------------


def test_missing_file(tmp_path):
    load_error(tmp_path / "nope.csv", "file not found")


def test_directory(tmp_path):
    (tmp_path / "d.csv").mkdir()
    load_error(tmp_path / "d.csv", "is a directory, not a data file")


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path / "locked.csv", "a\n1\n")

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    load_error(path, "cannot read (Permission denied)")


def test_unsupported_extension_and_format(tmp_path):
    load_error(
        write(tmp_path / "d.sav", "x"),
        "unsupported file type '.sav'; supported: .csv .tsv .parquet .feather .arrow .json .jsonl .xlsx "
        "(optionally .gz/.bz2/.xz/.zip), or pass --format",
    )
    load_error(
        write(tmp_path / "d.csv", "a\n1\n"),
        "unsupported --format 'sql' (choose from csv, tsv, parquet, feather, json, jsonl, xlsx)",
        fmt="sql",
    )


def test_sheet_for_a_csv(tmp_path):
    path = write(tmp_path / "d.csv", "a\n1\n")
    load_error(path, "--sheet applies only to .xlsx workbooks, not to csv data", sheet="Data")


NOT_RECORDS = "JSON is not tabular: expected an array of objects (records)"
JSONL_HINT = "; JSON Lines files should end in .jsonl"
PARQUET_MAGIC = (
    "Parquet magic bytes not found in footer. Either the file is corrupted or this is not a parquet file."
)

#: file name → (content, the problem after "<path>: ")
BAD_INPUT = {
    "zero.csv": (b"", "file is empty (0 bytes)"),
    "zero.parquet": (b"", "file is empty (0 bytes)"),
    "blank.csv": (" \n\t\n  \r\n", "file has no data (only whitespace)"),
    "blank.json": ("\n\n", "file has no data (only whitespace)"),
    "blank16.csv": (" \n \n".encode("utf-16"), "file has no data (only whitespace)"),
    "header.csv": ("id,amount,city\n", "no data rows (only a header with 3 columns)"),
    "header1.csv": ("id\r\n", "no data rows (only a header with 1 column)"),
    "header.tsv": ("id\tname\n\n\n", "no data rows (only a header with 2 columns)"),
    "more.csv": ("a,b\n1,2\n3,4\n5,6,7\n", "ragged rows: line 4 has 3 fields, the header has 2"),
    "fewer.csv": ('a,b,c\n1,2,3\n"x\ny",5\n', "ragged rows: line 3 has 2 fields, the header has 3"),
    "image.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "looks like a PNG image, not CSV text"),
    "photo.csv": (b"\xff\xd8\xff\xe0\x00\x10JFIF", "looks like a JPEG image, not CSV text"),
    "book.csv": (b"PK\x03\x04\x14\x00", "looks like a zip archive (an .xlsx workbook?), not CSV text"),
    "noise.csv": (
        bytes(range(1, 256)) * 4,
        "looks like a binary file, not CSV text (108 control bytes in the first 1020; "
        "UTF-16 needs a byte-order mark)",
    ),
    "utf16-no-bom.csv": (
        "a,b\n1,2\n".encode("utf-16-le"),
        "looks like a binary file, not CSV text (8 control bytes in the first 16; "
        "UTF-16 needs a byte-order mark)",
    ),
    "fake.csv.gz": ("a,b\n1,2\n", "not valid gzip data (Not a gzipped file (b'a,'))"),
    "short.csv.gz": (
        gzip.compress(b"a,b\n" * 1000)[:40],
        "gzip data is truncated (ends before the end of the stream)",
    ),
    "empty.csv.gz": (gzip.compress(b""), "gzip archive holds 0 bytes"),
    "fake.csv.bz2": ("a,b\n", "not valid bz2 data (Invalid data stream)"),
    "fake.csv.xz": ("a,b\n", "not valid xz data (Input format not supported by decoder)"),
    "fake.csv.zip": ("a,b\n", "not a valid zip archive (File is not a zip file)"),
    "fake.parquet": ("a,b\n1,2\n", f"not a valid Parquet file or truncated ({PARQUET_MAGIC})"),
    "fake.xlsx": ("a,b\n1,2\n", "not a valid .xlsx workbook (File is not a zip file)"),
    "old.xlsx": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
        "looks like an old .xls workbook or an encrypted .xlsx; save it as an unencrypted .xlsx",
    ),
    "zipped.xlsx": (
        _zip(b"a,b\n1,2\n"),
        "not a valid .xlsx workbook (\"There is no item named '[Content_Types].xml' in the archive\")",
    ),
    "number.json": ("42", NOT_RECORDS),
    "columns.json": ('{"a": [1, 2], "b": [3, 4]}', NOT_RECORDS),
    "scalars.json": ("[1, 2, 3]", NOT_RECORDS),
    "empty.json": ("[]", "no data rows (empty JSON array)"),
    "objects.json": ("[{}, {}]", "no columns found"),
    "broken.json": ('[{"a": 1},', f"invalid JSON (Expecting value: line 1 column 11 (char 10)){JSONL_HINT}"),
    "lines.json": ('{"a": 1}\n{"a":2}\n', f"invalid JSON (Extra data: line 2 column 1 (char 9)){JSONL_HINT}"),
    "pretty.jsonl": ('[\n{"a": 1},\n{"a": 2}\n]\n', "not JSON Lines: 3 of 4 lines are not JSON objects"),
}


@pytest.mark.parametrize("name", BAD_INPUT)
def test_bad_input(tmp_path, name):
    data, problem = BAD_INPUT[name]
    load_error(write(tmp_path / name, data), problem)


def test_zip_with_several_files(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.csv", "x\n1\n")
        zf.writestr("b.csv", "x\n2\n")
    load_error(
        write(tmp_path / "two.zip", buf.getvalue()),
        "zip archive must hold exactly one data file, found 2 (a.csv, b.csv)",
    )


def test_missing_sheet(tmp_path, frame):
    with pd.ExcelWriter(tmp_path / "book.xlsx") as xw:
        frame.to_excel(xw, sheet_name="Loans", index=False)
        frame.to_excel(xw, sheet_name="Old", index=False)
    load_error(tmp_path / "book.xlsx", "no sheet named 'Data' (sheets: Loans, Old)", sheet="Data")


def test_empty_and_header_only_sheets(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Empty"
    wb.create_sheet("Header").append(["a", "b"])
    wb.save(tmp_path / "book.xlsx")
    load_error(tmp_path / "book.xlsx", "the sheet is empty")
    load_error(tmp_path / "book.xlsx", "no data rows (only a header with 2 columns)", sheet="Header")


def test_audit_raises_the_same_error(tmp_path):
    path = write(tmp_path / "blank.csv", "\n\n")
    with pytest.raises(DataLoadError, match=f"^{re.escape(str(path))}: file has no data"):
        dataaudit.audit(path, config={}, select=["size.min_rows"])


def test_truncated_workbook_and_parquet(tmp_path, frame):
    frame.to_excel(tmp_path / "whole.xlsx", index=False)
    frame.to_parquet(tmp_path / "whole.parquet")
    half_xlsx = write(tmp_path / "half.xlsx", (tmp_path / "whole.xlsx").read_bytes()[:2000])
    load_error(half_xlsx, "not a valid .xlsx workbook (File is not a zip file)")
    half_pq = write(tmp_path / "half.parquet", (tmp_path / "whole.parquet").read_bytes()[:-100])
    expected = re.escape(f"{half_pq}: not a valid Parquet file or truncated (") + r".+\)$"
    with pytest.raises(DataLoadError, match=f"^{expected}"):
        load(half_pq)


def test_binary_named_json_and_bad_bytes_after_a_bom(tmp_path):
    load_error(write(tmp_path / "pic.json", b"GIF89a\x01\x00"), "looks like a GIF image, not JSON text")
    load_error(
        write(tmp_path / "bom.csv", b"\xef\xbb\xbfa,b\n\xff,1\n"),
        "not valid utf-8-sig text despite its byte-order mark",
    )


def test_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    load_error(fifo, "not a regular file")


def test_decompression_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(compressed, "MAX_DECOMPRESSED_BYTES", 1024)
    path = write(tmp_path / "big.csv.gz", gzip.compress(b"a\n" + b"1\n" * 1000))
    load_error(path, "decompresses to more than 1 KiB; refusing (possible decompression bomb)")
    assert compressed._human_bytes(4 * 1024**3) == "4 GiB"


def test_inaccessible_parent_directory(tmp_path, monkeypatch):
    path = tmp_path / "d.csv"

    def denied(self, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "stat", denied)
    load_error(path, "cannot read (Permission denied)")


def test_mostly_utf8_with_stray_bytes_is_repaired_not_mojibaked(tmp_path):
    data = "name\nZoë\nŌsaka\n".encode() + "Café\n".encode("cp1252")
    loaded, info = load(write(tmp_path / "mixed.csv", data))
    assert loaded["name"].tolist() == ["Zoë", "Ōsaka", "Caf\ufffd"]
    assert info.encoding == "utf-8"
    assert info.notes == ("not valid UTF-8 throughout: 1 undecodable byte sequence(s) replaced with U+FFFD",)
