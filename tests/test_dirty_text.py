"""Damaged text values (issue 15): misspellings of a dominant value, junk, encoding damage, units inside
numbers and overlong values. Each check on a realistic dirty table and its clean twin, its thresholds on
hand-made findings, and the real dirty/clean pairs of ../shared/field when they are there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit.checks.consistency.text_values import Junk, JunkValues, TextLength
from dataaudit.checks.consistency.typos import Typo, Typos
from dataaudit.checks.consistency.units import Affix, UnitColumn, UnitsInNumbers
from dataaudit.cli import cli
from dataaudit.model import Status
from tests.helpers import AS_OF

IDS = (
    "consistency.typos",
    "consistency.junk_values",
    "consistency.encoding_damage",
    "consistency.units_in_numbers",
    "consistency.text_length",
)
FIELD = Path(__file__).resolve().parents[2] / "shared" / "field"
if not FIELD.is_dir():  # the worktree layout: /work/wt/NAME/tests -> /work/shared/field
    FIELD = Path(__file__).resolve().parents[3] / "shared" / "field"

N = 2_000


def clean_table(seed: int = 0) -> pd.DataFrame:
    """Exported hospital-style data: categories with near-neighbour real values (Austria/Australia, Jon/Joan,
    two-letter states), names, free text, numbers, codes and accented names — all correct."""
    rng = np.random.default_rng(seed)
    cities = ["birmingham", "montgomery", "mobile", "huntsville", "tuscaloosa", "dothan", "florence"]
    firsts = ["Jon", "Joan", "Maria", "Mario", "Ann", "Anna", "Lee", "Leo", "Sam", "Kim"]
    lasts = [
        f"{a}{b}"
        for a in ["Smi", "Jo", "Wil", "Bro", "Gar", "Mil", "Dav", "Rod"]
        for b in ["th", "nes", "ley"]
    ]
    words = [
        "patient",
        "stable",
        "seen",
        "follow",
        "up",
        "in",
        "two",
        "weeks",
        "no",
        "change",
        "pain",
        "mild",
    ]
    notes = [" ".join(rng.choice(words, size=rng.integers(4, 12))) for _ in range(N)]
    return pd.DataFrame(
        {
            "emergency_service": rng.choice(["yes", "no"], size=N, p=[0.8, 0.2]),
            "city": rng.choice(cities, size=N),
            "state": rng.choice(["al", "ak", "ga", "ms"], size=N, p=[0.85, 0.05, 0.05, 0.05]),
            "country": rng.choice(["Austria", "Australia", "Germany"], size=N),
            "first_name": rng.choice(firsts, size=N),
            "last_name": [f"{a} {b}" for a, b in zip(rng.choice(lasts, size=N), rng.choice(lasts, size=N))],
            "notes": notes,
            "owner": rng.choice(
                ["Café Müller GmbH", "São Paulo Clinic", "Zoë's Practice", "Plain Ltd"], size=N
            ),
            "ounces": rng.choice([12.0, 16.0, 8.4, 24.0], size=N),
            "price": rng.normal(20, 5, size=N).round(2),
            "code": [f"C{int(i):04d}" for i in rng.integers(0, 300, size=N)],
            "status": rng.choice(["open", "closed", "pending"], size=N),
            "age": rng.integers(18, 90, size=N),
        }
    )


def dirty_table(seed: int = 0) -> pd.DataFrame:
    """The same table after a careless export and a scrape: typos, junk, mojibake, units, a long cell."""
    f = clean_table(seed)
    rng = np.random.default_rng(seed + 1)
    pos = rng.permutation(N)
    f.loc[pos[:9], "emergency_service"] = ["yxs", "yxs", "yex", "yex", "xes", "xo", "xo", "yxs", "yex"]
    f.loc[pos[9:13], "city"] = ["birmingxam", "birminghxm", "mxbile", "huntsvillx"]
    f.loc[pos[13:18], "state"] = [
        "xl",
        "xl",
        "sl",
        "al ",
        "zl",
    ]  # 'al ' is a space variant: category_variants'
    f.loc[pos[20:28], "status"] = ["#@$%", "?!", "{}", "^", "#nan", "<NaN>", "(empty)", "#VALUE!"]
    bad = [
        "CafÃ© MÃ¼ller GmbH",
        "SÃ£o Paulo Clinic",
        "Zoâ€™s Practice",
        "Caf\ufffd M\ufffdller GmbH",
        "\u0301Plain Ltd",
    ]
    f.loc[pos[30 : 30 + 5 * 8], "owner"] = bad * 8
    f["ounces"] = [
        f"{v} {u}"
        for v, u in zip(
            f["ounces"], rng.choice(["oz", "oz.", "OZ.", "ounce"], size=N, p=[0.6, 0.2, 0.1, 0.1])
        )
    ]
    f["price"] = [f"{v:,.2f} EUR" if i % 3 else f"${v:,.2f}" for i, v in enumerate(f["price"] * 100)]
    f.loc[pos[100], "code"] = "C0001 " + "lorem ipsum dolor sit amet " * 148  # ~4,000 characters
    return f


@pytest.fixture(scope="module")
def reports():
    return (
        dataaudit.audit(dirty_table(), as_of=AS_OF, select=IDS),
        dataaudit.audit(clean_table(), as_of=AS_OF, select=IDS),
    )


@pytest.mark.parametrize("check_id", IDS)
def test_clean_twin_is_quiet(reports, check_id):
    r = reports[1].result(check_id)
    assert r.status == Status.PASS, r.message


def test_typos_grouped_under_the_intended_value(reports):
    r = reports[0].result("consistency.typos")
    assert r.status == Status.WARN, r.message
    assert set(r.columns) == {"emergency_service", "city", "state"}  # not country, first_name, notes
    assert "misspellings of 'yes'" in r.message and "'yxs' ×3" in r.message
    ev = {(row[0], row[3]): row for row in r.evidence[0].rows}
    assert ev[("city", "'birmingxam'")][1] == "'birmingham'" and ev[("city", "'birmingxam'")][4] == 1
    assert ev[("emergency_service", "'xo'")][1] == "'no'"
    assert ev[("state", "'xl'")][1] == "'al'" and ("state", "'al '") not in ev


def test_typos_quiet_on_two_frequent_neighbours_and_names():
    rng = np.random.default_rng(3)
    f = pd.DataFrame(
        {
            "country": rng.choice(["Austria", "Australia"], size=500),
            "first_name": rng.choice(["Jon", "Joan", "Jo", "Jonas", "Joanne", "Don", "Dan", "Ann"], size=500),
        }
    )
    f.loc[:3, "first_name"] = ["Jan", "Jen", "Joa", "Jonn"]  # the long tail a names column has
    r = dataaudit.audit(f, as_of=AS_OF, select=["consistency.typos"]).result("consistency.typos")
    assert r.status == Status.PASS, r.message


def test_typos_judge_thresholds():
    def typo(rows):
        return Typo("c", "yes", 900, "yxs", rows, 1, 1000)

    assert Typos().judge([typo(50)], 1).status == Status.WARN  # 5.0%: not above 5%
    assert Typos().judge([typo(51)], 1).status == Status.FAIL
    assert Typos().judge([], 1).status == Status.PASS


def test_junk_values(reports):
    r = reports[0].result("consistency.junk_values")
    assert r.status == Status.WARN and list(r.columns) == ["status"], r.message
    kinds = {row[1]: row for row in r.evidence[0].rows}
    assert {"punctuation only", "wrapped placeholder", "spreadsheet error"} <= set(kinds)
    assert "8 rows" in r.message


def test_junk_leaves_disguised_missing_placeholders_to_it():
    f = pd.DataFrame({"x": ["a", "b", "c"] * 300 + ["?", "N/A", "-"] * 3 + ["<NaN>"]})
    rep = dataaudit.audit(f, as_of=AS_OF, select=["consistency.junk_values", "consistency.disguised_missing"])
    junk = rep.result("consistency.junk_values")
    assert [row[2] for row in junk.evidence[0].rows] == ["'<NaN>'"], junk.message
    assert rep.result("consistency.disguised_missing").status != Status.PASS


def test_junk_quiet_on_significance_stars():
    f = pd.DataFrame({"term": [f"x{i}" for i in range(100)], "stars": ["***", "**", "*", ".", "ns"] * 20})
    r = dataaudit.audit(f, as_of=AS_OF, select=["consistency.junk_values"]).result("consistency.junk_values")
    assert r.status == Status.PASS, r.message


def test_junk_judge_thresholds():
    def junk(rows):
        return Junk("c", "punctuation only", (("#@$%", rows),), 1000)

    assert JunkValues().judge([junk(1)], 1).status == Status.WARN
    assert JunkValues().judge([junk(51)], 1).status == Status.FAIL


def test_encoding_damage(reports):
    r = reports[0].result("consistency.encoding_damage")
    assert r.status == Status.WARN and list(r.columns) == ["owner"], r.message
    kinds = {row[1] for row in r.evidence[0].rows}
    assert {"UTF-8 read as Windows-1252", "replacement character", "stray combining mark"} <= kinds
    repaired = {row[2]: row[4] for row in r.evidence[0].rows}
    assert repaired["'CafÃ© MÃ¼ller GmbH'"] == "'Café Müller GmbH'"
    assert "40 rows" in r.message and "How to re-read" in r.message and "encoding=" in r.message


def test_encoding_advice_follows_how_the_file_was_read(tmp_path):
    """UTF-8 bytes in a file that is otherwise cp1252 are read as cp1252: re-read as UTF-8."""
    text = "name,n\n" + "".join(f"Café {i % 5},{i}\n" for i in range(200))
    p = tmp_path / "utf8.csv"
    p.write_bytes(text.encode("utf-8"))
    r = dataaudit.audit(p, as_of=AS_OF, select=["consistency.encoding_damage"]).result(
        "consistency.encoding_damage"
    )
    assert r.status == Status.PASS, r.message  # read right: nothing to say
    p.write_bytes(text.encode("utf-8").decode("latin-1").encode("utf-8"))  # encoded twice upstream
    r = dataaudit.audit(p, as_of=AS_OF, select=["consistency.encoding_damage"]).result(
        "consistency.encoding_damage"
    )
    assert r.status == Status.FAIL and "ftfy.fix_text" in r.message, r.message


def test_units_in_numbers(reports):
    r = reports[0].result("consistency.units_in_numbers")
    assert r.status == Status.FAIL and set(r.columns) == {"ounces", "price"}, r.message
    assert "of values are numbers followed by 'oz'" in r.message
    assert "100% become numeric once stripped" in r.message
    units = {(row[0], row[1]) for row in r.evidence[0].rows}
    assert {("ounces", "oz"), ("ounces", "ounce"), ("price", "eur"), ("price", "$")} <= units


def test_units_quiet_on_codes_dates_and_times():
    rng = np.random.default_rng(1)
    f = pd.DataFrame(
        {
            "unit_no": [
                f"{i}{c}" for i, c in zip(rng.integers(1, 99, 600), rng.choice(list("ABCDEFGH"), 600))
            ],
            "day": pd.date_range("2024-01-01", periods=600).strftime("%Y-%m-%d"),
            "time": [f"{h}:{m:02d} a.m." for h, m in zip(rng.integers(1, 12, 600), rng.integers(0, 59, 600))],
        }
    )
    r = dataaudit.audit(f, as_of=AS_OF, select=["consistency.units_in_numbers"]).result(
        "consistency.units_in_numbers"
    )
    assert r.status == Status.PASS, r.message


def test_units_judge_consistent_unit_warns_mixed_fails():
    one = UnitColumn("c", 1000, 0, (Affix("oz", 1000, ("12 oz",)),), 1000, 1)
    mixed = UnitColumn("c", 1000, 700, (Affix("%", 300, ("0.05%",)),), 1000, 1)
    assert UnitsInNumbers().judge([one], 1).status == Status.WARN
    assert UnitsInNumbers().judge([mixed], 1).status == Status.FAIL


def test_text_length(reports):
    r = reports[0].result("consistency.text_length")
    assert r.status == Status.WARN and list(r.columns) == ["code"], r.message
    assert "1 value of up to 4,002 characters where 95% are at most 5" in r.message


def test_text_length_quiet_on_free_text_with_long_notes():
    rng = np.random.default_rng(2)
    notes = ["word " * int(k) for k in rng.lognormal(3, 1, 1000)]
    r = dataaudit.audit(pd.DataFrame({"notes": notes}), as_of=AS_OF, select=["consistency.text_length"])
    assert r.result("consistency.text_length").status == Status.PASS


def test_text_length_judge_thresholds():
    from dataaudit.checks.consistency.text_values import LongValues

    assert (
        TextLength().judge([LongValues("c", 5, 105, (("x" * 4000, 4000, 10),), 1000)], 1).status
        == Status.WARN
    )
    assert (
        TextLength().judge([LongValues("c", 5, 105, (("x" * 4000, 4000, 11),), 1000)], 1).status
        == Status.FAIL
    )


@pytest.mark.parametrize("check_id", IDS)
def test_explain_documents_each_check(check_id):
    res = CliRunner().invoke(cli, ["explain", check_id])
    assert res.exit_code == 0, res.output
    assert "\nWhy it matters: " in res.stdout and "\nHow to fix: " in res.stdout
    assert "fail_above: float" in res.stdout


# -- the real dirty/clean pairs ----------------------------------------------------------------------------

needs_field = pytest.mark.skipif(
    not FIELD.is_dir(),
    reason=f"the field pairs are not here ({FIELD}): they live beside the project, not in it",
)


@pytest.fixture(scope="module")
def field():
    out = {}
    for table in ("hospital", "beers"):
        for version in ("dirty", "clean"):
            rep = dataaudit.audit(FIELD / table / f"{version}.csv", as_of=AS_OF, select=IDS)
            out[table, version] = {i: rep.result(i) for i in IDS}
    return out


@needs_field
def test_field_hospital_typos(field):
    dirty = field["hospital", "dirty"]["consistency.typos"]
    assert {"city", "emergency_service", "county", "type", "condition", "owner"} <= set(dirty.columns)
    assert dirty.observed["emergency_service"] == {"values": 4, "rows": 27, "share": 0.027}  # yxs yex xes xo
    assert field["hospital", "clean"]["consistency.typos"].status == Status.PASS


@needs_field
def test_field_beers_units(field):
    dirty = field["beers", "dirty"]["consistency.units_in_numbers"]
    assert dirty.status == Status.FAIL and {"ounces", "abv"} <= set(dirty.columns)
    assert "followed by 'oz'" in dirty.message
    assert field["beers", "clean"]["consistency.units_in_numbers"].status == Status.PASS


@needs_field
def test_field_hospital_encoding_damage_only_in_dirty(field):
    assert field["hospital", "dirty"]["consistency.encoding_damage"].columns == ("measure_name",)
    assert field["hospital", "clean"]["consistency.encoding_damage"].status == Status.PASS


@needs_field
@pytest.mark.parametrize("check_id", IDS)
def test_field_beers_clean_is_quiet(field, check_id):
    assert field["beers", "clean"][check_id].status == Status.PASS, field["beers", "clean"][check_id].message


@pytest.mark.parametrize(
    "values",
    [
        ["x\ud800y", "abc", "abd"] * 10,  # a lone surrogate (bytes kept by 'surrogateescape')
        [1, "a", None, [1, 2], {"k": 1}, b"bytes", 2.5] * 10,  # mixed and unhashable values
        ["c"] * 50 + ["x" * 2_000_000],  # one enormous cell
        ["a\x00b", "#\x00", "ok"] * 10,  # NUL bytes
    ],
    ids=["surrogate", "mixed", "enormous", "nul"],
)
def test_hostile_values_are_judged_not_crashed_on(values):
    rep = dataaudit.audit(pd.DataFrame({"a": values}), as_of=AS_OF, select=IDS)
    assert all(rep.result(i).error is None for i in IDS), [rep.result(i).error for i in IDS]


def test_a_lone_surrogate_is_encoding_damage():
    f = pd.DataFrame({"a": ["x\ud800y", "abc", "abd"] * 10})
    r = dataaudit.audit(f, as_of=AS_OF, select=["consistency.encoding_damage"]).result(
        "consistency.encoding_damage"
    )
    assert r.status == Status.FAIL and "replacement character" in r.message and "10 rows (33.3%)" in r.message


def test_junk_a_bare_placeholder_word_warns_at_most():
    word = Junk("c", "placeholder word", (("not applicable", 300),), 1000)
    assert JunkValues().judge([word], 1).status == Status.WARN
    assert JunkValues().judge([word, Junk("c", "wrapped placeholder", (("<NaN>", 60),), 1000)], 1).status == (
        Status.FAIL
    )


def test_units_quiet_on_a_few_levels_written_one_way():
    f = pd.DataFrame({"N": ["0.0cwt", "0.2cwt", "0.4cwt", "0.6cwt"] * 18, "y": range(72)})
    r = dataaudit.audit(f, as_of=AS_OF, select=["consistency.units_in_numbers"]).result(
        "consistency.units_in_numbers"
    )
    assert r.status == Status.PASS, r.message
