"""Policy checks: the datasheet, licence, retention, personal data and special categories; the config model,
the init skeleton, the report's Policy notes and, end to end, that no planted personal value reaches any
output."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import dataaudit
from dataaudit import Dataset, Roles
from dataaudit.checks.policy import DatasheetComplete, LicenceCheck, PiiDetected, Retention, SpecialCategories
from dataaudit.cli import cli
from dataaudit.config import load_config, validate_config
from dataaudit.datasheet import FIELDS, Policy, policy_notes
from dataaudit.errors import ConfigError
from dataaudit.licences import licence_info
from tests.helpers import AS_OF, SAMPLE, run_check

FULL = {
    "source": "CRM export",
    "owner": "data team",
    "licence": "CC-BY-4.0",
    "collection_period": "2025",
    "legal_basis": "GDPR Art. 6(1)(b)",
    "consent": "privacy notice",
    "intended_uses": ["credit risk model development"],
    "prohibited_uses": ["marketing"],
    "contains_personal_data": False,
    "jurisdictions": ["GB"],
    "retention_until": dt.date(2027, 12, 31),
    "known_limitations": "none known",
}


def ds(frame: pd.DataFrame | None = None, policy: dict | None = None, **roles) -> Dataset:
    frame = pd.DataFrame({"x": range(10)}) if frame is None else frame
    settings = {} if policy is None else {"policy": Policy.model_validate(policy).model_dump()}
    if "sensitive" in roles:
        roles["sensitive"] = tuple(roles["sensitive"])
    return Dataset(frame, roles=Roles(**roles), as_of=AS_OF, settings=settings)


def with_(**changes) -> dict:
    return {**FULL, **changes}


# -- the datasheet model and the config --------------------------------------------------------------------


def test_sample_config_validates_into_the_datasheet_model():
    cfg = load_config(SAMPLE / "dataaudit.yaml")
    p = cfg.policy
    assert isinstance(p, Policy)
    assert p.contains_personal_data is False and p["contains_personal_data"] is False
    assert p.retention_until == dt.date(2027, 12, 31)
    assert p.jurisdictions == ("GB", "IE")
    assert p.intended_uses[0] == "credit risk model development"
    assert p.licence == "CC-BY-4.0"


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (
            {"licnce": "MIT"},
            "config: unknown key 'policy.licnce'; did you mean 'licence' or 'license'? "
            "(expected one of: source, owner, licence,",
        ),
        ({"retention_until": "soon"}, "config: policy.retention_until: input should be a valid date"),
        ({"intended_uses": 3}, "config: policy.intended_uses: input should be a valid list, got 3"),
        (
            {"contains_personal_data": "perhaps"},
            "config: policy.contains_personal_data: input should be a valid",
        ),
    ],
)
def test_datasheet_errors_name_the_policy_key(policy, message):
    with pytest.raises(ConfigError) as exc:
        validate_config({"policy": policy})
    assert str(exc.value).startswith(message)


def test_datasheet_accepts_license_spelling_single_strings_yaml_yes_and_datetimes():
    p = validate_config(
        {
            "policy": {
                "license": "MIT",
                "intended_uses": "research",
                "contains_personal_data": "yes",
                "retention_until": dt.datetime(2027, 1, 1, 12),
                "collection_period": 2025,
                "prohibited_uses": None,
            }
        }
    ).policy
    assert (p.licence, p.intended_uses, p.contains_personal_data) == ("MIT", ("research",), True)
    assert (p.retention_until, p.collection_period, p.prohibited_uses) == (dt.date(2027, 1, 1), "2025", ())
    # a round trip through the dump (what api.prepare and Config.merged do) keeps it valid
    assert Policy.model_validate(p.model_dump()) == p


def test_init_skeleton_lists_every_datasheet_field_and_loads_when_uncommented(tmp_path):
    df = pd.DataFrame({"x": range(50), "y": [0, 1] * 25})
    df.to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "dataaudit.yaml"
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "d.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for key, prompt in FIELDS.items():
        assert f"  # {key}:  # {prompt}\n" in text
    assert load_config(out).policy is None
    # uncommenting every key (still without values) gives a valid, empty datasheet
    uncommented = "\n".join(
        line.replace("  # ", "  ", 1)
        if line.startswith("  # ") and line.split("#")[1].strip(" :") in FIELDS
        else line
        for line in text.splitlines()
    )
    out.write_text(uncommented + "\n", encoding="utf-8")
    policy = load_config(out).policy
    assert policy is not None and not any(policy.is_set(k) for k in FIELDS)


# -- policy.datasheet_complete -----------------------------------------------------------------------------


def test_no_datasheet_is_a_note_with_a_hint_to_run_init():
    # issue 14.10: no policy block is skipped with the reason; policy: {required: true} makes it a warning
    result = run_check(DatasheetComplete(), ds())
    assert result.status == "skipped"
    assert "no datasheet" in result.message and "dataaudit init" in result.message
    assert "required: true" in result.message
    result = run_check(DatasheetComplete(), ds(policy={"required": True}))
    assert result.status == "warn"
    assert "none of the 6 required datasheet fields" in result.message


def test_complete_datasheet_passes_and_the_table_lists_every_field():
    result = run_check(DatasheetComplete(), ds(policy=FULL))
    assert result.status == "pass"
    assert result.message == "all 6 required datasheet fields declared (12 of 15 fields in all)"
    assert [r[0] for r in result.evidence[0].rows] == list(FIELDS)


def test_missing_required_fields_are_listed():
    policy = {k: v for k, v in FULL.items() if k not in ("owner", "known_limitations", "consent")}
    result = run_check(DatasheetComplete(), ds(policy=policy))
    assert result.status == "warn"
    assert (
        result.message
        == "2 required datasheet fields not declared: owner, known_limitations (9 of 15 fields declared)"
    )
    assert result.observed["missing"] == ["owner", "known_limitations"]


@pytest.mark.parametrize(("missing", "status"), [(0, "pass"), (1, "warn"), (2, "warn"), (3, "fail")])
def test_required_fields_and_thresholds_are_configurable(missing, status):
    required = ("source", "owner", "licence")
    policy = {k: v for k, v in FULL.items() if k not in required[:missing]}
    check = DatasheetComplete(required=required, warn_above=0, fail_above=2)
    assert run_check(check, ds(policy=policy)).status == status


def test_unknown_required_field_is_a_config_error():
    with pytest.raises(ConfigError, match=r"required: unknown datasheet field\(s\) 'ownr'"):
        dataaudit.audit(
            pd.DataFrame({"x": range(5)}),
            config={"checks": {"policy.datasheet_complete": {"required": ["ownr"]}}},
        )


def test_data_period_is_shown_beside_the_declared_collection_period():
    frame = pd.DataFrame({"t": pd.date_range("2025-03-01", periods=10, freq="D", tz="Europe/Paris")})
    result = run_check(DatasheetComplete(), ds(frame, policy=FULL, timestamp="t"))
    assert result.observed["data_period"] == "2025-02-28 to 2025-03-09"


# -- policy.licence ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("licence", "uses", "status", "text"),
    [
        ("CC-BY-4.0", ["commercial product"], "pass", "Creative Commons Attribution 4.0"),
        ("cc0-1.0", [], "pass", "CC0-1.0"),
        ("ODbL-1.0", ["research"], "pass", "share-alike"),
        ("CC-BY-NC-4.0", ["academic research"], "pass", "non-commercial"),
        ("CC-BY-NC-4.0", ["non-commercial teaching"], "pass", "non-commercial"),
        ("CC-BY-NC-4.0", ["pricing model for our commercial product"], "fail", "non-commercial"),
        ("CC-BY-NC-SA-4.0", ["resale to partners"], "fail", "non-commercial, share-alike"),
        ("CC-BY-ND-4.0", ["production fraud model"], "warn", "no-derivatives"),
        ("CC-BY-SA-4.0", ["revenue forecasting"], "warn", "share-alike"),
        ("ODbL-1.0", ["sell enriched data"], "warn", "share-alike"),
        ("MIT OR CC-BY-NC-4.0", ["commercial use"], "pass", "MIT"),
        ("CC-BY-NC-4.0 AND MIT", ["commercial use"], "fail", "non-commercial"),
        ("proprietary", ["commercial use"], "pass", "proprietary or custom licence"),
        ("LicenseRef-Northwind-Internal", [], "pass", "proprietary or custom licence"),
        ("CC BY 4.0", [], "warn", "did you mean CC-BY-4.0?"),
        ("Apache 2.0", [], "warn", "did you mean Apache-2.0?"),
        ("open", [], "warn", "'open' is not a known SPDX id"),
    ],
)
def test_licence(licence, uses, status, text):
    result = run_check(LicenceCheck(), ds(policy=with_(licence=licence, intended_uses=uses)))
    assert result.status == status, result.message
    assert text in result.message


def test_no_licence_warns_and_no_datasheet_skips():
    result = run_check(LicenceCheck(), ds(policy=with_(licence=None)))
    assert (result.status, result.message.split(":")[0]) == ("warn", "no licence declared")
    assert run_check(LicenceCheck(), ds()).status == "skipped"


def test_licence_list_covers_common_data_licences():
    for lid in (
        "CC0-1.0",
        "CC-BY-4.0",
        "CC-BY-SA-4.0",
        "CC-BY-NC-ND-3.0",
        "ODbL-1.0",
        "ODC-By-1.0",
        "PDDL-1.0",
        "MIT",
        "Apache-2.0",
        "CDLA-Permissive-2.0",
        "OGL-UK-3.0",
    ):
        known, unknown, _ = licence_info(lid)
        assert [k.id for k in known] == [lid] and unknown == []


# -- policy.retention --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("until", "status", "text"),
    [
        (dt.date(2026, 6, 29), "fail", "passed 1 day before the as-of date 2026-06-30"),
        (dt.date(2025, 1, 1), "fail", "passed 545 days"),
        (dt.date(2026, 6, 30), "warn", "only 0 days left"),
        (dt.date(2026, 7, 30), "warn", "only 30 days left"),
        (dt.date(2026, 7, 31), "pass", "31 days left"),
        (dt.date(2027, 12, 31), "pass", "549 days left"),
    ],
)
def test_retention(until, status, text):
    result = run_check(Retention(), ds(policy=with_(retention_until=until)))
    assert result.status == status
    assert text in result.message
    assert result.observed["days_left"] == (until - AS_OF.date()).days


def test_retention_window_is_a_parameter_and_missing_dates_skip():
    assert (
        run_check(
            Retention(warn_within_days=90), ds(policy=with_(retention_until=dt.date(2026, 8, 30)))
        ).status
        == "warn"
    )
    assert run_check(Retention(), ds(policy=with_(retention_until=None))).status == "skipped"
    assert run_check(Retention(), ds()).status == "skipped"


# -- policy.pii_detected -----------------------------------------------------------------------------------


def notes_frame(n: int = 200, with_pii: int = 10) -> pd.DataFrame:
    notes = [f"call scheduled for week {i % 52}" for i in range(n)]
    for i in range(with_pii):
        notes[i * 7] = f"reach me at jo{i}@example.com or +44 7700 900{100 + i}"
    return pd.DataFrame({"notes": notes, "amount": np.linspace(10, 20, n)})


@pytest.mark.parametrize(
    ("declared", "status", "tail"),
    [
        (False, "fail", "the datasheet declares contains_personal_data: false"),
        (True, "pass", "declared contains_personal_data: true"),
        (None, "warn", "contains_personal_data is not declared"),
    ],
)
def test_pii_found_is_graded_by_what_the_datasheet_declares(declared, status, tail):
    result = run_check(PiiDetected(), ds(notes_frame(), policy=with_(contains_personal_data=declared)))
    assert result.status == status
    assert result.message.startswith(
        "personal data in 1 column: e-mail addresses in 'notes' (10 rows, 5.0%); "
        "phone numbers in 'notes' (10 rows, 5.0%)"
    )
    assert tail in result.message
    table = result.evidence[0]
    assert table.columns[:4] == ("column", "kind", "found by", "rows")
    assert table.rows[0][:4] == ("notes", "e-mail addresses", "values", 10)
    assert "j***@e***.com" in table.rows[0][-1]
    assert result.observed["findings"][0] == {"column": "notes", "kind": "email", "rows": 10, "share": 0.05}


def test_no_datasheet_and_pii_warns():
    assert run_check(PiiDetected(), ds(notes_frame())).status == "warn"


def test_no_pii_passes_whatever_is_declared():
    frame = notes_frame(with_pii=0)
    for declared in (False, None):
        result = run_check(PiiDetected(), ds(frame, policy=with_(contains_personal_data=declared)))
        assert result.status == "pass"
        # issue 14.13: the count is of the columns scanned (the text column; the ids are short numbers)
        assert result.message.startswith("no personal data found in 1 column scanned")
    result = run_check(PiiDetected(), ds(frame, policy=with_(contains_personal_data=True)))
    assert result.status == "pass" and "contains_personal_data is declared true" in result.message


@pytest.mark.parametrize(("planted", "min_rows", "status"), [(2, 3, "pass"), (3, 3, "fail"), (1, 1, "fail")])
def test_min_rows_threshold(planted, min_rows, status):
    frame = notes_frame(with_pii=0)
    frame.loc[: planted - 1, "notes"] = "card 4242 4242 4242 4242"
    assert run_check(PiiDetected(min_rows=min_rows), ds(frame, policy=FULL)).status == status


def test_false_positive_shapes_raise_no_pii_finding():
    n = 60
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "order_id": [
                f"{rng.integers(200, 999)}-{rng.integers(200, 999)}-{rng.integers(1000, 9999)}"
                for _ in range(n)
            ],
            "order_number": rng.integers(10**9, 10**10 - 1, n).astype(str),
            "reference": [f"ref {d}" for d in rng.integers(10**15, 10**16 - 1, n)],
            "version": [f"{a}.{b}.{c}.{d}" for a, b, c, d in rng.integers(256, 4000, (n, 4))],
            "created": pd.date_range("2026-01-01", periods=n, freq="h").strftime("%Y-%m-%dT%H:%M:%SZ"),
            "day": pd.date_range("2026-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
            "ratio": [f"{x:.8f}" for x in rng.random(n)],
            "amount": rng.normal(1e6, 1e5, n),
            "comment": ["shipped in 4.12.300.2048 on 2026-01-05 10:30:00, total 1234.5678"] * n,
        }
    )
    # the ids that fail Luhn are the point; keep only those, as a real 16-digit id passes 1 time in 10
    result = run_check(PiiDetected(), ds(frame, policy=FULL, id="order_id"))
    assert result.status == "pass", result.message
    assert result.observed["findings"] == []


def test_dates_of_birth_by_column_name_and_values():
    born = pd.Series(pd.date_range("1950-01-01", periods=40, freq="365D")).dt.strftime("%Y-%m-%d")
    frame = pd.DataFrame({"date_of_birth": born, "signup": born})
    result = run_check(PiiDetected(), ds(frame, policy=FULL))
    assert result.status == "fail"
    assert result.columns == ("date_of_birth",)  # same values without the name: not a birth date
    row = result.evidence[0].rows[0]
    assert row[:4] == ("date_of_birth", "dates of birth", "column name + values", 40)
    assert "1950" not in row[-1]


def test_person_names_by_column_name_and_value_shape():
    names = ["Jane Doe", "John Smith", "Ana Lopez", "Wei Chen", "Ama Owusu", "unknown", "n/a", "Li Na"] * 5
    frame = pd.DataFrame({"customer_name": names, "product_name": names, "city": names})
    result = run_check(PiiDetected(), ds(frame, policy=FULL))
    assert result.status == "fail"
    assert result.columns == ("customer_name",)
    assert result.observed["findings"][0]["rows"] == 30
    assert "Jane" not in " ".join(map(str, result.evidence[0].rows[0]))
    # below the value-shape share the column is not reported
    few = pd.DataFrame({"name": ["Jane Doe"] * 2 + ["item-1", "item-2", "item-3"]})
    assert run_check(PiiDetected(), ds(few, policy=FULL)).status == "pass"


def test_card_numbers_in_an_integer_column():
    frame = pd.DataFrame({"pan": [4242424242424242, 4111111111111111, 5555555555554444, 1234567812345678]})
    result = run_check(PiiDetected(), ds(frame, policy=FULL))
    assert result.status == "fail"
    assert result.observed["findings"] == [{"column": "pan", "kind": "card", "rows": 3, "share": 0.75}]


def test_odd_columns_do_not_crash():
    frame = pd.DataFrame(
        {
            "empty": [None] * 4,
            "mixed": [1, "a@example.com", 2.5, None],
            "when": pd.date_range("2026-01-01", periods=4, tz="Asia/Tokyo"),
            "birth_date": pd.to_datetime(["1980-01-01", None, "2200-01-01", "1979-05-05"]),
            "flag": [True, False, True, None],
        }
    )
    result = run_check(PiiDetected(), ds(frame, policy=FULL))
    assert result.status == "fail", result.message
    assert {f["kind"] for f in result.observed["findings"]} == {"email", "dob"}
    one = run_check(PiiDetected(), ds(pd.DataFrame({"n": ["x"]}), policy=FULL))
    assert one.status == "pass"


def test_big_free_text_column_states_the_sample():
    n = 60_000
    frame = pd.DataFrame({"text": [f"row {i} nothing to see" for i in range(n)]})
    frame.loc[::1000, "text"] = "mail me at someone@example.org"
    result = run_check(PiiDetected(scan_limit=20_000), ds(frame, policy=FULL))
    assert result.status == "fail"
    assert "first scanned on a seeded sample of 20,000 rows" in result.message
    assert result.observed["findings"][0]["rows"] == 60  # counted exactly, not estimated


# -- policy.special_categories -----------------------------------------------------------------------------


def test_special_category_with_legal_basis_is_a_note():
    frame = pd.DataFrame({"ethnicity": ["White", "Black", "Asian", "Hispanic"] * 5, "x": range(20)})
    result = run_check(SpecialCategories(), ds(frame, policy=FULL))
    assert result.status == "pass"
    assert "racial or ethnic origin in 'ethnicity' (by column name and values)" in result.message
    assert "legal basis declared" in result.message and "Art. 9(2)" in result.message


def test_special_category_without_legal_basis_warns():
    frame = pd.DataFrame(
        {
            "diagnosis_code": ["E11", "I10"] * 5,
            "faith": ["Christian", "Muslim", "Jewish", "Hindu", "none"] * 2,
        }
    )
    for policy in (with_(legal_basis=None), None):
        result = run_check(SpecialCategories(), ds(frame, policy=policy))
        assert result.status == "warn"
        assert result.message.endswith("no legal_basis declared in the datasheet")
        assert set(result.columns) == {"diagnosis_code", "faith"}
    rows = {(r[0], r[1]) for r in result.evidence[0].rows}
    assert rows == {("diagnosis_code", "health"), ("faith", "religion or belief")}


@pytest.mark.parametrize(("share", "found"), [(0.4, False), (0.5, True)])
def test_values_alone_need_value_share_and_two_terms(share, found):
    k = int(share * 20)
    values = (["Catholic", "Buddhist"] * 10)[:k] + ["other"] * (20 - k)
    frame = pd.DataFrame({"group_label": values})
    result = run_check(SpecialCategories(), ds(frame, policy=with_(legal_basis=None)))
    assert (result.status == "warn") is found
    colours = pd.DataFrame({"colour": ["white", "white", "white", "red", "blue"] * 4})
    assert run_check(SpecialCategories(), ds(colours, policy=FULL)).status == "pass"


def test_no_special_categories_and_trade_union_name_exceptions():
    frame = pd.DataFrame(
        {"gender": ["F", "M"] * 5, "age": range(10), "european_union_member": [True, False] * 5}
    )
    result = run_check(SpecialCategories(), ds(frame, policy=FULL))
    assert result.status == "pass" and result.message.startswith("no special-category columns found")
    union = pd.DataFrame({"trade_union_member": [True, False] * 5})
    assert run_check(SpecialCategories(), ds(union, policy=with_(legal_basis=None))).status == "warn"


# -- the sample data ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def planted():
    return dataaudit.audit(
        SAMPLE / "loans.csv", config=SAMPLE / "dataaudit.yaml", as_of="2026-06-30", select=["policy"]
    )


@pytest.fixture(scope="module")
def clean():
    return dataaudit.audit(
        SAMPLE / "loans_clean.csv", config=SAMPLE / "dataaudit.yaml", as_of="2026-06-30", select=["policy"]
    )


def test_planted_pii_in_notes_is_found_and_fails_the_declaration(planted):
    r = planted.result("policy.pii_detected")
    assert r.status == "fail"
    assert r.message == (
        "personal data in 1 column: e-mail addresses in 'notes' (124 rows, 1.2%); phone numbers in 'notes' "
        "(134 rows, 1.3%); the datasheet declares contains_personal_data: false"
    )
    examples = " ".join(row[-1] for row in r.evidence[0].rows)
    assert "***@e***.com" in examples and "**" in examples
    assert "@example.com" not in examples.replace("***@e***.com", "")


def test_policy_checks_on_the_sample(planted, clean):
    for report in (planted, clean):
        statuses = {r.id: r.status for r in report.results}
        assert statuses["policy.datasheet_complete"] == "pass"
        assert statuses["policy.licence"] == "pass"
        assert statuses["policy.retention"] == "pass"
        special = report.result("policy.special_categories")
        assert special.status == "pass" and special.columns == ("ethnicity",)
    assert clean.result("policy.pii_detected").status == "pass"
    assert clean.result("policy.pii_detected").observed["findings"] == []
    assert clean.ready


def test_policy_notes_show_declared_beside_found(planted):
    rows = {row["field"]: row for row in policy_notes(planted)}
    assert list(rows) == list(FIELDS)
    pd_row = rows["contains_personal_data"]
    assert pd_row["declared"] == "no" and pd_row["status"] == "fail"
    assert pd_row["found"].startswith(
        "e-mail addresses in notes (1.2% of rows); phone numbers in notes (1.3% of rows)"
    )
    assert rows["collection_period"]["found"] == "timestamps in the data run 2025-01-01 to 2026-03-31"
    assert rows["jurisdictions"]["declared"] == "GB; IE"
    html = planted.to_html()
    assert '<section class="policy-notes" id="policy-notes">' in html
    assert "e-mail addresses in notes (1.2% of rows)" in html


# -- privacy: no planted value in any output ---------------------------------------------------------------

PLANTED = {
    "email": "zelda.quintero@example.com",
    "phone": "+44 20 7946 0321",
    "card": "4242 4242 4242 4242",
    "ssn": "219-09-9999",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "ip": "203.0.113.77",
    "address": "742 Evergreen Terrace",
    "name": "Zelda Quintero",
    "dob": "1987-04-23",
}


FIRST = np.array(["Amara", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hiro"], dtype=object)
LAST = np.array(["Okafor", "Smith", "Nguyen", "Patel", "Kaya", "Adeyemi", "Berg", "Tanaka"], dtype=object)


def test_no_planted_value_appears_in_any_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    n = 300
    rng = np.random.default_rng(5)
    notes = np.array([f"routine note {i}" for i in range(n)], dtype=object)
    notes[5] = f"email {PLANTED['email']}, phone {PLANTED['phone']}"
    notes[9] = f"card {PLANTED['card']} ssn {PLANTED['ssn']}"
    notes[11] = f"iban {PLANTED['iban']} from {PLANTED['ip']}, lives at {PLANTED['address']}"
    frame = pd.DataFrame(
        {
            "full_name": [PLANTED["name"]] + list(rng.choice(FIRST, n - 1) + " " + rng.choice(LAST, n - 1)),
            "birth_date": [PLANTED["dob"]] + [f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}" for i in range(n - 1)],
            "contact_email": [PLANTED["email"]] * 3 + [f"user{i}@example.org" for i in range(n - 3)],
            "notes": notes,
            "amount": rng.normal(100, 10, n).round(2),
            "y": rng.integers(0, 2, n),
        }
    )
    frame.to_csv("data.csv", index=False)
    Path("dataaudit.yaml").write_text(
        "target: y\npolicy:\n  contains_personal_data: false\n", encoding="utf-8"
    )
    args = ["run", "data.csv", "--as-of", "2026-06-30", "-o", "r.html", "--json", "r.json"]
    help_text = CliRunner().invoke(cli, ["run", "--help"]).output
    for flag, name in (("--markdown", "r.md"), ("--junit", "r.xml")):
        if flag in help_text:
            args += [flag, name]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    doc = json.loads(Path("r.json").read_text(encoding="utf-8"))
    pii = next(c for c in doc["checks"] if c["id"] == "policy.pii_detected")
    assert pii["status"] == "fail"
    kinds = {f["kind"] for f in pii["observed"]["findings"]}
    assert {"email", "phone", "card", "ssn", "iban", "ipv4", "address", "name", "dob"} <= kinds
    outputs = {"stdout": result.stdout, "stderr": result.stderr}
    for name in ("r.html", "r.json", "r.md", "r.xml"):
        if Path(name).exists():
            outputs[name] = Path(name).read_text(encoding="utf-8")
    for label, text in outputs.items():
        for kind, value in PLANTED.items():
            variants = {value, value.replace(" ", ""), json.dumps(value)[1:-1]}
            for v in variants:
                assert v not in text, f"raw {kind} {v!r} in {label}"


def test_licence_given_under_both_spellings_is_one_clear_error():
    with pytest.raises(ConfigError, match="licence and license are the same field: give one"):
        validate_config({"policy": {"license": "MIT", "licence": "CC0-1.0"}})


@pytest.mark.parametrize("dtype", ["object", "string", "string[pyarrow]", "category"])
def test_every_text_dtype_is_scanned(dtype):
    values = ["mail a@example.com", "x", "call +44 20 7946 0958", None] * 5
    result = run_check(PiiDetected(), ds(pd.DataFrame({"c": pd.Series(values, dtype=dtype)}), policy=FULL))
    assert [(f["kind"], f["rows"]) for f in result.observed["findings"]] == [("email", 5), ("phone", 5)]


def test_policy_notes_without_a_datasheet_and_hostile_declared_text_is_escaped():
    frame = pd.DataFrame({"x": range(20), "y": [0, 1] * 10})
    report = dataaudit.audit(frame, select=["policy"], as_of="2026-06-30")
    rows = {row["field"]: row for row in policy_notes(report)}
    # issue 14.10: without a policy block nothing is required: every field is "not declared", no warning
    assert rows["owner"] == {"field": "owner", "declared": "not declared", "found": "", "status": ""}
    assert rows["consent"]["found"] == ""  # not required, nothing to show
    hostile = dataaudit.audit(
        frame,
        select=["policy"],
        as_of="2026-06-30",
        config={"policy": {"source": "<script>alert(1)</script>"}},
    )
    html = hostile.to_html()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
