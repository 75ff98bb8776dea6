"""`ogi` command line: parse, check and run (typer)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="OGI annual reports: parse, check, run.")


def iter_files(paths: list[Path]) -> list[Path]:
    """Files named, and every file under folders named, in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")))
        elif p.is_file():
            out.append(p)
        else:
            raise typer.BadParameter(f"no such file or folder: {p}")
    return out


@app.command()
def parse(
    paths: Annotated[list[Path], typer.Argument(help="report files or folders")],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON record per line (JSON Lines)")] = False,
    timeout: Annotated[
        float, typer.Option(help="seconds allowed per file; 0 = no limit (then a file is parsed in-process)")
    ] = 60.0,
) -> None:
    """Parse report files into report records."""
    from pipeline.report import failed_record, parse_bytes
    from pipeline.runtime import tune_gc_for_parsing
    from pipeline.summary import summarize_record

    tune_gc_for_parsing()

    for f in iter_files(paths):
        try:
            data = f.read_bytes()
        except OSError as exc:
            record = failed_record(str(f), f"cannot read the file: {exc.strerror or exc}")
        else:
            record = _parse_limited(parse_bytes, data, str(f), timeout)
        if as_json:
            sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        else:
            sys.stdout.write(summarize_record(record) + "\n")


def _parse_limited(parse_bytes, data: bytes, path: str, timeout: float) -> dict:
    """One file's record within the time limit: a file that hangs the reader becomes a failed
    record saying so, and the next file is read (pdfminer can spin for minutes on some PDFs)."""
    from pipeline.report import failed_record

    if timeout <= 0:
        return parse_bytes(data, path)
    from pipeline.extract.timeout import WorkerError, run_with_timeout

    try:
        return run_with_timeout(parse_bytes, data, path, seconds=timeout)
    except TimeoutError:
        return failed_record(path, f"parse timed out after {timeout:g} s (per-file limit)", data)
    except WorkerError as exc:
        return failed_record(path, f"the parser crashed on this file: {str(exc).splitlines()[0]}", data)


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
    raw_dir: Annotated[Path | None, typer.Option(help="raw batches folder (default: $OGI_RAW_DIR or data/raw)")] = None,
    warehouse_dir: Annotated[Path | None, typer.Option(help="warehouse folder (default: $OGI_WAREHOUSE_DIR)")] = None,
) -> None:
    """Run the nightly job once, in process, and print a summary."""
    from pipeline.load.run_cli import run_command

    run_command(raw_dir=raw_dir, warehouse_dir=warehouse_dir)


if __name__ == "__main__":
    app()
