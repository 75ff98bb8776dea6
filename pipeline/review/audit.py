"""``ogi audit``: the findings of a region, city or list of agencies for one year, as the circular
(通报) a 政务公开 office sends out — an Excel workbook (one sheet per severity, Chinese headers) and
the same as a printable HTML page. Sorted the way a circular is written: by agency, then rule.
Reads the published warehouse read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.review.findings import finding_rows
from pipeline.review.labels import AUDIT_COLUMNS, SEVERITY_ZH

if TYPE_CHECKING:
    import duckdb

SEVERITIES = ("error", "warn")


@dataclass
class Scope:
    """Which reports a circular covers; empty fields do not restrict."""

    region: str | None = None  # province, city or county name, e.g. 福建省
    year: int | None = None
    agencies: list[str] = field(default_factory=list)

    def where(self) -> tuple[str, list[Any]]:
        """SQL over ``r`` (report) and ``f`` (quality_finding); current versions only."""
        sql, params = ["r.is_current"], []
        if self.region:
            sql.append("(r.province = ? or r.city = ? or r.county = ?)")
            params += [self.region] * 3
        if self.year is not None:
            sql.append("r.year = ?")
            params.append(self.year)
        if self.agencies:
            sql.append("(r.agency_name in ? or r.agency_id in ?)")
            params += [self.agencies, self.agencies]
        return " and ".join(sql), params

    def title(self) -> str:
        who = (
            self.region
            or ("、".join(self.agencies[:3]) + ("等" if len(self.agencies) > 3 else ""))
            or "全部机关"
        )
        year = f"{self.year}年度" if self.year else "各年度"
        return f"{who}{year}政府信息公开工作年度报告审核情况"

    def label(self) -> str:
        return (
            "；".join(
                p
                for p in (
                    f"地区 {self.region}" if self.region else "",
                    f"年度 {self.year}" if self.year else "",
                    f"机关 {'、'.join(self.agencies)}" if self.agencies else "",
                )
                if p
            )
            or "全部"
        )


@dataclass
class Audit:
    scope: Scope
    rows: list[dict[str, Any]]
    n_reports: int
    warehouse: str

    def by_severity(self) -> dict[str, list[dict[str, Any]]]:
        return {s: [r for r in self.rows if r["severity"] == s] for s in SEVERITIES}


def collect(con: duckdb.DuckDBPyConnection, scope: Scope, warehouse: str = "") -> Audit:
    where, params = scope.where()
    rows = finding_rows(con, where, params)
    rows.sort(key=lambda r: (r["agency_name"] or "", r["year"] or 0, r["rule_id"], r["cells"] or ""))
    n = con.execute(f"select count(*) from report as r where {where}", params).fetchall()[0][0]
    return Audit(scope, rows, int(n), warehouse)


def write_xlsx(audit: Audit, path: Path) -> Path:
    """One sheet per severity (错误, 警告), one row per finding, Chinese headers, filter + frozen header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    headers = [h for h, _ in AUDIT_COLUMNS]
    widths = {"机关名称": 28, "规则": 30, "涉及单元格": 48, "来源文件": 36, "原文": 40, "说明": 50}
    for sev, rows in audit.by_severity().items():
        ws = wb.create_sheet(SEVERITY_ZH[sev])
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDDDDD")
        for r in rows:
            ws.append([r[k] for _, k in AUDIT_COLUMNS])
        for i, h in enumerate(headers, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = widths.get(h, 12)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    info = wb.create_sheet("说明")
    for line in (
        ("标题", audit.scope.title()),
        ("范围", audit.scope.label()),
        ("报告数", audit.n_reports),
        ("问题数", len(audit.rows)),
        ("数据", audit.warehouse),
        ("生成时间", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("类型", "原文错误：报告原文不满足勾稽关系；疑似解析问题：涉及经解析修复的单元格，请先核对原文"),
    ):
        info.append(list(line))
    info.column_dimensions["B"].width = 80
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_html(audit: Audit, path: Path) -> Path:
    from pipeline.review.render import render

    return render(
        "audit.html.j2",
        path,
        title=audit.scope.title(),
        scope=audit.scope.label(),
        rows=audit.rows,
        n_reports=audit.n_reports,
        by_severity=audit.by_severity(),
        severities=[(s, SEVERITY_ZH[s]) for s in SEVERITIES],
        columns=AUDIT_COLUMNS,
        warehouse=audit.warehouse,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def chromium_binary() -> str | None:
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def write_pdf(html: Path, pdf: Path) -> Path:
    """The printable page as PDF, printed by headless Chromium (A4 landscape from the page's CSS).
    Raises RuntimeError with what to install when there is no Chromium."""
    import subprocess
    import tempfile

    browser = chromium_binary()
    if browser is None:
        raise RuntimeError(
            "PDF needs Chromium: apt-get install chromium fonts-noto-cjk (the HTML page prints too)"
        )
    with tempfile.TemporaryDirectory(prefix="ogi-pdf-") as profile:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
             "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
    return pdf
