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
from dataclasses import dataclass
from operator import getitem
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
    texts: Sequence[str],
    accounts: np.ndarray,
    positions: np.ndarray,
    owners: tuple[np.ndarray, np.ndarray],
    *,
    num_perm: int,
    seed: int,
    min_tokens: int,
) -> tuple[Signed, dict[int, set[str]]]:
    """One shard's posts kept for near duplicates (``Signed``) and the hashtags and links of each account.

    ``accounts``: each text's account code for the pairing; ``positions``: each text's position
    in the corpus; ``owners``: (offsets, account codes), the accounts whose posts each text is
    (one each, or every account of a group of copies).
    """
    kept, signatures = near_duplicates.minhash_signatures(texts, num_perm=num_perm, seed=seed, min_tokens=min_tokens)
    tokens: dict[int, set[str]] = defaultdict(set)
    offsets, codes = owners
    for k, text in enumerate(texts):
        found = {"#" + h for h in post_hashtags(text)} | set(post_links(text))
        if found:
            for account in codes[offsets[k] : offsets[k + 1]].tolist():
                tokens[account] |= found
    return (positions[kept], accounts[kept], signatures), dict(tokens)


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
    texts: list[str],
    accounts: np.ndarray,
    n_accounts: int,
    copies: Copies | None,
    *,
    client: Any,
    num_perm: int,
    **options,
) -> tuple[Any, list[set[str]]]:
    """(the posts kept for near duplicates, each account's hashtags and links), shard by shard.

    With ``copies``, only each group's first post is hashed, and its hashtags and links count
    for every account of the group. On ``client`` the shards are tasks, and the first item is
    the future of their ``Signed``, left on the workers (a task result, so it is recomputed if
    the worker holding it dies).
    """
    if copies is None:
        positions = np.arange(len(texts))
        offsets, owners = np.arange(len(texts) + 1), accounts
    else:
        positions, accounts = copies.first, copies.pairing_accounts
        offsets, owners = copies.member_offsets, copies.member_accounts
    # Texts in object arrays, not lists: Dask would inspect every item of a list argument.
    shards = [
        (
            np.array([texts[p] for p in positions[s : s + SHARD_POSTS]], dtype=object),
            accounts[s : s + SHARD_POSTS],
            positions[s : s + SHARD_POSTS],
            (
                offsets[s : s + SHARD_POSTS + 1] - offsets[s],
                owners[offsets[s] : offsets[min(s + SHARD_POSTS, len(positions))]],
            ),
        )
        for s in range(0, len(positions), SHARD_POSTS)
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


@dataclass(frozen=True)
class Copies:
    """Groups of copies: posts of one text at one time stamp, in one account or several.

    ``group`` (n_posts,): each post's group, numbered in order of its first post; ``first``
    (n_groups,): the position of each group's first post (increasing); ``pairing_accounts``
    (n_groups,): the group's account, or a code of its own (``n_accounts + group``) when it spans
    accounts, so that no pair with it is left out as a pair of one account; ``membership``
    (n_groups, n_accounts): posts of each group in each account (CSR, indices sorted).
    """

    group: np.ndarray
    first: np.ndarray
    pairing_accounts: np.ndarray
    membership: sparse.csr_matrix

    @property
    def member_offsets(self) -> np.ndarray:
        return self.membership.indptr

    @property
    def member_accounts(self) -> np.ndarray:
        return self.membership.indices


def find_copies(texts: pd.Series, timestamps: pd.Series, account_index: np.ndarray, n_accounts: int) -> Copies:
    """The groups of posts with the same text and the same time stamp (``Copies``)."""
    text_code, _ = pd.factorize(texts.to_numpy())
    time_code, _ = pd.factorize(timestamps.to_numpy())  # a missing time stamp is -1: its own value
    combined = text_code.astype(np.int64) * (int(time_code.max(initial=0)) + 2) + time_code + 1
    group, _ = pd.factorize(combined)  # numbered in order of first appearance
    group = group.astype(np.int64)
    n_groups = int(group.max(initial=-1)) + 1
    order = np.argsort(group, kind="stable")
    first = order[np.searchsorted(group[order], np.arange(n_groups))]
    membership = sparse.csr_matrix(
        (np.ones(len(group), np.int64), (group, account_index)), shape=(n_groups, n_accounts)
    )
    membership.sum_duplicates()
    membership.sort_indices()
    spans = np.diff(membership.indptr) > 1
    pairing = np.where(spans, n_accounts + np.arange(n_groups), account_index[first]).astype(np.int64)
    return Copies(group=group, first=first, pairing_accounts=pairing, membership=membership)


def _pair_counts(low: np.ndarray, high: np.ndarray, n: int) -> sparse.csr_matrix:
    """Symmetric (n, n) counts of account pairs ``low < high``."""
    counts = sparse.csr_matrix((np.ones(len(low)), (low, high)), shape=(n, n))
    return (counts + counts.T).tocsr()


def _copy_counts(copies: Copies, i_post: np.ndarray, j_post: np.ndarray, whole: np.ndarray) -> sparse.csr_matrix:
    """Symmetric (n, n) post pairs of two accounts: across the pairs of groups (i, j), and inside the ``whole`` groups."""
    members = copies.membership.astype(np.float64)
    cross = members[copies.group[i_post]].T @ members[copies.group[j_post]]
    inside = members[whole].T @ members[whole]
    counts = (cross + cross.T + inside).tocsr()
    counts.setdiag(0)
    counts.eliminate_zeros()
    return counts


def _duplicate_counts(
    duplicates: pd.DataFrame,
    account_index: np.ndarray,
    texts: list[str],
    post_seconds: np.ndarray | None,
    timed: np.ndarray,
    *,
    n: int,
    window_seconds: int,
    copies: Copies | None = None,
    hashed: np.ndarray | None = None,
    with_examples: bool = True,
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, dict[tuple[int, int], list]]:
    """(near duplicates per account pair, those posted within two windows, up to 3 examples per pair).

    The counts are symmetric sparse (n, n) matrices. With ``copies``, ``duplicates`` pairs the
    groups' first posts: each pair counts for every post of the two groups, and the posts of one
    group whose first post was hashed (``hashed``: those first posts' positions) are near
    duplicates of each other, posted at the same time.
    """
    examples: dict[tuple[int, int], list] = defaultdict(list)
    i_post, j_post = duplicates["i"].to_numpy(), duplicates["j"].to_numpy()
    close = np.zeros(len(i_post), bool)
    if post_seconds is not None:
        both = timed[i_post] & timed[j_post]
        close = both & (np.abs(post_seconds[i_post] - post_seconds[j_post]) <= 2 * window_seconds)
    a, b = account_index[i_post], account_index[j_post]
    low, high = np.minimum(a, b), np.maximum(a, b)
    if copies is None:
        dup_count, synced_dup = _pair_counts(low, high, n), _pair_counts(low[close], high[close], n)
    else:
        whole = copies.group[hashed if hashed is not None else np.empty(0, np.int64)]
        dup_count = _copy_counts(copies, i_post, j_post, whole)
        synced_dup = _copy_counts(copies, i_post[close], j_post[close], whole[timed[copies.first[whole]]])
    if not with_examples:
        return dup_count, synced_dup, examples
    # The first three pairs of each pair of accounts, in (i, j) order (with copies: of the groups'
    # first posts, where those are of two accounts).
    other = low != high
    first = np.zeros(len(low), bool)
    first[other] = (
        pd.DataFrame({"low": low[other], "high": high[other]})
        .groupby(["low", "high"], sort=False)
        .cumcount()
        .to_numpy()
        < 3
    )
    jaccard = duplicates["jaccard"].to_numpy()
    for k in np.flatnonzero(first):
        examples[(int(low[k]), int(high[k]))].append(
            {"a": texts[i_post[k]], "b": texts[j_post[k]], "jaccard": round(float(jaccard[k]), 3)}
        )
    return dup_count, synced_dup, examples


def _synchrony(account_index: np.ndarray, seconds: np.ndarray, n_accounts: int, window_seconds: int):
    """Observed and expected counts of active windows of one account next to the other's, as row blocks.

    Presence per window, not post counts, so that one account's own bursts do not multiply.
    Expected: each account's active windows placed at random within the clock hours in which
    it was active. Returns ``block(low, high) -> (observed, expected)``, the rows ``low:high``
    of the two (n, n) matrices (only a block is ever dense).
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
    windows_per_hour = 3600.0 / window_seconds
    rows, cols = active.nonzero()
    hour = (cols // windows_per_hour).astype(np.int64)
    per_hour = sparse.csr_matrix((np.ones(len(rows)), (rows, hour)), shape=(n_accounts, int(hour.max()) + 1))
    active_t, near_t, per_hour_t = active.T.tocsr(), near.T.tocsr(), per_hour.T.tocsr()

    def block(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        observed = (active[lo:hi] @ near_t).toarray() + (near[lo:hi] @ active_t).toarray()
        expected = (per_hour[lo:hi] @ per_hour_t).toarray() * (3.0 / windows_per_hour)
        return observed / 2.0, expected

    return block


def _shared_tokens(tokens_per_account: list[set[str]]) -> tuple[Any, list[str], sparse.csr_matrix]:
    """Cosine similarity of idf-weighted token sets (tokens used by >= 2 accounts), as row blocks.

    Returns (``block(low, high)``: rows ``low:high`` of the (n, n) cosine matrix, the vocabulary,
    the weights (n, vocabulary)).
    """
    df = defaultdict(int)
    for tokens in tokens_per_account:
        for token in tokens:
            df[token] += 1
    vocabulary = sorted(t for t, n in df.items() if n >= 2)
    n = len(tokens_per_account)
    if not vocabulary:
        return (lambda lo, hi: np.zeros((hi - lo, n))), vocabulary, sparse.csr_matrix((n, 0))
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
    unit = (sparse.diags(1 / norms) @ matrix).tocsr()
    unit_t = unit.T.tocsr()
    return (lambda lo, hi: (unit[lo:hi] @ unit_t).toarray()), vocabulary, matrix.tocsr()


def _edge_dicts(
    listed: dict, iu: np.ndarray, ju: np.ndarray, examples: dict, weights: sparse.csr_matrix, vocabulary: list[str]
) -> list[dict]:
    """The listed edges as dicts, with their duplicate examples and top shared tokens."""
    tops = _top_shared_tokens(weights, vocabulary, iu, ju)
    evidence = [
        "near_duplicates",
        "synchronised_near_duplicates",
        "synchronised_pairs",
        "synchronised_expected",
        "synchronised_p_bonferroni",
        "shared_cosine",
    ]
    edges = []
    for k, (i, j, top) in enumerate(zip(iu.tolist(), ju.tolist(), tops)):
        found = {name: listed[name][k] for name in evidence}
        found["near_duplicates"] = int(found["near_duplicates"])
        found["synchronised_near_duplicates"] = int(found["synchronised_near_duplicates"])
        edges.append(
            {
                "source": listed["source"][k],
                "target": listed["target"][k],
                "weight": listed["weight"][k],
                "strong": bool(listed["strong"][k]),
                "evidence": {
                    "near_duplicates": found["near_duplicates"],
                    "duplicate_examples": examples.get((i, j), []),
                    **{name: found[name] for name in evidence[1:]},
                    "shared_tokens": top,
                },
            }
        )
    return edges


#: Account pairs held dense at once (a block of rows of the n x n matrices), about 32 MB per array.
BLOCK_PAIRS = 1 << 22
#: The evidence of the account pairs kept, in ``_pair_evidence``'s arrays.
PAIR_FIELDS = ("iu", "ju", "weight", "strong", "dup", "synced", "obs", "exp", "p_sync", "shared")


def _pair_evidence(
    n: int,
    dup_count: sparse.csr_matrix,
    synced_dup: sparse.csr_matrix,
    synchrony: Any,
    cosine: Any,
    *,
    min_duplicate_pairs: int,
    min_sync_pairs: int,
    alpha: float,
    min_shared_cosine: float,
    block_pairs: int | None = None,
) -> dict[str, np.ndarray]:
    """Every pair i < j of accounts with strong evidence or shared tokens: ``PAIR_FIELDS`` arrays, pairs in (i, j) order.

    Computed a block of rows at a time, so memory grows with ``block_pairs``, not n².
    """
    n_pairs = max(n * (n - 1) // 2, 1)
    step = max(1, (block_pairs or BLOCK_PAIRS) // max(n, 1))
    parts: dict[str, list[np.ndarray]] = {f: [] for f in PAIR_FIELDS}
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        upper = np.arange(n)[None, :] > np.arange(lo, hi)[:, None]
        iu, ju = np.nonzero(upper)
        iu = iu + lo
        observed, expected = synchrony(lo, hi) if synchrony is not None else (np.zeros((hi - lo, n)),) * 2
        obs, exp_ = observed[upper], expected[upper]
        dup, synced = dup_count[lo:hi].toarray()[upper], synced_dup[lo:hi].toarray()[upper]
        shared = cosine(lo, hi)[upper]
        del observed, expected
        p_sync = np.ones(len(obs))
        tested = obs >= min_sync_pairs
        p_sync[tested] = poisson.sf(np.ceil(obs[tested]) - 1, np.maximum(exp_[tested], 1e-12))
        p_sync = np.minimum(p_sync * n_pairs, 1.0)
        strong_dup = dup >= min_duplicate_pairs
        strong_sync = (p_sync < alpha) & (obs >= min_sync_pairs)
        weight = (
            np.log1p(dup) * strong_dup
            + np.log1p(synced)
            + np.minimum(-np.log10(np.maximum(p_sync, 1e-300)), 30.0) / 10.0 * strong_sync
            + shared * (shared >= min_shared_cosine)
        )
        strong = strong_dup | strong_sync
        keep = strong | (shared >= min_shared_cosine)
        values = {
            "iu": iu,
            "ju": ju,
            "weight": weight,
            "strong": strong,
            "dup": dup,
            "synced": synced,
            "obs": obs,
            "exp": exp_,
            "p_sync": p_sync,
            "shared": shared,
        }
        for field, value in values.items():
            parts[field].append(value[keep])
    return {f: np.concatenate(v) for f, v in parts.items()} if n else _no_pairs()


def _no_pairs() -> dict[str, np.ndarray]:
    types = {"iu": np.int64, "ju": np.int64, "strong": bool}
    return {f: np.empty(0, types.get(f, np.float64)) for f in PAIR_FIELDS}


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
    collapse_copies: bool = False,
    edge_table: bool = False,
) -> dict:
    """Account graph of a corpus ``Dataset`` (or a frame with ``account, text, timestamp``).

    Returns ``{"nodes", "edges", "clusters", "parameters", "summary"}``; a node's ``score`` is
    the weight of its strongest edge (0 when it has none). ``collapse_copies``: posts of one
    text at one time stamp are hashed and paired once, as one group (``find_copies``), and
    every pair of their accounts counts; for corpora where most texts recur in many accounts.
    ``edge_table``: the edges as one frame under ``edge_table`` (``edges`` is empty), without
    examples or shared tokens: for millions of edges, which as dicts would not fit in memory.
    """
    frame = posts_frame(dataset, ("text", "timestamp"))
    names = sorted(frame["account"].unique())
    index_of = {name: k for k, name in enumerate(names)}
    account_index = frame["account"].map(index_of).to_numpy()
    n = len(names)
    texts = frame["text"].tolist()

    copies = find_copies(frame["text"], frame["timestamp"], account_index, n) if collapse_copies else None
    signed, tokens = _post_evidence(
        texts, account_index, n, copies, client=client, num_perm=num_perm, seed=seed, min_tokens=min_tokens
    )
    hashed = None
    if copies is not None:
        # The first posts that were hashed (not retweets, long enough): their groups are copies.
        hashed = client.submit(getitem, signed, 0, pure=False).result() if client is not None else signed[0]
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
        duplicates,
        account_index,
        texts,
        post_seconds,
        timed,
        n=n,
        window_seconds=window_seconds,
        copies=copies,
        hashed=hashed,
        with_examples=not edge_table,
    )
    n_duplicates = len(duplicates) if copies is None else int(round(dup_count.sum() / 2))

    synchrony = None
    if timed.sum() > 1:
        synchrony = _synchrony(account_index[timed], post_seconds[timed], n, window_seconds)
    cosine, vocabulary, weights = _shared_tokens(tokens)
    found = _pair_evidence(
        n,
        dup_count,
        synced_dup,
        synchrony,
        cosine,
        min_duplicate_pairs=min_duplicate_pairs,
        min_sync_pairs=min_sync_pairs,
        alpha=alpha,
        min_shared_cosine=min_shared_cosine,
    )
    iu, ju, weight, strong = found["iu"], found["ju"], found["weight"], found["strong"]
    dup, synced, obs, exp_, p_sync, shared = (found[f] for f in ("dup", "synced", "obs", "exp", "p_sync", "shared"))
    # Every pair listed here has strong evidence or shared tokens; the rest have weight 0 and no edge.
    keep = np.lexsort((ju, iu, -weight))[:max_edges]

    graph = sparse.csr_matrix((np.ones(strong.sum()), (iu[strong], ju[strong])), shape=(n, n))
    n_components, component = connected_components(graph, directed=False)
    sizes = np.bincount(component, minlength=n_components)
    # Number the clusters of two or more accounts by size; singletons get no cluster.
    order = sorted((c for c in range(n_components) if sizes[c] > 1), key=lambda c: (-sizes[c], c))
    cluster_id = {c: k for k, c in enumerate(order)}

    score = np.zeros(n)
    np.maximum.at(score, iu, weight)
    np.maximum.at(score, ju, weight)

    # Each listed pair's evidence as written (rounded as Python rounds), one column each.
    listed = {
        "source": [names[i] for i in iu[keep].tolist()],
        "target": [names[j] for j in ju[keep].tolist()],
        "weight": [round(w, 4) for w in weight[keep].tolist()],
        "strong": strong[keep],
        "near_duplicates": dup[keep].astype(np.int64),
        "synchronised_near_duplicates": synced[keep].astype(np.int64),
        "synchronised_pairs": [round(x, 1) for x in obs[keep].tolist()],
        "synchronised_expected": [round(x, 4) for x in exp_[keep].tolist()],
        "synchronised_p_bonferroni": [float(f"{x:.3g}") for x in p_sync[keep].tolist()],
        "shared_cosine": [round(x, 4) for x in shared[keep].tolist()],
    }
    edges = [] if edge_table else _edge_dicts(listed, iu[keep], ju[keep], examples, weights, vocabulary)
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
    is_strong = listed["strong"]
    inside = component[iu[keep][is_strong]]
    with_duplicates = np.bincount(
        inside[(listed["near_duplicates"] >= min_duplicate_pairs)[is_strong]], minlength=n_components
    )
    with_synchrony = np.bincount(
        inside[(np.asarray(listed["synchronised_p_bonferroni"], dtype=np.float64) < alpha)[is_strong]],
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
        # With edge_table: the listed edges as one frame (no examples, no shared tokens), not dicts.
        **({"edge_table": pd.DataFrame(listed)} if edge_table else {}),
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
            "near_duplicate_post_pairs": n_duplicates,
            "edges": len(keep),
            "strong_edges": int(strong.sum()),
            "clusters": len(clusters),
            "accounts_in_clusters": int(sum(c["size"] for c in clusters)),
            # Only with collapse_copies, so that a corpus screened without it keeps its output.
            **({"copy_groups": len(copies.first)} if copies is not None else {}),
        },
    }
