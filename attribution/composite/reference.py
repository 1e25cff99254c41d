"""Reference corpora for the composite test's null, with the fixed split that keeps them apart
from every evaluation byline.

Articles: 30 of the 50 Reuters C50 authors (both splits); the other 20 are held out for the
``composite`` benchmark. The same 30 authors give a second document pool of short excerpts
(100-400 words, one per article); a byline of documents is tested against the pool nearest its
documents' length. Tweets: two thirds of the IRA persona accounts (NewsFeed excluded) with
enough tweets, grouped into units of ``UNIT_POSTS`` consecutive posts; the other third is held
out. The split is a seeded permutation of the sorted names, the same in the product and the
benchmark, so the measured false-positive rate is the product's.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import datasets
import numpy as np
import pyarrow as pa

from attribution.composite.null import ReferenceSet
from attribution.composite.reference_file import read_reference
from attribution.composite.represent import CharProfile
from attribution.corpus.text import fingerprints
from attribution.errors import ConfigError

log = logging.getLogger(__name__)

SPLIT_SEED = 12345
#: The shipped references' arrays per pool, in ``attribution/composite/data``: whole C50 articles,
#: C50 excerpts, IRA posts in runs of 20.
REFERENCE_FILES = {
    "article": "article_reference.npz",
    "excerpt": "excerpt_reference.npz",
    "tweet": "tweet_unit_reference.npz",
}
#: The pools a byline of documents (not posts) chooses from, by length, in a reader's words.
DOCUMENT_POOLS = {
    "article": "whole news articles of 30 Reuters (C50) writers",
    "excerpt": "excerpts of 100-400 words of 30 Reuters (C50) writers' news articles",
}
#: Shipped pools whose penalty per extra cluster is chosen on their own writers, as a user's
#: reference's is: the fixed default was set on whole articles, by writers with several each.
TUNED_PENALTY_POOLS = ("excerpt",)
#: Seeds the excerpts cut for the shipped pool (``bench short_docs`` cuts its own with its seed).
EXCERPT_SEED = 20261207
C50_REFERENCE_AUTHORS = 30
#: Posts per tweet unit (about 250 words, half a news article).
UNIT_POSTS = 20
#: IRA accounts need this many units to serve as a reference or a benchmark author.
MIN_UNITS = 20
#: At most this many units per IRA account are kept (bounds memory and time).
MAX_UNITS = 100
EXCLUDED_CATEGORIES = ("NewsFeed",)
#: A user's reference writer needs this many documents to enter the null.
MIN_REFERENCE_DOCUMENTS = 5
#: User references kept fitted (by dataset fingerprint): repeated tests reuse the null's draws.
USER_REFERENCE_CACHE = 2
_user_references: OrderedDict[str, ReferenceSet] = OrderedDict()


def split_names(names: Sequence[str], n_reference: int) -> tuple[list[str], list[str]]:
    """Seeded split of sorted names into (reference, held out)."""
    order = np.random.default_rng(SPLIT_SEED).permutation(sorted(names))
    return sorted(order[:n_reference].tolist()), sorted(order[n_reference:].tolist())


def c50_split(authors: Sequence[str]) -> tuple[list[str], list[str]]:
    """C50 authors: (30 reference, 20 held out)."""
    return split_names(sorted(set(authors)), C50_REFERENCE_AUTHORS)


def ira_split(accounts: Sequence[str]) -> tuple[list[str], list[str]]:
    """IRA accounts: (two thirds reference, one third held out)."""
    names = sorted(set(accounts))
    return split_names(names, (2 * len(names)) // 3)


def token_counts(texts: Sequence[str]) -> np.ndarray:
    """Whitespace tokens per text."""
    return np.array([len(text.split()) for text in texts], dtype=float)


def group_units(dataset: datasets.Dataset, *, size: int = UNIT_POSTS) -> datasets.Dataset:
    """The grouping adapter: consecutive posts of each byline joined into units of ``size``.

    Uses ``attribution.corpus.grouping.group_posts`` when the corpus layer provides it.
    """
    try:
        from attribution.corpus.grouping import group_posts
    except ImportError:
        group_posts = None
    if group_posts is not None:
        return group_posts(dataset, by="count", size=size)
    frame = dataset.to_pandas()
    frame["_order"] = np.arange(len(frame))
    frame = frame.sort_values(["byline", "timestamp", "_order"], na_position="last", kind="stable")
    rows = []
    for byline, group in frame.groupby("byline", sort=True, dropna=False):
        for start in range(0, len(group) - size + 1, size):
            part = group.iloc[start : start + size]
            authors = part["author"].dropna().unique()
            rows.append(
                {
                    "id": f"{byline}:{start // size}",
                    "text": "\n".join(part["text"]),
                    "byline": byline,
                    "author": authors[0] if len(authors) == 1 else None,
                    "kind": "tweet",
                    "timestamp": part["timestamp"].iloc[0],
                    "title": None,
                    "source": part["source"].iloc[0],
                    "meta": json.dumps({"posts": part["id"].tolist(), "n_posts": len(part)}),
                }
            )
    from attribution.corpus.schema import COLUMNS, FEATURES

    columns = {c: [r[c] for r in rows] for c in COLUMNS}
    return datasets.Dataset.from_dict(columns, features=FEATURES)


def first_occurrences(texts: Sequence[str]) -> list[int]:
    """Positions of the texts that do not repeat an earlier one (``corpus.text.fingerprints``:
    case, spacing, punctuation and links aside); texts with nothing to compare are all kept."""
    seen: dict[str, int] = {}
    keys = fingerprints(pa.array(list(texts), type=pa.string())).to_pylist()
    return [i for i, key in enumerate(keys) if not key or seen.setdefault(key, i) == i]


def build_reference(
    texts: Sequence[str], authors: Sequence[str], *, name: str, kind: str, max_features: int = 20000
) -> ReferenceSet:
    """Fit the representation on reference texts and keep their additive counts. A text that
    repeats another's (``corpus.text.fingerprints``) is kept once: two copies of one article in a
    writer's documents would look like a tight pair no single writer produces, and the null would
    draw them."""
    texts, authors = list(texts), list(authors)
    first = first_occurrences(texts)
    if len(first) < len(texts):
        log.warning("%s: %d text(s) repeat another's and were kept once", name, len(texts) - len(first))
        texts, authors = [texts[i] for i in first], [authors[i] for i in first]
    profile = CharProfile(max_features=max_features).fit(texts)
    return ReferenceSet(
        name=name,
        kind=kind,
        profile=profile,
        counts=profile.counts(texts),
        tokens=token_counts(texts),
        authors=np.asarray(authors),
        texts=list(texts),
    )


def ira_units(data_dir: str | Path | None) -> datasets.Dataset:
    """IRA persona accounts with at least ``MIN_UNITS`` units, grouped, at most ``MAX_UNITS`` each."""
    from attribution.corpus import load_corpus

    dataset = load_corpus("ira", data_dir=data_dir).dataset
    categories = [json.loads(m).get("account_category") for m in dataset["meta"]]
    keep = [i for i, c in enumerate(categories) if c not in EXCLUDED_CATEGORIES]
    dataset = dataset.select(keep)
    sizes: dict[str, int] = {}
    for byline in dataset["byline"]:
        sizes[byline] = sizes.get(byline, 0) + 1
    wanted = {b for b, count in sizes.items() if count >= MIN_UNITS * UNIT_POSTS}
    dataset = dataset.select([i for i, b in enumerate(dataset["byline"]) if b in wanted])
    units = group_units(dataset, size=UNIT_POSTS)
    seen: dict[str, int] = {}
    keep_units = []
    for i, byline in enumerate(units["byline"]):
        seen[byline] = seen.get(byline, 0) + 1
        if seen[byline] <= MAX_UNITS:
            keep_units.append(i)
    return units.select(keep_units)


def load_reference(kind: str) -> ReferenceSet:
    """The shipped reference ``kind`` ("article": C50 authors' articles; "excerpt": their excerpts;
    "tweet": IRA accounts in units of 20 posts), from the package's arrays (cached)."""
    if kind not in REFERENCE_FILES:
        raise ConfigError(f"reference kind {kind!r} is unknown; expected one of {', '.join(REFERENCE_FILES)}")
    reference, meta = shipped_reference(kind)
    log.info(
        "%s reference: %d documents of %d writers (shipped, built %s at %s)",
        kind,
        len(reference.authors),
        len(reference.by_author),
        meta.get("built"),
        meta.get("commit"),
    )
    return reference


def choose_pool(byline_tokens: np.ndarray) -> str:
    """The shipped document pool whose median length is nearest the byline's (on a log scale).

    Longer bylines than whole articles stay with articles (the null joins several into a unit);
    short documents are measured against units as short as theirs.
    """
    median = max(float(np.median(byline_tokens)), 1.0)
    return min(DOCUMENT_POOLS, key=lambda pool: abs(np.log(median / shipped_reference(pool)[0].median_tokens)))


def describe_pool_choice(byline_tokens: np.ndarray, pool: str) -> str:
    """Which shipped pool the byline's documents were measured against, and why, in a sentence."""
    lengths = {p: shipped_reference(p)[0].median_tokens for p in DOCUMENT_POOLS}
    others = "; ".join(f"{DOCUMENT_POOLS[p]}, median {lengths[p]:.0f}" for p in DOCUMENT_POOLS if p != pool)
    return (
        f"{DOCUMENT_POOLS[pool]} (median {lengths[pool]:.0f} words a document), the shipped pool nearest in length "
        f"to the byline's documents (median {float(np.median(byline_tokens)):.0f} words; the other pool: {others}); "
        "--reference replaces it with single-writer bylines of the byline's genre"
    )


def build_document_reference(kind: str, data_dir: str | Path | None = None) -> ReferenceSet:
    """The ``kind`` reference fitted on the public corpora's texts (what ships, rebuilt): the 30
    C50 reference authors' articles or excerpts, or the reference IRA accounts' units of 20 posts."""
    from attribution.composite.excerpts import excerpt_corpus
    from attribution.corpus import load_corpus

    if kind in DOCUMENT_POOLS:
        dataset = load_corpus("c50", data_dir=data_dir).dataset
        reference, _ = c50_split(dataset["author"])
        keep = set(reference)
        subset = dataset.select([i for i, a in enumerate(dataset["author"]) if a in keep])
        if kind == "excerpt":
            subset = excerpt_corpus(subset, reference, np.random.default_rng(EXCERPT_SEED))
            log.info("excerpt reference: %d C50 excerpts of %d authors", len(subset), len(keep))
            return build_reference(subset["text"], subset["author"], name="c50-excerpt-reference", kind="article")
        log.info("article reference: %d C50 documents of %d authors", len(subset), len(keep))
        return build_reference(subset["text"], subset["author"], name="c50-reference", kind="article")
    if kind == "tweet":
        units = ira_units(data_dir)
        reference, _ = ira_split(units["byline"])
        keep = set(reference)
        subset = units.select([i for i, b in enumerate(units["byline"]) if b in keep])
        log.info("tweet reference: %d IRA units of %d accounts", len(subset), len(keep))
        return build_reference(subset["text"], subset["byline"], name="ira-reference", kind="tweet")
    raise ConfigError(f"reference kind {kind!r} is unknown; expected one of {', '.join(REFERENCE_FILES)}")


@cache
def shipped_reference(kind: str) -> tuple[ReferenceSet, dict]:
    """The ``kind`` reference shipped with the package (``scripts/build_document_references.py``)."""
    with resources.as_file(resources.files("attribution.composite") / "data" / REFERENCE_FILES[kind]) as path:
        return read_reference(path)


def reference_from_corpus(dataset: datasets.Dataset, kind: str) -> ReferenceSet:
    """The null's reference from a user's single-writer bylines (``--reference``), cached.

    Each writer (``author``, else ``byline``) with ``MIN_REFERENCE_DOCUMENTS`` or more documents
    stands for one writer; the representation is fitted on these texts, so a reference of the
    byline's genre and length (excerpts for excerpts) gives the null that fits the byline.
    """
    key = f"{getattr(dataset, '_fingerprint', id(dataset))}/{kind}"
    if key in _user_references:
        _user_references.move_to_end(key)
        return _user_references[key]
    # Repeats leave first, so that the writers' counts below are what the null can draw from.
    first = first_occurrences(dataset["text"])
    if len(first) < len(dataset):
        log.warning("the reference corpus: %d text(s) repeat another's and were kept once", len(dataset) - len(first))
        dataset = dataset.select(first)
    writers = [a if a is not None else b for a, b in zip(dataset["author"], dataset["byline"])]
    sizes: dict[str, int] = {}
    for writer in writers:
        if writer is not None:
            sizes[writer] = sizes.get(writer, 0) + 1
    keep = [i for i, w in enumerate(writers) if w is not None and sizes[w] >= MIN_REFERENCE_DOCUMENTS]
    if len({writers[i] for i in keep}) < 2:
        raise ConfigError(
            f"the reference corpus needs at least 2 single-writer bylines with {MIN_REFERENCE_DOCUMENTS} or more "
            "documents each (an author or byline column names the writer)"
        )
    texts = dataset.select(keep)["text"]
    reference = build_reference(texts, [writers[i] for i in keep], name="the user's reference corpus", kind=kind)
    _user_references[key] = reference
    while len(_user_references) > USER_REFERENCE_CACHE:
        _user_references.popitem(last=False)
    return reference


def clear_reference_cache() -> None:
    """Forget the fitted user references (and the nulls drawn from them)."""
    _user_references.clear()
