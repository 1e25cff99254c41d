"""Plant seeded coordinated groups (templated near-duplicates posted in sync) into a tweet frame.

Used by the coordination benchmark and tests: the truth is known, the rest of the data is real.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from attribution.behaviour.near_duplicates import is_retweet, normalise_post

#: Endings a member appends to its copy of a template, as templated campaigns do.
_ENDINGS = (
    "#tcot",
    "#news",
    "#usa",
    "#politics",
    "Share this!",
    "RT if you agree",
    "#MustRead",
    "Read more:",
    "via @newsdesk",
    "#breaking",
    "#America",
    "Retweet!",
)


def _variant(rng: np.random.Generator, template: str, vocabulary: list[str]) -> str:
    """The template with a different ending and, half the time, one word swapped."""
    words = template.split()
    if rng.random() < 0.5 and len(words) > 4:
        position = int(rng.integers(1, len(words) - 1))
        words[position] = vocabulary[int(rng.integers(len(vocabulary)))]
    return " ".join(words) + " " + _ENDINGS[int(rng.integers(len(_ENDINGS)))]


def plant_groups(
    frame: pd.DataFrame,
    *,
    seed: int = 0,
    n_groups: int = 6,
    sizes: tuple[int, int] = (2, 4),
    events: tuple[int, int] = (4, 12),
    jitter_seconds: int = 90,
) -> tuple[pd.DataFrame, list[list[str]]]:
    """Add coordinated posts to disjoint groups of real accounts.

    ``frame`` has columns ``account, text, timestamp`` (UTC). Each group posts ``events``
    templates (real posts of accounts outside every group, at least 8 words, not retweets),
    each member a variant within ``jitter_seconds`` of the others; the template posts
    themselves are removed. Returns the new frame and the planted groups.
    """
    rng = np.random.default_rng(seed)
    accounts = sorted(frame["account"].unique())
    chosen = rng.permutation(len(accounts))
    groups, used = [], 0
    for _ in range(n_groups):
        size = int(rng.integers(sizes[0], sizes[1] + 1))
        groups.append([accounts[k] for k in sorted(chosen[used : used + size])])
        used += size
    members = {a for g in groups for a in g}
    pool = frame[~frame["account"].isin(members)]
    pool = pool[[not is_retweet(t) and len(normalise_post(t)) >= 8 for t in pool["text"]]]
    vocabulary = sorted({w for t in pool["text"].head(2000) for w in normalise_post(t) if len(w) > 3})
    start, end = frame["timestamp"].quantile(0.1), frame["timestamp"].quantile(0.9)
    span = (end - start).total_seconds()
    rows, used_templates = [], []
    for number, group in enumerate(groups):
        n_events = int(rng.integers(events[0], events[1] + 1))
        picked = pool.index[rng.choice(len(pool), n_events, replace=False)]
        pool = pool.drop(picked)
        used_templates.extend(picked)
        templates = frame.loc[picked, "text"].tolist()
        for event, template in enumerate(templates):
            moment = start + pd.Timedelta(seconds=float(rng.uniform(0, span)))
            for member in group:
                rows.append(
                    {
                        "id": f"planted-{number}-{event}-{member}",
                        "account": member,
                        "text": _variant(rng, template, vocabulary),
                        "timestamp": moment + pd.Timedelta(seconds=float(rng.uniform(0, jitter_seconds))),
                    }
                )
    planted = pd.DataFrame(rows)
    # The real posts used as templates are removed: otherwise their authors would (rightly)
    # share near duplicates with the group without being part of the planted truth.
    return pd.concat([frame.drop(used_templates), planted], ignore_index=True), groups
