"""The composite HTML report: what it shows, how it escapes corpus text, and how it copes with gaps."""

from __future__ import annotations

import html
import re

import pytest

from attribution.errors import AttributionError
from attribution.report.html import build_context, format_p, render_composite_report, write_report

XSS = "<script>alert(1)</script>"


def test_verdict_comes_first_with_its_uncertainty(result, page):
    main = page[page.index("<main>") :]
    verdict = html.escape(result["verdict"]["text"], quote=False)
    assert main.index(verdict) < main.index('id="map"') < main.index('id="operators"') < main.index('id="methods"')
    assert "p &lt; 0.001" in main[: main.index('id="map"')]
    assert (
        "3 on the whole byline; re-estimated on resamples of the documents: 3 in 81%, 4 in 11%, 2 in 6%; "
        "90% range 2 to 4." in page
    )
    assert "1 of 3 groups matches a known operator: Group B \u2192 Crystal1Johnson (66%)." in page


def test_a_resample_that_finds_one_writer_is_not_read_as_the_estimate(result):
    """A composite verdict whose smaller resamples often fail to reject: the fact names the whole
    byline's k first and says what the resamples' "1" means, never "most likely 1"."""
    from attribution.report.html import _writers_fact

    text = _writers_fact({"estimate": 4, "interval": [1, 4], "probabilities": {"1": 0.625, "4": 0.35, "5": 0.025}})
    assert text.startswith("4 on the whole byline")
    assert "1 in 62" in text and "4 in 35%" in text and "5 in" not in text
    assert "1 where a resample did not reject one writer" in text and "90% range 1 to 4" in text


def test_every_section_of_the_issue_is_present(result, page):
    for marker in (
        'id="verdict"',
        'id="map-cluster"',
        'id="map-operator"',
        'id="heatmap"',
        'id="timeline"',
        'id="posting"',
        'id="groups"',
        'id="documents"',
        'id="data"',
        'id="methods"',
    ):
        assert marker in page, marker
    assert page.count("<svg") == 6  # k, two maps, heat map, timeline, posting hours
    assert "1,687" in page and "1,680" in page  # load counts: read, used
    assert "unparseable time stamp (3)" in page
    assert (
        "Documents by their own best-matching operator: Crystal1Johnson 25, TheFoundingSon 8, Jenn_Abrams 6, TEN_GOP 0; 45 match none."
        in page
    )
    example = result["clusters"][1]["examples"][0]["text"]
    assert html.escape(" ".join(example.split()), quote=False) in page


def test_map_dots_name_their_documents(result, page):
    svg = page[page.index('id="map-cluster"') :]
    svg = svg[: svg.index("</svg>")]
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert len(titles) == result["n_documents"]
    assert any(t.startswith("u001 · 2017") for t in titles)


def test_page_is_self_contained_and_scriptless(result, page):
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "nothing may load from the network"
    assert "default-src 'none'" in page
    assert not re.search(r"\son[a-z]+\s*=", page), "no inline event handlers"


def test_corpus_text_is_escaped_everywhere(poisoned):
    page = render_composite_report(poisoned)
    assert "<script" not in page.lower()
    assert "alert(1)" in page  # it is there, as text
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 8
    assert "inside &amp; more" in page


def test_dollar_signs_do_not_turn_into_mathtext(result):
    result["operators"]["names"][1] = "$cash$"
    for doc in result["documents"]:
        doc["operator_probabilities"]["$cash$"] = doc["operator_probabilities"].pop("Jenn_Abrams")
    page = render_composite_report(result)
    assert "$cash$" in page


def test_rendering_is_deterministic(result, page):
    assert render_composite_report(result) == page


def test_without_time_stamps_operators_or_behaviour(result):
    for doc in result["documents"]:
        doc["timestamp"] = None
        doc["operator_probabilities"] = {}
        doc["operator"] = None
    for cluster in result["clusters"]:
        cluster["operator"] = cluster["operator_probability"] = None
    result.update(operators=None, behaviour=None, k=None, test=None, load=None)
    result["verdict"] = {"level": "single", "text": "Likely one writer", "composite": False}
    page = render_composite_report(result)
    assert 'id="heatmap"' not in page and 'id="posting"' not in page and 'id="data"' not in page
    assert "No known operators were given" in page
    assert "in the byline&#39;s order" in page or "in the byline's order" in page
    assert "level-single" in page and "One writer" in page


def test_posting_hours_fall_back_to_document_time_stamps(result):
    result["behaviour"] = None
    context = build_context(result)
    assert context["profile_source"] == "documents"
    assert 'id="posting"' in render_composite_report(result)


def test_behaviour_schedules_are_told_in_words(result, page):
    assert "The groups post at different hours (p = 0.001, Cram\u00e9r&#39;s V = 0.31)" in page
    assert (
        "Posts like an office shift (log-likelihood ratio office vs. private +23.5): about 06:00\u201315:00 UTC, working hours in UTC+3 (UTC+2 to UTC+4)."
        in page
    )
    assert "(580 posts)" in page


def test_behaviour_profiles_may_come_as_a_mapping(result):
    clusters = result["behaviour"].pop("clusters")
    result["behaviour"] = {"profiles": {c["label"]: c["profile_utc"] for c in clusters}, "text": "Schedules differ."}
    context = build_context(result)
    assert context["profile_source"] == "posts"
    assert context["behaviour_text"] == "Schedules differ."
    assert "(580 posts)" in render_composite_report(result)


def test_missing_required_keys_name_them(result):
    del result["verdict"]
    with pytest.raises(AttributionError, match="lacks verdict"):
        render_composite_report(result)


def test_write_report_is_atomic_and_readable(result, page, tmp_path):
    path = write_report(tmp_path / "out" / "report.html", result)
    assert path.read_text(encoding="utf-8") == page
    assert path.stat().st_mode & 0o044, "the report should be readable like any other file"
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]


@pytest.mark.parametrize(
    ("p", "text"), [(None, "p not computed"), (0.0004, "p < 0.001"), (0.012, "p = 0.012"), (0.4, "p = 0.40")]
)
def test_format_p(p, text):
    assert format_p(p) == text


def test_no_documents_still_gives_a_plain_page():
    result = {
        "byline": "x",
        "n_documents": 0,
        "documents": [],
        "clusters": [],
        "verdict": {
            "level": "insufficient_evidence",
            "composite": None,
            "text": "Not enough documents to test (3; at least 10 needed)",
        },
    }
    page = render_composite_report(result)
    assert "Not enough documents to test" in page and "Not enough evidence" in page
    assert "<svg" not in page and 'id="documents"' not in page


def test_noise_documents_are_unassigned(result):
    for doc in result["documents"][:5]:
        doc["cluster"] = -1
    context = build_context(result)
    assert sum(row["group"] == "Unassigned" for row in context["documents"]) == 5
    assert "unassigned" in context["figures"]["map_cluster"]


def test_shift_and_coordination_extras_are_shown_and_escaped(result):
    # The web service adds these keys (analyse_shifts / analyse_coordination output, or why not).
    result["shifts"] = {
        "accounts": [
            {
                "account": "acct<b>1</b>",
                "n_posts": 400,
                "status": "ok",
                "model": "office",
                "office_score": 0.9,
                "offset_label": "UTC+3",
                "offset_interval": [3, 3],
                "office_schedule_utc": {"start": 6, "end": 15},
            },
            {
                "account": "tiny",
                "n_posts": 4,
                "status": "insufficient_evidence",
                "reason": "4 posts; at least 30 needed",
            },
        ]
    }
    result["coordination"] = {"available": True, "error": "coordination analysis could not run: one account"}
    page = render_composite_report(result)
    assert "acct&lt;b&gt;1&lt;/b&gt;" in page
    assert "working hours in UTC+3." in page
    assert "Not enough time-stamped posts (4 posts; at least 30 needed)." in page
    assert "coordination analysis could not run: one account" in page


def test_unknown_operator_sentinel_means_no_match(result):
    for cluster in result["clusters"]:
        cluster["operator"] = cluster["operator"] or "unknown operator"
    for doc in result["documents"]:
        doc["operator"] = doc["operator"] or "unknown operator"
    context = build_context(result)
    assert [g["operator"] for g in context["groups"]] == [None, "Crystal1Johnson", None]
    assert "unknown operator" not in context["operator_names"]
    assert "Matches <strong>unknown operator" not in render_composite_report(result)


def test_rolling_windows_show_changes_of_hand(result):
    result["rolling"] = {
        "documents": [
            {
                "document_id": "u001",
                "window_tokens": 300,
                "step_tokens": 100,
                "windows": [
                    {
                        "start": s,
                        "end": s + 300,
                        "label": "cluster 0" if s < 400 else "cluster 2",
                        "probabilities": {"cluster 0": 0.8 if s < 400 else 0.2, "cluster 2": 0.2 if s < 400 else 0.8},
                    }
                    for s in range(0, 900, 100)
                ],
                "change_points": [{"token": 400, "from": "cluster 0", "to": "cluster 2"}],
            }
        ]
    }
    page = render_composite_report(result)
    assert 'id="rolling"' in page
    assert "Change of writer from Group A to Group C at token 400." in page
    assert page.count("<svg") == 7


def test_single_writer_wording(result):
    for doc in result["documents"]:
        doc["cluster"], doc["between_clusters"] = 0, False
    result["clusters"] = [dict(result["clusters"][0], size=len(result["documents"]), distinguishing_features=[])]
    result["verdict"] = {
        "level": "single",
        "composite": False,
        "text": "No evidence of more than one writer (p = 0.620)",
    }
    result["test"]["p_value"] = 0.62
    result["k"] = {"estimate": 1, "interval": [1, 1], "probabilities": {"1": 1.0}}
    page = render_composite_report(result)
    assert "show a split at least this clear 62% of the time, so this is no evidence of a second writer." in page
    assert "The estimated number of writers was 1; 1 group of documents was formed." in page
    assert "Examples from the byline" in page and "What sets each group apart" not in page


def test_fixture_follows_the_shipped_composite_schema(result):
    from attribution.report.validation import load_schema, schema_errors

    assert load_schema("composite") is not None, "attribution/report/schemas/composite.schema.json is not shipped"
    assert schema_errors(result) == []
    del result["verdict"]["level"]
    assert any("level" in error for error in schema_errors(result))


def test_badge_says_when_no_single_operator_explains_a_one_style_byline(result):
    from attribution.report.html import render_composite_report

    result["verdict"] = {"level": "single", "text": "The style test finds no evidence...", "composite": False}
    operators = result.get("operators") or {
        "names": ["A", "B"],
        "explained": {"p_value": 1.0, "unexplained_documents": 0, "text": "ok"},
    }
    operators["single_operator"] = {
        "p_value": 0.0004,
        "per_operator": {},
        "text": "No single known operator explains the byline.",
    }
    result["operators"] = operators
    page = render_composite_report(result)
    assert "One style, several known operators" in page
    operators["single_operator"]["p_value"] = 0.4
    assert "One style, several known operators" not in render_composite_report(result)


def test_the_documents_table_says_what_its_confidence_is(result):
    """The per-document number is explained where it is shown, from the result's own methods."""
    assert "Group confidence:" not in render_composite_report(result)
    result["methods"]["confidence"] = (
        "Each post's confidence is the rate at which posts like it sat with <their> writer."
    )
    page = render_composite_report(result)
    table = page[page.index('id="documents"') :]
    assert (
        "Group confidence: Each post&#39;s confidence is the rate" in table or "Group confidence: Each post's" in table
    )
    assert "&lt;their&gt;" in table and "Confidence: Each post" in page[page.index('id="methods"') :]


def test_a_weak_one_writer_answer_is_not_headlined_one_writer(result):
    """Where the bench says the test misses most composites like this byline, the badge does not
    claim one writer; each document's group carries no percentage when there is one group."""
    from attribution.composite.explain import verdict_of, weaken_single

    for doc in result["documents"]:
        doc.update(cluster=0, between_clusters=False, cluster_confidence=None)
    result["clusters"] = [dict(result["clusters"][0], size=len(result["documents"]), distinguishing_features=[])]
    result["verdict"] = weaken_single(verdict_of("single", 1, 0.62, None), "but this test found only 31%: weak")
    result["k"] = {"estimate": 1, "interval": [1, 1], "probabilities": {"1": 1.0}}
    page = render_composite_report(result)
    assert result["verdict"]["weak"] is True
    assert "Not shown to be several" in page and ">One writer<" not in page
    assert "(100%)" not in page and "(n/a)" not in page
