"""Croissant (MLCommons JSON-LD + Responsible-AI): the datasheet read from a croissant.json, and
``dataaudit croissant DATA -o FILE`` writing one with the audit's findings in its RAI fields.

``tests/data/credit-g.croissant.json`` follows the structure of OpenML's Croissant card for credit-g
(dataset 31, the German Credit data; the card is mirrored in mlcommons/croissant at
datasets/1.0/credit-g/metadata.json): its @context, creator, citeAs, datePublished, the FileObject with an
md5 and a RecordSet of fields. That card declares ``"license": "Public"`` and no RAI fields; ours gives the
licence as a Creative Commons URL and adds the RAI 1.0 fields (dataCollection, dataCollectionTimeframe,
personalSensitiveInformation, dataBiases, dataLimitations, dataUseCases) with what is publicly known of the
data, so every mapping is exercised.
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

import dataaudit
from dataaudit.cli import cli
from dataaudit.croissant import licence_from_croissant, personal_from_text, read_croissant
from tests.helpers import AS_OF, SAMPLE

CARD = Path(__file__).parent / "data" / "credit-g.croissant.json"


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def clean_copy(tmp_path: Path) -> Path:
    """loans_clean.csv alone in a folder (no dataaudit.yaml there or in the cwd)."""
    data = tmp_path / "loans_clean.csv"
    shutil.copy(SAMPLE / "loans_clean.csv", data)
    return data


# ----------------------------------------------------------------------------------------------------------
# Reading


def test_a_public_card_maps_to_the_datasheet():
    sheet = read_croissant(CARD)
    assert sheet["licence"] == "CC-BY-4.0"  # https://creativecommons.org/licenses/by/4.0/
    assert sheet["owner"] == "Dr. Hans Hofmann"
    assert sheet["source"].startswith("Loan applications to a southern German bank, 1973 to 1975")
    assert sheet["source"].endswith("(https://www.openml.org/search?type=data&id=31)")
    assert sheet["collection_period"] == "1973-01-01 to 1975-12-31"  # rai:dataCollectionTimeframe wins
    assert sheet["contains_personal_data"] is True  # it names age, sex and marital status...
    assert "1,000 rows, 300 of them bad risks" in sheet["known_limitations"]
    assert "bias: Only applicants granted a loan have an outcome" in sheet["known_limitations"]
    assert sheet["intended_uses"] == (
        "benchmarking cost-sensitive classifiers",
        "teaching credit scoring and fairness analysis",
    )
    assert set(sheet) == {
        "licence",
        "owner",
        "source",
        "collection_period",
        "contains_personal_data",
        "known_limitations",
        "intended_uses",
    }  # nothing is invented: no legal basis, consent or retention in a Croissant card


#: the top-level fields of OpenML's credit-g card as published (mlcommons/croissant
#: datasets/1.0/credit-g/metadata.json), description cut after its second section
OPENML_CREDIT_G = {
    "@context": {
        "@language": "en",
        "@vocab": "https://schema.org/",
        "citeAs": "cr:citeAs",
        "conformsTo": "dct:conformsTo",
        "cr": "http://mlcommons.org/croissant/",
        "dct": "http://purl.org/dc/terms/",
        "sc": "https://schema.org/",
    },
    "@type": "sc:Dataset",
    "citeAs": "https://dl.acm.org/doi/abs/10.1145/967900.968104",
    "conformsTo": "http://mlcommons.org/croissant/1.0",
    "creator": [{"@type": "sc:Person", "name": "Dr. Hans Hofmann"}],
    "dateCreated": "2014-04-06T23:21:47",
    "datePublished": "1994-11-17T00:00:00",
    "description": "**Author**: Dr. Hans Hofmann  \n**Source**: [UCI](https://archive.ics.uci.edu/ml/datasets/"
    "statlog+(german+credit+data)) - 1994    \n**Please cite**: [UCI](https://archive.ics.uci.edu/ml/"
    "citation_policy.html)\n\n**German Credit dataset**  \nThis dataset classifies people described by a set "
    "of attributes as good or bad credit risks.\n\nThis dataset comes with a cost matrix: \n``` \nGood  Bad "
    "(predicted)  \nGood   0    1   (actual)  \nBad    5    0  \n```\n\nIt is worse to class a customer as "
    "good when they are bad (5), than it is to class a customer as bad when they are good (1).  \n\n### "
    "Attribute description  \n\n1. Status of existing checking account, in Deutsche Mark.  \n2. Duration "
    "in months",
    "license": "Public",
    "name": "credit-g",
    "sameAs": "https://archive.ics.uci.edu/ml/datasets/statlog+(german+credit+data)",
    "url": "https://www.openml.org/search?type=data&id=31",
    "version": 1,
}


def test_the_published_openml_card_without_rai_fields(tmp_path, clean_copy):
    card = tmp_path / "credit-g.json"
    card.write_text(json.dumps(OPENML_CREDIT_G))
    sheet = read_croissant(card)
    assert sheet["licence"] == "Public"  # kept as written...
    assert sheet["owner"] == "Dr. Hans Hofmann"
    assert sheet["collection_period"] == "published 1994-11-17"
    assert sheet["source"] == (
        "Author: Dr. Hans Hofmann Source: UCI - 1994 Please cite: UCI German Credit dataset This dataset "
        "classifies people described by a set of attributes as good or bad credit risks. This dataset comes "
        "with a cost matrix: It is worse to class a customer as good when they are bad (5), than it is to "
        "class a customer as bad when they are good (1). (https://www.openml.org/search?type=data&id=31)"
    )  # Markdown, links and the cost matrix's code block dropped; cut at a sentence end
    assert "contains_personal_data" not in sheet and "intended_uses" not in sheet
    report = dataaudit.audit(clean_copy, as_of=AS_OF, croissant=card, select=["policy"])
    licence = report.result("policy.licence")
    assert licence.status == "warn" and "'Public' is not a known SPDX" in licence.message  # ...and judged


def test_terms_are_resolved_through_the_context_and_dates_fall_back(tmp_path):
    doc = {
        "@context": {
            "@vocab": "https://schema.org/",
            "cr": "http://mlcommons.org/croissant/",
            "biases": "http://mlcommons.org/croissant/RAI/dataBiases",
        },
        "@type": "Dataset",
        "name": "x",
        "license": {"@id": "https://opendatacommons.org/licenses/odbl/1-0/"},
        "publisher": {"@type": "Organization", "name": "City of Example", "email": "open@example.org"},
        "description": "## Trips\n**Taxi** trips from the city's open data portal.",
        "temporalCoverage": "2019-01-01/2019-12-31",
        "biases": "Only licensed taxis.",
        "http://mlcommons.org/croissant/RAI/personalSensitiveInformation": "None: no personal data.",
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc))
    sheet = read_croissant(path)
    assert sheet["licence"] == "ODbL-1.0"
    assert sheet["owner"] == "City of Example (open@example.org)"
    assert sheet["source"] == "Trips Taxi trips from the city's open data portal."
    assert sheet["collection_period"] == "2019-01-01 to 2019-12-31"
    assert sheet["known_limitations"] == "bias: Only licensed taxis."
    assert sheet["contains_personal_data"] is False


@pytest.mark.parametrize(
    ("text", "spdx"),
    [
        ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode", "CC-BY-NC-SA-4.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
        ("https://choosealicense.com/licenses/mit/", "MIT"),  # Hugging Face cards
        ("https://spdx.org/licenses/Apache-2.0.html", "Apache-2.0"),
        ("cc-by-4.0", "CC-BY-4.0"),
        ("CC BY 4.0", "CC-BY-4.0"),
        ("Public", "Public"),  # OpenML's credit-g: kept as written, policy.licence says it is not SPDX
    ],
)
def test_licence_urls_become_spdx_ids(text, spdx):
    assert licence_from_croissant(text) == spdx


def test_a_licence_given_as_a_creative_work_uses_its_url(tmp_path):
    # Kaggle's cards: "license": {"@type": "sc:CreativeWork", "name": ..., "url": ...}
    doc = {
        "@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/"},
        "@type": "sc:Dataset",
        "license": {
            "@type": "sc:CreativeWork",
            "name": "CC0: Public Domain",
            "url": "https://creativecommons.org/publicdomain/zero/1.0/",
        },
    }
    path = tmp_path / "kaggle.json"
    path.write_text(json.dumps(doc))
    assert read_croissant(path) == {"licence": "CC0-1.0"}


@pytest.mark.parametrize(
    ("texts", "personal"),
    [
        (["gender, age, location"], True),
        (["Socio-economic status", "Geography", "Language"], True),  # the RAI 1.0 spec's example categories
        (["The dataset includes e-mail addresses of authors."], True),
        (["None"], False),
        (["None. All names, emails, and organizations are fictional."], False),
        (["The dataset does not contain personal data."], False),
        (["See the paper."], None),
    ],
)
def test_personal_sensitive_information_says_whether_there_is_personal_data(texts, personal):
    assert personal_from_text(texts) is personal


def test_run_reads_the_croissant_file_given_and_the_report_says_which_fields_came_from_it(clean_copy):
    html, js = clean_copy.parent / "r.html", clean_copy.parent / "r.json"
    result = run("run", clean_copy, "--croissant", CARD, "--as-of", AS_OF, "-o", html, "--json", js)
    assert result.exit_code in (0, 1), result.output
    report = json.loads(js.read_text())
    assert (
        f"datasheet read from the Croissant file {CARD} (fields taken from it: licence, owner, source, "
        "collection_period, contains_personal_data, known_limitations, intended_uses)"
    ) in report["notes"]
    licence = next(r for r in report["checks"] if r["id"] == "policy.licence")
    assert licence["status"] == "pass" and "CC-BY-4.0" in licence["message"]
    page = html.read_text()
    assert "credit-g.croissant.json" in page and page.count("(from Croissant)") == 7


def test_the_policy_block_overrides_the_croissant_file_field_by_field(clean_copy):
    (clean_copy.parent / "dataaudit.yaml").write_text(
        f"croissant: {CARD}\npolicy:\n  licence: MIT\n  owner: Risk team\n  contains_personal_data: false\n"
    )
    report = dataaudit.audit(clean_copy, as_of=AS_OF, select=["policy"])
    policy = report.config["policy"]
    assert (policy["licence"], policy["owner"], policy["contains_personal_data"]) == (
        "MIT",
        "Risk team",
        False,
    )
    assert policy["collection_period"] == "1973-01-01 to 1975-12-31"  # not overridden: from the file
    assert set(policy["from_croissant"]) == {
        "source",
        "collection_period",
        "known_limitations",
        "intended_uses",
    }
    page = report.to_html()
    marked = re.findall(r'<td class="mono">(\w+)</td><td>[^<]*<span class="muted">\(from Croissant\)', page)
    assert sorted(marked) == sorted(policy["from_croissant"])  # licence, owner: from the YAML, unmarked


@pytest.mark.parametrize("name", ["loans_clean.croissant.json", "croissant.json"])
def test_a_croissant_file_beside_the_data_is_found(clean_copy, name):
    shutil.copy(CARD, clean_copy.parent / name)
    report = dataaudit.audit(clean_copy, as_of=AS_OF, select=["policy"])
    assert report.config["croissant"] == str(clean_copy.parent / name)
    assert report.config["policy"]["owner"] == "Dr. Hans Hofmann"
    # and without one, nothing is read
    (clean_copy.parent / name).unlink()
    report = dataaudit.audit(clean_copy, as_of=AS_OF, select=["policy"])
    assert report.config["croissant"] is None and report.config["policy"] is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"@type": "sc:Dataset", "name": "x",', "not a Croissant file: invalid JSON at line 1, column"),
        ("[1, 2]", "not a Croissant dataset: the JSON is a list"),
        ('{"@type": "sc:Person", "name": "x"}', "not a Croissant dataset: no sc:Dataset node"),
        ('{"@type": "Dataset", "name": "plain schema.org"}', "not a Croissant dataset: it does not declare"),
    ],
)
def test_a_malformed_croissant_file_is_one_line_and_exit_2(clean_copy, text, message):
    bad = clean_copy.parent / "bad.croissant.json"
    bad.write_text(text)
    result = run("run", clean_copy, "--croissant", bad, "--as-of", AS_OF, "--no-html")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: ") and message in lines[0]
    assert "Traceback" not in result.output


def test_a_missing_croissant_file_named_in_the_config_is_exit_2(clean_copy):
    (clean_copy.parent / "dataaudit.yaml").write_text("croissant: nowhere.json\n")
    result = run("run", clean_copy, "--as-of", AS_OF, "--no-html")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {clean_copy.parent / 'nowhere.json'}: Croissant file not found"


# ----------------------------------------------------------------------------------------------------------
# Writing


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """loans.csv and its dataaudit.yaml (the datasheet) in a folder."""
    for name in ("loans.csv", "dataaudit.yaml"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    return tmp_path / "loans.csv"


def _notes_personal_values(path: Path) -> set[str]:
    notes = pd.read_csv(path, usecols=["notes"])["notes"].dropna().drop_duplicates().astype(str)
    emails = notes.str.findall(r"[\w.+-]+@[\w-]+\.[\w.]+").explode().dropna()
    phones = notes.str.findall(r"\+?\d[\d ()-]{7,}\d").explode().dropna()
    return set(emails) | set(phones)


def test_the_writer_describes_the_data_with_the_audits_findings_and_mlcroissant_loads_it(planted):
    out = planted.parent / "meta" / "loans.croissant.json"
    out.parent.mkdir()
    result = run("croissant", planted, "-o", out, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["conformsTo"] == [
        "http://mlcommons.org/croissant/1.0",
        "http://mlcommons.org/croissant/RAI/1.0",
    ]
    assert doc["license"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    assert doc["creator"]["name"].startswith("Northwind Lending, Credit Risk Analytics team")
    (file_object,) = doc["distribution"]
    assert file_object["contentUrl"] == "../loans.csv" and file_object["encodingFormat"] == "text/csv"
    assert file_object["sha256"] == __import__("hashlib").sha256(planted.read_bytes()).hexdigest()
    types = {f["name"]: f["dataType"] for f in doc["recordSet"][0]["field"]}
    assert len(types) == 17
    assert types["age"] == "sc:Integer" and types["income"] == "sc:Float"
    assert types["applied_at"] == "sc:DateTime" and types["region"] == "sc:Text"
    # the RAI fields carry the datasheet and what the audit found
    psi = " ".join(doc["rai:personalSensitiveInformation"])
    assert "None declared" in psi  # the datasheet says contains_personal_data: false...
    assert "policy.pii_detected (fail)" in psi and "e-mail addresses in 'notes'" in psi  # ...the data says no
    assert "phone numbers in 'notes'" in psi
    biases = " ".join(doc["rai:dataBiases"])
    assert "bias.label_rate_disparity (fail)" in biases and "'Indigenous'" in biases
    limits = doc["rai:dataLimitations"]
    assert limits[0].startswith("Applications only (no repayment outcomes)")  # declared
    assert any("consistency.duplicate_rows (fail): 150 exact duplicate rows" in x for x in limits)
    assert not any(x.split(": ", 1)[1].startswith("bias.") for x in limits[1:])  # biases are listed apart
    assert doc["rai:dataCollectionTimeframe"] == ["2025-01-01", "2026-06-30"]
    assert "Not to be used for: marketing or cross-selling" in doc["rai:dataUseCases"][-1]
    # no personal value from the notes column, unmasked
    text = out.read_text()
    found = _notes_personal_values(planted)
    assert len(found) > 100  # the planted e-mails and phones are there to leak
    assert not [v for v in found if v in text]

    mlc = pytest.importorskip("mlcroissant", reason="mlcroissant (dataaudit[croissant]) is not installed")
    with warnings.catch_warnings():  # rdflib's DeprecationWarnings
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = mlc.Dataset(jsonld=str(out))  # raises on a validation error
    first = next(iter(dataset.records("loans")))  # and the file loads through it (sha256 checked)
    assert first["loans/application_id"] == b"APP-0000001" and first["loans/age"] == 24
    assert dataset.metadata.data_biases == doc["rai:dataBiases"]


def test_validate_flag_runs_mlcroissant(planted):
    pytest.importorskip("mlcroissant", reason="mlcroissant (dataaudit[croissant]) is not installed")
    out = planted.parent / "loans.croissant.json"
    result = run("croissant", planted, "-o", out, "--as-of", AS_OF, "--validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "mlcroissant: valid"


def test_validation_errors_are_one_line_naming_the_file(planted, tmp_path):
    pytest.importorskip("mlcroissant", reason="mlcroissant (dataaudit[croissant]) is not installed")
    from dataaudit.croissant_writer import croissant_document, validate_croissant
    from dataaudit.errors import ConfigError

    out = tmp_path / "broken.json"
    doc = croissant_document(dataaudit.audit(planted, as_of=AS_OF, select=["size"]), out)
    del doc["distribution"][0]["contentUrl"]
    out.write_text(json.dumps(doc))
    with pytest.raises(
        ConfigError, match=r"broken.json: mlcroissant found errors: .*contentUrl.* is mandatory"
    ):
        validate_croissant(out)


def test_validate_without_mlcroissant_names_the_extra(planted, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "mlcroissant", None)  # import fails as if not installed
    out = planted.parent / "loans.croissant.json"
    result = run("croissant", planted, "-o", out, "--as-of", AS_OF, "--validate")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --validate needs mlcroissant: pip install 'dataaudit[croissant]'"
    assert not out.exists()


def test_clean_data_gets_no_findings_and_reads_back_as_its_declarations(tmp_path):
    for name in ("loans_clean.csv", "dataaudit.yaml"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    out = tmp_path / "croissant.json"
    assert run("croissant", tmp_path / "loans_clean.csv", "-o", out, "--as-of", AS_OF).exit_code == 0
    doc = json.loads(out.read_text())
    assert "rai:dataBiases" not in doc
    assert not [x for x in doc["rai:dataLimitations"] if x.startswith("Found by dataaudit")]
    # read back (it sits beside the data as croissant.json), only the declarations come back
    sheet = read_croissant(out)
    assert sheet["contains_personal_data"] is False
    assert sheet["licence"] == "CC-BY-4.0"
    assert sheet["prohibited_uses"][0] == "marketing or cross-selling"
    assert sheet["intended_uses"] == (
        "credit risk model development",
        "approval process monitoring",
        "fairness review of lending decisions",
    )
    assert sheet["collection_period"] == "2025-01-01 to 2026-06-30"


def test_without_a_datasheet_the_written_file_declares_nothing(clean_copy):
    out = clean_copy.parent / "out.json"
    assert run("croissant", clean_copy, "-o", out, "--as-of", AS_OF).exit_code == 0
    doc = json.loads(out.read_text())
    assert "license" not in doc and "creator" not in doc and "rai:dataUseCases" not in doc
    assert doc["description"].startswith("Found by dataaudit ")
    assert doc["description"].endswith(": loans_clean.csv, 10,000 rows × 16 columns, ready for modelling.")
    assert read_croissant(out) == {}  # what dataaudit found is never read back as declared


def test_the_planted_data_reads_back_without_its_findings(planted):
    out = planted.parent / "croissant.json"
    assert run("croissant", planted, "-o", out, "--as-of", AS_OF).exit_code == 0
    sheet = read_croissant(out)
    # the file says personal data was found, but only the declaration (false) is read back as one
    assert sheet["contains_personal_data"] is False
    assert not re.search(r"Found by dataaudit|duplicate_rows", sheet["known_limitations"])
