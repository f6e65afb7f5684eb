"""The personal-data detectors: each kind found, each common false positive not, validators, masks,
sampling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataaudit.checks.policy._pii import is_name_column, scan_column
from dataaudit.pii import (
    DETECTORS,
    iban_valid,
    luhn_valid,
    mask_match,
    name_shape_share,
    scan_values,
)
from dataaudit.roles import tokens


def kinds_in(text: str) -> dict[str, tuple[str, ...]]:
    return {k: ex for k, (_, ex) in scan_values(pd.Index([text]), np.array([1])).items()}


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        ("write to jane.doe@example.com today", "email", "j***@e***.com"),
        ("HR contact awilson@example.org.", "email", "a***@e***.org"),
        ("call +44 20 7946 0958", "phone", "+** ** **** **58"),
        ("mobile +44 7700 900123", "phone", "+** **** ****23"),
        ("+1 (212) 555-0142", "phone", "+* (***) ***-**42"),
        ("Mobile changed to (212) 555-0102, e-mail", "phone", "(***) ***-**02"),
        ("call 212-555-0142", "phone", "***-***-**42"),
        ("Spouse can be reached at 555-0159", "phone", "***-**59"),
        ("UK 020 7946 0958", "phone", "*** **** **58"),
        ("07700 900123", "phone", "***** ****23"),
        ("+33 1 42 68 53 00", "phone", "+** * ** ** ** 00"),
        ("card 4242 4242 4242 4242 exp 12/29", "card", "**** **** **** 4242"),
        ("4111111111111111", "card", "**** **** **** 1111"),
        ("amex 3782-822463-10005", "card", "**** **** **** 0005"),
        ("ssn 123-45-6789", "ssn", "***-**-**89"),
        ("GB82 WEST 1234 5698 7654 32", "iban", "GB******************32"),
        ("paid from DE89370400440532013000", "iban", "DE******************00"),
        ("login from 192.168.1.20", "ipv4", "192.*.*.*"),
        ("seen 10.0.0.255.", "ipv4", "10.*.*.*"),
        ("ip 2001:db8:85a3::8a2e:370:7334", "ipv6", "2001:****:…"),
        ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "ipv6", "2001:****:…"),
        ("lives at 221B Baker Street, London", "address", "###B B*** S***"),
        ("1600 Pennsylvania Avenue NW", "address", "#### P*** A***"),
        ("12 High St.", "address", "## H*** S***."),
    ],
)
def test_each_kind_is_found_and_masked(text, kind, masked):
    found = kinds_in(text)
    assert kind in found, found
    assert found[kind] == (masked,)
    # the mask never repeats the value
    assert masked not in text


@pytest.mark.parametrize(
    "text",
    [
        # order numbers and ids shaped like phone numbers
        "order 1234567890",
        "ORD-555-0142",
        "ref #555-0142",
        "INV/212-555-0142",
        "tracking 00441234567890",
        # 16-digit numbers failing Luhn, and a repeated digit that passes it
        "1234567812345678",
        "4242 4242 4242 4241",
        "5555 5555 5555 5555",
        # dotted versions: not an IP (an octet exceeds 255), nor a v-prefixed one
        "version 4.12.300.2048",
        "build 1.2.3.4567",
        "v1.2.3.4",
        "999.1.1.1",
        # ISO dates and timestamps, compact timestamps
        "2024-05-12",
        "2024-05-12T10:30:00Z",
        "2024-05-12 10:30:00+02:00",
        "20240512103000",
        "12/05/2024",
        "10:30:45",
        # decimals and amounts
        "3.14159265",
        "+3.14159265",
        "12345.6789",
        "-0.000123456",
        "amount 1,234,567.89",
        "1e+10",
        # words near the patterns
        "Proof of address outstanding",
        "Applicant prefers contact by e-mail",
        "12 months Fixed Rate",
        "::1",
        "user@localhost",
    ],
)
def test_false_positive_shapes_do_not_fire(text):
    assert kinds_in(text) == {}


def test_luhn_validator_vectorised():
    digits = pd.Series(["4242424242424242", "4242424242424241", "79927398713", "0", "378282246310005"])
    assert luhn_valid(digits).tolist() == [True, False, True, True, True]
    assert luhn_valid(pd.Series([], dtype=object)).tolist() == []


def test_iban_mod97_validator_vectorised():
    ibans = pd.Series(
        ["GB82WEST12345698765432", "GB83WEST12345698765432", "DE89370400440532013000", "NL91ABNA0417164300"]
    )
    assert iban_valid(ibans).tolist() == [True, False, True, True]


def test_a_value_with_a_bad_number_first_and_a_good_one_after_is_found():
    found = kinds_in("ref 4242 4242 4242 4241, card 4242 4242 4242 4242")
    assert found["card"] == ("**** **** **** 4242",)


def test_every_detector_compiles_for_re2_and_python():
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(["x"], type=pa.string())
    for d in DETECTORS:
        pc.match_substring_regex(arr, d.re2)  # raises on syntax RE2 does not support
        assert d.py.pattern


def test_counts_are_weighted_by_value_counts():
    values = pd.Index(["a@example.com", "nothing here", "call 555-0142"])
    found = scan_values(values, np.array([10, 1000, 3]))
    assert found["email"][0] == 10
    assert found["phone"][0] == 3


def test_id_columns_skip_phone_and_card_patterns_but_not_e_mails():
    s = pd.Series(["212-555-0142", "4111111111111111", "x@example.com"] * 3, name="order_id")
    counts = s.value_counts()
    findings, _ = scan_column(s, counts, column_tokens=tokens("order_id"), is_id=False, scan_limit=1000)
    assert {f.kind for f in findings} == {"email"}
    phone_col = pd.Series(["212-555-0142"] * 3, name="contact_number")
    findings, _ = scan_column(
        phone_col,
        phone_col.value_counts(),
        column_tokens=tokens("contact_number"),
        is_id=False,
        scan_limit=10,
    )
    assert [f.kind for f in findings] == ["phone"]


def test_large_columns_are_sampled_first_then_counted_exactly():
    rng = np.random.default_rng(3)
    n = 20_000
    text = pd.Series([f"note {i} about payment" for i in range(n)], name="notes")
    planted = rng.choice(n, 400, replace=False)
    text.iloc[planted] = [f"mail p{i}@example.com" for i in range(400)]
    findings, sampled = scan_column(
        text, text.value_counts(), column_tokens={"notes"}, is_id=False, scan_limit=5_000
    )
    assert sampled
    (f,) = findings
    assert (f.kind, f.rows, f.share) == ("email", 400, 400 / n)
    # nothing in the sample: the column is not scanned in full
    clean = pd.Series([f"note {i}" for i in range(n)], name="notes")
    assert scan_column(clean, clean.value_counts(), column_tokens=set(), is_id=False, scan_limit=5_000) == (
        [],
        True,
    )


def test_person_names_by_column_name_and_value_shape():
    assert is_name_column(tokens("first_name"))
    assert is_name_column(tokens("customerName"))
    assert is_name_column(tokens("Surname"))
    assert not is_name_column(tokens("product_name"))
    assert not is_name_column(tokens("branch_name"))
    assert not is_name_column(tokens("notes"))
    names = pd.Series(
        ["Jane Doe", "John O'Brien", "Mary-Jane van der Berg", "ACME LTD", "x17", "Ann McDonald"]
    ).value_counts()
    share, examples = name_shape_share(names)
    assert share == pytest.approx(4 / 6)
    assert "J*** D**" in examples


def test_masks_keep_no_more_than_a_hint():
    assert mask_match("email", "charlie.edwards99@example.com") == "c***@e***.com"
    assert mask_match("card", "4242424242424242") == "**** **** **** 4242"
    assert mask_match("iban", "GB82 WEST 1234 5698 7654 32") == "GB******************32"
    assert mask_match("dob", "1980-05-12") == "****-**-**"
    assert mask_match("name", "Jane Doe") == "J*** D**"


def test_mixed_types_and_missing_values_do_not_crash():
    values = pd.Index([1, 2.5, None, "a@example.com", b"bytes", ("t",)], dtype=object)
    found = scan_values(values, np.ones(len(values), dtype=np.int64))
    assert found["email"][0] == 1
    assert scan_values(pd.Index([], dtype=object), np.array([], dtype=np.int64)) == {}
