"""What the style encoder adds to the per-post writer model of ``bench interleaved``.

The per-post model places posts in the shipped style space (``composite.style_space``: LDA over
the ``short`` features) and reads its variances from tune accounts. Here the same model (style
view, told the true number of writers, so no null is involved) runs on the same composites with
three post representations: the shipped space, the style encoder's vectors (``style`` family),
and both side by side. The encoder's variances are measured the same way as the shipped space's,
on ``tune`` accounts' consecutive posts (``composite.style_space.measure_variances_within_kind``). Only the
composites of at most ``MAX_POSTS`` posts are used: the encoder costs about 8 ms a post here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from attribution.composite.interleave import Byline, post_purity
from attribution.composite.posts import SESSION_GAP_MINUTES, analyse_posts
from attribution.composite.sessions import sessions
from attribution.composite.style_space import StyleSpace, measure_variances_within_kind
from attribution.composite.writer_model import StyleVariances
from attribution.features.short_text import post_kinds
from attribution.features.style_encoder import StyleEncoder
from attribution.progress import ProgressFactory, no_progress

MAX_POSTS = 1000
#: Tune accounts and consecutive posts per account for the encoder's variances.
TUNE_ACCOUNTS = 40
TUNE_POSTS = 300


def encoder_variances(tune: pd.DataFrame, seed: int) -> StyleVariances:
    """Variances of the encoder's vectors on runs of consecutive posts of tune accounts, taken
    within their kind of post as the writer model takes them (like the shipped space's)."""
    rng = np.random.default_rng([seed, 29])
    writers = sorted(w for w, g in tune.groupby("writer") if len(g) >= TUNE_POSTS)
    chosen = rng.choice(writers, min(TUNE_ACCOUNTS, len(writers)), replace=False)
    runs = []
    for writer in sorted(chosen):
        stream = tune[tune["writer"] == writer].reset_index(drop=True)
        start = int(rng.integers(len(stream) - TUNE_POSTS + 1))
        runs.append(stream.iloc[start : start + TUNE_POSTS])
    frame = pd.concat(runs, ignore_index=True)
    vectors = StyleEncoder().encode(frame["text"].tolist()).astype(np.float64)
    session_ids = np.concatenate(
        [
            f"{w}:" + pd.Series(sessions(g["timestamp"].reset_index(drop=True), SESSION_GAP_MINUTES)).astype(str)
            for w, g in frame.groupby("writer", sort=False)
        ]
    )
    kinds = post_kinds(frame["text"].tolist())
    return measure_variances_within_kind(vectors, frame["writer"].to_numpy(), session_ids, kinds)


def _joined(a: StyleVariances, b: StyleVariances) -> StyleVariances:
    return StyleVariances(*(np.concatenate([getattr(a, f), getattr(b, f)]) for f in ("within", "session", "between")))


def encoder_section(
    bylines: list[Byline],
    tune: pd.DataFrame,
    space: StyleSpace,
    variances: StyleVariances,
    *,
    seed: int = 0,
    progress: ProgressFactory = no_progress,
) -> dict:
    """Post purity at the true k (style view) per representation, and the encoder's gain."""
    encoder_var = encoder_variances(tune, seed)
    both_var = _joined(variances, encoder_var)
    purity: dict[str, list[float]] = {"shipped_space": [], "encoder": [], "both": []}
    chosen = [b for b in bylines if b.k > 1 and len(b.posts) <= MAX_POSTS]
    for byline in progress(chosen, desc="interleaved, encoder"):
        texts = byline.posts["text"].tolist()
        truth = byline.posts["writer"].to_numpy()
        shipped = space.transform(texts)
        kinds = post_kinds(texts)
        encoded = StyleEncoder().encode(texts).astype(np.float64)
        for name, vectors, var in (
            ("shipped_space", shipped, variances),
            ("encoder", encoded, encoder_var),
            ("both", np.hstack([shipped, encoded]), both_var),
        ):
            analysis = analyse_posts(vectors, byline.posts["timestamp"], var, kinds, view="style", seed=seed)
            purity[name].append(post_purity(truth, analysis.post_labels(byline.k)))
    means = {name: round(float(np.mean(values)), 4) if values else None for name, values in purity.items()}
    gain = np.asarray(purity["both"]) - np.asarray(purity["shipped_space"])
    return {
        "composites": len(chosen),
        "max_posts": MAX_POSTS,
        "post_purity_at_true_k": means,
        "purity_gain_both_vs_shipped": round(float(gain.mean()), 4) if len(gain) else None,
        "purity_gain_wins": int((gain > 0).sum()),
        "purity_gain_losses": int((gain < 0).sum()),
    }
