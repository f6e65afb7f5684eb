"""The DuckDB engine's loader: the same loading semantics as ``dataaudit.loading.load`` (null tokens,
encodings, 64-bit overflow, ragged rows, unterminated quotes, refusals), hashing in chunks, identifiers that
cannot inject SQL, the temporary folder removed on close, and memory/disk refused up front."""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dataaudit import memory
from dataaudit.engine.base import Predicate
from dataaudit.engine.duckdb import DuckDBEngine
from dataaudit.engine.duckdb_load import open_duckdb
from dataaudit.errors import DataLoadError
from dataaudit.loading import load
from dataaudit.loading.nulls import NullTokens

SAMPLES = sorted(Path(__file__).resolve().parents[1].joinpath("sample_data").glob("*.csv"))

INJECTION = 'x"; DROP TABLE data; --'
VALUE = "'); --"

#: small files with one planted problem each (name → bytes)
PLANTED: dict[str, bytes] = {
    "tokens.csv": b"a,b,c,d\n1,NA,x,2020-01-01\n2,N/A,null,\n,3.5,NaN,2020-01-03\nNULL,nan,-,2020-01-04\n",
    "wide_ints.csv": b"id,v,mix\n99999999999999999999,1,+1\n2,2,99999999999999999999\n3,3,4\n",
    "latin1.csv": "name,city\nJos\xe9,M\xfcnchen\nAnn,K\xf6ln\n".encode("latin-1"),
    "cp1252.csv": "name,q\nCaf\xe9 \u201cx\u201d,1\nb,2\n".encode("cp1252"),
    "damaged_utf8.csv": "name,q\nCaf\xc3\xa9,1\nb\xff,2\n".encode("latin-1"),
    "utf16.csv": "a,b\n1,\xe9\n2,NA\n".encode("utf-16"),
    "utf16be.csv": b"\xfe\xff" + "a,b\n1,x\n".encode("utf-16-be"),
    "bom.csv": b"\xef\xbb\xbfa,b\n1,2\n",
    "semicolon.csv": b"a;b;c\n1;2,5;x\n3;4,5;y\n",
    "dup_names.csv": b"a,a,,b\n1,2,3,4\n5,6,7,8\n",
    "quoted_newlines.csv": b'id,text\n1,"line one\nline two"\n2,"say ""hi"""\n3,plain\n',
    "timestamps.csv": (
        b"t,u,v\n2020-01-01T10:00Z,2020-01-01 10,10:00\n"
        b"2020-01-01T10:00+02:00,2020-01-02T11:30:00.25,11:30:00\n"
    ),
    "mixed_zones.csv": b"t\n2020-01-01T10:00Z\n2020-01-01T10:00\n",
    "bools.csv": b"b,n,h\ntrue,1,0x1F\n,2,10\nfalse,,7\n",
    "floats.csv": b"f,g\ninf,1e5\n-Infinity,.5\n1.5, 2 \n",
    "one_column.csv": b"a|b|c\n1|2|3\n",
    "crlf.csv": b"a,b\r\n1,x\r\n2,y\r\n",
    "all_missing.csv": b"a,b\n1,\n2,\n",
    "int_then_text.csv": b"a,b\n1,x\n2,y\nunknown,z\n",
}

#: files the pandas loader refuses: the DuckDB loader must refuse them with the same one line
REFUSED: dict[str, bytes] = {
    "ragged.csv": b"a,b\n1,2\n3,4,5\n6,7\n",
    "unterminated.csv": b'a,b\n1,"ok"\n2,"never\nends,3\n4,5\n',
    "unterminated_crlf.csv": b'a,b\r\n1,"x\r\n2,y\r\n',
    "header_only.csv": b"a,b,c\n",
    "whitespace.csv": b"   \n\n  ",
    "image.csv": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10,
    "empty.csv": b"",
}


def _same_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing text as None (pandas' loader leaves NaN where it masked a token after reading, None where arrow
    read a null: both are missing)."""
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def assert_loads_alike(path: Path, **kwargs) -> DuckDBEngine:
    frame, info = load(path, **kwargs)
    engine, dinfo = open_duckdb(path, memory_limit="200MB", **kwargs)
    assert engine.columns == list(frame.columns)
    assert engine.dtypes == {c: str(t) for c, t in frame.dtypes.items()}
    assert engine.n_rows == len(frame)
    for field in ("format", "bytes", "sha256", "encoding", "notes", "null_tokens"):
        assert getattr(dinfo, field) == getattr(info, field), field
    got = engine.rows(np.arange(engine.n_rows))
    pd.testing.assert_frame_equal(_same_missing(got), _same_missing(frame))
    return engine


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_data_loads_as_the_pandas_loader_loads_it(path):
    assert_loads_alike(path).close()


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_planted_files_load_identically(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(PLANTED[name])
    assert_loads_alike(path).close()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refusals_are_the_same_one_line(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(REFUSED[name])
    with pytest.raises(DataLoadError) as expected:
        load(path)
    with pytest.raises(DataLoadError) as got:
        open_duckdb(path)
    assert str(got.value) == str(expected.value)
    assert "\n" not in str(got.value)


def test_ragged_and_unterminated_messages_name_the_line(tmp_path):
    ragged = tmp_path / "ragged.csv"
    ragged.write_bytes(REFUSED["ragged.csv"])
    with pytest.raises(DataLoadError, match="line 3 has 3 fields, the header has 2"):
        open_duckdb(ragged)
    quote = tmp_path / "quote.csv"
    quote.write_bytes(REFUSED["unterminated.csv"])
    with pytest.raises(DataLoadError, match="starts on line 3 never closes"):
        open_duckdb(quote)


def test_compressed_and_tsv(tmp_path):
    gz = tmp_path / "tokens.csv.gz"
    gz.write_bytes(gzip.compress(PLANTED["tokens.csv"]))
    assert_loads_alike(gz).close()
    tsv = tmp_path / "t.tsv"
    tsv.write_bytes(b"a\tb\n1\tNA\n2\ty\n")
    assert_loads_alike(tsv).close()


@pytest.mark.parametrize(
    "tokens",
    [
        NullTokens(extra=("-",)),
        NullTokens(per_column={"c": ("-", "missing"), "b": ("-",)}),
        NullTokens(keep_default=False),
        NullTokens(keep_default=False, extra=("",)),
        NullTokens(extra=("-", "missing")),
    ],
    ids=["extra", "per-column", "no-defaults", "only-empty", "two-extra"],
)
def test_user_null_tokens_as_the_pandas_loader(tmp_path, tokens):
    path = tmp_path / "user.csv"
    path.write_text("a,b,c,d,e\n1,-,x,-999,true\n7,2,-,5.5,\n3,4,y,-999.0,false\n,n/a,missing,1,true\n")
    assert_loads_alike(path, nulls=tokens).close()


def test_numeric_user_token_counts_every_cell(tmp_path):
    """``na_values: [-999]``: every -999 is missing and counted, written ``-999`` or ``-999.0``. (The pandas
    loader sets both missing but counts only the ``-999.0``: its reader nulls the text ``-999`` unseen.)"""
    path = tmp_path / "sentinel.csv"
    path.write_text("a,d\n1,-999\n-999,5.5\n3,-999.0\n")
    frame, _ = load(path, nulls=NullTokens(extra=("-999",)))
    with open_duckdb(path, nulls=NullTokens(extra=("-999",)))[0] as engine:
        got = engine.rows(np.arange(3))
        pd.testing.assert_frame_equal(got, frame)
        assert engine.profile()["d"].missing == 2
    _, info = open_duckdb(path, nulls=NullTokens(extra=("-999",)))
    assert info.null_tokens == {"a": {"-999": 1}, "d": {"-999": 2}}


def test_parquet_is_queried_in_place_with_the_loader_types(tmp_path):
    frame = pd.DataFrame(
        {
            "i": [1, 2, 3, 4],
            "inull": [1, None, 3, 4],
            "f": [1.5, np.nan, 2.0, 3.0],
            "s": ["a", "NA", None, "b"],
            "b": [True, False, True, True],
            "bn": [True, None, False, True],
            "t": pd.to_datetime(["2020-01-01", None, "2021-01-01", "2022-01-01"]),
            "tz": pd.to_datetime(["2020-01-01"] * 4).tz_localize("UTC"),
            INJECTION: [VALUE] * 4,
            "i32": np.array([1, 2, 3, 4], dtype="int32"),
            "dec": [Decimal("1.5"), Decimal("2.25"), None, Decimal("1.5")],
        }
    )
    path = tmp_path / "p.parquet"
    frame.to_parquet(path)
    engine = assert_loads_alike(path)
    # in place: the database holds a view over the file, no copy of its rows
    kinds = dict(
        engine._con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall()
    )
    assert kinds["data"] == "VIEW"
    assert engine.profile()["s"].missing == 2  # None and the token NA
    engine.close()
    frame.set_index("i").to_parquet(tmp_path / "indexed.parquet")
    assert_loads_alike(tmp_path / "indexed.parquet").close()


def test_json_lines(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_text('{"a": 1, "b": "NA", "c": {"d": 2}}\n{"a": 2, "b": "x", "c": {"d": 3}}\n')
    frame, info = load(path)
    engine, dinfo = open_duckdb(path)
    with engine:
        pd.testing.assert_frame_equal(_same_missing(engine.rows([0, 1])), _same_missing(frame))
        assert dinfo.null_tokens == info.null_tokens == {"b": {"NA": 1}}


def _spy_hash_reads(monkeypatch, delay: float = 0.0) -> list[int]:
    """The sizes the digest asks its file for, one per read; each read waits ``delay`` seconds (a slow
    disk)."""
    import time

    import dataaudit.loading.digest as digest

    reads: list[int] = []
    real_open = open

    class Spy:
        def __init__(self, f):
            self.f = f

        def read(self, n=-1):
            time.sleep(delay)
            reads.append(n)
            return self.f.read(n)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    monkeypatch.setattr(
        digest, "open", lambda p, mode="r", *a, **k: Spy(real_open(p, mode, *a, **k)), raising=False
    )
    return reads


def test_file_is_hashed_in_chunks(tmp_path, monkeypatch):
    from dataaudit.loading.digest import file_sha256

    path = tmp_path / "h.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 700_000)  # 2.8 MB: three 1 MiB blocks
    reads = _spy_hash_reads(monkeypatch)
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert reads and all(0 < n <= 1024 * 1024 for n in reads)


def test_file_is_hashed_beside_the_load_and_the_hashing_stops_with_a_failed_load(tmp_path):
    """The digest is taken in a thread while DuckDB reads the file: the same sha256; a cancelled digest
    stops at the next block."""
    import threading

    from dataaudit.loading.digest import file_sha256

    path = tmp_path / "h.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 700_000)
    engine, info = open_duckdb(path, temp_dir=str(tmp_path))
    engine.close()
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    stop = threading.Event()
    stop.set()
    assert file_sha256(path, cancel=stop) == ""


def test_a_failed_load_stops_the_hashing_at_once(tmp_path, monkeypatch):
    """A ragged file fails the load long before a slow disk has been read to the end: the hashing thread is
    stopped (not left reading the whole file) before the error is raised."""
    import threading

    ragged = tmp_path / "ragged.csv"
    ragged.write_bytes(REFUSED["ragged.csv"] + b"8,9\n" * 2_500_000)  # 10 MB: ten 1 MiB blocks
    reads = _spy_hash_reads(monkeypatch, delay=0.2)  # a disk that gives 1 MiB every 0.2 s
    with pytest.raises(DataLoadError):
        open_duckdb(ragged, temp_dir=str(tmp_path))
    assert not [t for t in threading.enumerate() if t.name == "dataaudit-sha256" and t.is_alive()]
    assert len(reads) < 10


# ---------------------------------------------------------------------- SQL injection: names and values
def _injection_checks(engine: DuckDBEngine) -> None:
    assert INJECTION in engine.columns
    prof = engine.profile()[INJECTION]
    assert (prof.count, prof.distinct) == (3, 2)
    vc = engine.value_counts(INJECTION)
    assert vc.index[0] == VALUE and vc.iloc[0] == 2
    hits = engine.count_where(
        {"in": Predicate(INJECTION, "in", [VALUE]), "not": Predicate(INJECTION, "not in", [VALUE, "x'; --"])}
    )
    assert hits == {"in": 2, "not": 1}
    dup = engine.duplicates([INJECTION, "v"])
    assert dup.extra_copies == 1 and dup.examples == ((0, 1),)
    assert engine.conflicts([INJECTION], "v").groups == 0
    gc = engine.group_counts([INJECTION])
    assert gc.iloc[0].tolist() == [VALUE, 2]
    assert engine.rows([2])[INJECTION].tolist() == ["ok"]
    assert engine.n_rows == 3 and engine.profile()["v"].count == 3  # the table is still there


def test_injection_named_column_from_a_file(tmp_path):
    path = tmp_path / "inj.csv"
    path.write_text(f'"{INJECTION.replace(chr(34), chr(34) * 2)}",v\n"{VALUE}",1\n"{VALUE}",1\nok,2\n')
    frame, _ = load(path)
    assert list(frame.columns) == [INJECTION, "v"]
    with open_duckdb(path)[0] as engine:
        _injection_checks(engine)


def test_injection_named_column_from_a_frame():
    frame = pd.DataFrame({INJECTION: [VALUE, VALUE, "ok"], "v": [1, 1, 2]})
    with DuckDBEngine.from_frame(frame) as engine:
        _injection_checks(engine)


# ---------------------------------------------------------------------- temporary folder
def test_temp_folder_removed_on_close_and_by_the_context_manager(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,x\n2,y\n")
    base = tmp_path / "tmp"
    base.mkdir()
    engine, _ = open_duckdb(path, temp_dir=str(base))
    folder = Path(engine.temp_dir)
    assert folder.parent == base and folder.name.startswith("dataaudit-")
    assert (folder / "audit.duckdb").exists()
    engine.close()
    assert not folder.exists()
    engine.close()  # twice is fine
    with open_duckdb(path, temp_dir=str(base))[0] as engine:
        folder = Path(engine.temp_dir)
        assert folder.exists()
    assert not folder.exists()
    with DuckDBEngine.from_frame(pd.DataFrame({"a": [1]}), temp_dir=str(base)) as engine:
        assert Path(engine.temp_dir).exists()
    assert list(base.iterdir()) == []


def test_temp_folder_removed_on_ctrl_c(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,x\n2,y\n")
    script = textwrap.dedent(
        f"""
        from dataaudit.engine.duckdb_load import open_duckdb
        engine, _ = open_duckdb({str(path)!r}, temp_dir={str(tmp_path)!r})
        print(engine.temp_dir, flush=True)
        raise KeyboardInterrupt
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "KeyboardInterrupt" in done.stderr
    folder = Path(done.stdout.strip())
    assert folder.name.startswith("dataaudit-") and not folder.exists()


def test_temp_folder_removed_when_loading_fails(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_bytes(REFUSED["ragged.csv"])
    with pytest.raises(DataLoadError):
        open_duckdb(path, temp_dir=str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["ragged.csv"]


# ---------------------------------------------------------------------- memory and disk, up front
def test_refuses_when_memory_cannot_be_met(tmp_path, monkeypatch):
    import dataaudit.engine.duckdb_resources as loader

    path = tmp_path / "t.csv"
    path.write_text("a\n1\n")
    monkeypatch.setattr(loader, "available_bytes", lambda: 300 * 1024**2)
    with pytest.raises(DataLoadError, match=r"need .*GiB, 300 MiB available") as err:
        open_duckdb(path, memory_limit="1GiB")
    assert str(err.value).startswith(str(path))
    assert list(tmp_path.iterdir()) == [path]  # nothing left behind


def test_refuses_when_disk_cannot_be_met(tmp_path, monkeypatch):
    import dataaudit.engine.duckdb_resources as loader

    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 100_000)  # 400 kB
    monkeypatch.setattr(loader, "disk_free_bytes", lambda p: 100_000)
    with pytest.raises(
        DataLoadError, match=r"not enough disk for duckdb's temporary files: about 1 MiB needed in "
    ):
        open_duckdb(path)


def test_default_memory_limit_follows_what_is_available(tmp_path, monkeypatch):
    import dataaudit.engine.duckdb_resources as loader

    path = tmp_path / "t.csv"
    path.write_text("a\n1\n")
    monkeypatch.setattr(loader, "available_bytes", lambda: 2 * 1024**3)
    with open_duckdb(path)[0] as engine:
        limit = engine._con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.endswith(("MiB", "GiB", "MB", "GB"))
    assert engine._memory_limit < 2 * 1024**3


def test_cgroup_v1_and_v2_limits_are_read(monkeypatch):
    files = {
        "/sys/fs/cgroup/memory/memory.limit_in_bytes": "1073741824\n",
        "/sys/fs/cgroup/memory/memory.usage_in_bytes": "268435456\n",
        "/proc/meminfo": "MemAvailable:   20971520 kB\n",
    }
    monkeypatch.setattr(memory, "_read", lambda p: files.get(p))
    monkeypatch.setattr(memory, "_rlimit_headroom", lambda: None)
    assert memory.available_bytes() == 768 * 1024**2  # v1: limit − usage, below MemAvailable
    assert "cgroup limit 1.0 GiB" in memory.describe_limits()
    files["/sys/fs/cgroup/memory/memory.limit_in_bytes"] = "9223372036854771712\n"  # v1 unlimited
    assert memory.available_bytes() == 20 * 1024**3
    files["/sys/fs/cgroup/memory.max"] = "536870912\n"
    files["/sys/fs/cgroup/memory.current"] = "0\n"
    assert memory.available_bytes() == 512 * 1024**2  # v2 wins when set
    assert memory.disk_free_bytes(os.getcwd()) > 0


# ---------------------------------------------------------------------- a directory of files
def _split_loans(tmp_path: Path, fmt: str) -> tuple[Path, pd.DataFrame]:
    frame, _ = load(SAMPLES[0])
    folder = tmp_path / fmt
    folder.mkdir()
    parts = np.array_split(np.arange(len(frame)), 3)
    text = SAMPLES[0].read_text().splitlines(keepends=True)
    for k, rows in enumerate(parts):
        if fmt == "csv":  # the file's own lines: each part keeps the header
            (folder / f"part-{k}.csv").write_text(text[0] + "".join(text[1 + rows[0] : 2 + rows[-1]]))
        else:
            frame.iloc[rows].reset_index(drop=True).to_parquet(folder / f"part-{k}.parquet")
    (folder / "_SUCCESS").write_text("")
    return folder, frame


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_directory_of_files_is_one_table(tmp_path, fmt):
    assert SAMPLES[0].name == "loans.csv"
    folder, frame = _split_loans(tmp_path, fmt)
    if fmt == "parquet":  # Parquet stores seconds as milliseconds: what the pandas loader reads back
        frame = pd.concat([load(p)[0] for p in sorted(folder.glob("part-*"))], ignore_index=True)
    engine, info = open_duckdb(folder)
    with engine:
        assert engine.n_rows == len(frame)
        got = engine.rows(np.arange(engine.n_rows))
        pd.testing.assert_frame_equal(_same_missing(got), _same_missing(frame))
        assert engine.duplicates(["application_id"]).extra_copies == int(
            frame["application_id"].duplicated().sum()
        )
    assert info.notes[0] == f"read 3 {fmt} files of the directory, in name order, as one table"
    assert info.bytes == sum(p.stat().st_size for p in folder.glob(f"part-*.{fmt}"))
    if fmt == "csv":
        assert info.null_tokens == load(SAMPLES[0])[1].null_tokens


def test_a_directory_whose_files_disagree_is_refused(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.csv").write_text("x,y\n1,2\n")
    (folder / "b.csv").write_text("x,z\n3,4\n")
    with pytest.raises(DataLoadError, match=r"b.csv: header \['x', 'z'\] differs from the first file's"):
        open_duckdb(folder)
    (folder / "b.csv").unlink()
    (folder / "b.parquet").write_bytes(b"PAR1")
    with pytest.raises(DataLoadError, match="the directory mixes formats"):
        open_duckdb(folder)


def test_a_child_cgroup_limit_is_read_where_the_process_is(monkeypatch):
    """A job put in a child memory group (a CI runner, systemd, cgcreate) is limited there, not at the root:
    bench/scale.py's 8 GiB cap went unseen when only the root's files were read."""
    files = {
        "/proc/self/cgroup": "9:name=systemd:/\n4:memory:/jobs/audit\n0::/\n",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",  # the root: no limit
        "/sys/fs/cgroup/memory/memory.usage_in_bytes": "5000000000\n",
        "/sys/fs/cgroup/memory/jobs/audit/memory.limit_in_bytes": "8589934592\n",  # 8 GiB
        "/sys/fs/cgroup/memory/jobs/audit/memory.usage_in_bytes": "1073741824\n",
    }
    monkeypatch.setattr(memory, "_read", lambda p: files.get(p))
    assert memory._cgroup_limit_and_usage() == (8 * 1024**3, 1024**3)
    assert "cgroup limit 8.0 GiB (7.0 GiB free)" in memory.describe_limits()
    files["/proc/self/cgroup"] = "0::/ci/job\n"  # cgroup v2: the group's memory.max
    files["/sys/fs/cgroup/ci/job/memory.max"] = "2147483648\n"
    files["/sys/fs/cgroup/ci/job/memory.current"] = "0\n"
    assert memory._cgroup_limit_and_usage() == (2 * 1024**3, 0)


def test_a_killed_audits_temporary_folder_is_removed_by_the_next(tmp_path):
    """A process killed outright cannot clean up; the next audit removes folders whose owner is gone, and
    leaves a live process's folder and folders it did not make alone."""
    import subprocess
    import sys

    from dataaudit.engine.workdir import OWNER

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    abandoned = tmp_path / "dataaudit-killed"
    abandoned.mkdir()
    (abandoned / OWNER).write_text(dead.stdout.strip())
    (abandoned / "spill.tmp").write_bytes(b"x" * 1000)
    live = tmp_path / "dataaudit-live"
    live.mkdir()
    (live / OWNER).write_text(str(os.getpid()))
    foreign = tmp_path / "dataaudit-unknown"
    foreign.mkdir()
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    engine, _ = open_duckdb(path, temp_dir=str(tmp_path))
    try:
        assert not abandoned.exists()
        assert live.exists() and foreign.exists()
        mine = [p for p in tmp_path.glob("dataaudit-*") if p not in (live, foreign)]
        assert len(mine) == 1 and (mine[0] / OWNER).read_text() == str(os.getpid())
    finally:
        engine.close()
    assert not mine[0].exists()
