"""The composite byline test: one writer or several, how many, which operators.

H0 "one writer" is tested with the pair-likelihood gain of the best split of the byline's
documents (``cluster.llr_gain``), calibrated against the same statistic over single-author sets
of the same size and unit length drawn from reference authors (``null.ReferenceSet``), never
from the byline itself. k is chosen by the pair likelihood; subsampling the documents
(``SUBSAMPLE``, the whole procedure test included) gives the distribution over k and each document's stability.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

import datasets
import numpy as np
import pyarrow as pa
from scipy import sparse

from attribution import __version__
from attribution.behaviour.schedules import byline_schedules
from attribution.composite import cluster
from attribution.composite.calibration import (
    BENCH_ALPHA,
    MeasuredRate,
    measured_rate,
    results_source,
    shipped_results,
)
from attribution.composite.explain import MIN_DOCUMENTS, distinguishing_features, verdict_of, weaken_single
from attribution.composite.null import N_NULL, ReferenceSet, p_value
from attribution.composite.operator_evidence import OperatorEvidence, gather_operator_evidence, k_distribution
from attribution.composite.operators import LEAVE_ONE_OUT_MAX, UNKNOWN, OperatorMatcher
from attribution.composite.post_confidence import measured_clause
from attribution.composite.reference import (
    DOCUMENT_POOLS,
    REFERENCE_FILES,
    TUNED_PENALTY_POOLS,
    UNIT_POSTS,
    choose_pool,
    describe_pool_choice,
    group_units,
    load_reference,
    reference_from_corpus,
    shipped_reference,
    token_counts,
)
from attribution.composite.rolling import rolling_classify
from attribution.composite.split_penalty import tune_penalty
from attribution.composite.word_view import LONG_UNITS, NULL_FACTOR, TOP_WORDS, WordTester
from attribution.composite.word_view import STATISTIC as WORD_STATISTIC
from attribution.corpus.report import LoadReport
from attribution.corpus.text import fingerprints
from attribution.errors import ConfigError, CorpusError
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

#: Largest number of writers considered.
K_MAX = 8
#: Pair-likelihood penalty per extra cluster, per document of the set split (a prior against
#: splitting a writer): the pair likelihood sums over n(n-1)/2 dependent pairs, so a fixed penalty
#: lets a large set split off single stray documents (docs/decisions.md, stop 33).
K_PENALTY_PER_DOCUMENT = 1.0
#: Subsamples for the distribution over k and document stability.
N_SUBSAMPLES = 40
#: Share of the documents in each subsample: at 0.8 the "90%" interval over k held the true k for
#: 0.82-0.83 of detected development composites, at 0.65 for 0.87-0.91 (docs/decisions.md, stop 33).
SUBSAMPLE = 0.65
#: Random subsets tested when a byline is larger than a reference author's set.
N_SPLITS = 15
#: A document whose cluster stability is below this is flagged as between clusters.
BETWEEN_THRESHOLD = 0.5
STATISTIC = "pair-likelihood gain of the best split over one writer"


@dataclass
class CompositeResult:
    """The test's findings; ``to_dict()`` follows the composite result schema."""

    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return self.data

    @property
    def verdict(self) -> dict:
        return self.data["verdict"]


def _as_dataset(source: Any) -> tuple[datasets.Dataset, LoadReport]:
    if hasattr(source, "dataset"):
        return source.dataset, source.report
    if isinstance(source, datasets.Dataset):
        return source, LoadReport(rows_read=len(source), rows_used=len(source))
    raise ConfigError(f"expected a Corpus or a datasets.Dataset, got {type(source).__name__}")


def _select_byline(dataset: datasets.Dataset, byline: str | None, unnamed: str) -> tuple[datasets.Dataset, str]:
    names = sorted({b for b in dataset["byline"] if b is not None})
    if byline is not None:
        if byline not in names:
            shown = ", ".join(names[:10]) + (" …" if len(names) > 10 else "")
            raise ConfigError(f"byline {byline!r} is not in the corpus; bylines present: {shown or 'none'}")
        return dataset.filter(lambda b: b == byline, input_columns="byline"), byline
    if len(names) > 1:
        shown = ", ".join(names[:10]) + (" …" if len(names) > 10 else "")
        raise ConfigError(f"the corpus holds {len(names)} bylines ({shown}); choose one with --byline NAME")
    return dataset, names[0] if names else unnamed


def _kind(dataset: datasets.Dataset) -> str:
    kinds = dataset["kind"]
    return "tweet" if kinds.count("tweet") > len(kinds) / 2 else "article"


def _measured_fpr(
    origin: str,
    with_operators: bool,
    *,
    too_short: bool = False,
    outside: bool = False,
    units_of: int = 1,
    word_view: bool = False,
) -> MeasuredRate:
    """The false-positive rate measured on held-out single writers with this reference and this
    test, from the results file the package ships, with its count and interval (a value of None,
    and why, when no bench measured the case).

    Whole articles and posts: ``bench composite`` (single reference documents per unit; with
    operators, the larger of its two kinds of negatives: author among the operators, or not). The
    excerpt pool: ``bench short_docs``, default row. The function-word test of long documents is
    checked in genre by ``bench publius`` (single writers' papers stay one writer), not as a rate.
    """
    if too_short:
        return MeasuredRate(None, "not measured on documents this short")
    if outside:
        return MeasuredRate(
            None, "not measured on bylines this far from the reference (another genre, era or language?)"
        )
    if word_view:
        return MeasuredRate(
            None,
            "not measured as a rate for the function-word test of long documents; attribution bench publius "
            "checks in genre that one writer's papers alone stay one writer",
        )
    if origin == "user":
        return MeasuredRate(
            None,
            "not measured for the user's reference corpus (attribution bench short_docs measures such a "
            "reference on C50 excerpts)",
        )
    if origin not in REFERENCE_FILES:
        return MeasuredRate(None, "not measured for this reference set")
    if units_of > 1:
        return MeasuredRate(
            None, f"not measured on documents this long (units of {units_of} reference documents; the benches use one)"
        )
    if origin == "excerpt":
        results = shipped_results("short_docs") or {}
        row = results.get("default_null")
        if with_operators or not row:
            return MeasuredRate(None, "not measured for the excerpt pool with operators" if with_operators else None)
        what = "20-excerpt collections of held-out C50 authors, no --reference"
        return measured_rate(
            row["fpr"],
            results_source(results, "short_docs", what),
            row.get("singles"),
            row.get("fpr_ci"),
            alpha=(results.get("design") or {}).get("alpha", BENCH_ALPHA),
        )
    results = shipped_results("composite") or {}
    block = results.get("c50" if origin == "article" else "tweets")
    if not block:
        return MeasuredRate(None, None)
    singles = (block.get("by_k") or {}).get("1", {}).get("bylines")
    candidates = (
        [("fpr_operators_include_author", singles), ("fpr_operators_exclude_author", block.get("bylines_distractor"))]
        if with_operators
        else [("fpr_style_only", singles)]
    )
    measured = [(block[key], n) for key, n in candidates if block.get(key) is not None]
    if not measured:
        return MeasuredRate(None, None)
    value, bylines = max(measured, key=lambda pair: pair[0])
    what = (
        "held-out C50 authors"
        if origin == "article"
        else "held-out IRA accounts' posts, grouped as the command line groups them"
    )
    return measured_rate(
        value, results_source(results, "composite", what), bylines, alpha=results.get("alpha", BENCH_ALPHA)
    )


def _calibration_clause(measured: MeasuredRate) -> str:
    """The methods' last words on calibration: where the rate quoted in ``test`` was measured."""
    if measured.value is not None:
        return f" Held-out false-positive rate: {measured.source}."
    return f" False-positive rate: {measured.source}." if measured.source else " False-positive rate: not measured."


def _per_post(dataset: datasets.Dataset, kind: str, grouped: bool, reference: Any, operators: Any) -> bool:
    """Time-stamped posts go to the per-post writer model (``attribution.composite``), unless the
    caller brings its own reference or operators (the unit test of this module serves those)."""
    if kind != "tweet" or grouped or reference is not None or operators is not None or len(dataset) < MIN_DOCUMENTS:
        return False
    stamps = dataset["timestamp"]
    return sum(s is not None for s in stamps) >= 0.9 * len(stamps)


def _units(dataset: datasets.Dataset, kind: str) -> datasets.Dataset:
    if kind == "tweet":
        return group_units(dataset, size=UNIT_POSTS)
    return dataset


def _classical_mds(distances: np.ndarray) -> np.ndarray:
    """Two coordinates per document whose distances approximate ``distances``."""
    n = len(distances)
    if n < 3:
        return np.zeros((n, 2))
    centring = np.eye(n) - 1.0 / n
    gram = -0.5 * centring @ (distances**2) @ centring
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(values)[::-1][:2]
    coords = vectors[:, order] * np.sqrt(np.maximum(values[order], 0.0))
    # Fix the sign so the output is deterministic across BLAS builds.
    signs = np.sign(coords[np.argmax(np.abs(coords), axis=0), [0, 1]])
    return coords * np.where(signs == 0, 1.0, signs)


def _versions() -> dict:
    import sklearn

    try:
        import spacy

        spacy_version = spacy.__version__
    except ImportError:  # pragma: no cover - spaCy is a dependency
        spacy_version = None
    return {"attribution": __version__, "scikit-learn": sklearn.__version__, "spacy": spacy_version}


class _Tester:
    """The calibrated test on one set of distances, with a cached null per set size.

    A set larger than one reference author can give (``cap`` units) is tested on ``N_SPLITS``
    random subsets of ``cap`` documents; the p-values are combined as twice their median, which
    stays a valid p-value whatever their dependence (Meinshausen, Meier & Buehlmann 2009).
    """

    def __init__(
        self, reference: ReferenceSet, m: int, n_null: int, seed: int, penalty: float = K_PENALTY_PER_DOCUMENT
    ):
        self.reference = reference
        self.m = m
        self.n_null = n_null
        self.seed = seed
        self.model = reference.pair_model(m, seed=seed)
        self.cap = reference.max_set_size() // m
        self.penalty = penalty

    def statistic(self, distances: np.ndarray) -> float:
        return cluster.llr_gain(distances, self.model, K_MAX)

    def null(self, n: int) -> np.ndarray:
        return self.reference.null_distribution(
            self.statistic, min(n, self.cap), self.m, name=f"llr_gain/{K_MAX}", n_draws=self.n_null, seed=self.seed
        )

    def test(self, distances: np.ndarray, n_splits: int = N_SPLITS) -> tuple[float, float]:
        """(statistic, p-value) of one set."""
        n = len(distances)
        if n <= self.cap:
            statistic = self.statistic(distances)
            return statistic, p_value(statistic, self.null(n))
        rng = np.random.default_rng([self.seed, 3, n])
        null = self.null(self.cap)
        values, ps = [], []
        for _ in range(n_splits):
            pick = rng.choice(n, self.cap, replace=False)
            value = self.statistic(distances[np.ix_(pick, pick)])
            values.append(value)
            ps.append(p_value(value, null))
        return float(np.median(values)), float(min(1.0, 2.0 * np.median(ps)))

    def k_of(self, distances: np.ndarray, alpha: float, n_splits: int = N_SPLITS) -> tuple[int, np.ndarray, float]:
        """(k, labels, p): k = 1 unless the test rejects one writer."""
        _, p = self.test(distances, n_splits)
        if p > alpha:
            return 1, np.zeros(len(distances), dtype=int), p
        return (*self.split(distances), p)

    def split(self, distances: np.ndarray) -> tuple[int, np.ndarray]:
        """(k >= 2, labels): the pair-likelihood clustering once one writer is rejected."""
        k, labels, _ = cluster.choose_k(distances, self.model, K_MAX, self.penalty * len(distances))
        if k == 1:
            k, labels = 2, cluster.cut_tree(cluster.average_tree(distances), 2, len(distances))
        return k, labels


def test_composite(
    corpus_or_dataset: Any,
    *,
    byline: str | None = None,
    operators: Any = None,
    config: str | None = None,
    reference: ReferenceSet | None = None,
    alpha: float = 0.05,
    n_null: int = N_NULL,
    rolling: bool = True,
    grouped: bool = False,
    n_subsamples: int = N_SUBSAMPLES,
    seed: int = 0,
    reference_corpus: Any = None,
    metadata_col: str | None = None,
    unnamed: str = "(no byline)",
    progress: ProgressFactory = no_progress,
) -> CompositeResult:
    """Test whether a byline's documents are one writer's; estimate k, clusters and operators.

    ``unnamed``: what to call the byline when no row names one (the command line passes the file's name).

    ``operators``: a Corpus or Dataset of known operators' writings (``author`` names them).
    ``config``: accepted for the shared interface; the test's representation is fixed (additive
    counts are what lets the null match unit lengths), so a feature preset does not change it.
    ``reference``: the null's reference set (default: C50 authors for articles, IRA accounts
    for tweets read in runs of 20; both ship with the package). ``grouped``: tweets are already analysis units.
    ``n_subsamples``: subsamples for the distribution over k and document stability (0: none;
    the p-value, k and clusters do not depend on them). Time-stamped posts without operators go
    to the per-post writer model (``attribution.composite.tweets``), whose null ships with the
    package; ``reference_corpus`` (single-writer bylines of the byline's genre) replaces that null.
    On the document path (articles, excerpts) ``reference_corpus`` replaces the default reference
    (unless ``reference`` is given): the representation, the pair model and the null's
    single-writer sets all come from it, so short documents are calibrated on short documents.
    ``metadata_col``: a posts' column (posting client) reported as separate evidence on the
    per-post path only, never part of the verdict.
    """
    _check_arguments(alpha, config)
    dataset, report = _as_dataset(corpus_or_dataset)
    dataset, name = _select_byline(dataset, byline, unnamed)
    kind = _kind(dataset) if len(dataset) else "article"
    if _per_post(dataset, kind, grouped, reference, operators):
        return _route_to_posts(dataset, name, report, alpha, seed, reference_corpus, metadata_col, progress)
    if metadata_col:
        log.warning("composite: --metadata-col is read only for time-stamped posts tested post by post; ignored")
    units = dataset if grouped else _units(dataset, kind)
    units, repeats = _distinct(units)
    data = _describe_byline(units, name, kind, report, seed, n_subsamples)
    if repeats.caveat:
        data["methods"]["caveats"].append(repeats.caveat)
        data["n_documents"] = len(repeats.rows)
    if len(units) < MIN_DOCUMENTS:
        result = _insufficient_evidence(data, units, alpha, distinct=len(units) if repeats.caveat else None)
        result["documents"] = repeats.expand(result["documents"])
        return CompositeResult(result)
    texts = list(units["text"])
    tokens = token_counts(texts)
    chosen_by_length = reference is None and reference_corpus is None and kind != "tweet"
    reference, origin = _choose_reference(reference, reference_corpus, kind, tokens)
    if chosen_by_length:
        data["methods"]["reference_pool"] = describe_pool_choice(tokens, origin)
    # Documents under half the reference's median length lie outside what its null and measured
    # rates describe (units cannot be cut shorter than a reference document).
    too_short = float(np.median(tokens)) < reference.median_tokens / 2
    tester = _calibrate(data, reference, tokens, n_null, seed, origin, too_short)
    counts = reference.profile.counts(texts)
    placement = _placement(data, reference, tester.m, counts, n_null, seed, origin)
    style = _style_test(data, tester, kind, texts, counts, n_null, seed, alpha)
    evidence = None
    if operators is not None:
        evidence = _operator_step(data, operators, kind, texts, style, alpha, seed, grouped)
    p = _combined_p(style.p_value, None if evidence is None else evidence.p_value)
    k, labels = _choose_clusters(style, evidence, p, alpha)
    together, k_block = _subsample(style, evidence, k, n_subsamples, seed, progress)
    level = "composite" if p <= alpha else "inconclusive" if p <= 2 * alpha else "single"
    found = _describe_documents(data, units, style, evidence, labels, k, together, n_subsamples, p <= alpha)
    if k > 1:
        data["methods"]["confidence"] = _confidence_method(n_subsamples > 0, evidence is not None)
        data["behaviour"] = byline_schedules(dataset, units, labels, seed=seed)
    if rolling and level == "composite":
        data["rolling"] = _rolling(texts, found.ids, labels, found.between, reference, found.matcher)
    verdict = _verdict(level, k, p, found.matched, data["operators"], alpha)
    # Beyond every single reference writer's set of its size (another genre, era or language?):
    # the null and the measured rates describe bylines unlike this one. The function-word view of
    # long documents z-scores within the byline, which a genre cannot shift as a whole.
    outside = placement["reference_share_as_far"] == 0.0 and style.words is None
    if too_short:
        weaken_single(verdict, "but documents this short were not measured: weak evidence of one writer")
    elif outside:
        weaken_single(verdict, "but the byline lies outside what the reference measured: weak evidence of one writer")
    if evidence is not None:
        _describe_operator_methods(data["methods"])
    measured = _measured_fpr(
        origin,
        evidence is not None,
        too_short=too_short,
        outside=outside,
        units_of=tester.m,
        word_view=style.words is not None,
    )
    test = _test_block(style, evidence, p, alpha, reference, measured)
    data["methods"]["calibration"] += _calibration_clause(measured)
    test["reference"] = placement
    data.update(
        verdict=verdict, test=test, k=k_block, clusters=found.clusters, documents=repeats.expand(found.documents)
    )
    return CompositeResult(data)


def _check_arguments(alpha: float, config: str | None) -> None:
    """Reject an alpha outside (0, 1); note a feature config, which the fixed representation ignores."""
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must be between 0 and 1, got {alpha!r}")
    if config not in (None, "default", "light"):
        log.info("composite: feature config %r does not change the test's fixed representation", config)


def _route_to_posts(
    dataset: datasets.Dataset,
    name: str,
    report: LoadReport,
    alpha: float,
    seed: int,
    reference_corpus: Any,
    metadata_col: str | None,
    progress: ProgressFactory,
) -> CompositeResult:
    """Time-stamped posts without operators: the per-post writer model, not the document test."""
    from attribution.composite.tweets import test_posts

    return CompositeResult(
        test_posts(
            dataset,
            name=name,
            load=report.to_dict(),
            alpha=alpha,
            seed=seed,
            versions=_versions(),
            reference=None if reference_corpus is None else _as_dataset(reference_corpus)[0],
            metadata_column=metadata_col,
            progress=progress,
        )
    )


@dataclass
class _Repeats:
    """Documents whose text repeats an earlier one's: ``source[i]`` is the position among the
    distinct documents that row ``i`` of the byline takes its result from."""

    rows: datasets.Dataset
    source: list[int]
    caveat: str | None

    def expand(self, documents: list[dict]) -> list[dict]:
        """One result row per byline row again, a repeat carrying its original's cluster and scores."""
        if self.caveat is None:
            return documents
        names = self.rows.select_columns(["id", "title", "timestamp"])
        return [{**documents[j], **_identity(row)} for j, row in zip(self.source, names)]


def _distinct(units: datasets.Dataset) -> tuple[datasets.Dataset, _Repeats]:
    """The byline's documents with each repeated text kept once (first occurrence), and how to
    give every row its result back: six copies of one article are one piece of evidence, not six,
    and identical documents would look like a tight writer of their own."""
    keys = fingerprints(pa.array(units["text"], type=pa.string())).to_pylist()
    position: dict[str, int] = {}  # a text's position among the distinct documents
    kept: list[int] = []  # the byline row of each distinct document
    source: list[int] = []
    repeats: list[int] = []
    for i, key in enumerate(keys):
        if key in position:
            repeats.append(i)
        else:
            position[key] = len(kept)
            kept.append(i)
        source.append(position[key])
    if not repeats:
        return units, _Repeats(units, source, None)
    ids = units["id"]
    named = ", ".join(f"{ids[i]} (= {ids[kept[source[i]]]})" for i in repeats[:10]) + (
        " …" if len(repeats) > 10 else ""
    )
    caveat = (
        f"{len(repeats)} document(s) repeat the text of another (apart from case, spacing, punctuation or links) "
        f"and were tested once, each given its original's cluster: {named}."
    )
    return units.select(kept), _Repeats(units, source, caveat)


def _describe_byline(
    units: datasets.Dataset, name: str, kind: str, report: LoadReport, seed: int, n_subsamples: int
) -> dict[str, Any]:
    """The result's frame (byline, load, methods, caveats) that the later steps fill in."""
    caveats = ["A single writer whose documents span very different topics or genres can look like several."]
    if kind == "tweet":
        caveats.append(f"Tweets were grouped into units of {UNIT_POSTS} consecutive posts; a unit may mix writers.")
    return {
        "byline": name,
        "n_documents": len(units),
        "kind": kind,
        "load": report.to_dict(),
        "seed": seed,
        "versions": _versions(),
        "behaviour": None,
        "rolling": None,
        "operators": None,
        "methods": {
            "features": "Character 3-gram counts (case kept; 20,000 most frequent in the reference), sublinear "
            "tf-idf, centred on the reference mean, cosine distances. Evidence: named function-word, "
            "punctuation and word-length rates.",
            "model": f"Average-linkage clustering; k chosen by the pair likelihood of same-writer vs "
            f"different-writer distances learned on reference authors, less a penalty per extra cluster, "
            f"k <= {K_MAX}; {n_subsamples} subsamples of {int(SUBSAMPLE * 100)}% of the documents give the "
            "distribution over k.",
            "calibration": "not run",
            "caveats": caveats,
        },
    }


def _confidence_method(subsampled: bool, operators: bool) -> str:
    """What a document's confidence is (as ``_describe_documents`` chose it), and how it matched
    the rate on held-out staff bylines."""
    if not subsampled and not operators:
        return "Not estimated (no subsamples were run): every document shows 100%."
    if not subsampled:
        return (
            "Each document's confidence is the operator evidence's posterior probability of its cluster's operator "
            "(1 for documents no operator explains)."
        )
    section = ((shipped_results("interleaved") or {}).get("c50") or {}).get("document_confidence")
    return (
        "Each document's confidence is how often it stayed with the other members of its cluster over the "
        "subsamples: a stability, not a probability that it is its writer's."
        + measured_clause(section, "held-out C50 staff bylines, at the k the test chose")
    )


def _insufficient_evidence(
    data: dict[str, Any], units: datasets.Dataset, alpha: float, *, distinct: int | None = None
) -> dict[str, Any]:
    """Too few documents to test: no p-value, no k, every document in one cluster (``distinct``:
    how many were left once repeated texts were counted once, when some were)."""
    data.update(
        verdict=verdict_of("insufficient_evidence", None, None, None, distinct=distinct),
        test={
            "statistic_name": STATISTIC,
            "statistic": None,
            "p_value": None,
            "alpha": alpha,
            "null_method": "not run",
            "n_null": 0,
            "measured_fpr": None,
        },
        k={
            "estimate": None,
            "interval": None,
            "probabilities": {},
            "source": "style",
            "style_only": None,
            "operator_informed": None,
        },
        clusters=[],
        documents=[_document_row(units, i, 0, None, False, None, None, [0.0, 0.0]) for i in range(len(units))],
    )
    return data


def _choose_reference(
    reference: ReferenceSet | None, reference_corpus: Any, kind: str, tokens: np.ndarray
) -> tuple[ReferenceSet, str]:
    """(reference, its origin): "user" (``--reference``), the shipped pool's name (posts in runs of
    20: "tweet"; documents: the pool nearest their length, or a shipped pool passed in), or "given"
    (another fitted set passed in)."""
    if reference is not None:
        pools = ("tweet",) if reference.kind == "tweet" else tuple(DOCUMENT_POOLS)
        shipped = [pool for pool in pools if shipped_reference(pool)[0] is reference]
        return reference, shipped[0] if shipped else "given"
    if reference_corpus is not None:
        return reference_from_corpus(_as_dataset(reference_corpus)[0], kind), "user"
    pool = "tweet" if kind == "tweet" else choose_pool(tokens)
    return load_reference(pool), pool


def _calibrate(
    data: dict[str, Any],
    reference: ReferenceSet,
    tokens: np.ndarray,
    n_null: int,
    seed: int,
    origin: str,
    too_short: bool,
) -> _Tester:
    """The calibrated tester at the byline's unit length, its penalty, and what the calibration assumes."""
    caveats = data["methods"]["caveats"]
    m = reference.unit_length(tokens)
    caveats.append(
        f"The null is calibrated on reference authors ({reference.name}); bylines unlike them (era, genre, "
        "language) may be miscalibrated."
    )
    data["methods"]["calibration"] = (
        f"p-value of the {STATISTIC} against {n_null} single-author sets of the same size drawn from "
        f"{reference.name} (units of {m} reference document(s) to match length)."
    )
    tester = _Tester(reference, m, n_null, seed)
    n = len(tokens)
    if origin == "user" or origin in TUNED_PENALTY_POOLS:
        # A reference of another genre or length (short excerpts) sets its own prior against
        # splitting: the penalty that best recovers its own writers in simulated composites.
        tester.penalty = tune_penalty(reference, n, m, K_MAX, seed=seed)
        whose = "the user's reference writers" if origin == "user" else f"the writers of {reference.name}"
        data["methods"]["model"] += (
            f" Penalty: {tester.penalty} per document per extra cluster, the rate that best recovered {whose} "
            "(BCubed F) in simulated composites of the byline's size."
        )
    else:
        data["methods"]["model"] += (
            f" Penalty: {tester.penalty} per document per extra cluster. It assumes a few writers with several "
            "documents each; for many writers with one or two documents each, a reference corpus of the byline's "
            "genre (--reference) chooses the rate on its own writers."
        )
    if m > 1:
        caveats.append(f"Byline documents are longer than reference ones: null units join {m} reference documents.")
    elif too_short:
        caveats.append(
            f"Byline documents are shorter than the reference's (median {np.median(tokens):.0f} against "
            f"{reference.median_tokens:.0f} words): the null's units are longer than the byline's, and the test's error "
            "rates were not measured on documents this short."
        )
    if n > tester.cap:
        caveats.append(
            f"The byline has {n} documents; one reference author gives at most {tester.cap} units of that length, so "
            f"{N_SPLITS} random subsets of {tester.cap} were tested and their p-values combined (twice the median)."
        )
    return tester


@dataclass
class _Style:
    """The style test's outcome, and the views that cluster any subset of the byline's documents."""

    tester: _Tester
    distances: np.ndarray
    words: WordTester | None
    statistic_name: str
    statistic: float
    p_value: float
    p_views: dict[str, float]
    n_null: int
    alpha: float
    k: int = 1
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))

    def k_of(self, pick: np.ndarray, n_splits: int = N_SPLITS) -> tuple[int, np.ndarray]:
        """k and labels of the documents ``pick`` by the style views (k = 1 unless one writer is rejected)."""
        if self.words is not None:
            k_words, word_labels = self.words.clusters(pick)
            if k_words > 1:
                return k_words, word_labels
        kb, lb, _ = self.tester.k_of(self.distances[np.ix_(pick, pick)], self.alpha, n_splits=n_splits)
        return kb, lb


def _style_test(
    data: dict[str, Any],
    tester: _Tester,
    kind: str,
    texts: list[str],
    counts: sparse.spmatrix,
    n_null: int,
    seed: int,
    alpha: float,
) -> _Style:
    """H0 "one writer" by style: the character n-gram test, or the function-word view for long articles.
    ``counts``: the texts' counts in the reference's representation."""
    reference, m, n = tester.reference, tester.m, len(texts)
    distances = reference.profile.distances(counts)
    statistic, p_style = tester.test(distances)
    null = tester.null(n)
    words = _word_view(kind, reference, m, n_null, seed, texts, alpha)
    style = _Style(
        tester, distances, words, STATISTIC, statistic, p_style, {"character_ngrams": p_style}, len(null), alpha
    )
    if words is not None:
        style.statistic, style.p_value = words.test(words.counts, words.totals)
        style.p_views["function_words"] = style.p_value
        style.statistic_name = WORD_STATISTIC
        style.n_null = words.draws(n)
        _describe_word_view(data, m, n, n_null, style.n_null)
    style.k, style.labels = style.k_of(np.arange(n)) if style.p_value <= alpha else (1, np.zeros(n, dtype=int))
    return style


def _describe_word_view(data: dict[str, Any], m: int, n: int, n_null: int, n_word_null: int) -> None:
    """Say in the methods and caveats that long articles were tested by their function words."""
    methods = data["methods"]
    methods["features"] += (
        f" Long articles (units of {m} reference documents): the style test reads the byline's "
        f"{TOP_WORDS} most frequent function words, square-root rates z-scored within the byline."
    )
    methods["calibration"] = (
        methods["calibration"]
        .replace(STATISTIC, WORD_STATISTIC)
        .replace(f"against {n_null} single-author sets", f"against {n_word_null} single-author sets")
    )
    methods["caveats"].append(
        "Documents are long: the style test reads within-byline function-word z-scores, which a byline's era or "
        "genre cannot shift as a whole (the character n-gram view's p-value, centred on the reference, is "
        f"reported beside it in test.style_views). It tests all {n} documents at once; where one reference author "
        "cannot give that many disjoint units, each null unit draws its documents independently."
    )


def _operator_step(
    data: dict[str, Any],
    operators: Any,
    kind: str,
    texts: list[str],
    style: _Style,
    alpha: float,
    seed: int,
    grouped: bool,
) -> OperatorEvidence:
    """The known operators' evidence on the byline, its caveats, and its neighbourhoods in the word view."""
    tester = style.tester
    evidence = _operator_evidence(
        operators, kind, tester.reference, texts, tester, style.distances, alpha, seed, grouped
    )
    data["methods"]["caveats"].extend(evidence.caveats)
    if style.words is not None and evidence.k >= 2:
        evidence.neighbours = style.words.neighbours()
    return evidence


def _choose_clusters(
    style: _Style, evidence: OperatorEvidence | None, p: float, alpha: float
) -> tuple[int, np.ndarray]:
    """(k, labels): the operators found present where they explain the byline, else the style clusters."""
    n = len(style.distances)
    if evidence is None:
        return style.k, style.labels
    if p <= alpha and evidence.k >= 2:
        return evidence.k, evidence.labels
    if p <= alpha:
        return (style.k, style.labels) if style.k > 1 else style.tester.split(style.distances)
    return 1, np.zeros(n, dtype=int)


def _subsample(
    style: _Style,
    evidence: OperatorEvidence | None,
    k: int,
    n_subsamples: int,
    seed: int,
    progress: ProgressFactory,
) -> tuple[np.ndarray, dict[str, Any]]:
    """(how often each pair of documents clusters together, the k block): k's spread over subsamples."""
    n = len(style.distances)
    rng = np.random.default_rng([seed, 5, n])
    size = max(MIN_DOCUMENTS, int(round(SUBSAMPLE * n)))
    k_draws = []
    both = np.zeros((n, n))
    together = np.zeros((n, n))
    for _ in progress(range(n_subsamples), desc="subsamples"):
        pick = np.sort(rng.choice(n, min(size, n), replace=False))
        kb, lb = style.k_of(pick, n_splits=5)
        k_draws.append(kb)
        both[np.ix_(pick, pick)] += 1
        together[np.ix_(pick, pick)] += lb[:, None] == lb[None, :]
    together = together / np.maximum(both, 1)
    style_k_block = k_distribution(style.k, np.asarray(k_draws, dtype=int))
    k_block = dict(style_k_block) if evidence is None else k_distribution(k, evidence.k_draws)
    k_block.update(
        estimate=int(k),
        source="style" if evidence is None else "operators",
        style_only=style_k_block,
        operator_informed=None if evidence is None else evidence.k_summary(),
    )
    return together, k_block


@dataclass
class _Documents:
    """What the result says per cluster and per document, and what the rolling view reuses."""

    ids: list[str]
    clusters: list[dict]
    documents: list[dict]
    between: np.ndarray
    matcher: OperatorMatcher | None
    matched: int | None


def _describe_documents(
    data: dict[str, Any],
    units: datasets.Dataset,
    style: _Style,
    evidence: OperatorEvidence | None,
    labels: np.ndarray,
    k: int,
    together: np.ndarray,
    n_subsamples: int,
    composite: bool,
) -> _Documents:
    """Each cluster's distinguishing features and operator, each document's cluster, stability and place."""
    n = len(units)
    texts, ids = list(units["text"]), [str(i) for i in units["id"]]
    if k > 1 and n_subsamples:
        confidence = cluster.cluster_confidence(labels, together)
    elif k > 1 and evidence is not None:
        confidence = evidence.confidence(labels)
    else:
        confidence = np.ones(n)
    between = (confidence < BETWEEN_THRESHOLD) & (k > 1)
    xy = _classical_mds(style.distances)
    clusters = distinguishing_features(labels, texts, ids)
    for c in clusters:
        c.update(operator=None, operator_probability=None)
    doc_ops: list[str | None] = [None] * n
    doc_probs: list[dict | None] = [None] * n
    matched = matcher = None
    if evidence is not None:
        matcher = evidence.matcher
        data["operators"] = evidence.fill(labels, clusters, doc_ops, doc_probs, composite=composite)
        matched = sum(c["operator"] != UNKNOWN for c in clusters)
    documents = [
        _document_row(
            units,
            i,
            int(labels[i]),
            float(confidence[i]) if k > 1 else None,
            bool(between[i]),
            doc_ops[i],
            doc_probs[i],
            [round(float(xy[i, 0]), 4), round(float(xy[i, 1]), 4)],
        )
        for i in range(n)
    ]
    return _Documents(ids, clusters, documents, between, matcher, matched)


def _verdict(level: str, k: int, p: float, matched: int | None, operators: dict | None, alpha: float) -> dict:
    """The verdict, which names a single-operator rejection that the combined test does not carry."""
    verdict = verdict_of(level, k, p, matched)
    single = (operators or {}).get("single_operator") or {}
    if level != "composite" and single.get("p_value") is not None and single["p_value"] <= alpha:
        # The single-operator H0 (one of the known operators wrote everything) is rejected on its
        # own but not after the Bonferroni combination, or only on documents the gate set aside.
        p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
        verdict["text"] = (
            f"The combined test finds no evidence of more than one writer ({p_text}), but "
            + single["text"][0].lower()
            + single["text"][1:]
        )
    return verdict


def _describe_operator_methods(methods: dict[str, Any]) -> None:
    """Say in the methods how operators set k and the clusters, and how the two p-values combine."""
    methods["model"] += (
        " With operators, k counts the operators whose share of the explained documents is significantly above "
        "zero after the matcher's out-of-fold confusion is allowed for, plus the writers of the unexplained "
        "documents, and the clusters are the operators found present."
    )
    methods["calibration"] += (
        " With operators, the p-value is min(1, 2 min(p_style, p_operator)) (Bonferroni), p_operator being the "
        "single-operator test on the documents the operators explain; its false-positive rate is measured with "
        "the author among the operators and with 8 distractor operators only."
    )


def _placement(
    data: dict[str, Any],
    reference: ReferenceSet,
    m: int,
    counts: sparse.spmatrix,
    n_null: int,
    seed: int,
    origin: str,
) -> dict[str, Any]:
    """Where the byline lies against the reference, measured: its documents' shared offset from the
    reference's centre among single reference writers' sets of its size; a caveat when beyond all."""
    distance = reference.offset(counts)
    null = reference.offset_null(counts.shape[0], m, n_draws=n_null, seed=seed)
    share = float(np.mean(null >= distance))
    if share == 0.0:
        data["methods"]["caveats"].append(
            f"The byline's documents lean together away from the reference texts ({distance:.2f}) further than "
            f"every one of {len(null)} single reference writers' sets of its size ({float(null.max()):.2f} at most): "
            "it is outside what the null was measured on (another genre, era or language?)."
        )
    block: dict[str, Any] = {
        "name": reference.name,
        "typicality_distance": round(distance, 4),
        "reference_share_as_far": round(share, 4),
    }
    if origin in REFERENCE_FILES:
        meta = shipped_reference(origin)[1]
        block.update(pool=origin, built=meta.get("built"), commit=meta.get("commit"))
    return block


def _test_block(
    style: _Style,
    evidence: OperatorEvidence | None,
    p: float,
    alpha: float,
    reference: ReferenceSet,
    measured: MeasuredRate,
) -> dict[str, Any]:
    """The result's ``test``: the statistic, the p-values and how they combine, the null, the measured rate."""
    if evidence is not None and measured.value is not None and len(evidence.oof.operators) <= LEAVE_ONE_OUT_MAX:
        measured = replace(
            measured,
            source=f"{measured.source}; measured with operator sets of over {LEAVE_ONE_OUT_MAX} documents, scored "
            f"out of fold by 5-fold splits, while this run's {len(evidence.oof.operators)} operator documents were "
            "scored leave-one-out",
        )
    operator_p = None if evidence is None else evidence.p_value
    return {
        "statistic_name": style.statistic_name,
        "statistic": round(float(style.statistic), 6),
        "p_value": round(p, 6),
        "style_p_value": round(style.p_value, 6),
        "style_views": {name: round(float(v), 6) for name, v in style.p_views.items()},
        "operator_p_value": None if operator_p is None else round(operator_p, 6),
        "combination": "style test only" if operator_p is None else "Bonferroni: min(1, 2 min(style, operator))",
        "alpha": alpha,
        "null_method": f"single-author sets of the same size from {reference.name}",
        "n_null": style.n_null,
        **measured.as_keys("measured_fpr"),
    }


def _word_view(kind: str, reference: ReferenceSet, m: int, n_null: int, seed: int, texts: list[str], alpha: float):
    """The function-word view (``word_view``) for long articles, or None."""
    if kind != "article" or m < LONG_UNITS or not reference.has_word_counts:
        return None
    return WordTester.for_texts(texts, reference=reference, m=m, n_null=n_null * NULL_FACTOR, seed=seed, alpha=alpha)


def _combined_p(p_style: float, p_operator: float | None) -> float:
    """One valid p-value from two tests (style and operator, or two style views): Bonferroni over the two."""
    if p_operator is None:
        return float(p_style)
    return float(min(1.0, 2.0 * min(p_style, p_operator)))


test_composite.__test__ = False  # a library function, not a pytest test


def _identity(row: dict) -> dict:
    """The keys of a result row that name its document: id, title, time stamp."""
    stamp = row["timestamp"]
    return {"id": str(row["id"]), "title": row["title"], "timestamp": stamp.isoformat() if stamp is not None else None}


def _document_row(units, i, label, confidence, between, operator, probabilities, xy) -> dict:
    """One document's result row; ``confidence`` None where there is one group (nothing to weigh)."""
    return {
        **_identity(units[i]),
        "cluster": label,
        "cluster_confidence": None if confidence is None else round(confidence, 4),
        "between_clusters": between,
        "operator": operator,
        "operator_probabilities": probabilities,
        "xy": xy,
    }


def _operator_evidence(operators, kind, reference, texts, tester, distances, alpha, seed, grouped) -> OperatorEvidence:
    """The operator set's evidence on the byline (``operator_evidence``)."""
    op_data, _ = _as_dataset(operators)
    op_units = op_data if grouped else _units(op_data, kind)
    names = [a if a is not None else b for a, b in zip(op_units["author"], op_units["byline"])]
    if any(x is None for x in names):
        raise CorpusError("every operator document needs an author (or byline) naming its operator")

    def cluster_unknown(indices: np.ndarray) -> tuple[int, np.ndarray]:
        k, labels, _ = tester.k_of(distances[np.ix_(indices, indices)], alpha)
        return k, labels

    return gather_operator_evidence(
        lambda: OperatorMatcher(profile=reference.profile, seed=seed),
        list(op_units["text"]),
        names,
        texts,
        cluster_unknown,
        alpha,
        seed,
        MIN_DOCUMENTS,
    )


def _rolling(texts, ids, labels, between, reference, matcher) -> dict | None:
    """Rolling-window view of the documents flagged between clusters (at most 3)."""
    flagged = [i for i in np.flatnonzero(between)][:3]
    if not flagged:
        return None
    if matcher is not None:
        names = matcher.classes_

        def score(window_texts):
            return matcher.predict_proba(matcher.transform_texts(window_texts), window_texts)
    else:
        vectors = reference.profile.vectors(reference.profile.counts(texts))
        centroids = np.vstack([vectors[labels == c].mean(axis=0) for c in np.unique(labels)])
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
        names = [f"cluster {c}" for c in np.unique(labels)]

        def score(window_texts):
            sims = reference.profile.vectors(reference.profile.counts(window_texts)) @ centroids.T
            e = np.exp((sims - sims.max(axis=1, keepdims=True)) / 0.02)
            return e / e.sum(axis=1, keepdims=True)

    return {"documents": [{"document_id": ids[i], **rolling_classify(texts[i], score, names)} for i in flagged]}
