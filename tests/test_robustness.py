"""Bad input, end to end through the CLI: every case ends in exit 2 with one stderr line naming the file and
the problem (and no report left behind), or in a correct audit (no built-in check in ``error``). Memory-heavy
cases run in a subprocess under an address-space limit (``RLIMIT_AS``)."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from dataaudit.cli import cli
from tests.helpers import ROOT

pytestmark = pytest.mark.usefixtures("hermetic")

AS_OF = "2026-06-30"


def clean_csv(n: int = 60) -> str:
    rows = "".join(f"{i},{(i * 7) % 13 / 10},{['red', 'green', 'blue'][i % 3]},{i % 2}\n" for i in range(n))
    return "id,x,colour,y\n" + rows


def xlsx(**sheets: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def parquet(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def leftovers() -> list[str]:
    """Reports and temp files a failed run must not leave (inputs of the test are not counted)."""
    return sorted(
        p.name for p in Path(".").rglob("*") if p.name.endswith((".html", ".tmp")) or p.name == "r.json"
    )


def put(files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = Path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def assert_cannot_audit(result: Result, problem: str) -> None:
    """Exit 2; stderr is exactly one line, 'error: ' + ``problem`` (a regex when it starts with '^')."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    line = result.stderr
    assert line.endswith("\n") and line.count("\n") == 1, line
    if problem.startswith("^"):
        assert re.match(problem, line.removeprefix("error: ").rstrip("\n")), line
    else:
        assert line == f"error: {problem}\n"
    assert "Traceback" not in line
    assert leftovers() == []


# -- exit 2: one clear line, no report ---------------------------------------------------------------------

BILLION_LAUGHS = "checks:\n  size.min_rows:\n    severity:\n" + "".join(
    f"      - &{n} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
).replace("      - &b", '      - &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n      - &b', 1)

CANNOT_AUDIT = {
    # the file itself
    "missing": ({}, ["nope.csv"], "nope.csv: file not found"),
    "directory": ({"dir.csv/x": "a"}, ["dir.csv"], "dir.csv: is a directory, not a data file"),
    "zero-bytes": ({"d.csv": ""}, ["d.csv"], "d.csv: file is empty (0 bytes)"),
    "whitespace": ({"d.csv": "  \n\t\r\n \n"}, ["d.csv"], "d.csv: file has no data (only whitespace)"),
    "header-only": ({"d.csv": "a,b,c\n"}, ["d.csv"], "d.csv: no data rows (only a header with 3 columns)"),
    "binary-garbage": (
        {"d.csv": bytes(range(256)) * 16},
        ["d.csv"],
        r"^d\.csv: looks like a binary file, not CSV text \(\d+ control bytes in the first \d+; ",
    ),
    "png-named-csv": (
        {"d.csv": b"\x89PNG\r\n\x1a\n" + bytes(200)},
        ["d.csv"],
        "d.csv: looks like a PNG image, not CSV text",
    ),
    # structure
    "ragged-rows": (
        {"d.csv": "a,b\n1,2\n3,4,5\n"},
        ["d.csv"],
        "d.csv: ragged rows: line 3 has 3 fields, the header has 2",
    ),
    "unterminated-quote": (
        {"d.csv": 'a,b\n1,"ok"\n2,"never closed\n3,4\n5,6\n'},
        ["d.csv"],
        "d.csv: unterminated quote: the quoted value that starts on line 3 never closes",
    ),
    "unterminated-quote-cr-only": (
        {"d.csv": 'a,b\r1,x\r2,"open\r3,4\r'},
        ["d.csv"],
        "d.csv: unterminated quote: the quoted value that starts on line 3 never closes",
    ),
    # compressed
    "fake-gzip": (
        {"d.csv.gz": clean_csv()},
        ["d.csv.gz"],
        "^d\\.csv\\.gz: not valid gzip data \\(Not a gzipped file",
    ),
    "truncated-gzip": (
        {"d.csv.gz": gzip.compress(clean_csv(500).encode())[:300]},
        ["d.csv.gz"],
        "d.csv.gz: gzip data is truncated (ends before the end of the stream)",
    ),
    # parquet
    "corrupt-parquet": (
        {"d.parquet": b"PAR1" + bytes(range(256)) * 4 + b"PAR1"},
        ["d.parquet"],
        r"^d\.parquet: not a valid Parquet file or truncated \(.+\)$",
    ),
    "truncated-parquet": (
        {"d.parquet": parquet(pa.table({"a": list(range(1000))}))[:-50]},
        ["d.parquet"],
        r"^d\.parquet: not a valid Parquet file or truncated \(.+\)$",
    ),
    # JSON
    "json-not-tabular": (
        {"d.json": '{"a": 1, "b": {"c": 2}}'},
        ["d.json"],
        "d.json: JSON is not tabular: expected an array of objects (records)",
    ),
    "json-deeply-nested": (
        {"d.json": "[" * 100_000 + "]" * 100_000},
        ["d.json"],
        "d.json: JSON nested too deeply to be a table",
    ),
    "jsonl-mostly-bad": (
        {"d.jsonl": '{"a": 1}\nnot json\n[1, 2]\n"text"\n'},
        ["d.jsonl"],
        "d.jsonl: not JSON Lines: 3 of 4 lines are not JSON objects",
    ),
    # Excel
    "fake-xlsx": (
        {"d.xlsx": clean_csv()},
        ["d.xlsx"],
        "d.xlsx: not a valid .xlsx workbook (File is not a zip file)",
    ),
    "xlsx-unknown-sheet": (
        {"d.xlsx": xlsx(Loans=[["a"], [1]], Old=[["a"], [2]])},
        ["d.xlsx", "--sheet", "New"],
        "d.xlsx: no sheet named 'New' (sheets: Loans, Old)",
    ),
    # config
    "config-unknown-key": (
        {"d.csv": clean_csv(), "c.yaml": "targett: y\n"},
        ["d.csv", "-c", "c.yaml"],
        "^c\\.yaml: unknown key 'targett'; did you mean 'target'\\?",
    ),
    "config-wrong-type": (
        {"d.csv": clean_csv(), "c.yaml": "sample_rows: lots\n"},
        ["d.csv", "-c", "c.yaml"],
        "c.yaml: sample_rows: input should be a valid integer, unable to parse string as an integer, "
        "got 'lots'",
    ),
    "config-yaml-syntax": (
        {"d.csv": clean_csv(), "c.yaml": "target: [y\nfail_on: warn\n"},
        ["d.csv", "-c", "c.yaml"],
        "^c\\.yaml: invalid YAML at line \\d+, column \\d+: ",
    ),
    "config-python-tag": (
        {"d.csv": clean_csv(), "c.yaml": "target: !!python/object/apply:os.system ['echo pwned']\n"},
        ["d.csv", "-c", "c.yaml"],
        "^c\\.yaml: invalid YAML at line 1, column 9: could not determine a constructor for the tag "
        "'tag:yaml\\.org,2002:python/object/apply:os\\.system'$",
    ),
    "config-billion-laughs": (
        {"d.csv": clean_csv(), "c.yaml": BILLION_LAUGHS},
        ["d.csv", "-c", "c.yaml"],
        "^c\\.yaml: invalid YAML at line \\d+, column \\d+: "
        "aliases expand to more than 100,000 values; refusing$",
    ),
    "config-recursive-alias": (
        {"d.csv": clean_csv(), "c.yaml": "policy: &p {owner: *p}\n"},
        ["d.csv", "-c", "c.yaml"],
        "c.yaml: invalid YAML at line 1, column 9: a recursive alias (a node that contains itself); refusing",
    ),
    "config-deep-nesting": (
        {"d.csv": clean_csv(), "c.yaml": "target: " + "[" * 1500 + "]" * 1500 + "\n"},
        ["d.csv", "-c", "c.yaml"],
        "c.yaml: invalid YAML: nested too deeply",
    ),
    # CLI
    "target-missing": (
        {"d.csv": clean_csv()},
        ["d.csv", "--target", "colur"],
        "--target: column 'colur' not found in d.csv; did you mean 'colour'?",
    ),
    "sensitive-missing": (
        {"d.csv": clean_csv()},
        ["d.csv", "--sensitive", "colours"],
        "--sensitive: column 'colours' not found in d.csv; did you mean 'colour'?",
    ),
    "timestamp-missing": (
        {"d.csv": clean_csv()},
        ["d.csv", "--timestamp", "idd"],
        "--timestamp: column 'idd' not found in d.csv; did you mean 'id'?",
    ),
    "bad-fail-on": (
        {"d.csv": clean_csv()},
        ["d.csv", "--fail-on", "error"],
        "Invalid value for '--fail-on': 'error' is not one of 'warn', 'fail'. (see 'dataaudit run --help')",
    ),
    # output paths
    "output-folder-missing": (
        {"d.csv": clean_csv()},
        ["d.csv", "-o", "reprots/r.html"],
        "reprots/r.html: cannot write output (folder reprots does not exist)",
    ),
    "output-is-a-directory": (
        {"d.csv": clean_csv(), "out/keep": ""},
        ["d.csv", "-o", "out"],
        "out: cannot write output (it is a directory)",
    ),
    "output-is-the-input": (
        {"d.csv": clean_csv()},
        ["d.csv", "-o", "d.csv"],
        "d.csv: cannot write output (it is the input data file; refusing to overwrite it)",
    ),
    "json-is-the-input": (
        {"d.json": json.dumps([{"a": i} for i in range(50)])},
        ["d.json", "--json", "./d.json"],
        "d.json: cannot write output (it is the input data file; refusing to overwrite it)",
    ),
    "output-not-writable": (
        {"d.csv": clean_csv()},
        ["d.csv", "-o", "/proc/self/report.html"],
        r"^/proc/self/report\.html: cannot write output \(folder /proc/self is not writable: .+\)$",
    ),
}


@pytest.mark.parametrize("case", CANNOT_AUDIT)
def test_cannot_audit(case: str) -> None:
    files, args, problem = CANNOT_AUDIT[case]
    put(files)
    before = sorted(p.name for p in Path(".").iterdir())
    assert_cannot_audit(run("run", *args, "--as-of", AS_OF), problem)
    assert sorted(p.name for p in Path(".").iterdir()) == before  # nothing created, nothing deleted


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_output_folder_is_refused_before_the_audit() -> None:
    put({"d.csv": clean_csv()})
    Path("ro").mkdir()
    Path("ro").chmod(0o500)
    try:
        result = run("run", "d.csv", "-o", "ro/r.html", "--as-of", AS_OF)
        assert_cannot_audit(
            result, "ro/r.html: cannot write output (folder ro is not writable: Permission denied)"
        )
    finally:
        Path("ro").chmod(0o700)


def test_a_symlink_or_hard_link_to_the_input_is_refused() -> None:
    put({"d.csv": clean_csv()})
    os.symlink("d.csv", "soft.html")
    os.link("d.csv", "hard.html")
    for link in ("soft.html", "hard.html"):
        result = run("run", "d.csv", "-o", link, "--as-of", AS_OF)
        assert result.exit_code == 2
        assert (
            result.stderr
            == f"error: {link}: cannot write output (it is the input data file; refusing to overwrite it)\n"
        )
    assert Path("d.csv").read_text(encoding="utf-8") == clean_csv()


def test_init_refuses_to_overwrite_the_input_even_with_force() -> None:
    put({"d.csv": clean_csv()})
    result = run("init", "d.csv", "-o", "d.csv", "--force")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "error: d.csv: cannot write output (it is the input data file; refusing to overwrite it)\n"
    )
    assert Path("d.csv").read_text(encoding="utf-8") == clean_csv()


# -- a correct audit: read as well as it can be, said in a note, no check crashes --------------------------


def audited(name: str, content: str | bytes, *args: str) -> dict:
    """Audit one file through the CLI; the JSON report, after asserting exit 0/1 and no ``error`` result."""
    put({name: content})
    result = run("run", name, "--as-of", AS_OF, "--json", "r.json", *args)
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(Path("r.json").read_text(encoding="utf-8"))
    errors = [(c["id"], c["message"]) for c in doc["checks"] if c["status"] == "error"]
    assert errors == [], errors
    assert "<html" in Path("dataaudit-report.html").read_text(encoding="utf-8")
    return doc


def test_a_wrong_delimiter_is_one_column_and_a_note_says_so() -> None:
    doc = audited("d.csv", clean_csv().replace(",", ":"))
    assert doc["dataset"]["columns"] == 1
    assert any("its name contains ':'" in n for n in doc["dataset"]["notes"])


def test_duplicate_empty_and_very_long_column_names() -> None:
    long = "x" * 5_000
    header = f"a,a,,{long},{long}\n"
    doc = audited("d.csv", header + "".join(f"{i},{i % 3},{i % 5},{i % 7},{i}\n" for i in range(60)))
    assert doc["dataset"]["columns"] == 5
    assert any(n.startswith("renamed 3 empty or duplicate column name(s)") for n in doc["dataset"]["notes"])


def test_sparse_nul_bytes_are_audited_and_escaped_on_the_terminal() -> None:
    put({"d.csv": clean_csv(300).replace("red", "re\x00d", 1)})
    result = run("run", "d.csv", "--as-of", AS_OF, "--json", "r.json")
    assert result.exit_code in (0, 1), result.output
    assert "\x00" not in result.stdout + result.stderr


def test_cr_only_line_endings() -> None:
    doc = audited("d.csv", clean_csv(60).replace("\n", "\r"))
    assert (doc["dataset"]["rows"], doc["dataset"]["columns"]) == (60, 4)


@pytest.mark.parametrize(
    ("encoding", "prefix", "reported"),
    [("utf-16", b"", "utf-16"), ("latin-1", b"", "cp1252"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig")],
)
def test_encodings(encoding: str, prefix: bytes, reported: str) -> None:
    text = "name,v\n" + "".join(f"{w},{i}\n" for i, w in enumerate(["Zoë", "Niño", "Café", "Ågot"] * 15))
    doc = audited("d.csv", prefix + text.encode(encoding))
    assert doc["dataset"]["encoding"] == reported
    assert (doc["dataset"]["rows"], doc["dataset"]["columns"]) == (60, 2)
    assert [c["name"] for c in doc["overview"]] == ["name", "v"] if "overview" in doc else True


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("a,b,c\n" + ",,\n" * 50, id="all-null-dataset"),
        pytest.param("a,b,c\n" + "".join(f"{i},,x{i % 4}\n" for i in range(60)), id="all-null-column"),
        pytest.param("a,b\n" + "1,x\nfoo,2\n3.5,\n,7\n" * 15, id="numbers-mixed-with-text"),
        pytest.param("a,b\n" + "inf,NaN\n-inf,nan\n1,2\n1e308,-0\n" * 15, id="inf-nan-strings"),
        pytest.param("a\n" + "x\n" * 60, id="one-constant-column"),
        pytest.param("a,b\n1,2\n", id="one-row"),
    ],
)
def test_odd_values_are_audited_without_errors(content: str) -> None:
    audited("d.csv", content)


def test_integers_beyond_int64_keep_every_digit() -> None:
    ids = [str(10**22 + i) for i in range(60)]
    doc = audited("d.csv", "big_id,v\n" + "".join(f"{x},{i}\n" for i, x in enumerate(ids)))
    assert (
        "1 column(s) hold integers beyond the 64-bit range, kept as text so no digit is lost: big_id"
        in (doc["dataset"]["notes"])
    )
    dup = [c for c in doc["checks"] if c["id"] == "consistency.duplicate_ids"]
    assert (
        not dup or dup[0]["status"] != "fail"
    )  # rounded to floats, 60 distinct ids would collapse into a few


def test_thousands_of_columns() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.integers(0, 5, size=(40, 2_000)), columns=[f"c{i}" for i in range(2_000)])
    frame["copy_of_c7"] = frame["c7"]
    doc = audited("wide.csv", frame.to_csv(index=False))
    assert doc["dataset"]["columns"] == 2_001
    by_id = {c["id"]: c for c in doc["checks"]}
    assert "copy_of_c7 identical to c7" in by_id["consistency.constant_columns"]["message"]
    assert not [c["id"] for c in doc["checks"] if c["status"] == "error"]


def test_parquet_nested_columns_are_skipped_with_a_note() -> None:
    table = pa.table(
        {
            "a": list(range(60)),
            "s": [{"x": i, "y": "q"} for i in range(60)],
            "l": [[1, 2]] * 60,
            "m": pa.array([[("k", 1)]] * 60, type=pa.map_(pa.string(), pa.int64())),
        }
    )
    doc = audited("d.parquet", parquet(table))
    assert doc["dataset"]["columns"] == 3  # a, s.x, s.y
    assert "skipped 2 column(s) holding lists or maps: l, m" in doc["dataset"]["notes"]


def test_deeply_nested_json_objects_are_flattened_and_arrays_skipped() -> None:
    records = [{"id": i, "a": {"b": {"c": {"d": i % 3}}}, "tags": ["x"]} for i in range(60)]
    doc = audited("d.json", json.dumps(records))
    assert doc["dataset"]["columns"] == 2
    assert "skipped 1 column(s) holding lists or maps: tags" in doc["dataset"]["notes"]


def test_jsonl_with_some_bad_lines() -> None:
    lines = [json.dumps({"a": i, "b": "x"}) for i in range(60)]
    lines[10], lines[20] = "{broken", "[1, 2]"
    doc = audited("d.jsonl", "\n".join(lines) + "\n")
    assert doc["dataset"]["rows"] == 58
    assert "skipped 2 malformed JSON line(s) (first at line 11)" in doc["dataset"]["notes"]


def test_excel_multi_sheet_default_is_said_and_sheet_chooses() -> None:
    book = xlsx(
        First=[["a", "b"]] + [[i, i % 2] for i in range(60)], Second=[["c"]] + [[i] for i in range(70)]
    )
    doc = audited("d.xlsx", book)
    assert (
        "read sheet 'First', the first of 2 (First, Second); choose with --sheet" in doc["dataset"]["notes"]
    )
    assert doc["dataset"]["rows"] == 60
    doc = audited("d.xlsx", book, "--sheet", "Second")
    assert (doc["dataset"]["rows"], doc["dataset"]["columns"]) == (70, 1)


# -- memory-heavy cases: a subprocess under an address-space limit ------------------------------------------

LIMITED = textwrap.dedent(
    """
    import re, resource, sys
    import dataaudit, pandas, pyarrow.csv  # imported before the limit: it bounds what the audit adds
    from dataaudit.cli import cli
    status = open("/proc/self/status").read()
    used = int(re.search(r"VmSize:\\s+(\\d+)", status).group(1)) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (used + int(sys.argv[1]) * 1024**2, resource.RLIM_INFINITY))
    cli.main(sys.argv[2:])
    """
)


def run_limited(extra_mib: int, *args: str) -> subprocess.CompletedProcess[str]:
    """``dataaudit`` in a fresh interpreter allowed ``extra_mib`` MiB of address space beyond its imports."""
    if not Path("/proc/self/status").exists():
        pytest.skip("needs Linux /proc to size the memory limit")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", LIMITED, str(extra_mib), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_a_decompression_bomb_is_refused_within_bounded_memory() -> None:
    member = gzip.compress(b"1,2\n" * (8 * 1024 * 1024), 9)  # 32 MiB of text in ~32 KiB
    Path("bomb.csv.gz").write_bytes(gzip.compress(b"a,b\n") + member * 256)  # 8 GiB of text in ~8 MiB
    proc = run_limited(1024, "run", "bomb.csv.gz", "--as-of", AS_OF)
    assert proc.returncode == 2, proc.stderr
    assert re.fullmatch(
        r"error: bomb\.csv\.gz: decompresses to more than \d+ MiB \(the most this machine's free memory "
        r"allows\); refusing \(possible decompression bomb\)\n",
        proc.stderr,
    ), proc.stderr
    assert leftovers() == []


def test_millions_of_identical_rows_fit_in_bounded_memory() -> None:
    Path("same.csv").write_bytes(b"a,b,c\n" + b"1,2,x\n" * 2_000_000)
    proc = run_limited(2048, "run", "same.csv", "--as-of", AS_OF, "--json", "r.json", "--no-html")
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert doc["dataset"]["rows"] == 2_000_000
    assert [c["id"] for c in doc["checks"] if c["status"] == "error"] == []


def test_a_cell_of_tens_of_megabytes() -> None:
    """Larger than the CSV reader's block: read with a larger block, not refused. The overview masks and cuts
    the value (its e-mail scan was quadratic on such a cell). Only the cheap checks run: the point is loading
    and rendering, and some text checks take seconds per 10 MB (see the robustness notes in the report)."""
    Path("cell.csv").write_bytes(b"id,text\n1,short\n2," + b"x" * (24 * 1024 * 1024) + b"\n3,y\n")
    proc = run_limited(
        2048, "run", "cell.csv", "--as-of", AS_OF, "--json", "r.json", "--select", "size,consistency.missing"
    )
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert (doc["dataset"]["rows"], doc["dataset"]["columns"]) == (3, 2)
    assert Path("dataaudit-report.html").stat().st_size < 2 * 1024 * 1024  # the cell is not copied into it


@pytest.mark.parametrize(
    ("config", "verdict_from"),
    [
        pytest.param("", "defaults", id="empty-config-file"),
        pytest.param("# only a comment\n", "defaults", id="comment-only-config"),
        pytest.param(
            "select: &areas [size, consistency]\n"
            "checks:\n"
            "  size.min_rows: &relaxed {severity: warn}\n"
            "  size.rows_per_feature: *relaxed\n",
            "aliases",
            id="ordinary-aliases-still-work",
        ),
    ],
)
def test_configs_that_are_fine(config: str, verdict_from: str) -> None:
    put({"c.yaml": config})
    doc = audited("d.csv", clean_csv(60), "-c", "c.yaml")
    statuses = {c["id"]: c["status"] for c in doc["checks"]}
    if verdict_from == "aliases":
        assert all(i.startswith(("size.", "consistency.")) for i in statuses)  # select: *areas
        assert statuses["size.min_rows"] == "warn"  # 60 rows < 100: a fail, capped at warn by the alias
        assert statuses["size.rows_per_feature"] in ("pass", "warn")
    else:
        assert statuses["size.min_rows"] == "fail"
