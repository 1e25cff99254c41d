"""Coordination graph on real slices: planted groups found, IRA look-alikes joined, senators not."""

from __future__ import annotations

import itertools

import pandas as pd

from attribution.behaviour import analyse_coordination
from attribution.behaviour.plant import plant_groups


def _same_cluster(result: dict) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for c in result["clusters"] for p in itertools.combinations(c["accounts"], 2)}


def test_planted_templated_synchronised_group_is_recovered(senate_frame):
    accounts = sorted(senate_frame["account"].unique())[:20]
    part = senate_frame[senate_frame["account"].isin(accounts)]
    planted, groups = plant_groups(part, seed=7, n_groups=2, sizes=(3, 3), events=(8, 8))
    result = analyse_coordination(planted, seed=0)
    found = _same_cluster(result)
    for group in groups:
        assert set(itertools.combinations(sorted(group), 2)) <= found
    edge = next(e for e in result["edges"] if {e["source"], e["target"]} <= set(groups[0]))
    assert edge["evidence"]["near_duplicates"] >= 2 and edge["evidence"]["synchronised_near_duplicates"] >= 1
    assert edge["evidence"]["duplicate_examples"]


def test_real_senators_form_no_cluster(senate_frame):
    accounts = sorted(senate_frame["account"].unique())[:20]
    result = analyse_coordination(senate_frame[senate_frame["account"].isin(accounts)], seed=0)
    assert result["clusters"] == []
    assert all(node["cluster"] is None for node in result["nodes"])


def test_ira_look_alike_accounts_are_joined_with_evidence(ira_frame):
    result = analyse_coordination(ira_frame, seed=0)
    family = {"AnaaisLEC", "AnisiLOpe", "BarrLautRs", "RisstyTrt"}
    joined = [c for c in result["clusters"] if family <= set(c["accounts"])]
    assert joined, result["clusters"]
    strong = [e for e in result["edges"] if e["strong"] and {e["source"], e["target"]} <= family]
    assert strong and all(e["weight"] > 0 for e in strong)
    assert "HellieEdwards" not in joined[0]["accounts"]


def test_same_input_and_seed_give_identical_json(ira_frame):
    from attribution.report.jsonio import dumps

    part = ira_frame[ira_frame["account"].isin(["AnisiLOpe", "BarrLautRs", "HellieEdwards"])]
    assert dumps(analyse_coordination(part, seed=3)) == dumps(analyse_coordination(part, seed=3))


def test_collapsing_copies_counts_every_pair_of_their_accounts(ira_frame):
    """Copies of accounts (same texts, same times, new names), paired post by post or once per group."""
    part = ira_frame[ira_frame["account"].isin(["AnisiLOpe", "BarrLautRs", "HellieEdwards"])]
    copied = pd.concat([part, part.assign(account=part["account"] + "-copy")], ignore_index=True)
    plain = analyse_coordination(copied, seed=0)
    collapsed = analyse_coordination(copied, seed=0, collapse_copies=True)
    assert collapsed["summary"]["copy_groups"] < len(copied)
    assert collapsed["summary"]["near_duplicate_post_pairs"] == plain["summary"]["near_duplicate_post_pairs"]

    def evidence(result):
        keys = ("near_duplicates", "synchronised_near_duplicates", "synchronised_pairs", "shared_cosine")
        return {(e["source"], e["target"]): [e["evidence"][k] for k in keys] for e in result["edges"]}

    assert evidence(collapsed) == evidence(plain)
    assert collapsed["clusters"] == plain["clusters"]


def test_pair_blocks_give_the_whole_matrix_result(ira_frame, monkeypatch):
    from attribution.behaviour import coordination
    from attribution.report.jsonio import dumps

    whole = dumps(analyse_coordination(ira_frame, seed=0))
    monkeypatch.setattr(coordination, "BLOCK_PAIRS", 7)  # one row of accounts at a time
    assert dumps(analyse_coordination(ira_frame, seed=0)) == whole
