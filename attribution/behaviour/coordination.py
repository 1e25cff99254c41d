"""Coordination across accounts: near-duplicate texts, synchronised posting, shared links and hashtags.

Three kinds of evidence per pair of accounts, each with its own null:

- **near duplicates**: posts of the two accounts whose word 3-gram sets have an estimated
  Jaccard similarity of at least ``duplicate_threshold`` (MinHash LSH, ``near_duplicates``: at
  most ``MAX_CANDIDATES`` candidates per post); short posts (fewer than ``min_tokens`` words)
  and retweets are ignored (they match by chance or openly).
  Near duplicates posted within two windows of each other are counted apart: templated text
  posted in sync is the signature of one operator.
- **synchronised posting**: pairs of posts less than about ``window_seconds`` apart, against the
  number expected if each account's posts were spread at random within the clock hours in which
  it actually posted (so shared daily rhythms and busy news hours are not counted as
  coordination); one-sided Poisson p-value, Bonferroni-corrected over all account pairs.
- **shared links and hashtags**: cosine similarity of idf-weighted sets of hashtags and link
  targets used by at least two accounts (supporting evidence only: topics are shared openly).

Accounts joined by strong evidence (near duplicates or significant synchrony) form clusters of
likely common control (connected components).

With a Dask ``client`` the per-post work (shards of ``SHARD_POSTS`` posts) and the
near-duplicate search run as tasks on its workers; the result is the same as in one process.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.stats import poisson

from attribution.behaviour import near_duplicates
from attribution.behaviour.near_duplicates import URL_RE
from attribution.behaviour.profile import posts_frame
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

_HASHTAG = re.compile(r"#(\w+)")


def post_links(text: str) -> list[str]:
    """Link targets without scheme, query or trailing slash."""
    return [re.sub(r"^https?://(www\.)?", "", u.split("?")[0]).rstrip("/.,)").lower() for u in URL_RE.findall(text)]


def post_hashtags(text: str) -> list[str]:
    """Lower-cased hashtags."""
    return [h.lower() for h in _HASHTAG.findall(text)]


#: Posts per shard of the per-post work (shingles and MinHash, hashtags and links), a task on Dask.
SHARD_POSTS = 20_000
#: Candidate posts compared with each post: its earliest later candidates of other accounts.
MAX_CANDIDATES = 200


#: One shard's posts kept for near duplicates: (positions, account codes, MinHash signatures).
Signed = tuple[np.ndarray, np.ndarray, np.ndarray]


def _shard_evidence(
    texts: Sequence[str], accounts: np.ndarray, start: int, *, num_perm: int, seed: int, min_tokens: int
) -> tuple[Signed, dict[int, set[str]]]:
    """One shard's posts kept for near duplicates (``Signed``) and the hashtags and links of each account."""
    kept, signatures = near_duplicates.minhash_signatures(texts, num_perm=num_perm, seed=seed, min_tokens=min_tokens)
    tokens: dict[int, set[str]] = defaultdict(set)
    for account, text in zip(accounts.tolist(), texts):
        tokens[account].update("#" + h for h in post_hashtags(text))
        tokens[account].update(post_links(text))
    return (kept + start, accounts[kept], signatures), dict(tokens)


def _stacked(parts: list[tuple[Signed, dict]], num_perm: int) -> Signed:
    """The shards' kept posts in one ``Signed`` (shards in order, so positions stay increasing)."""
    return (
        np.concatenate([np.empty(0, np.int64), *(p[0][0] for p in parts)]),
        np.concatenate([np.empty(0, np.int64), *(p[0][1] for p in parts)]),
        np.concatenate([np.empty((0, num_perm), np.uint32), *(p[0][2] for p in parts)]),
    )


def _shard_tokens(part: tuple[Signed, dict[int, set[str]]]) -> dict[int, set[str]]:
    return part[1]


def _post_evidence(
    texts: list[str], accounts: np.ndarray, n_accounts: int, *, client: Any, num_perm: int, **options
) -> tuple[Any, list[set[str]]]:
    """(the posts kept for near duplicates, each account's hashtags and links), shard by shard.

    On ``client`` the shards are tasks, and the first item is the future of their ``Signed``,
    left on the workers (a task result, so it is recomputed if the worker holding it dies).
    """
    # Texts in object arrays, not lists: Dask would inspect every item of a list argument.
    shards = [
        (np.array(texts[s : s + SHARD_POSTS], dtype=object), accounts[s : s + SHARD_POSTS], s)
        for s in range(0, len(texts), SHARD_POSTS)
    ]
    signed: Any
    if client is None:
        parts = [_shard_evidence(*shard, num_perm=num_perm, **options) for shard in shards]
        signed = _stacked(parts, num_perm)
        per_shard = [p[1] for p in parts]
    else:
        futures = [client.submit(_shard_evidence, *shard, num_perm=num_perm, **options, pure=False) for shard in shards]
        signed = client.submit(_stacked, futures, num_perm, pure=False)
        per_shard = client.gather([client.submit(_shard_tokens, f, pure=False) for f in futures])
    tokens: list[set[str]] = [set() for _ in range(n_accounts)]
    for shard_tokens in per_shard:
        for account, found in shard_tokens.items():
            tokens[account] |= found
    return signed, tokens


def _duplicate_counts(
    duplicates: pd.DataFrame,
    account_index: np.ndarray,
    texts: list[str],
    post_seconds: np.ndarray | None,
    timed: np.ndarray,
    *,
    n: int,
    window_seconds: int,
) -> tuple[np.ndarray, np.ndarray, dict[tuple[int, int], list]]:
    """(near duplicates per account pair, those posted within two windows, up to 3 examples per pair)."""
    dup_count = np.zeros((n, n))
    synced_dup = np.zeros((n, n))
    examples: dict[tuple[int, int], list] = defaultdict(list)
    if not len(duplicates):
        return dup_count, synced_dup, examples
    i_post, j_post = duplicates["i"].to_numpy(), duplicates["j"].to_numpy()
    a, b = account_index[i_post], account_index[j_post]
    low, high = np.minimum(a, b), np.maximum(a, b)
    np.add.at(dup_count, (low, high), 1)
    if post_seconds is not None:
        both = timed[i_post] & timed[j_post]
        close = both & (np.abs(post_seconds[i_post] - post_seconds[j_post]) <= 2 * window_seconds)
        np.add.at(synced_dup, (low[close], high[close]), 1)
        synced_dup = synced_dup + synced_dup.T
    # The first three pairs of each pair of accounts, in (i, j) order.
    first = pd.DataFrame({"low": low, "high": high}).groupby(["low", "high"], sort=False).cumcount().to_numpy() < 3
    jaccard = duplicates["jaccard"].to_numpy()
    for k in np.flatnonzero(first):
        examples[(int(low[k]), int(high[k]))].append(
            {"a": texts[i_post[k]], "b": texts[j_post[k]], "jaccard": round(float(jaccard[k]), 3)}
        )
    return dup_count + dup_count.T, synced_dup, examples


def _synchrony(account_index: np.ndarray, seconds: np.ndarray, n_accounts: int, window_seconds: int):
    """Observed and expected counts of active windows of one account next to the other's.

    Presence per window, not post counts, so that one account's own bursts do not multiply.
    Expected: each account's active windows placed at random within the clock hours in which
    it was active.
    """
    bins = seconds // window_seconds
    bins = bins - bins.min()
    shape = (n_accounts, int(bins.max()) + 2)

    def presence(rows: np.ndarray, cols: np.ndarray) -> sparse.csr_matrix:
        matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
        matrix.data[:] = 1.0
        return matrix

    active = presence(account_index, bins)
    low = bins - 1
    ok = low >= 0
    near = presence(
        np.concatenate([account_index, account_index, account_index[ok]]),
        np.concatenate([bins, bins + 1, low[ok]]),
    )
    observed = (active @ near.T).toarray()
    windows_per_hour = 3600.0 / window_seconds
    rows, cols = active.nonzero()
    hour = (cols // windows_per_hour).astype(np.int64)
    per_hour = sparse.csr_matrix((np.ones(len(rows)), (rows, hour)), shape=(n_accounts, int(hour.max()) + 1))
    expected = (per_hour @ per_hour.T).toarray() * (3.0 / windows_per_hour)
    observed = (observed + observed.T) / 2.0
    return observed, expected


def _shared_tokens(tokens_per_account: list[set[str]]) -> tuple[np.ndarray, list[str], sparse.csr_matrix]:
    """Cosine similarity of idf-weighted token sets (tokens used by >= 2 accounts)."""
    df = defaultdict(int)
    for tokens in tokens_per_account:
        for token in tokens:
            df[token] += 1
    vocabulary = sorted(t for t, n in df.items() if n >= 2)
    n = len(tokens_per_account)
    if not vocabulary:
        return np.zeros((n, n)), vocabulary, sparse.csr_matrix((n, 0))
    column = {t: k for k, t in enumerate(vocabulary)}
    rows, cols = [], []
    for a, tokens in enumerate(tokens_per_account):
        for token in sorted(tokens):
            if token in column:
                rows.append(a)
                cols.append(column[token])
    idf = np.log(n / np.array([df[t] for t in vocabulary]))
    matrix = sparse.csr_matrix((idf[cols], (rows, cols)), shape=(n, len(vocabulary)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    unit = sparse.diags(1 / norms) @ matrix
    return (unit @ unit.T).toarray(), vocabulary, matrix.tocsr()


def _top_shared_tokens(
    weights: sparse.csr_matrix, vocabulary: list[str], sources: np.ndarray, targets: np.ndarray, top: int = 5
) -> list[list[str]]:
    """The ``top`` tokens of each pair of accounts by the product of their weights (one sparse product per source)."""
    found: list[list[str]] = [[] for _ in sources]
    if not len(sources) or not vocabulary:
        return found
    words = np.array(vocabulary, dtype=object)
    order = np.argsort(sources, kind="stable")
    starts = np.flatnonzero(np.r_[True, sources[order][1:] != sources[order][:-1]])
    for group in np.split(order, starts[1:]):
        source = weights[int(sources[group[0]])].toarray().ravel()
        # The elementwise products of the source's row with each target's row (zeros dropped).
        product = (weights[targets[group]] @ sparse.diags(source)).tocsr()
        product.eliminate_zeros()
        product.sort_indices()
        for row, pair in enumerate(group):
            cut = slice(product.indptr[row], product.indptr[row + 1])
            data, columns = product.data[cut], product.indices[cut]
            found[pair] = words[columns[np.argsort(-data)][:top]].tolist()
    return found


def analyse_coordination(
    dataset,
    *,
    window_seconds: int = 60,
    duplicate_threshold: float = 0.5,
    min_tokens: int = 6,
    min_duplicate_pairs: int = 2,
    min_sync_pairs: int = 3,
    alpha: float = 0.01,
    min_shared_cosine: float = 0.3,
    num_perm: int = 64,
    max_edges: int = 5000,
    seed: int = 0,
    progress: ProgressFactory = no_progress,
    client: Any = None,
) -> dict:
    """Account graph of a corpus ``Dataset`` (or a frame with ``account, text, timestamp``).

    Returns ``{"nodes", "edges", "clusters", "parameters", "summary"}``; a node's ``score`` is
    the weight of its strongest edge (0 when it has none).
    """
    frame = posts_frame(dataset, ("text", "timestamp"))
    names = sorted(frame["account"].unique())
    index_of = {name: k for k, name in enumerate(names)}
    account_index = frame["account"].map(index_of).to_numpy()
    n = len(names)
    texts = frame["text"].tolist()

    signed, tokens = _post_evidence(
        texts, account_index, n, client=client, num_perm=num_perm, seed=seed, min_tokens=min_tokens
    )
    pairs, jaccard = near_duplicates.near_duplicate_pairs(
        signed,
        num_perm=num_perm,
        n_posts=len(texts),
        threshold=duplicate_threshold,
        max_candidates=MAX_CANDIDATES,
        client=client,
        progress=progress,
    )
    del signed
    duplicates = pd.DataFrame({"i": pairs[:, 0], "j": pairs[:, 1], "jaccard": jaccard})
    post_seconds = (
        frame["timestamp"].astype("datetime64[s, UTC]").astype("int64").to_numpy() if "timestamp" in frame else None
    )
    timed = frame["timestamp"].notna().to_numpy() if "timestamp" in frame else np.zeros(len(frame), bool)
    dup_count, synced_dup, examples = _duplicate_counts(
        duplicates, account_index, texts, post_seconds, timed, n=n, window_seconds=window_seconds
    )

    observed = expected = np.zeros((n, n))
    if timed.sum() > 1:
        observed, expected = _synchrony(account_index[timed], post_seconds[timed], n, window_seconds)
    n_pairs = max(n * (n - 1) // 2, 1)

    cosine, vocabulary, weights = _shared_tokens(tokens)

    iu, ju = np.triu_indices(n, k=1)
    obs, exp_ = observed[iu, ju], expected[iu, ju]
    with np.errstate(divide="ignore"):
        p_sync = np.where(obs >= min_sync_pairs, poisson.sf(np.ceil(obs) - 1, np.maximum(exp_, 1e-12)), 1.0)
    p_sync = np.minimum(p_sync * n_pairs, 1.0)
    dup = dup_count[iu, ju]
    shared = cosine[iu, ju]
    strong_dup = dup >= min_duplicate_pairs
    strong_sync = (p_sync < alpha) & (obs >= min_sync_pairs)
    synced = synced_dup[iu, ju]
    weight = (
        np.log1p(dup) * strong_dup
        + np.log1p(synced)
        + np.minimum(-np.log10(np.maximum(p_sync, 1e-300)), 30.0) / 10.0 * strong_sync
        + shared * (shared >= min_shared_cosine)
    )
    strong = strong_dup | strong_sync
    keep = np.flatnonzero(strong | (shared >= min_shared_cosine))
    keep = keep[np.lexsort((ju[keep], iu[keep], -weight[keep]))][:max_edges]

    graph = sparse.csr_matrix((np.ones(strong.sum()), (iu[strong], ju[strong])), shape=(n, n))
    n_components, component = connected_components(graph, directed=False)
    sizes = np.bincount(component, minlength=n_components)
    # Number the clusters of two or more accounts by size; singletons get no cluster.
    order = sorted((c for c in range(n_components) if sizes[c] > 1), key=lambda c: (-sizes[c], c))
    cluster_id = {c: k for k, c in enumerate(order)}

    score = np.zeros(n)
    np.maximum.at(score, iu, weight * (strong | (shared >= min_shared_cosine)))
    np.maximum.at(score, ju, weight * (strong | (shared >= min_shared_cosine)))

    edges = []
    tops = _top_shared_tokens(weights, vocabulary, iu[keep], ju[keep])
    for e, top in zip(keep, tops):
        i, j = int(iu[e]), int(ju[e])
        edges.append(
            {
                "source": names[i],
                "target": names[j],
                "weight": round(float(weight[e]), 4),
                "strong": bool(strong[e]),
                "evidence": {
                    "near_duplicates": int(dup[e]),
                    "duplicate_examples": examples.get((i, j), []),
                    "synchronised_near_duplicates": int(synced[e]),
                    "synchronised_pairs": round(float(obs[e]), 1),
                    "synchronised_expected": round(float(exp_[e]), 4),
                    "synchronised_p_bonferroni": float(f"{p_sync[e]:.3g}"),
                    "shared_cosine": round(float(shared[e]), 4),
                    "shared_tokens": top,
                },
            }
        )
    counts = frame["account"].value_counts()
    nodes = [
        {
            "account": name,
            "n_posts": int(counts[name]),
            "cluster": cluster_id.get(int(component[k])),
            "score": round(float(score[k]), 4),
        }
        for k, name in enumerate(names)
    ]
    # Strong edges listed (at most max_edges), by the component of their accounts.
    listed = np.array([e["strong"] for e in edges], dtype=bool)
    inside = component[iu[keep][listed]]
    with_duplicates = np.bincount(
        inside[np.array([e["evidence"]["near_duplicates"] >= min_duplicate_pairs for e in edges], bool)[listed]],
        minlength=n_components,
    )
    with_synchrony = np.bincount(
        inside[np.array([e["evidence"]["synchronised_p_bonferroni"] < alpha for e in edges], bool)[listed]],
        minlength=n_components,
    )
    clusters = [
        {
            "cluster": cluster_id[c],
            "size": int(sizes[c]),
            "accounts": [names[k] for k in np.flatnonzero(component == c)],
            "edges_with_near_duplicates": int(with_duplicates[c]),
            "edges_with_synchrony": int(with_synchrony[c]),
        }
        for c in order
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "clusters": clusters,
        "parameters": {
            "window_seconds": window_seconds,
            "duplicate_threshold": duplicate_threshold,
            "min_tokens": min_tokens,
            "min_duplicate_pairs": min_duplicate_pairs,
            "min_sync_pairs": min_sync_pairs,
            "alpha": alpha,
            "min_shared_cosine": min_shared_cosine,
            "num_perm": num_perm,
            "seed": seed,
        },
        "summary": {
            "accounts": n,
            "posts": len(frame),
            "near_duplicate_post_pairs": int(len(duplicates)),
            "edges": len(edges),
            "strong_edges": int(strong.sum()),
            "clusters": len(clusters),
            "accounts_in_clusters": int(sum(c["size"] for c in clusters)),
        },
    }
