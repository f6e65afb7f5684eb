"""The same audit on every engine: statuses, observed values and evidence of the DuckDB engine (and Spark's,
marked ``spark``) equal the pandas engine's on the sample data, with and without out-of-core sampling.

With ``sample_rows`` at least the table's size, an out-of-core dataset's sample is every row: every check
must then give the pandas engine's result exactly. With a smaller sample, checks answered by the engine
(counts, duplicates, conflicts, statistics) still must; checks that read rows run on the sample and say so.
"""

from __future__ import annotations

import json

import pytest
import yaml

import dataaudit
from tests.helpers import AS_OF, SAMPLE

ENGINES = [
    "duckdb",
    pytest.param("spark", marks=pytest.mark.spark),
]


def _doc(report) -> dict:
    doc = json.loads(report.to_json())
    for c in doc["checks"]:
        c.pop("duration_s", None)
        c.pop("scope", None)
        for table in c["evidence"]:  # how long a model fit took is not a property of the data
            table["rows"] = [r for r in table["rows"] if "second" not in str(r[0])]
    return doc


def _by_id(doc: dict) -> dict[str, dict]:
    return {c["id"]: c for c in doc["checks"]}


@pytest.fixture(scope="module")
def reference():
    return _doc(dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF, engine="pandas", config=_whole({})))


@pytest.mark.parametrize("engine", ENGINES)
def test_every_check_agrees_when_the_sample_is_every_row(engine, reference, spark_if_needed):
    report = dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF, engine=engine, config=_whole(reference))
    assert report.dataset.engine == engine
    got, want = _by_id(_doc(report)), _by_id(reference)
    assert got.keys() == want.keys()
    differ = {
        cid: (got[cid]["status"], want[cid]["status"], got[cid]["message"][:160], want[cid]["message"][:160])
        for cid in want
        if (got[cid]["status"], got[cid]["message"], got[cid]["observed"], got[cid]["evidence"])
        != (want[cid]["status"], want[cid]["message"], want[cid]["observed"], want[cid]["evidence"])
    }
    assert differ == {}
    assert report.dataset.rows == 10_150 and report.dataset.sha256 == reference["dataset"]["sha256"]


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_answers_cover_all_rows_on_a_small_sample(engine, reference, spark_if_needed):
    config = {**_whole(reference), "sample_rows": 2_000}
    report = dataaudit.audit(SAMPLE / "loans.csv", as_of=AS_OF, engine=engine, config=config)
    got, want = _by_id(_doc(report)), _by_id(reference)
    # exact counts over all 10,150 rows whatever the sample: the duplicates planted in the sample data
    exact = (
        "size.min_rows",
        "size.group_counts",
        "consistency.missing_values",
        "consistency.duplicate_rows",
        "consistency.duplicate_ids",
        "consistency.conflicting_labels",
        "consistency.outliers",
        "bias.group_representation",
        "bias.label_rate_disparity",
        "bias.intersectional_groups",
        "latency.freshness",
        "latency.future_timestamps",
    )
    for cid in exact:
        assert got[cid]["status"] == want[cid]["status"], (cid, got[cid]["message"], want[cid]["message"])
        assert got[cid]["observed"] == want[cid]["observed"], cid
    scopes = {r.id: r.scope for r in report.results if r.scope is not None}
    assert scopes["consistency.missing_values"].kind == "all"
    assert scopes["consistency.outliers"].kind == "all" and scopes["bias.label_rate_disparity"].kind == "all"
    assert report.dataset.sample_rows == 2_000
    sampled = [s for s in scopes.values() if s.kind == "sample"]
    assert sampled and all(s.total == 10_150 for s in sampled)


def _whole(reference: dict) -> dict:
    """The sample data's own config (roles, policy) with a sample as large as the table."""
    config = yaml.safe_load((SAMPLE / "dataaudit.yaml").read_text(encoding="utf-8"))
    return {**config, "sample_rows": 20_000}


@pytest.fixture
def spark_if_needed(request):
    """Skip the spark variants, with the reason, where Java or pyspark is missing."""
    if "spark" in request.node.name:
        import shutil

        pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'dataaudit[spark]')")
        if shutil.which("java") is None:
            pytest.skip("no Java runtime on PATH (Spark needs Java 17)")
