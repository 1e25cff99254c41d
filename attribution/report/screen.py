"""The screen's HTML overview: one self-contained page (a sortable table, the strongest clusters).

The only script is the small sorter below, inline and allowed by its hash in the page's
Content-Security-Policy; nothing loads from the network; every corpus value is escaped.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pandas as pd

from attribution.atomic import write_text
from attribution.report.html import _environment

#: Rows of the accounts table at most (the most significant first); the Parquet table has all.
MAX_ROWS = 5000
MAX_CLUSTERS = 25

SORT_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.dataset.type === "num";
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[column];
        var text = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
        if (!numeric) { return text.toLowerCase(); }
        var value = parseFloat(text);
        return isNaN(value) ? Infinity : value;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def _number(value, digits: int = 3) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.{digits}f}"


def _account_rows(accounts: pd.DataFrame) -> list[dict]:
    ordered = accounts.sort_values(["p_value", "account"], na_position="last", kind="stable").head(MAX_ROWS)
    rows = []
    for row in ordered.to_dict("records"):
        p = row["p_value"]
        full = row.get("full_level")
        rows.append(
            {
                **row,
                "p_text": "—" if pd.isna(p) else "< 0.001" if p < 0.001 else f"{p:.3f}",
                "p_sort": 2.0 if pd.isna(p) else p,
                "statistic_text": _number(row["statistic"]),
                "k_hint_text": "—" if pd.isna(row["k_hint"]) else int(row["k_hint"]),
                "full_report": None if pd.isna(row.get("full_report")) else row["full_report"],
                "full_text": None
                if pd.isna(full)
                else f"{full} (k = {row['full_k']})"
                if not pd.isna(row["full_k"])
                else full,
                "offset_sort": 99 if pd.isna(row["offset"]) else int(row["offset"]),
                "interval_text": "—"
                if pd.isna(row["offset_low"])
                else f"UTC{int(row['offset_low']):+d} … UTC{int(row['offset_high']):+d}",
                "cluster_text": "—" if pd.isna(row["cluster"]) else int(row["cluster"]),
                "cluster_sort": 10**9 if pd.isna(row["cluster"]) else int(row["cluster"]),
            }
        )
    return rows


def _cluster_rows(edges: pd.DataFrame, members: pd.DataFrame) -> list[dict]:
    # Each edge's cluster, where both its accounts are in the same one: one pass over the edges,
    # not one per cluster (a resampled 10 M-post release has millions of edges).
    cluster_of = members.set_index("account")["cluster"]
    source, target = edges["source"].map(cluster_of), edges["target"].map(cluster_of)
    inside = edges[source.notna() & (source == target)].assign(cluster=source)
    totals = inside.groupby("cluster").agg(
        weight=("weight", "sum"), strong=("copy_or_lockstep", "sum"), style=("style", "sum")
    )
    out: list[dict[str, Any]] = []
    for cluster, group in members.groupby("cluster", sort=True):
        names = set(group["account"])
        shown = sorted(names)
        total = totals.loc[cluster] if cluster in totals.index else None
        out.append(
            {
                "cluster": int(cluster),
                "size": len(names),
                "weight": round(float(total["weight"]), 2) if total is not None else 0.0,
                "strong": int(total["strong"]) if total is not None else 0,
                "style": int(total["style"]) if total is not None else 0,
                "members": ", ".join(shown[:30]) + (" …" if len(shown) > 30 else ""),
            }
        )
    return sorted(out, key=lambda c: (-c["weight"], c["cluster"]))[:MAX_CLUSTERS]


def render_overview(accounts: pd.DataFrame, edges: pd.DataFrame, members: pd.DataFrame, summary: dict) -> str:
    """The overview page as one HTML string."""
    digest = base64.b64encode(hashlib.sha256(SORT_SCRIPT.encode()).digest()).decode()
    rows = _account_rows(accounts)
    return (
        _environment()
        .get_template("screen.html")
        .render(
            summary=summary,
            rows=rows,
            truncated=len(accounts) > len(rows),
            clusters=_cluster_rows(edges, members),
            script=SORT_SCRIPT,
            script_hash=f"sha256-{digest}",
        )
    )


def write_overview(
    path: str | Path, accounts: pd.DataFrame, edges: pd.DataFrame, members: pd.DataFrame, summary: dict
) -> None:
    """Write the overview atomically."""
    write_text(path, render_overview(accounts, edges, members, summary))
