"""The README's "Changing the form": each diff shown there is applied to a copy of the project
and has the effect the README claims; the real files are never touched (the copy is the revert).

The diffs are read from README.md itself, so the section cannot drift from the code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from quality_cases import as_2019
from quality_support import golden, renamed

from pipeline import form
from pipeline.load import seeds
from pipeline.quality.check_cli import check_records
from pipeline.quality.memory import load_records
from pipeline.quality.store import _CREATE_FINDING

REPO = Path(__file__).resolve().parents[1]
VARIANT = "5.属于人事管理、后勤管理、内部工作流程等方面的信息"
NEW_RULE = "normative_stock_flow_2019"


def _diffs() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Changing the form", 1)[1].split("\n## ", 1)[0]
    diffs = re.findall(r"```diff\n(.*?)```", section, flags=re.S)
    assert len(diffs) == 3, "the README section shows three diffs"
    return diffs


DIFFS = _diffs()


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The parts of the project a change touches, copied (no caches)."""
    for part in ("pipeline", "sql", "expectations", "docs"):
        shutil.copytree(REPO / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _apply(diff: str, root: Path) -> list[str]:
    """Apply a README diff in ``root``; the files it touched."""
    patch = root / "change.diff"
    patch.write_text(diff, encoding="utf-8")
    subprocess.run(["git", "apply", "--check", patch.name], cwd=root, check=True)
    subprocess.run(["git", "apply", patch.name], cwd=root, check=True)
    patch.unlink()
    return re.findall(r"^\+\+\+ b/(\S+)", diff, flags=re.M)


def _python(root: Path, code: str, *args: str) -> str:
    """Run ``code`` with the copy's ``pipeline`` package first on the path."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=root, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def test_1_a_label_variant_is_one_line(copy: Path):
    assert form.match_row(VARIANT) == []  # today: no key names this wording
    touched = _apply(DIFFS[0], copy)
    assert touched == ["pipeline/form/editions.py"]
    assert (
        sum(1 for line in DIFFS[0].splitlines() if line.startswith("+") and not line.startswith("+++")) == 1
    )
    out = _python(
        copy,
        "import json, sys; from pipeline import form; print(json.dumps([form.__file__, form.match_row(sys.argv[1])]))",
        VARIANT,
    )
    where, codes = json.loads(out)
    assert where.startswith(str(copy))
    assert codes == ["denied_internal_affairs"]
    assert form.match_row(VARIANT) == []  # the project itself is unchanged


def _stock_pair(tag: str, prior_total: int) -> list[dict]:
    """An agency's 2019 and 2020 reports (2019 form): 2020 prints 规范性文件 new_published 2,
    total_published 14; 2019 printed ``prior_total``."""
    now = as_2019(renamed(golden("000"), f"{tag}-2020"))
    now["agency"]["name"] = f"案例{tag}局"
    before = renamed(now, f"{tag}-2019")
    before["year"] = 2019
    before["proactive"]["normative_document"]["total_published"] = prior_total
    return [before, now]


def test_2_a_new_identity_rule(copy: Path, tmp_path: Path):
    broken, kept = _stock_pair("broken", 10), _stock_pair("kept", 12)  # 10 + 2 != 14; 12 + 2 = 14
    records = broken + kept
    assert not [f for fs in check_records(records) for f in fs if f.rule_id == NEW_RULE]
    suite_before = (copy / "expectations" / "fact_proactive.json").read_text(encoding="utf-8")

    assert _apply(DIFFS[1], copy) == ["pipeline/form/identities.py"]
    (tmp_path / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    code = (
        "import json, sys\n"
        "from pipeline.quality import catalog, generate\n"
        "from pipeline.quality.check_cli import check_records\n"
        "written = [p.name for p in generate.write()]\n"
        "rule = catalog.rule('normative_stock_flow_2019')\n"
        "records = json.load(open(sys.argv[1], encoding='utf-8'))\n"
        "found = [[f.report_id, f.rule_id, f.severity, list(f.cells), f.expected, f.observed, f.message]\n"
        "         for fs in check_records(records) for f in fs]\n"
        "print(json.dumps({'written': written, 'assets': rule.assets, 'found': found}, ensure_ascii=False))\n"
    )
    out = json.loads(_python(copy, code, str(tmp_path / "records.json")))
    assert out["written"] == ["fact_proactive.json", "form.md"]  # generated: the suite, the docs table
    assert NEW_RULE in (copy / "docs" / "form.md").read_text(encoding="utf-8")
    assert out["assets"] == ["core_ogi__facts"]  # a Dagster check of its own
    suite = json.loads((copy / "expectations" / "fact_proactive.json").read_text(encoding="utf-8"))
    added = [e for e in suite["expectations"] if e["meta"]["rule_id"] == NEW_RULE]
    assert len(added) == 1 and added[0]["meta"]["frame"] == NEW_RULE and added[0]["severity"] == "warning"
    assert json.loads(suite_before)["expectations"] == suite["expectations"][:-1]
    found = [f for f in out["found"] if f[1] == NEW_RULE]
    assert found == [
        [
            broken[1]["source"]["sha256"],
            NEW_RULE,
            "warn",
            [
                "proactive.normative_document.new_published",
                "proactive.normative_document.total_published",
                "prior_year.proactive.normative_document.total_published",
            ],
            12.0,
            14.0,
            "规范性文件 published in total = 14 but 2019 total + newly published = 12",
        ]
    ]
    assert (REPO / "expectations" / "fact_proactive.json").read_text(encoding="utf-8") == suite_before


def _mart(sql_dir: Path, records: list[dict]):
    """mart_agency_year of ``sql_dir`` built on the records: facts in memory, dims from the seeds."""
    con = load_records(records)
    for name, make in seeds.SEEDS.items():
        con.register(name, make())
    for dim in ("dim_disposition", "dim_applicant"):
        con.execute((REPO / "sql" / "dims" / f"{dim}.sql").read_text(encoding="utf-8"))
    con.execute(_CREATE_FINDING)
    con.execute((sql_dir / "marts" / "mart_agency_year.sql").read_text(encoding="utf-8"))
    return con


def test_3_a_new_mart_column(copy: Path):
    rec = golden("003")
    received = rec["applications"]["rows"]["new_received"]
    assert "legal_person_share" not in _mart(REPO / "sql", [rec]).table("mart_agency_year").columns

    assert _apply(DIFFS[2], copy) == ["sql/marts/mart_agency_year.sql"]
    con = _mart(copy / "sql", [rec])
    share = con.execute("select legal_person_share from mart_agency_year").fetchall()
    assert share == [(pytest.approx(sum(received[1:6]) / received[6]),)]
    assert 0 < share[0][0] < 1
    uncommented = con.execute(
        "select column_name from duckdb_columns() where table_name = 'mart_agency_year' and comment is null"
    ).fetchall()
    assert uncommented == []
