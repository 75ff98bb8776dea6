"""`ogi parse`: JSON Lines out, folders expanded, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
runner = CliRunner()


def test_parse_folder_as_json_lines():
    result = runner.invoke(app, ["parse", "--json", str(SEEDS)])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 5
    assert {r["agency"]["name"] for r in records} >= {"川汇区人民政府", "辉县市人民政府"}
    assert all(r["status"] == "ok" for r in records)


def test_parse_summary_is_readable():
    result = runner.invoke(app, ["parse", str(SEEDS / "003_ce55108b2c7e5886.txt")])
    assert result.exit_code == 0
    assert "周口市人民政府办公室" in result.stdout
    assert "status  ok" in result.stdout
    assert "broken 0" in result.stdout


def test_a_bad_file_is_a_record_not_an_error(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"\x00\x01garbage" * 100)
    result = runner.invoke(app, ["parse", "--json", str(junk)])
    assert result.exit_code == 0
    rec = json.loads(result.stdout)
    assert rec["status"] == "failed" and rec["problems"]


def test_unusable_arguments_exit_non_zero():
    assert runner.invoke(app, ["parse", "/no/such/file"]).exit_code != 0


def slow_parser(data: bytes, path: str) -> dict:
    """A parser that hangs (named by $OGI_PARSER: the workers are separate processes)."""
    import time

    time.sleep(30)
    return {}


def test_a_file_that_hangs_the_parser_is_stopped(monkeypatch, tmp_path):
    import time

    monkeypatch.setenv("OGI_PARSER", f"{__name__}:slow_parser")
    f = tmp_path / "slow.txt"
    f.write_text("x")
    started = time.monotonic()
    result = runner.invoke(app, ["parse", "--json", "--timeout", "1", str(f)])
    assert result.exit_code == 0
    rec = json.loads(result.stdout)
    assert rec["status"] == "failed" and "timed out" in rec["problems"][0]
    assert time.monotonic() - started < 15
