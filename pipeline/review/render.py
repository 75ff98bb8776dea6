"""Jinja2 environment for the review pages (templates in ``pipeline/review/templates``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"


@cache
def env() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    e = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    e.filters["n"] = fmt_number
    return e


def fmt_number(v: Any) -> str:
    """12, 0.5, or '' for null: no trailing .0 on counts."""
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:.4g}"
    return str(v)


def render(template: str, out: Path, /, **context: Any) -> Path:
    """Render ``template`` to ``out`` (UTF-8), creating folders."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(env().get_template(template).render(**context), encoding="utf-8")
    return out
