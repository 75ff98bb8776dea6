"""The rules as the suites in ``expectations/`` state them: id, severity, blocking, wording.

The JSON suites are the one place a rule's metadata lives; the pure rules, the GX runner, the
Dagster checks and ``ogi check`` all read it from here. Reading JSON needs no GX import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
SEVERITIES = ("error", "warn")
META_KEYS = ("rule_id", "description", "rule_zh", "severity", "blocking")


@dataclass(frozen=True)
class Rule:
    """A rule: what every expectation carrying its id says about it."""

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
    """One suite file: the table it checks, the asset its checks hang on, its raw JSON."""

    name: str
    table: str
    asset: str
    path: Path
    data: dict[str, Any]

    @property
    def expectations(self) -> list[dict[str, Any]]:
        return self.data["expectations"]

    def frames(self) -> list[str]:
        """Check frames (``sql/checks/<frame>.sql``) this suite's expectations read, in order."""
        seen: list[str] = []
        for exp in self.expectations:
            frame = exp["meta"]["frame"]
            if frame not in seen:
                seen.append(frame)
        return seen


def _load_suite(path: Path) -> Suite:
    data = json.loads(path.read_text(encoding="utf-8"))
    meta = data.get("meta") or {}
    for exp in data["expectations"]:
        m = exp.get("meta") or {}
        missing = [k for k in (*META_KEYS, "frame") if k not in m]
        if missing:
            raise ValueError(f"{path.name}: expectation {exp['type']} lacks meta {missing}")
        if m["severity"] not in SEVERITIES:
            raise ValueError(f"{path.name}: {m['rule_id']}: severity must be one of {SEVERITIES}")
    return Suite(data["name"], meta.get("table", data["name"]), meta["asset"], path, data)


@cache
def suites(directory: Path = EXPECTATIONS_DIR) -> tuple[Suite, ...]:
    """Every suite in ``expectations/``, by file name."""
    return tuple(_load_suite(p) for p in sorted(directory.glob("*.json")))


@cache
def rules(directory: Path = EXPECTATIONS_DIR) -> dict[str, Rule]:
    """Rule id → rule; raises when two expectations of one rule disagree about it."""
    out: dict[str, Rule] = {}
    for suite in suites(directory):
        for exp in suite.expectations:
            m = exp["meta"]
            rid = m["rule_id"]
            rule = Rule(
                rid,
                m["description"],
                m["rule_zh"],
                m["severity"],
                bool(m["blocking"]),
                (suite.asset,),
                (suite.name,),
            )
            if rid not in out:
                out[rid] = rule
                continue
            old = out[rid]
            if (old.description, old.rule_zh, old.severity, old.blocking) != (
                rule.description,
                rule.rule_zh,
                rule.severity,
                rule.blocking,
            ):
                raise ValueError(f"rule {rid}: expectations disagree on its meta ({suite.name})")
            out[rid] = Rule(
                rid,
                old.description,
                old.rule_zh,
                old.severity,
                old.blocking,
                tuple(dict.fromkeys((*old.assets, suite.asset))),
                tuple(dict.fromkeys((*old.suites, suite.name))),
            )
    return out


def rule(rule_id: str) -> Rule:
    """One rule by id (KeyError for an id no suite declares)."""
    return rules()[rule_id]


def rules_by_asset(directory: Path = EXPECTATIONS_DIR) -> dict[str, list[Rule]]:
    """Asset key → the rules its checks report, in suite order."""
    out: dict[str, list[Rule]] = {}
    for r in rules(directory).values():
        for asset in r.assets:
            out.setdefault(asset, []).append(r)
    return out
