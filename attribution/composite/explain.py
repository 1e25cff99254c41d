"""What a composite verdict says in words, and which style features set each cluster apart.

Shared by the article test (``composite.article``) and the per-post test (``composite.tweets``),
so both products phrase a finding the same way.
"""

from __future__ import annotations

import re

import numpy as np

from attribution.composite.evidence_counts import PUNCTUATION, count_table, counts_to_rates, feature_names

#: Fewer documents than this give no p-value: "insufficient_evidence".
MIN_DOCUMENTS = 5

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def _examples(feature: str, texts: list[str], ids: list[str], limit: int = 2) -> list[dict]:
    """Sentences of the cluster's documents that show ``feature`` (a word or a mark)."""
    family, _, name = feature.partition("__")
    if family == "mfw":
        pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    elif family == "punct":
        pattern = re.compile(re.escape(PUNCTUATION.get(name, name)))
    else:
        return []
    out = []
    for text, doc_id in zip(texts, ids):
        for sentence in _SENTENCE.findall(text):
            if pattern.search(sentence) and 20 <= len(sentence.strip()) <= 300:
                out.append({"document_id": doc_id, "text": sentence.strip()})
                break
        if len(out) >= limit:
            break
    return out


def _typicality(rates: np.ndarray, members: np.ndarray, features: list[int]) -> np.ndarray:
    """How strongly each member document shows its group's distinguishing features: the mean of
    its rates on them, standardised over the byline; examples are taken from the highest first."""
    if not features:
        return np.zeros(len(members))
    block = rates[:, features]
    standard = (block - block.mean(axis=0)) / np.maximum(block.std(axis=0), 1e-9)
    return standard[members].mean(axis=1)


def distinguishing_features(labels: np.ndarray, texts: list[str], ids: list[str], top: int = 6) -> list[dict]:
    """Per cluster: the named style features most above the rest of the byline, with examples."""
    counts, totals = count_table(texts)
    rates = counts_to_rates(counts, totals)
    names = feature_names()
    out = []
    for c in np.unique(labels):
        inside, outside = rates[labels == c], rates[labels != c]
        rows: list[dict] = []
        examples: list[dict] = []
        members = np.flatnonzero(labels == c)
        if len(outside):
            spread = np.sqrt(inside.var(axis=0) / max(len(inside), 1) + outside.var(axis=0) / max(len(outside), 1))
            z = (inside.mean(axis=0) - outside.mean(axis=0)) / np.maximum(spread, 1e-6)
            z[(inside.max(axis=0) == 0) & (outside.max(axis=0) == 0)] = 0.0
            chosen = [j for j in np.argsort(-z, kind="stable")[:top] if z[j] > 0]
            rows = [
                {"feature": names[j], "family": names[j].split("__")[0], "z": round(float(z[j]), 3)} for j in chosen
            ]
            members = members[np.argsort(-_typicality(rates, members, chosen), kind="stable")]
        member_texts = [texts[i] for i in members]
        member_ids = [ids[i] for i in members]
        for row in rows:
            for example in _examples(row["feature"], member_texts, member_ids, limit=1):
                if example not in examples:
                    examples.append(example)
            if len(examples) >= 3:
                break
        if not examples and member_texts:
            first = _SENTENCE.findall(member_texts[0])
            examples = [{"document_id": member_ids[0], "text": (first[0] if first else member_texts[0])[:300].strip()}]
        out.append(
            {"cluster": int(c), "size": int((labels == c).sum()), "distinguishing_features": rows, "examples": examples}
        )
    return out


def weaken_single(verdict: dict, why: str) -> dict:
    """A "one writer" verdict reworded as weak evidence (``why`` replaces "consistent with a single
    author"), where what was measured says the test would likely miss several writers; marked
    ``weak`` so that a headline does not read "One writer"."""
    if verdict["level"] == "single":
        verdict["text"] = verdict["text"].replace("consistent with a single author", why)
        verdict["weak"] = True
    return verdict


def verdict_of(level: str, k: int | None, p: float | None, matched: int | None, *, distinct: int | None = None) -> dict:
    """The verdict object: level, its sentence, and whether the byline is composite (None: no
    finding). ``distinct``: for too few documents, how many differ once repeats count once."""
    if level == "insufficient_evidence":
        few = "Too few documents" if distinct is None else f"Too few distinct documents ({distinct})"
        text = f"{few} to test (at least {MIN_DOCUMENTS} are needed); no finding."
        return {"level": level, "text": text, "composite": None}
    p_text = "p < 0.001" if p is not None and p < 0.001 else f"p = {p:.3f}"
    if level == "composite":
        text = f"Likely written by {k} different people ({p_text})"
        if matched is not None:
            text += f"; {matched} match{'es' if matched == 1 else ''} known operators"
        return {"level": level, "text": text, "composite": True}
    if level == "inconclusive":
        return {
            "level": level,
            "text": f"Borderline: some sign of more than one writer, not enough to say ({p_text}).",
            "composite": None,
        }
    return {
        "level": level,
        "text": f"No evidence of more than one writer ({p_text}); consistent with a single author.",
        "composite": False,
    }
