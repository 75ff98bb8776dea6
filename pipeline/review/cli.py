"""``ogi audit | card | export | correct``: the reviewer's commands, on the published warehouse
(read-only; ``correct`` writes only the corrections file)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import duckdb

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Reviewers: audit, cards, exports, corrections."
)

WarehouseOpt = Annotated[
    Path | None, typer.Option("--warehouse", help="warehouse file (default: $OGI_WAREHOUSE_DIR/ogi.duckdb)")
]


def _warehouse(path: Path | None) -> Path:
    from pipeline.load.layout import Layout

    wh = path or Layout.of().published
    if not wh.exists():
        raise typer.BadParameter(f"{wh} does not exist: run `make run` (or `ogi run`) first")
    return wh


@contextmanager
def read_only(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


@app.command()
def audit(
    region: Annotated[str | None, typer.Option(help="province, city or county, e.g. 福建省")] = None,
    year: Annotated[int | None, typer.Option(help="report year")] = None,
    agency: Annotated[list[str] | None, typer.Option(help="agency name or id (repeat for several)")] = None,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("audit"),
    pdf: Annotated[bool, typer.Option("--pdf", help="also print the page to PDF (needs chromium)")] = False,
    warehouse: WarehouseOpt = None,
) -> None:
    """The findings of a region/agencies for a year as an Excel workbook and a printable HTML page."""
    from pipeline.review.audit import Scope, collect, write_html, write_pdf, write_xlsx

    wh = _warehouse(warehouse)
    scope = Scope(region, year, list(agency or []))
    with read_only(wh) as con:
        result = collect(con, scope, str(wh))
    stem = "_".join(str(p) for p in (region, year) if p) or "audit"
    xlsx = write_xlsx(result, out / f"{stem}.xlsx")
    html = write_html(result, out / f"{stem}.html")
    typer.echo(f"{result.n_reports} reports, {len(result.rows)} findings ({scope.label()})")
    typer.echo(f"workbook  {xlsx}\nprintable {html}")
    if pdf:
        try:
            typer.echo(f"pdf       {write_pdf(html, html.with_suffix('.pdf'))}")
        except RuntimeError as exc:
            typer.echo(f"no PDF: {exc}", err=True)
            raise typer.Exit(1) from None


@app.command()
def card(
    agency: Annotated[str, typer.Argument(help="agency name (or part of it) or agency_id")],
    year: Annotated[int | None, typer.Option(help="report year (default: every year it has)")] = None,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("cards"),
    warehouse: WarehouseOpt = None,
) -> None:
    """One HTML report card per agency-year: tables, peers, trend."""
    from pipeline.review.cards import find_agency, slug, write_card

    wh = _warehouse(warehouse)
    with read_only(wh) as con:
        found = [(a, y) for a, y in find_agency(con, agency) if year is None or y == year]
        if not found:
            typer.echo(f"no current report for {agency!r}{f' in {year}' if year else ''}", err=True)
            raise typer.Exit(1)
        for agency_id, y in found:
            typer.echo(str(write_card(con, agency_id, y, out / f"{slug(agency_id, y)}.html")))


@app.command()
def export(
    table: Annotated[str, typer.Argument(help="mart or table, e.g. mart_agency_year")],
    format: Annotated[str, typer.Option("--format", "-f", help="csv, xlsx or parquet")] = "csv",
    chinese: Annotated[bool, typer.Option("--chinese/--codes", help="Chinese column headers")] = False,
    out: Annotated[Path | None, typer.Option(help="output file (default: TABLE.FORMAT)")] = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Export a mart as CSV (UTF-8 with BOM), XLSX or Parquet."""
    from pipeline.review.export import export as run_export

    wh = _warehouse(warehouse)
    with read_only(wh) as con:
        try:
            path = run_export(con, table, format, out or Path(f"{table}.{format}"), chinese)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    typer.echo(str(path))


@app.command()
def correct(
    cell: Annotated[str, typer.Argument(help="cell path, e.g. applications.granted.total")],
    value: Annotated[str, typer.Argument(help="the value as printed in the source ('' with --confirm)")] = "",
    reason: Annotated[str, typer.Option(help="why (required)")] = "",
    who: Annotated[str, typer.Option(help="reviewer (required)")] = "",
    file: Annotated[str | None, typer.Option(help="source file as in report.path, e.g. sample/x.txt")] = None,
    agency: Annotated[str | None, typer.Option(help="agency name (with --year) instead of --file")] = None,
    year: Annotated[int | None, typer.Option(help="report year")] = None,
    confirm: Annotated[
        str | None, typer.Option(help="confirm the finding of this rule as a source error")
    ] = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Record a correction (or a confirmed source error) in data/corrections/corrections.csv."""
    from pipeline.review.corrections import Correction, CorrectionError, append_correction

    wh = _warehouse(warehouse)
    with read_only(wh) as con:
        if file:
            rows = con.execute(
                "select report_id, path, agency_name, year from report where path = ?", [file]
            ).fetchall()
        elif agency and year:
            rows = con.execute(
                "select report_id, path, agency_name, year from report where is_current and agency_name = ? and year = ?",
                [agency, year],
            ).fetchall()
        else:
            raise typer.BadParameter("name the report: --file PATH, or --agency NAME --year YEAR")
    if len(rows) != 1:
        raise typer.BadParameter(f"{len(rows)} reports match; name exactly one")
    report_id, path, name, y = rows[0]
    c = Correction(
        report_id=report_id, path=path, agency_name=name or "", year=str(y or ""),
        action="confirm" if confirm else "correct", cell=cell, rule_id=confirm or "", value=value,
        reason=reason, who=who,
    )  # fmt: skip
    try:
        target = append_correction(c)
    except CorrectionError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(f"recorded in {target}: {c.action} {cell} of {name} {y} ({path}); applied on the next run")
