"""`ogi` command line: parse, check and run (typer)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="OGI annual reports: parse, check, run.")


def iter_files(paths: list[Path]) -> list[Path]:
    """Files named, and every entry under folders named (hidden ones aside), in a stable order.
    Special files and broken symlinks are kept: the runner refuses them with a reason."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if not f.name.startswith(".") and (f.is_symlink() or not f.is_dir())
                )
            )
        elif p.exists() or p.is_symlink():
            out.append(p)
        else:
            raise typer.BadParameter(f"no such file or folder: {p}")
    return out


@app.command()
def parse(
    paths: Annotated[list[Path], typer.Argument(help="report files or folders")],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON record per line (JSON Lines)")] = False,
    timeout: Annotated[float, typer.Option(help="seconds allowed per file; 0 = no limit")] = 60.0,
    workers: Annotated[int, typer.Option(help="parse processes; 0 = one per core")] = 0,
) -> None:
    """Parse report files into report records (in the order given, folders sorted)."""
    from pipeline.runner import parse_files_rendered

    files = iter_files(paths)
    t0 = time.perf_counter()
    statuses: Counter[str] = Counter()
    out = sys.stdout.buffer
    for status, line in parse_files_rendered(
        files,
        "json" if as_json else "summary",
        timeout=timeout,
        workers=workers or None,
        progress=sys.stderr.isatty(),
    ):
        statuses[status] += 1
        out.write(line)  # rendered in the worker, always valid UTF-8
    out.flush()
    counts = ", ".join(f"{k} {n}" for k, n in sorted(statuses.items()))
    typer.echo(
        f"ogi parse: {len(files)} file{'s' if len(files) != 1 else ''} ({counts or 'none'}) "
        f"in {time.perf_counter() - t0:.1f} s",
        err=True,
    )


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="report files or folders")],
    as_json: Annotated[bool, typer.Option("--json", help="one finding per line")] = False,
) -> None:
    """Run the accounting-identity rules on files, without the warehouse."""
    from pipeline.quality.check_cli import check_command

    check_command(iter_files(paths), as_json=as_json)


@app.command()
def run(
    raw_dir: Annotated[
        Path | None, typer.Option(help="raw batches folder (default: $OGI_RAW_DIR or data/raw)")
    ] = None,
    warehouse_dir: Annotated[
        Path | None, typer.Option(help="warehouse folder (default: $OGI_WAREHOUSE_DIR)")
    ] = None,
) -> None:
    """Run the nightly job once, in process, and print a summary."""
    from pipeline.run_cli import run_command

    run_command(raw_dir=raw_dir, warehouse_dir=warehouse_dir)


from pipeline.review.cli import app as _review  # noqa: E402  reviewers' commands: audit, card, export, correct

app.registered_commands += _review.registered_commands


if __name__ == "__main__":
    app()
