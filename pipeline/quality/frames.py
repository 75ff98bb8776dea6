"""Check frames: SQL run on the warehouse (or on ``ogi check``'s in-memory copy), handed to GX as pandas.

A frame has one row per report × column (or per cell) with both sides of an identity and the
columns a finding needs (``FRAME_COLUMNS``). ``DuckDBFrames`` computes a frame in DuckDB and gives
pandas only the columns the expectations read plus the row key (report_id, cells), strings
dictionary-encoded; the full rows are fetched again for unexpected rows only.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any, Protocol

from pipeline.form import identities
from pipeline.quality import catalog, templates
from pipeline.quality.findings import na_to_none

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

CHECKS_DIR = Path(__file__).resolve().parents[2] / "sql" / "checks"
#: columns every check frame has (the finding's fields and the repairs that decide its kind)
FRAME_COLUMNS = (
    "report_id",
    "agency_id",
    "agency_name",
    "year",
    "column_code",
    "cells",
    "expected",
    "observed",
    "repairs",
    "prior_repairs",
)


def frame_sql(frame: str, checks_dir: Path = CHECKS_DIR) -> str:
    """The SQL of one check frame: an identity rule's frame is generated from its template
    (``templates.py``); the others are ``sql/checks/<frame>.sql`` with the form's code lists
    (``${signed_measures}`` …) filled in."""
    rule = identities.RULE.get(frame)
    if rule is not None and rule.is_identity:
        return templates.identity_frame_sql(frame)
    text = (checks_dir / f"{frame}.sql").read_text(encoding="utf-8")
    return Template(text).substitute(templates.form_values())


def expectation_columns(exp: dict[str, Any]) -> list[str]:
    """The frame columns one expectation (suite JSON) reads."""
    kw = exp["kwargs"]
    cols = [kw[k] for k in ("column", "column_A", "column_B") if k in kw]
    return cols + list(kw.get("column_list") or [])


class Frames(Protocol):
    """Check frames by name: what GX validates, and the full rows behind unexpected indexes."""

    def df(self, frame: str, columns: list[str]) -> pd.DataFrame: ...

    def rows(self, frame: str, index: list[int]) -> list[dict[str, Any]]: ...


class PandasFrames:
    """Frames already in memory (tests, exploring)."""

    def __init__(self, frames: dict[str, pd.DataFrame]) -> None:
        self.frames = {k: v.reset_index(drop=True) for k, v in frames.items()}

    def df(self, frame: str, columns: list[str]) -> pd.DataFrame:
        return self.frames[frame]

    def rows(self, frame: str, index: list[int]) -> list[dict[str, Any]]:
        return self.frames[frame].iloc[index].to_dict("records")


class DuckDBFrames:
    """Frames computed in DuckDB (optionally one report year). pandas receives only the columns
    the expectations read plus the row key, strings dictionary-encoded; the full rows behind
    unexpected ones are fetched again by key. Nothing is materialised.

    The row key is (report_id, row_key) where the frame has a ``row_key`` column (the identity
    templates: the line or column the row sums), else (report_id, cells). ``cells`` of a template
    frame is a string_agg over every fact row: two thirds of the frame's cost at 10⁵ reports, paid
    then only for the reports with an unexpected row."""

    KEY = ("report_id", "cells")
    ROW_KEY = ("report_id", "row_key")

    def __init__(
        self, con: duckdb.DuckDBPyConnection, where: str | None = None, checks_dir: Path = CHECKS_DIR
    ):
        self.con = con
        self.where = where
        self.checks_dir = checks_dir
        self.loaded: dict[str, pd.DataFrame] = {}
        self.keys: dict[str, tuple[str, str]] = {}

    def key(self, frame: str) -> tuple[str, str]:
        """The columns that identify a row of ``frame`` (see the class)."""
        if frame not in self.keys:
            columns = self.con.sql(f"select * from ({frame_sql(frame, self.checks_dir)}) limit 0").columns
            self.keys[frame] = self.ROW_KEY if "row_key" in columns else self.KEY
        return self.keys[frame]

    def _from(self, frame: str) -> str:
        where = f" where {self.where}" if self.where else ""
        return f"(select * from ({frame_sql(frame, self.checks_dir)}){where})"

    def df(self, frame: str, columns: list[str]) -> pd.DataFrame:
        """The key and the columns GX needs, one row per frame row; strings as categoricals."""
        import pyarrow as pa
        import pyarrow.compute as pc

        select = ", ".join(f'"{c}"' for c in dict.fromkeys([*self.key(frame), *columns]))
        try:
            table = self.con.sql(f"select {select} from {self._from(frame)}").to_arrow_table()
        except Exception as exc:  # name the frame: a broken frame is a pipeline bug
            raise ValueError(f"sql/checks/{frame}.sql: {exc}") from exc
        cols = []
        for col in table.columns:
            if (
                pa.types.is_string(col.type)
                or pa.types.is_large_string(col.type)
                or pa.types.is_string_view(col.type)
            ):
                col = pc.dictionary_encode(col.cast(pa.string()))
            cols.append(col)
        df = pa.table(cols, names=table.column_names).to_pandas()
        self.loaded[frame] = df
        return df

    def rows(self, frame: str, index: list[int]) -> list[dict[str, Any]]:
        """Full rows (every frame column) of the unexpected rows at ``index``."""
        key = self.key(frame)
        keys = self.loaded[frame].iloc[index][list(key)]
        wanted = {(na_to_none(r), na_to_none(c)) for r, c in keys.itertuples(index=False)}
        ids = sorted({r for r, _ in wanted if r is not None})
        sql = f"select * from {self._from(frame)} where report_id in (select unnest($1::varchar[]))"
        if any(r is None for r, _ in wanted):
            sql += " or report_id is null"
        rel = self.con.execute(sql, [ids])
        names = [d[0] for d in rel.description]
        out = [dict(zip(names, row, strict=True)) for row in rel.fetchall()]
        missing = [c for c in FRAME_COLUMNS if c not in names]
        if missing:
            raise ValueError(f"sql/checks/{frame}.sql lacks the frame columns {missing}")
        return [r for r in out if (r[key[0]], r[key[1]]) in wanted]

    def close(self) -> None:
        self.loaded.clear()


def load_frames(
    con: duckdb.DuckDBPyConnection, frames: Iterable[str], checks_dir: Path = CHECKS_DIR
) -> dict[str, pd.DataFrame]:
    """Every column of each frame as pandas (tests and exploring; the runner uses DuckDBFrames)."""
    out: dict[str, pd.DataFrame] = {}
    for frame in frames:
        df = con.sql(frame_sql(frame, checks_dir)).df()
        missing = [c for c in FRAME_COLUMNS if c not in df.columns]
        if missing:
            raise ValueError(f"sql/checks/{frame}.sql lacks the frame columns {missing}")
        out[frame] = df.reset_index(drop=True)
    return out


def frames_for(suites: Iterable[catalog.Suite]) -> list[str]:
    """Every frame the suites read, once, in order."""
    return list(dict.fromkeys(f for s in suites for f in s.frames()))
