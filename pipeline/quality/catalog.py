"""The rules and the GX suites, generated from the identity registry (``pipeline.form.identities``).

Every rule is declared once there; this module turns the registry into GX 1.x suite JSON (one suite
per warehouse table, each expectation carrying its rule's id, wording, severity and the frame it
reads) and into the ``Rule`` objects the runner, the Dagster checks and ``ogi check`` use.
``expectations/*.json`` is the same suites written out (``python -m pipeline.quality.generate``);
a test keeps the files equal to the registry. Nothing here imports GX.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.form import identities

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
SEVERITIES = identities.SEVERITIES
META_KEYS = ("rule_id", "description", "rule_zh", "severity", "blocking")


@dataclass(frozen=True)
class Rule:
    """A rule as the checks report it: wording, severity, blocking, and where its checks hang."""

    rule_id: str
    description: str
    rule_zh: str
    severity: str  # error | warn (what quality_finding.severity says)
    blocking: bool  # structural: the pipeline is broken; blocks the marts
    assets: tuple[str, ...]  # Dagster assets whose check reports this rule
    suites: tuple[str, ...]

    @property
    def kind(self) -> str | None:
        """Structural rules always give ``pipeline`` findings; others depend on the repairs."""
        return "pipeline" if self.blocking else None


@dataclass(frozen=True)
class Suite:
    """One suite: the table it checks, the asset its checks hang on, its GX JSON."""

    name: str
    table: str
    asset: str
    path: Path
    data: dict[str, Any]

    @property
    def expectations(self) -> list[dict[str, Any]]:
        return self.data["expectations"]

    def frames(self) -> list[str]:
        """Check frames this suite's expectations read, in order."""
        return list(dict.fromkeys(exp["meta"]["frame"] for exp in self.expectations))

    def json(self) -> str:
        """The suite file's text."""
        return json.dumps(self.data, ensure_ascii=False, indent=2) + "\n"


def _expectation(rule: identities.Rule, exp: identities.Expect) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "rule_id": rule.rule_id,
        "description": rule.description,
        "rule_zh": rule.rule_zh,
        "severity": rule.severity,
        "blocking": rule.blocking,
        "frame": exp.frame,
        **exp.finding,
    }
    return {
        "type": exp.type,
        "kwargs": dict(exp.kwargs),
        "meta": meta,
        "severity": "critical" if rule.blocking else "warning",
    }


def _check(rule: identities.Rule) -> None:
    if rule.severity not in SEVERITIES:
        raise ValueError(f"{rule.rule_id}: severity must be one of {SEVERITIES}")
    if not rule.description.endswith(".") or "\n" in rule.description:
        raise ValueError(f"{rule.rule_id}: the description is one sentence ending with '.'")


@cache
def suites(directory: Path = EXPECTATIONS_DIR) -> tuple[Suite, ...]:
    """Every suite, generated from the registry, by name (``path``: where its file lives)."""
    out = []
    for s in sorted(identities.SUITES, key=lambda s: s.name):
        exps = []
        for rule in identities.RULES:
            _check(rule)
            exps += [_expectation(rule, e) for e in rule.expectations() if e.suite == s.name]
        data = {"name": s.name, "meta": {"table": s.name, "asset": s.asset, "description": s.description}}
        data["expectations"] = exps
        out.append(Suite(s.name, s.name, s.asset, directory / f"{s.name}.json", data))
    return tuple(out)


@cache
def rules(directory: Path = EXPECTATIONS_DIR) -> dict[str, Rule]:
    """Rule id → rule, in registry order; only rules some suite checks."""
    out: dict[str, Rule] = {}
    by_name = {s.name: s for s in suites(directory)}
    for r in identities.RULES:
        names = tuple(dict.fromkeys(e.suite for e in r.expectations()))
        if not names:
            continue
        assets = tuple(dict.fromkeys(by_name[n].asset for n in names))
        out[r.rule_id] = Rule(r.rule_id, r.description, r.rule_zh, r.severity, r.blocking, assets, names)
    return out


def rule(rule_id: str) -> Rule:
    """One rule by id (KeyError for an id the registry does not declare)."""
    return rules()[rule_id]


def rules_by_asset(directory: Path = EXPECTATIONS_DIR) -> dict[str, list[Rule]]:
    """Asset key → the rules its checks report, in registry order."""
    out: dict[str, list[Rule]] = {}
    for r in rules(directory).values():
        for asset in r.assets:
            out.setdefault(asset, []).append(r)
    return out
