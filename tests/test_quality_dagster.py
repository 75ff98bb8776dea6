"""The quality checks in Dagster: specs from the suites, a run over a batch with findings, and a
structural failure that blocks the marts."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.definitions import defs
from pipeline.quality import catalog

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "raw" / "sample"
FACTS = dg.AssetKey("core_ogi__facts")


def _check_specs() -> dict[str, dg.AssetCheckSpec]:
    out = {}
    with dg.instance_for_test():  # a live instance in context: loading defs reads its state storage
        definitions = defs()
    for checks in definitions.asset_checks or []:
        for key in checks.check_keys:
            out[key.name] = checks.get_spec_for_check_key(key)
    return out


def test_one_check_per_rule_on_the_facts():
    specs = _check_specs()
    assert set(specs) == set(catalog.rules())
    assert {s.asset_key for s in specs.values()} == {FACTS}
    for name, spec in specs.items():
        rule = catalog.rule(name)
        # no spec blocks in Dagster's sense: a structural failure fails out_quality__findings instead
        assert spec.blocking is False
        blocking = spec.metadata["blocking"]
        assert getattr(blocking, "value", blocking) == rule.blocking
        assert rule.rule_zh in spec.description


def _evaluations(instance: dg.DagsterInstance, run_id: str) -> dict[str, dg.AssetCheckEvaluation]:
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    return {
        r.event_log_entry.dagster_event.event_specific_data.check_name: r.event_log_entry.dagster_event.event_specific_data
        for r in records
    }


def _run(raw: Path, warehouse: Path, **resource_config):
    from pipeline.load.run_cli import run_pipeline

    # entered, so Dagster's defs-state storage points at this instance (not at a dead one that an
    # earlier test left in the context)
    with dg.instance_for_test() as instance:
        config = {"parse_workers": 2, **resource_config}
        summary = run_pipeline(raw, warehouse, instance=instance, resource_config=config)
        return summary, _evaluations(instance, summary.run_id)


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "raw" / "sample")
    return tmp_path / "raw"


def test_a_source_error_is_a_finding_and_the_marts_still_build(raw: Path, tmp_path: Path):
    synth = pytest.importorskip("pipeline.synth.records")
    from pipeline.synth.text import render_text

    rng = random.Random(7)
    bad, what = synth.violate(synth.random_record(rng, 2021), rng, "t4_total")
    (raw / "sample" / "synthetic_t4.txt").write_text(render_text(bad, "spaces"), encoding="utf-8")
    summary, checks = _run(raw, tmp_path / "wh")

    assert summary.success, summary.errors
    assert {"out_quality__findings", "out_ogi__marts", "out_ogi__warehouse"} <= set(summary.metadata)
    assert summary.value("out_ogi__warehouse", "published") is True
    assert checks["t4_group_total"].passed is False
    assert checks["t4_group_total"].severity == dg.AssetCheckSeverity.WARN
    assert all(c.passed for name, c in checks.items() if name != "t4_group_total"), what
    failing = checks["t4_group_total"].metadata["failing"].value  # Markdown table, one failing report
    assert bad["agency"]["name"] in failing
    assert sum(1 for line in failing.splitlines() if line.startswith("| ") and "机关" not in line) == 1

    with duckdb.connect(str(tmp_path / "wh" / "ogi.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select rule_id, severity, kind, agency_name, year, expected, observed from quality_finding"
        ).fetchall()
        mart = con.execute(
            "select n_findings_error, finding_rules from mart_agency_year where agency_name = ?",
            [bad["agency"]["name"]],
        ).fetchall()
        quality = con.execute(
            "select n_error, rules from mart_quality where agency_name = ?", [bad["agency"]["name"]]
        ).fetchall()
    group = next(
        g
        for g in ("review", "litigation_direct", "litigation_after_review")
        if sum(bad["review_litigation"][g][:4]) != bad["review_litigation"][g][4]
    )
    values = bad["review_litigation"][group]
    assert rows == [
        (
            "t4_group_total",
            "error",
            "source",
            bad["agency"]["name"],
            bad["year"],
            float(values[4]),
            float(sum(values[:4])),
        )
    ]
    assert mart == [(1, ["t4_group_total"])]
    assert quality == [(1, ["t4_group_total"])]
    assert (tmp_path / "wh" / "data_docs" / "index.html").is_file()
    with duckdb.connect(str(tmp_path / "wh" / "ogi.duckdb"), read_only=True) as con:
        from pipeline.load.warehouse import missing_comments

        mine = ("quality_rule", "mart_quality", "mart_quality_rule")
        assert not [m for m in missing_comments(con) if m.split(".")[0] in mine]


def test_a_structural_failure_blocks_the_marts(raw: Path, tmp_path: Path):
    shutil.copy(SAMPLE / "000_4ac70b03785c0971.txt", raw / "sample" / "lossy_copy.txt")
    (raw / "sample" / "lossy_copy.txt").write_bytes((raw / "sample" / "lossy_copy.txt").read_bytes() + b"\n")
    summary, checks = _run(raw, tmp_path / "wh", parser="quality_support:lossy_parse_bytes")

    assert not summary.success
    assert [name for name, c in checks.items() if not c.passed] == ["unknown_code"]
    assert checks["unknown_code"].severity == dg.AssetCheckSeverity.ERROR
    assert "out_ogi__marts" not in summary.metadata and "out_ogi__warehouse" not in summary.metadata
    assert not (tmp_path / "wh" / "ogi.duckdb").exists()


def test_loading_the_definitions_does_not_import_gx():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pipeline.definitions import defs\n"
        "defs()\n"
        "import pipeline.quality.gx_runner, pipeline.quality.check_cli, pipeline.quality.memory\n"
        "assert 'great_expectations' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
