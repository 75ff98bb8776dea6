"""Dagit as the quality dashboard: a planted identity error stays a failed check, with its agency
and file, after a run where nothing changed; no "emitted no result" warnings on that run."""

from __future__ import annotations

import logging
import random
import shutil
from pathlib import Path

import dagster as dg
import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "raw" / "sample"
FACTS = dg.AssetKey("core_ogi__facts")


def plant_t4_error(raw: Path) -> dict:
    """A synthetic 2021 report whose table 四 breaks 维持+纠正+其他+尚未审结=总计, into the batch."""
    synth = pytest.importorskip("pipeline.synth.records")
    from pipeline.synth.text import render_text

    rng = random.Random(7)
    bad, _ = synth.violate(synth.random_record(rng, 2021), rng, "t4_total")
    (raw / "sample" / "planted_t4.txt").write_text(render_text(bad, "spaces"), encoding="utf-8")
    return bad


def latest(instance: dg.DagsterInstance, name: str):
    key = dg.AssetCheckKey(FACTS, name)
    return instance.event_log_storage.get_asset_check_execution_history(key, limit=1)[0]


def test_a_failed_check_stays_failed_after_a_no_op_run(tmp_path: Path, monkeypatch, caplog):
    from pipeline.load.run_cli import run_pipeline

    monkeypatch.setenv("OGI_CORRECTIONS_DIR", str(tmp_path / "corrections"))
    # the no-op must not depend on nobody editing pipeline/*.py meanwhile (a shared checkout)
    monkeypatch.setattr(
        "pipeline.load.warehouse._BUILD_INPUTS", (("sql", "*.sql"), ("expectations", "*.json"))
    )
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE, raw / "sample")
    bad = plant_t4_error(raw)
    (raw / "stray_report.txt").write_text("a file outside any batch", encoding="utf-8")
    (raw / "sample" / "minutes.txt").write_text("局务会议纪要：研究部署下一阶段工作。\n", encoding="utf-8")
    with dg.instance_for_test() as instance:
        first = run_pipeline(raw, tmp_path / "wh", instance=instance, resource_config={"parse_workers": 1})
        assert first.success, first.errors
        rec = latest(instance, "t4_group_total")
        assert rec.run_id == first.run_id and rec.status.value == "FAILED"
        night = first.metadata["out_review__site"]["summary"]
        assert "| new | sample/minutes.txt | not_a_report |" in night
        assert "**New findings**" in night and "planted_t4.txt" in night

        caplog.set_level(logging.WARNING)
        second = run_pipeline(raw, tmp_path / "wh", instance=instance, resource_config={"parse_workers": 1})
        assert second.success, second.errors
        assert second.value("core_ogi__facts", "up_to_date", False) is True
        assert not [r for r in caplog.records if "emitted no result" in r.getMessage()]

        rec = latest(instance, "t4_group_total")
        assert rec.run_id == second.run_id
        assert rec.status.value == "FAILED"
        evaluation = rec.event.dagster_event.event_specific_data
        md = evaluation.metadata["failing"].value
        assert bad["agency"]["name"] in md and "sample/planted_t4.txt" in md
        assert evaluation.metadata["source_file"].value == str(raw / "sample" / "planted_t4.txt")
        assert "published warehouse in force" in evaluation.metadata["data"].value
        passing = latest(instance, "t3_balance")
        assert passing.run_id == second.run_id and passing.status.value == "SUCCEEDED"
        summary = second.metadata["out_quality__in_force"]["summary"]
        assert "Nothing changed" in summary and "t4_group_total" in summary
        assert "**Not ingested**: 1 entry" in summary and "`stray_report.txt`" in summary
        tags = instance.get_run_by_id(second.run_id).tags
        assert tags["ogi/checks_failed"] == "t4_group_total"
