"""Figures, targets and the results table: numbers in, `bench/results.json` and a printed table out."""

from __future__ import annotations

import json
import os
import platform
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p99 of 240 presses is the third-slowest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Figure:
    key: str
    unit: str
    runs: list[float]
    what: str

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


@dataclass
class Target:
    text: str
    value: float
    limit: float

    @property
    def ok(self) -> bool:
        return self.value <= self.limit


@dataclass
class Results:
    figures: dict[str, Figure] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    notes: dict[str, object] = field(default_factory=dict)

    def add(self, key: str, unit: str, runs: list[float], what: str) -> Figure:
        self.figures[key] = Figure(key, unit, [float(run) for run in runs], what)
        return self.figures[key]

    def median(self, key: str) -> float:
        return self.figures[key].median

    def target(self, text: str, value: float, limit: float) -> None:
        self.targets.append(Target(text, value, limit))

    @property
    def all_met(self) -> bool:
        return all(target.ok for target in self.targets)

    def table(self) -> str:
        rows = [("figure", "median", "min", "max", "runs"), ("", "", "", "", "")]
        for figure in self.figures.values():
            rows.append(
                (
                    f"{figure.key} ({figure.unit})",
                    _fmt(figure.median),
                    _fmt(min(figure.runs)),
                    _fmt(max(figure.runs)),
                    str(len(figure.runs)),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        lines = [
            "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
            for row in rows
        ]
        lines[1] = "  ".join("-" * width for width in widths)
        lines += ["", "target                                              value     limit  met"]
        for target in self.targets:
            lines.append(
                f"{target.text:<50}  {_fmt(target.value):>7}  {_fmt(target.limit):>8}  {'yes' if target.ok else 'NO'}"
            )
        return "\n".join(lines)

    def write(self, path: Path) -> None:
        data: dict[str, object] = {figure.key: round(figure.median, 3) for figure in self.figures.values()}
        data["details"] = {
            figure.key: {
                "unit": figure.unit,
                "what": figure.what,
                "median": round(figure.median, 3),
                "min": round(min(figure.runs), 3),
                "max": round(max(figure.runs), 3),
                "runs": [round(run, 3) for run in figure.runs],
            }
            for figure in self.figures.values()
        }
        data["targets"] = [
            {"target": t.text, "value": round(t.value, 3), "limit": t.limit, "met": t.ok} for t in self.targets
        ]
        data["all_targets_met"] = self.all_met
        data["machine"] = {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "textual": version("textual"),
        }
        data["notes"] = self.notes
        data["measured_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
