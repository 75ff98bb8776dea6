"""GX Data Docs of a validation, rendered into ``data/warehouse/data_docs/`` (``make docs``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from pipeline.quality.gx_runner import DATA_DOCS_SITE, Validation, gx_context


def _slim(result: Any, keep: int = 20) -> None:
    """Trim a validation result for Data Docs: no full unexpected lists, a sample of values."""
    for r in result.results:
        res = dict(r.result or {})
        for key in ("unexpected_list", "unexpected_index_list", "unexpected_index_query"):
            res.pop(key, None)
        if "partial_unexpected_list" in res:
            res["partial_unexpected_list"] = list(res["partial_unexpected_list"])[:keep]
        r.result = res


def write_data_docs(validation: Validation, directory: Path, run_name: str = "ogi") -> Path:
    """Render GX Data Docs of a validation into ``directory`` (its ``index.html``), replacing the
    previous site only once the new one is complete. Results are trimmed to a sample of values."""
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    directory = Path(directory)
    tmp = directory.with_name(f".{directory.name}.new")
    shutil.rmtree(tmp, ignore_errors=True)
    ctx = gx_context(tmp)
    run_id = RunIdentifier(run_name=run_name)
    added: set[str] = set()
    for suite, batch, result in validation.results:
        if suite.name not in added:
            ctx.suites.add(suite)
            added.add(suite.name)
        _slim(result)
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.name),
            run_id=run_id,
            batch_identifier=batch,
        )
        ctx.validation_results_store.set(key, result)
    ctx.build_data_docs(site_names=[DATA_DOCS_SITE])
    old = directory.with_name(f".{directory.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if directory.exists():
        directory.rename(old)
    tmp.rename(directory)
    shutil.rmtree(old, ignore_errors=True)
    return directory / "index.html"
