"""Variances measured within kind: how writers differ when they post the same kind."""

from __future__ import annotations

import numpy as np

from attribution.composite.style_space import measure_variances, measure_variances_within_kind


def test_writers_who_differ_only_in_which_kinds_they_post_differ_little_within_kind():
    rng = np.random.default_rng(0)
    kind_offset = np.array([[5.0, 0.0], [-5.0, 0.0]])  # kind 1 sits far from kind 0 on dimension 0
    vectors, writers, kinds, sessions = [], [], [], []
    for writer in range(20):
        # Every writer shares the kind offsets; writers differ only in how often they post kind 1
        # (and slightly on dimension 1).
        share = 0.1 if writer % 2 else 0.9
        mean = np.array([0.0, 0.3 * rng.normal()])
        for post in range(60):
            kind = int(rng.random() < share)
            vectors.append(mean + kind_offset[kind] + rng.normal(scale=0.5, size=2))
            writers.append(writer)
            kinds.append(kind)
            sessions.append(writer * 100 + post // 5)
    vectors, writers, kinds, sessions = (np.asarray(a) for a in (vectors, writers, kinds, sessions))
    raw = measure_variances(vectors, writers, sessions)
    within = measure_variances_within_kind(vectors, writers, sessions, kinds)
    # The kind mix inflates the raw between-writer variance on dimension 0; within kind it is gone.
    assert raw.between[0] > 10 * within.between[0]
    # Dimension 1 carries a real writer difference, which stays.
    assert within.between[1] > 0.5 * raw.between[1] > 0
    # A writer's own posts vary less once kinds are taken out.
    assert within.within[0] < raw.within[0]
