"""What loading kept and what it could not use, row by row: nothing is dropped silently."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class RowProblem:
    """One row that was skipped (``severity='error'``) or kept with a caveat (``'warning'``)."""

    path: str
    row: int | None
    problem: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.path + (f", row {self.row}" if self.row is not None else "")
        return f"{where}: {self.problem}"


@dataclass
class LoadReport:
    """Counts of rows read, used and skipped, with every problem named."""

    rows_read: int = 0
    rows_used: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rows_skipped(self) -> int:
        return self.rows_read - self.rows_used

    def add(self, path: str, row: int | None, problem: str, severity: str = "error") -> None:
        self.problems.append(RowProblem(path, row, problem, severity))

    def merge(self, other: LoadReport) -> None:
        self.rows_read += other.rows_read
        self.rows_used += other.rows_used
        self.problems.extend(other.problems)

    def to_dict(self, max_problems: int = 200) -> dict:
        """JSON-ready summary; the problem list is capped, the counts never are."""
        kinds = Counter(p.problem.split(":")[0] for p in self.problems)
        return {
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rows_skipped": self.rows_skipped,
            "problem_counts": dict(sorted(kinds.items())),
            "problems": [asdict(p) for p in self.problems[:max_problems]],
            "problems_truncated": max(0, len(self.problems) - max_problems),
        }
