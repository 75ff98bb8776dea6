"""Run the GX suites (generated from the registry, ``catalog.py``) on check frames computed in the
warehouse, or in ``ogi check``'s in-memory copy of it; shape findings. The one check path.

GX 1.x cannot read DuckDB, so every expectation reads a pandas frame: the result of a check frame
(``frames.py``: an identity's frame generated from its template, or ``sql/checks/<frame>.sql``),
one row per report × column or per cell, with both sides of the identity and the columns a
finding needs. Each suite is split by ``meta.frame`` and validated on
that frame in one ephemeral context; every unexpected row becomes a :class:`Finding`.

In the warehouse, the frames of one row per fact cell are validated one report year at a time
(every frame row belongs to one report), the others once for all years (``PER_YEAR_FRAMES``; the
cross-year frames already joined the year before in SQL); pandas receives only the columns the
expectations read (``frames.py``). GX is imported inside the functions (3–4 s); progress bars are
off.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.quality import catalog
from pipeline.quality.findings import (
    PRIOR,
    Finding,
    as_float,
    finding_kind,
    message,
    na_to_none,
    repair_wheres,
    split_cells,
)
from pipeline.quality.frames import (
    CHECKS_DIR,
    FRAME_COLUMNS,
    DuckDBFrames,
    Frames,
    PandasFrames,
    expectation_columns,
    frames_for,
    load_frames,
)

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

__all__ = [
    "CHECKS_DIR",
    "FRAME_COLUMNS",
    "DuckDBFrames",
    "Frames",
    "PandasFrames",
    "RuleOutcome",
    "Validation",
    "expectation_columns",
    "finding_from_row",
    "frames_for",
    "load_frames",
    "validate",
    "validate_warehouse",
    "validate_warehouse_runner",
    "write_data_docs",
]
DATA_DOCS_SITE = "ogi"
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "return_unexpected_index_query": False,
    "partial_unexpected_count": 20,
}


@dataclass
class RuleOutcome:
    """What the suites say about one rule: rows checked, findings, expectations that errored."""

    rule: catalog.Rule
    checked: int = 0
    unexpected: int = 0
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.findings and not self.errors and self.unexpected == 0


@dataclass
class Validation:
    """The outcome of running suites: one outcome per rule (findings de-duplicated), timings, and
    the GX results for Data Docs as (suite, batch name, result)."""

    outcomes: dict[str, RuleOutcome]
    seconds: dict[str, float] = field(default_factory=dict)
    results: list[tuple[Any, str, Any]] = field(default_factory=list)
    seen: set[tuple[Any, ...]] = field(default_factory=set)

    @property
    def findings(self) -> list[Finding]:
        return [f for o in self.outcomes.values() for f in o.findings]

    def add(self, outcome: RuleOutcome, finding: Finding) -> None:
        if finding.key() not in self.seen:
            self.seen.add(finding.key())
            outcome.findings.append(finding)


# ----------------------------------------------------------------------------- findings


def _pick(row: dict[str, Any], spec: Any, default: str) -> Any:
    """A finding field from the expectation's meta: a number is a constant, a string names a frame
    column; absent, the frame's standard column. (``meta.cells`` is a constant cell list and
    ``meta.column_code`` a constant code, null included.)"""
    if spec is None:
        return row.get(default)
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        return spec
    return row.get(spec)


def finding_from_row(row: dict[str, Any], meta: dict[str, Any], rule: catalog.Rule) -> Finding:
    """The finding an unexpected frame row stands for."""
    cells = split_cells(meta["cells"] if meta.get("cells") else na_to_none(row.get("cells")))
    expected = as_float(na_to_none(_pick(row, meta.get("expected"), "expected")))
    observed = as_float(na_to_none(_pick(row, meta.get("observed"), "observed")))
    wheres = repair_wheres(na_to_none(row.get("repairs"))) | repair_wheres(
        na_to_none(row.get("prior_repairs")), PRIOR
    )
    year = na_to_none(row.get("year"))
    year = int(year) if year is not None and not (isinstance(year, float) and math.isnan(year)) else None
    column_code = meta["column_code"] if "column_code" in meta else na_to_none(row.get("column_code"))
    return Finding(
        report_id=na_to_none(row.get("report_id")),
        agency_id=na_to_none(row.get("agency_id")),
        agency_name=na_to_none(row.get("agency_name")),
        year=year,
        rule_id=rule.rule_id,
        severity=rule.severity,
        kind=finding_kind(cells, wheres, rule.blocking),
        cells=cells,
        column_code=column_code,
        expected=expected,
        observed=observed,
        message=message(rule.rule_id, cells, column_code, year, expected, observed),
    )


# ----------------------------------------------------------------------------- validation


def gx_context(data_docs_dir: Path | None = None) -> Any:
    """An ephemeral GX context, progress bars off, with our Data Docs site only (or none)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    for site in list(ctx.get_config().data_docs_sites or {}):
        ctx.delete_data_docs_site(site)  # the default site would write to a temp folder
    if data_docs_dir is not None:
        ctx.add_data_docs_site(
            site_name=DATA_DOCS_SITE,
            site_config={
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(data_docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return ctx


def _sub_suite(suite: catalog.Suite, frame: str) -> Any:
    """The expectations of ``suite`` that read ``frame``, as a GX suite named ``suite.frame``."""
    from great_expectations.core import ExpectationSuite

    exps = [e for e in suite.expectations if e["meta"]["frame"] == frame]
    return ExpectationSuite(
        name=f"{suite.name}.{frame}", expectations=exps, meta=dict(suite.data.get("meta", {}))
    )


class Runner:
    """One GX context and the suites, validating frames chunk after chunk into one Validation."""

    def __init__(
        self, suites: Iterable[catalog.Suite] | None = None, current_year: int | None = None
    ) -> None:
        self.suites = list(catalog.suites() if suites is None else suites)
        rules = catalog.rules()
        outcomes = {e["meta"]["rule_id"]: None for s in self.suites for e in s.expectations}
        self.validation = Validation({rid: RuleOutcome(rules[rid]) for rid in outcomes})
        t0 = time.perf_counter()
        self.ctx = gx_context()
        self.validation.seconds = {
            "gx_context": time.perf_counter() - t0,
            "frames": 0.0,
            "validate": 0.0,
            "findings": 0.0,
        }
        self.source = self.ctx.data_sources.add_pandas("ogi_warehouse")
        self.batch_defs: dict[str, Any] = {}
        self.params = {"current_year": current_year or date.today().year}
        #: frame → report id → rows GX saw (rows_checked of a report kept by an incremental run)
        self.frame_rows: dict[str, dict[str | None, int]] = {}

    def _batch_def(self, frame: str) -> Any:
        if frame not in self.batch_defs:
            asset = self.source.add_dataframe_asset(frame)
            self.batch_defs[frame] = asset.add_batch_definition_whole_dataframe("all")
        return self.batch_defs[frame]

    def _count_rows(self, frame: str, df: pd.DataFrame) -> None:
        """Rows of ``frame`` per report (a report's rows fall in one chunk: assignment, not sum)."""
        if "report_id" not in df.columns or not len(df):
            return
        counts = df["report_id"].value_counts(dropna=False, sort=False)
        rows = self.frame_rows.setdefault(frame, {})
        for rid, n in counts.items():
            if n:
                rows[na_to_none(rid)] = int(n)

    def run(self, frames: Frames, label: str = "") -> None:
        """Validate every suite on ``frames``; ``label`` names the chunk (e.g. the year)."""
        for frame in frames_for(self.suites):
            self.run_frame(frames, frame, label)

    def run_frame(self, frames: Frames, frame: str, label: str = "") -> None:
        """Validate the expectations of every suite that read ``frame`` on it."""
        v, seconds = self.validation, self.validation.seconds
        for suite in self.suites:
            exps = [e for e in suite.expectations if e["meta"]["frame"] == frame]
            if not exps:
                continue
            sub = _sub_suite(suite, frame)
            t1 = time.perf_counter()
            df = frames.df(frame, [c for e in exps for c in expectation_columns(e)])
            self._count_rows(frame, df)
            seconds["frames"] += time.perf_counter() - t1
            t1 = time.perf_counter()
            batch = self._batch_def(frame).get_batch(batch_parameters={"dataframe": df})
            result = batch.validate(sub, result_format=RESULT_FORMAT, expectation_parameters=self.params)
            seconds["validate"] += time.perf_counter() - t1
            t1 = time.perf_counter()
            for r in result.results:
                meta = r.expectation_config.meta
                outcome = v.outcomes[meta["rule_id"]]
                info = r.exception_info or {}
                if info.get("raised_exception"):
                    where = f"{suite.name}.{frame}{' ' + label if label else ''}"
                    outcome.errors.append(
                        f"{where} {r.expectation_config.type}: {info.get('exception_message')}"
                    )
                    continue
                res = r.result or {}
                outcome.checked += int(res.get("element_count") or 0)
                outcome.unexpected += int(res.get("unexpected_count") or 0)
                if r.success:
                    continue
                index = [int(i) for i in res.get("unexpected_index_list") or []]
                for row in frames.rows(frame, index):
                    v.add(outcome, finding_from_row(row, meta, outcome.rule))
            seconds["findings"] += time.perf_counter() - t1
            v.results.append((sub, f"{frame}-{label}" if label else frame, result))


def validate(
    frames: Frames | dict[str, pd.DataFrame],
    suites: Iterable[catalog.Suite] | None = None,
    *,
    current_year: int | None = None,
) -> Validation:
    """Validate every suite on its frames (``frames`` must hold every frame the suites name)."""
    runner = Runner(suites, current_year)
    runner.run(PandasFrames(frames) if isinstance(frames, dict) else frames)
    return runner.validation


#: frames with one row per fact cell (16.8 M rows at 10⁵ reports): fetched and validated one
#: report year at a time, to bound memory (their year filter reaches the fact scan). Every other
#: frame (one row per report or report × column) is computed once for all years: an identity's
#: aggregation costs the same for one year as for all, so a year at a time paid it once per year.
PER_YEAR_FRAMES = frozenset({"fact_application", "fact_proactive", "fact_review_litigation"})


def validate_warehouse(
    con: duckdb.DuckDBPyConnection,
    suites: Iterable[catalog.Suite] | None = None,
    *,
    current_year: int | None = None,
    where: str | None = None,
) -> Validation:
    """Compute the check frames in the warehouse and validate them: the per-cell frames one
    report year at a time, the others once (``PER_YEAR_FRAMES``). ``where`` (SQL over a frame's
    rows) validates a few reports only, every frame at once (``incremental.py``)."""
    return validate_warehouse_runner(con, suites, current_year=current_year, where=where).validation


def validate_warehouse_runner(
    con: duckdb.DuckDBPyConnection,
    suites: Iterable[catalog.Suite] | None = None,
    *,
    current_year: int | None = None,
    where: str | None = None,
) -> Runner:
    """``validate_warehouse``, returning the runner (its ``frame_rows`` too)."""
    runner = Runner(suites, current_year)
    names = frames_for(runner.suites)
    if where is not None:
        frames = DuckDBFrames(con, where)
        try:
            for frame in names:
                runner.run_frame(frames, frame)
        finally:
            frames.close()
        return runner
    whole = DuckDBFrames(con)
    try:
        for frame in names:
            if frame not in PER_YEAR_FRAMES:
                runner.run_frame(whole, frame)
    finally:
        whole.close()
    per_year = [f for f in names if f in PER_YEAR_FRAMES]
    if not per_year:
        return runner
    years = [
        r[0] for r in con.execute("select distinct year from report order by year nulls last").fetchall()
    ]
    for year in years or [None]:
        where = "year is null" if year is None else f"year = {int(year)}"
        frames = DuckDBFrames(con, where)
        try:
            for frame in per_year:
                runner.run_frame(frames, frame, "no-year" if year is None else str(year))
        finally:
            frames.close()
    return runner


def write_data_docs(validation: Validation, directory: Path, run_name: str = "ogi") -> Path:
    """Render GX Data Docs of a validation into ``directory`` (see ``data_docs.py``)."""
    from pipeline.quality.data_docs import write_data_docs as write

    return write(validation, directory, run_name)
