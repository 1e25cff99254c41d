"""Coordination across accounts: near-duplicate texts, synchronised posting, shared links and hashtags.

Three kinds of evidence per pair of accounts, each with its own null:

- **near duplicates**: posts of the two accounts whose word 3-gram sets have an estimated
  Jaccard similarity of at least ``duplicate_threshold`` (datasketch MinHash LSH); short posts
  (fewer than ``min_tokens`` words) and retweets are ignored (they match by chance or openly).
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
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.stats import poisson

from attribution.behaviour.profile import posts_frame
from attribution.features.text import WORD_RE
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w+)")
#: Shingle tokens: the features' word pattern, a hashtag keeping its mark.
_TOKEN = re.compile(rf"#?{WORD_RE.pattern}")
_RT = re.compile(r"^rt\s+@\w+:?\s*", re.IGNORECASE)


def is_retweet(text: str) -> bool:
    """A retweet (``RT @name: ...``): open amplification, not evidence of common control."""
    return bool(_RT.match(text))


def normalise_post(text: str) -> list[str]:
    """Lower-cased word tokens with links and mentions removed and a leading ``RT @x:`` dropped."""
    text = _RT.sub("", text.lower())
    text = _MENTION.sub(" ", _URL.sub(" ", text))
    return _TOKEN.findall(text)


def post_links(text: str) -> list[str]:
    """Link targets without scheme, query or trailing slash."""
    return [re.sub(r"^https?://(www\.)?", "", u.split("?")[0]).rstrip("/.,)").lower() for u in _URL.findall(text)]


def post_hashtags(text: str) -> list[str]:
    """Lower-cased hashtags."""
    return [h.lower() for h in _HASHTAG.findall(text)]


def _duplicate_pairs(
    texts: list[str],
    accounts: np.ndarray,
    *,
    threshold: float,
    num_perm: int,
    min_tokens: int,
    seed: int,
    max_bucket: int,
    progress: ProgressFactory,
) -> pd.DataFrame:
    """Cross-account post pairs with estimated Jaccard >= threshold: columns i, j, jaccard."""
    from datasketch import MinHash, MinHashLSH

    shingles, kept = [], []
    for index, text in enumerate(texts):
        if is_retweet(text):
            continue
        tokens = normalise_post(text)
        if len(tokens) < min_tokens:
            continue
        grams = {" ".join(tokens[k : k + 3]).encode("utf-8") for k in range(len(tokens) - 2)}
        shingles.append(list(grams))
        kept.append(index)
    empty = pd.DataFrame({"i": np.empty(0, int), "j": np.empty(0, int), "jaccard": np.empty(0)})
    if len(kept) < 2:
        return empty
    hashes = MinHash.bulk(shingles, num_perm=num_perm, seed=seed)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    with lsh.insertion_session() as session:
        for key, minhash in zip(kept, hashes):
            session.insert(key, minhash, check_duplication=False)
    by_key = dict(zip(kept, hashes))
    rows = []
    for key, minhash in progress(zip(kept, hashes), desc="near duplicates", total=len(kept)):
        candidates = [c for c in lsh.query(minhash) if c > key and accounts[c] != accounts[key]]
        for other in sorted(candidates)[:max_bucket]:
            similarity = minhash.jaccard(by_key[other])
            if similarity >= threshold:
                rows.append((key, other, similarity))
    if not rows:
        return empty
    return pd.DataFrame(rows, columns=["i", "j", "jaccard"])


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
        for token in tokens:
            if token in column:
                rows.append(a)
                cols.append(column[token])
    idf = np.log(n / np.array([df[t] for t in vocabulary]))
    matrix = sparse.csr_matrix((idf[cols], (rows, cols)), shape=(n, len(vocabulary)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    unit = sparse.diags(1 / norms) @ matrix
    return (unit @ unit.T).toarray(), vocabulary, matrix.tocsr()


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

    duplicates = _duplicate_pairs(
        texts,
        account_index,
        threshold=duplicate_threshold,
        num_perm=num_perm,
        min_tokens=min_tokens,
        seed=seed,
        max_bucket=200,
        progress=progress,
    )
    post_seconds = (
        frame["timestamp"].astype("datetime64[s, UTC]").astype("int64").to_numpy() if "timestamp" in frame else None
    )
    timed = frame["timestamp"].notna().to_numpy() if "timestamp" in frame else np.zeros(len(frame), bool)
    dup_count = np.zeros((n, n))
    synced_dup = np.zeros((n, n))
    examples: dict[tuple[int, int], list] = defaultdict(list)
    if len(duplicates):
        i_post, j_post = duplicates["i"].to_numpy(), duplicates["j"].to_numpy()
        a, b = account_index[i_post], account_index[j_post]
        low, high = np.minimum(a, b), np.maximum(a, b)
        np.add.at(dup_count, (low, high), 1)
        if post_seconds is not None:
            both = timed[i_post] & timed[j_post]
            close = both & (np.abs(post_seconds[i_post] - post_seconds[j_post]) <= 2 * window_seconds)
            np.add.at(synced_dup, (low[close], high[close]), 1)
            synced_dup = synced_dup + synced_dup.T
        for i, j, lo, hi, jac in zip(duplicates["i"], duplicates["j"], low, high, duplicates["jaccard"]):
            if len(examples[(lo, hi)]) < 3:
                examples[(lo, hi)].append({"a": texts[i], "b": texts[j], "jaccard": round(float(jac), 3)})
        dup_count = dup_count + dup_count.T

    observed = expected = np.zeros((n, n))
    if timed.sum() > 1:
        observed, expected = _synchrony(account_index[timed], post_seconds[timed], n, window_seconds)
    n_pairs = max(n * (n - 1) // 2, 1)

    tokens = [set() for _ in range(n)]
    for k, text in zip(account_index, texts):
        tokens[k].update("#" + h for h in post_hashtags(text))
        tokens[k].update(post_links(text))
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
    vocabulary_arr = np.array(vocabulary, dtype=object)
    for e in keep:
        i, j = int(iu[e]), int(ju[e])
        both = weights[i].multiply(weights[j]).tocoo()
        top = vocabulary_arr[both.col[np.argsort(-both.data)][:5]].tolist() if both.nnz else []
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
    clusters = []
    for c in order:
        members = [names[k] for k in np.flatnonzero(component == c)]
        inside = [e for e in edges if e["strong"] and e["source"] in members]
        clusters.append(
            {
                "cluster": cluster_id[c],
                "size": int(sizes[c]),
                "accounts": members,
                "edges_with_near_duplicates": sum(
                    e["evidence"]["near_duplicates"] >= min_duplicate_pairs for e in inside
                ),
                "edges_with_synchrony": sum(e["evidence"]["synchronised_p_bonferroni"] < alpha for e in inside),
            }
        )
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
