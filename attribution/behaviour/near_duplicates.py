"""Near-duplicate posts across accounts: MinHash signatures and LSH bands, whole arrays at a time.

The signatures are datasketch's ``MinHash`` values (scheme ``affine32``, datasketch 2: the first
four bytes of SHA-1 of each word 3-gram, the MurmurHash3 finalizer, then ``a * h + b`` modulo
2^32, ``a`` and ``b`` drawn from ``RandomState(seed)``), and the candidate pairs are those of its
``MinHashLSH`` for the same threshold and number of permutations (the same bands and rows): two
posts are candidates when all the rows of at least one band agree. So the pairs found are the
ones the per-post ``lsh.query`` loop this replaces found, computed with numpy over all posts of a
band at once instead of one Python query per post, and in pieces that can run on Dask workers:

- ``minhash_signatures``: one shard of posts (tokens, shingles, SHA-1 per shingle, one matrix of
  permuted hashes per chunk, minimum per post);
- ``band_candidates``: the candidate pairs of one band (posts grouped by the band's values);
- ``near_duplicate_pairs``: the union over bands, at most ``max_candidates`` candidates per post
  (the earliest posts, as before: a post in a bucket of thousands of copies of one boilerplate
  text is compared with at most that many later posts of other accounts, so memory and time stay
  bounded however large the bucket), then the estimated Jaccard similarity from the signatures.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache
from operator import getitem
from typing import Any

import numpy as np
import pandas as pd

from attribution.features.text import WORD_RE
from attribution.progress import ProgressFactory, no_progress

URL_RE = re.compile(r"https?://\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
#: Shingle tokens: the features' word pattern, a hashtag keeping its mark.
_TOKEN = re.compile(rf"#?{WORD_RE.pattern}")
_RT = re.compile(r"^rt\s+@\w+:?\s*", re.IGNORECASE)
#: Words per shingle.
SHINGLE_WORDS = 3
#: Posts hashed per matrix of permuted hashes (bounds the memory of ``minhash_signatures``).
_CHUNK_POSTS = 2000
#: Candidate pairs emitted per step of ``band_candidates`` (bounds its memory).
_CHUNK_PAIRS = 2_000_000
_MASK32 = np.uint32(0xFFFFFFFF)


def is_retweet(text: str) -> bool:
    """A retweet (``RT @name: ...``): open amplification, not evidence of common control."""
    return bool(_RT.match(text))


def normalise_post(text: str) -> list[str]:
    """Lower-cased word tokens with links and mentions removed and a leading ``RT @x:`` dropped."""
    text = _RT.sub("", text.lower())
    text = _MENTION.sub(" ", URL_RE.sub(" ", text))
    return _TOKEN.findall(text)


def post_shingles(text: str, min_tokens: int) -> set[bytes] | None:
    """The word 3-grams of a post (UTF-8), or ``None`` for a retweet or a post under ``min_tokens`` words."""
    if is_retweet(text):
        return None
    tokens = normalise_post(text)
    if len(tokens) < min_tokens:
        return None
    return {" ".join(tokens[k : k + SHINGLE_WORDS]).encode("utf-8") for k in range(len(tokens) - SHINGLE_WORDS + 1)}


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 parameters: odd ``a``, any ``b``, from ``RandomState(seed)``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finalizer (a bijection that spreads the SHA-1 prefix)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def minhash_signatures(
    texts: Sequence[str], *, num_perm: int, seed: int, min_tokens: int
) -> tuple[np.ndarray, np.ndarray]:
    """(positions in ``texts`` of the posts kept, their signatures): shapes (n_kept,), (n_kept, num_perm) uint32."""
    a, b = _permutations(num_perm, seed)
    kept: list[int] = []
    blocks = []
    digests: list[bytes] = []
    lengths: list[int] = []

    def flush() -> None:
        if not lengths:
            return
        hashed = _fmix32(np.frombuffer(b"".join(digests), dtype="<u4").astype(np.uint32))
        with np.errstate(over="ignore"):
            permuted = hashed[:, None] * a[None, :] + b[None, :]
        starts = np.cumsum(np.asarray(lengths, dtype=np.int64)) - np.asarray(lengths, dtype=np.int64)
        blocks.append(np.minimum.reduceat(permuted, starts, axis=0))
        digests.clear()
        lengths.clear()

    for position, text in enumerate(texts):
        grams = post_shingles(text, min_tokens)
        if grams is None:
            continue
        kept.append(position)
        digests.extend(hashlib.sha1(g).digest()[:4] for g in grams)
        lengths.append(len(grams))
        if len(lengths) == _CHUNK_POSTS:
            flush()
    flush()
    signatures = np.concatenate(blocks) if blocks else np.empty((0, num_perm), np.uint32)
    return np.asarray(kept, dtype=np.int64), signatures


@lru_cache(maxsize=8)
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's ``MinHashLSH`` chooses for this threshold."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


def band_codes(values: np.ndarray) -> np.ndarray:
    """One integer per row of ``values`` (n, r), equal exactly when the rows are equal."""
    codes = np.zeros(len(values), dtype=np.int64)
    for column in values.T:
        combined = codes * (int(column.max(initial=0)) + 1) + column.astype(np.int64)
        codes, _ = pd.factorize(combined, sort=False)
        codes = codes.astype(np.int64)
    return codes


def band_candidates(codes: np.ndarray, posts: np.ndarray, accounts: np.ndarray, cap: int) -> np.ndarray:
    """Candidate pairs of one band: (m, 2) post positions ``i < j`` of different accounts in one bucket.

    ``codes``: each post's bucket (``band_codes``); ``posts``: the posts' positions, increasing;
    ``accounts``: their account codes. For each post, only the first ``cap`` later posts of other
    accounts in its bucket are paired (exactly those, without forming the rest of the bucket).
    """
    sizes = np.bincount(codes)
    shared = np.flatnonzero(sizes[codes] >= 2)
    if len(shared) == 0:
        return np.empty((0, 2), dtype=np.int64)
    order = shared[np.argsort(codes[shared], kind="stable")]  # by bucket, then post
    bucket, post, account = codes[order], posts[order], accounts[order].astype(np.int64)
    n = len(order)
    first = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    size = np.diff(np.r_[first, n])
    start = np.repeat(first, size)
    position = np.arange(n) - start
    # Members of one account in one bucket: their rank among themselves and, per member, how
    # many members of other accounts come before it (``gap``, non-decreasing within the group).
    by_group = np.lexsort((position, account, bucket))
    g_bucket, g_account = bucket[by_group], account[by_group]
    g_first = np.flatnonzero(np.r_[True, (g_bucket[1:] != g_bucket[:-1]) | (g_account[1:] != g_account[:-1])])
    g_size = np.diff(np.r_[g_first, n])
    group_sorted = np.repeat(np.arange(len(g_first)), g_size)
    rank_sorted = np.arange(n) - np.repeat(g_first, g_size)
    gap_sorted = position[by_group] - rank_sorted
    group = np.empty(n, np.int64)
    group[by_group] = group_sorted
    rank = np.empty(n, np.int64)
    rank[by_group] = rank_sorted
    span = n + 1
    keys = group_sorted * span + gap_sorted
    before = position - rank  # members of other accounts before this one
    count = np.clip(np.repeat(size, size) - g_size[group] - before, 0, cap)
    total = int(count.sum())
    cuts = np.searchsorted(np.cumsum(count), np.arange(_CHUNK_PAIRS, total, _CHUNK_PAIRS), side="left")
    pairs = []
    for low, high in zip(np.r_[0, cuts], np.r_[cuts, n]):
        rows = np.arange(low, high)
        emitted = count[rows]
        left = np.repeat(rows, emitted)
        # The k-th later member of another account, counted among the members of other accounts.
        target = before[left] + np.arange(len(left)) - np.repeat(np.cumsum(emitted) - emitted, emitted)
        skipped = np.searchsorted(keys, group[left] * span + target, side="right") - g_first[group[left]]
        right = start[left] + target + skipped
        pairs.append(np.stack([post[left], post[right]], axis=1))
    return np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64)


#: Ranges of posts whose candidates (from every band) are merged by one task.
MERGE_PARTS = 4

#: A band's candidates: keys ``i * n_posts + j`` (sorted) and their numbers of equal signature values.
Candidates = tuple[np.ndarray, np.ndarray]


def _band_pairs(
    signed: tuple[np.ndarray, np.ndarray, np.ndarray], band: slice, cap: int, n_posts: int, bounds: np.ndarray
) -> list[Candidates]:
    """One band's candidates, cut into the ranges of left posts ``bounds[r] <= i < bounds[r + 1]``."""
    kept, accounts, signatures = signed
    pairs = band_candidates(band_codes(signatures[:, band]), kept, accounts, cap)
    keys = pairs[:, 0] * n_posts + pairs[:, 1]
    equal = _equal_values(signatures, np.searchsorted(kept, pairs))
    order = np.argsort(keys)
    keys, equal = keys[order], equal[order]
    cuts = np.searchsorted(keys, bounds * n_posts)
    return [(keys[low:high], equal[low:high]) for low, high in zip(cuts[:-1], cuts[1:])]


def _merged(parts: list[Candidates], *, n_posts: int, num_perm: int, threshold: float, cap: int) -> Candidates:
    """The bands' candidates of one range of posts: deduplicated, ``cap`` per left post, Jaccard >= ``threshold``.

    Returns (pairs (m, 2), their estimated Jaccard similarity (m,)), sorted by i, j.
    """
    keys = np.concatenate([np.empty(0, np.int64), *(k for k, _ in parts)])
    equal = np.concatenate([np.empty(0, np.uint16), *(e for _, e in parts)])
    keys, where = np.unique(keys, return_index=True)
    jaccard = equal[where] / num_perm
    left = keys // n_posts
    first = np.flatnonzero(np.r_[True, left[1:] != left[:-1]]) if len(keys) else np.empty(0, np.int64)
    rank = np.arange(len(keys)) - np.repeat(first, np.diff(np.r_[first, len(keys)]))
    keep = (rank < cap) & (jaccard >= threshold)
    keys = keys[keep]
    return np.stack([keys // n_posts, keys % n_posts], axis=1), jaccard[keep]


def near_duplicate_pairs(
    signed: Any,
    *,
    num_perm: int,
    n_posts: int,
    threshold: float,
    max_candidates: int,
    client: Any = None,
    progress: ProgressFactory = no_progress,
) -> tuple[np.ndarray, np.ndarray]:
    """(pairs (m, 2) of post positions ``i < j``, their estimated Jaccard similarity (m,)), sorted by i, j.

    ``signed``: (positions of the posts, increasing; their account codes; their MinHash
    signatures), or on ``client`` the future of that tuple. Pairs of one account are left out;
    each post is compared with at most ``max_candidates`` candidates (the earliest). On
    ``client``, one task per band, each reading ``signed`` where it lies, then one task per
    range of posts merging the bands' candidates; only the pairs found come back.
    """
    n_bands, rows = lsh_bands(threshold, num_perm)
    bands = [slice(b * rows, (b + 1) * rows) for b in range(n_bands)]
    bounds = np.linspace(0, n_posts, MERGE_PARTS + 1).astype(np.int64)
    options: dict[str, Any] = {"n_posts": n_posts, "num_perm": num_perm, "threshold": threshold, "cap": max_candidates}
    merged: list[Candidates]
    if client is None:
        per_band = [
            _band_pairs(signed, band, max_candidates, n_posts, bounds)
            for band in progress(bands, desc="near duplicates", total=len(bands))
        ]
        merged = [_merged([b[r] for b in per_band], **options) for r in range(MERGE_PARTS)]
    else:
        per_band = [
            client.submit(_band_pairs, signed, band, max_candidates, n_posts, bounds, pure=False) for band in bands
        ]
        # Each range's part of each band is taken out where the band lies, so a merge task
        # fetches its own range only.
        futures = [
            client.submit(_merged, [client.submit(getitem, b, r, pure=False) for b in per_band], **options, pure=False)
            for r in range(MERGE_PARTS)
        ]
        merged = [future.result() for future in progress(futures, desc="near duplicates", total=len(futures))]
        del per_band, futures
    return (
        np.concatenate([np.empty((0, 2), np.int64), *(p for p, _ in merged)]),
        np.concatenate([np.empty(0), *(j for _, j in merged)]),
    )


def _equal_values(signatures: np.ndarray, rows: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    """Number of equal signature values of each pair of signature rows; (m,) uint8."""
    out = np.empty(len(rows), dtype=np.uint16)
    for low in range(0, len(rows), chunk):
        part = rows[low : low + chunk]
        out[low : low + chunk] = np.count_nonzero(signatures[part[:, 0]] == signatures[part[:, 1]], axis=1)
    return out
