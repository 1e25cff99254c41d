"""What loading kept and what it could not use, row by row: nothing is dropped silently."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

#: Problems kept one by one; beyond this only the counts grow, so a huge corpus with a problem
#: on every row cannot exhaust memory through its own report.
MAX_STORED_PROBLEMS = 100_000


@dataclass(frozen=True)
class RowProblem:
    """One row that was skipped (``severity='error'``) or kept with a caveat (``'warning'``)."""

    path: str
    row: int | None
    problem: str
    severity: str = "error"

    @property
    def kind(self) -> str:
        """The problem class: the text before the first colon (``empty text``, ``duplicate`` …)."""
        return self.problem.split(":")[0]

    def __str__(self) -> str:
        where = self.path + (f", row {self.row}" if self.row is not None else "")
        return f"{where}: {self.problem}"


@dataclass
class LoadReport:
    """Counts of rows read, used and skipped, with every problem named.

    ``rows_used`` counts source rows; ``documents`` counts corpus rows, which is larger when
    over-long texts were split into parts.
    """

    rows_read: int = 0
    rows_used: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    documents: int | None = None
    counts: Counter = field(default_factory=Counter)
    severities: Counter = field(default_factory=Counter)

    @property
    def rows_skipped(self) -> int:
        return self.rows_read - self.rows_used

    @property
    def problems_dropped(self) -> int:
        """Problems counted but not kept one by one (beyond ``MAX_STORED_PROBLEMS``)."""
        return sum(self.severities.values()) - len(self.problems)

    def add(self, path: str, row: int | None, problem: str, severity: str = "error") -> None:
        item = RowProblem(path, row, problem, severity)
        self.counts[item.kind] += 1
        self.severities[severity] += 1
        if len(self.problems) < MAX_STORED_PROBLEMS:
            self.problems.append(item)

    def merge(self, other: LoadReport) -> None:
        self.rows_read += other.rows_read
        self.rows_used += other.rows_used
        if other.documents is not None or self.documents is not None:
            self.documents = (self.documents or 0) + (other.documents or 0)
        room = max(0, MAX_STORED_PROBLEMS - len(self.problems))
        self.problems.extend(other.problems[:room])
        if sum(other.severities.values()) >= len(other.problems):
            self.counts.update(other.counts)
            self.severities.update(other.severities)
        else:  # a report whose problems were appended directly, without ``add``
            self.counts.update(p.kind for p in other.problems)
            self.severities.update(p.severity for p in other.problems)

    def problem_counts(self) -> dict[str, int]:
        """Problems per class, exact even when the stored list is capped."""
        counts = Counter(self.counts)
        if sum(counts.values()) < len(self.problems):  # problems appended without ``add``
            counts = Counter(p.kind for p in self.problems)
        return dict(sorted(counts.items()))

    def to_dict(self, max_problems: int = 200) -> dict:
        """JSON-ready summary; the problem list is capped, the counts never are."""
        total = max(sum(self.severities.values()), len(self.problems))
        return {
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rows_skipped": self.rows_skipped,
            "documents": self.rows_used if self.documents is None else self.documents,
            "problem_counts": self.problem_counts(),
            "problems": [asdict(p) for p in self.problems[:max_problems]],
            "problems_truncated": max(0, total - max_problems),
        }
