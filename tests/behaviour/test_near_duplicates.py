"""Near duplicates in numpy: datasketch's signatures and LSH candidates, the per-post cap kept exactly."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from attribution.behaviour import near_duplicates as nd

datasketch = pytest.importorskip("datasketch")


def _reference_pairs(texts, accounts, *, threshold, num_perm, cap, seed=0, min_tokens=6):
    """The per-post ``MinHashLSH.query`` loop that ``near_duplicate_pairs`` replaces."""
    shingles = {k: nd.post_shingles(t, min_tokens) for k, t in enumerate(texts)}
    kept = [k for k, s in shingles.items() if s is not None]
    hashes = datasketch.MinHash.bulk([list(shingles[k]) for k in kept], num_perm=num_perm, seed=seed)
    lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=num_perm)
    for key, minhash in zip(kept, hashes):
        lsh.insert(key, minhash)
    by_key = dict(zip(kept, hashes))
    rows = []
    for key, minhash in zip(kept, hashes):
        candidates = sorted(c for c in lsh.query(minhash) if c > key and accounts[c] != accounts[key])
        for other in candidates[:cap]:
            similarity = minhash.jaccard(by_key[other])
            if similarity >= threshold:
                rows.append((key, other, similarity))
    return rows


def _pairs(texts, accounts, *, threshold=0.5, num_perm=64, cap=200, seed=0):
    kept, signatures = nd.minhash_signatures(texts, num_perm=num_perm, seed=seed, min_tokens=6)
    pairs, jaccard = nd.near_duplicate_pairs(
        (kept, accounts[kept], signatures),
        num_perm=num_perm,
        n_posts=len(texts),
        threshold=threshold,
        max_candidates=cap,
    )
    return [(int(i), int(j), float(s)) for (i, j), s in zip(pairs, jaccard)]


def test_signatures_are_datasketch_minhash_values(ira_frame):
    texts = ira_frame["text"].tolist()[:400]
    kept, signatures = nd.minhash_signatures(texts, num_perm=64, seed=3, min_tokens=6)
    expected = datasketch.MinHash.bulk([list(nd.post_shingles(texts[k], 6)) for k in kept], num_perm=64, seed=3)
    assert len(kept) > 200
    np.testing.assert_array_equal(signatures, np.array([m.hashvalues for m in expected]))


def test_a_chunk_of_one_post_is_hashed_like_the_others(ira_frame, monkeypatch):
    texts = [t for t in ira_frame["text"] if nd.post_shingles(t, 6)][:7]
    whole = nd.minhash_signatures(texts, num_perm=64, seed=0, min_tokens=6)[1]
    monkeypatch.setattr(nd, "_CHUNK_POSTS", 3)  # chunks of 3, 3 and 1 posts
    np.testing.assert_array_equal(nd.minhash_signatures(texts, num_perm=64, seed=0, min_tokens=6)[1], whole)
    assert nd.minhash_signatures(texts[:1], num_perm=64, seed=0, min_tokens=6)[1].shape == (1, 64)


def test_pairs_are_those_of_the_lsh_query_loop(ira_frame):
    """Real look-alike accounts that copy each other: the same pairs and similarities, in the same order."""
    accounts = ira_frame["account"].astype("category").cat.codes.to_numpy()
    texts = ira_frame["text"].tolist()
    found = _pairs(texts, accounts)
    assert len(found) > 100
    assert found == _reference_pairs(texts, accounts, threshold=0.5, num_perm=64, cap=200)


def test_the_cap_keeps_the_earliest_candidates_of_each_post(ira_frame):
    """Copies of one text spread over interleaved accounts: a cap of 3 binds and is applied as before."""
    base = [t for t in ira_frame["text"] if nd.post_shingles(t, 6)][:5]
    texts = [text for text in base for _ in range(12)]
    texts += [t + " again" for t in base]  # near, not exact, copies in other buckets of some bands
    accounts = np.array([k % 4 for k in range(len(texts))])
    found = _pairs(texts, accounts, cap=3)
    assert found == _reference_pairs(texts, accounts, threshold=0.5, num_perm=64, cap=3)
    assert max(sum(1 for i, _, _ in found if i == k) for k in range(len(texts))) == 3


def test_band_candidates_are_the_first_later_posts_of_other_accounts():
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 4, 300)
    posts = np.sort(rng.choice(1000, 300, replace=False))
    accounts = rng.integers(0, 5, 300)
    got = {tuple(p) for p in nd.band_candidates(codes, posts, accounts, cap=7).tolist()}
    expected = set()
    for a in range(300):
        later = [b for b in range(a + 1, 300) if codes[b] == codes[a] and accounts[b] != accounts[a]][:7]
        expected |= {(int(posts[a]), int(posts[b])) for b in later}
    assert got == expected


def test_band_codes_are_equal_exactly_when_rows_are():
    rows = np.array(list(itertools.product([0, 1, 2**32 - 1], repeat=3)) * 2, dtype=np.uint32)
    codes = nd.band_codes(rows)
    assert len(set(codes.tolist())) == 27
    assert (codes[:27] == codes[27:]).all()
