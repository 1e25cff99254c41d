"""The account graph of a screen: shared style (nearest neighbours), copied texts, lockstep posting.

- **style**: each account's style vector (``Calibration.style_vector``) is linked to its
  ``n_neighbors`` nearest accounts by cosine; a pair is a style edge when its similarity reaches
  the calibration's threshold (what two halves of one reference account reach 95% of the time).
  Up to ``exact_max`` accounts the neighbours are exact (one matrix product, faster than building
  an index); above, a pynndescent index (``[scale]`` extra) finds them without all n² pairs.
  Style edges alone do not join clusters: the calibration measures how often two different
  reference accounts pass the threshold (``style_between_account_rate``), and it is not rare.
- **copied texts and lockstep**: ``attribution.behaviour.coordination.analyse_coordination``
  (MinHash near duplicates, synchrony against each account's own hours); its strong edges
  join accounts into clusters (connected components). With a Dask client, its per-post work
  (shards of posts) and its near-duplicate search (one task per LSH band) run on the workers.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from attribution.behaviour.coordination import analyse_coordination
from attribution.errors import ConfigError
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

N_NEIGHBORS = 10
EXACT_MAX = 2048
#: The coordination evidence of a pair of accounts (``behaviour.coordination``).
COORDINATION_EVIDENCE = [
    "copy_or_lockstep",
    "near_duplicates",
    "synchronised_near_duplicates",
    "synchronised_pairs",
    "synchronised_expected",
    "synchronised_p",
    "shared_cosine",
]
COORDINATION_COLUMNS = ["source", "target", "coordination_weight", *COORDINATION_EVIDENCE]
EDGE_COLUMNS = ["source", "target", "weight", "style_similarity", "style", *COORDINATION_EVIDENCE]


def _ann_neighbours(vectors: np.ndarray, k: int, seed: int) -> np.ndarray:
    try:
        from pynndescent import NNDescent
    except ImportError as exc:
        raise ConfigError(
            f"{len(vectors)} accounts need the nearest-neighbour index of the [scale] extra: "
            "pip install 'attribution[scale]'"
        ) from exc
    index = NNDescent(vectors, metric="cosine", n_neighbors=k + 1, random_state=seed, n_jobs=1)
    neighbours, _ = index.neighbor_graph
    return neighbours


def style_neighbours(
    vectors: np.ndarray, *, k: int = N_NEIGHBORS, seed: int = 0, exact_max: int = EXACT_MAX
) -> np.ndarray:
    """(i, j) index pairs, i < j, of each account and its ``k`` most similar accounts; (n_pairs, 2)."""
    n = len(vectors)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    k = min(k, n - 1)
    if n <= exact_max:
        similarity = vectors @ vectors.T
        np.fill_diagonal(similarity, -np.inf)
        neighbours = np.argsort(-similarity, axis=1, kind="stable")[:, :k]
    else:
        neighbours = _ann_neighbours(vectors, k, seed)
    rows = np.repeat(np.arange(n), neighbours.shape[1])
    cols = neighbours.ravel()
    keep = (cols >= 0) & (cols != rows)
    pairs = np.sort(np.stack([rows[keep], cols[keep]], axis=1), axis=1)
    return np.unique(pairs, axis=0)


def _style_edges(accounts: pd.DataFrame, threshold: float, seed: int, exact_max: int) -> pd.DataFrame:
    styled = accounts[accounts["style"].notna()].sort_values("account")
    names = styled["account"].tolist()
    vectors = np.asarray(styled["style"].tolist(), dtype=np.float64).reshape(len(names), -1)
    pairs = style_neighbours(vectors, seed=seed, exact_max=exact_max)
    similarity = np.einsum("ij,ij->i", vectors[pairs[:, 0]], vectors[pairs[:, 1]]) if len(pairs) else np.empty(0)
    keep = similarity >= threshold
    return pd.DataFrame(
        {
            "source": [names[i] for i in pairs[keep, 0]],
            "target": [names[j] for j in pairs[keep, 1]],
            "style_similarity": np.round(similarity[keep], 6),
        }
    )


def _coordination_edges(found: dict) -> pd.DataFrame:
    if "edge_table" in found:
        # Sources and targets are in name order already (pairs i < j of sorted names).
        table = found["edge_table"].rename(
            columns={
                "weight": "coordination_weight",
                "strong": "copy_or_lockstep",
                "synchronised_p_bonferroni": "synchronised_p",
            }
        )
        return table[COORDINATION_COLUMNS].reset_index(drop=True)
    rows = []
    for edge in found["edges"]:
        ev = edge["evidence"]
        source, target = sorted((edge["source"], edge["target"]))
        rows.append(
            {
                "source": source,
                "target": target,
                "coordination_weight": edge["weight"],
                "copy_or_lockstep": edge["strong"],
                "near_duplicates": ev["near_duplicates"],
                "synchronised_near_duplicates": ev["synchronised_near_duplicates"],
                "synchronised_pairs": ev["synchronised_pairs"],
                "synchronised_expected": ev["synchronised_expected"],
                "synchronised_p": ev["synchronised_p_bonferroni"],
                "shared_cosine": ev["shared_cosine"],
            }
        )
    return pd.DataFrame(rows, columns=COORDINATION_COLUMNS)


def find_coordination(
    posts: pd.DataFrame,
    *,
    seed: int = 0,
    client: Any = None,
    progress: ProgressFactory = no_progress,
    collapse_copies: bool = False,
) -> dict:
    """Copied texts and lockstep posting between every pair of accounts (``analyse_coordination``).

    On ``client``, the per-post work and the near-duplicate bands run as tasks on its workers.
    ``collapse_copies``: posts of one text at one time stamp are paired once, as a group.
    """
    return analyse_coordination(
        posts[["account", "text", "timestamp"]],
        seed=seed,
        max_edges=10**7,
        client=client,
        progress=progress,
        collapse_copies=collapse_copies,
        edge_table=True,
    )


def coordination_graph(
    found: dict,
    accounts: pd.DataFrame,
    *,
    style_threshold: float,
    seed: int = 0,
    exact_max: int = EXACT_MAX,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(edges, cluster members, summary) from ``find_coordination``'s result and the screen rows."""
    style = _style_edges(accounts, style_threshold, seed, exact_max)
    coordination = _coordination_edges(found)
    edges = style.merge(coordination, on=["source", "target"], how="outer")
    edges["style"] = edges["style_similarity"].notna()
    edges["copy_or_lockstep"] = edges["copy_or_lockstep"].fillna(False).astype(bool)
    edges["weight"] = (edges["coordination_weight"].fillna(0.0) + edges["style_similarity"].fillna(0.0)).round(6)
    for column in ("near_duplicates", "synchronised_near_duplicates"):
        edges[column] = edges[column].fillna(0).astype(np.int64)
    edges = edges[EDGE_COLUMNS].sort_values(
        ["weight", "source", "target"], ascending=[False, True, True], kind="stable"
    )
    members = pd.DataFrame(
        [(c["cluster"], a) for c in found["clusters"] for a in c["accounts"]], columns=["cluster", "account"]
    ).astype({"cluster": np.int64})
    summary = {
        "edges": int(len(edges)),
        "style_edges": int(edges["style"].sum()),
        "copy_or_lockstep_edges": int(edges["copy_or_lockstep"].sum()),
        "clusters": len(found["clusters"]),
        "accounts_in_clusters": int(len(members)),
        "near_duplicate_post_pairs": found["summary"]["near_duplicate_post_pairs"],
        **{k: found["summary"][k] for k in ("copy_groups",) if k in found["summary"]},
        "style_threshold": round(float(style_threshold), 6),
        "neighbours": "exact" if accounts["style"].notna().sum() <= exact_max else "pynndescent",
    }
    return edges.reset_index(drop=True), members, summary
