"""Training the style encoder's head: supervised contrastive over topic-controlled batches.

Each batch draws writers of one genre (single tweets, 10-tweet episodes, or articles); for each
writer an anchor, a positive by the same writer on another topic, and a hard negative by another
writer on the anchor's topic. The loss is supervised contrastive (SupCon) over the batch. The
backbone stays frozen, so its states are computed once (and cached); training is a few minutes
of matrix products. The epoch kept is the one with the best mean topic-controlled AUC on the
``tune`` writers; the weight of the encoder next to character n-grams is chosen there too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from attribution.features.style_backbone import StyleBackbone
from attribution.features.style_encoder import StyleHead
from attribution.progress import ProgressFactory, no_progress
from attribution.style import corpus
from attribution.style.pairs import controlled_pairs, pair_auc, retrieval_mrr
from attribution.style.similarity import char_similarity, combined_similarity
from attribution.style.topics import topic_labels

log = logging.getLogger(__name__)

EPISODE_POSTS = corpus.RUN_POSTS
HIDDEN = 256
DROPOUT = 0.5
LEARNING_RATE = 3e-4
WEIGHT_DECAY = 1e-2
OUTPUT = 256
TEMPERATURE = 0.1
WRITERS_PER_BATCH = 48
EVAL_EVERY = 100
COMBINATION_WEIGHTS = np.round(np.linspace(0.0, 1.0, 11), 2)


@dataclass
class GenreSet:
    """One genre's texts of one split: backbone states, writer codes, topic clusters."""

    texts: list[str]
    states: np.ndarray
    writers: np.ndarray
    topics: np.ndarray


def episodes(frame, states: np.ndarray, *, size: int = EPISODE_POSTS) -> GenreSet:
    """Episodes of ``size`` posts of each writer, in time order, from the posts sampled for it.

    The posts are sampled as runs of ``corpus.RUN_POSTS`` consecutive posts
    (``corpus.sample_runs_per_writer``), so with ``size`` equal to it an episode is one run: one
    stretch of the account's posting, whose "topic" is the ISO week of its first post. An
    episode's state is the mean of its posts' states, which is what the backbone gives the posts
    joined one per line with ``line_breaks``.
    """
    texts, vectors, writers, weeks = [], [], [], []
    ordered = frame.assign(_row=np.arange(len(frame))).sort_values(["writer", "timestamp"], kind="stable")
    for writer, group in ordered.groupby("writer", sort=True):
        rows, posts, stamps = group["_row"].to_numpy(), group["text"].tolist(), group["timestamp"].tolist()
        for start in range(0, len(rows) - size + 1, size):
            # One post a line (a post's own line breaks become spaces, which the tokenizer reads
            # alike), so the family's ``line_breaks`` mode gives exactly these states.
            texts.append("\n".join(post.replace("\n", " ") for post in posts[start : start + size]))
            vectors.append(states[rows[start : start + size]].mean(axis=0))
            writers.append(writer)
            week = stamps[start].isocalendar()
            weeks.append(week[0] * 100 + week[1])
    codes = np.unique(np.asarray(writers), return_inverse=True)[1]
    return GenreSet(texts, np.asarray(vectors, dtype=np.float32), codes, np.unique(weeks, return_inverse=True)[1])


def genre_sets(
    data_dir, part: str, *, folder: str, seed: int, progress: ProgressFactory = no_progress
) -> tuple[dict[str, GenreSet], object]:
    """({tweet, episode, article}: GenreSet) of one split, and the tweets' frame (for episodes)."""
    backbone = StyleBackbone(progress=progress)
    tweets = corpus.sample_runs_per_writer(corpus.tweets(data_dir, part), corpus.PER_WRITER["tweet"], seed)
    articles = corpus.sample_per_writer(corpus.articles(data_dir, part, folder), corpus.PER_WRITER["article"], seed)
    out = {}
    tweet_states = backbone.states(tweets["text"].tolist())
    for genre, frame, states in (
        ("tweet", tweets, tweet_states),
        ("article", articles, backbone.states(articles["text"].tolist())),
    ):
        codes = np.unique(frame["writer"].to_numpy(), return_inverse=True)[1]
        out[genre] = GenreSet(frame["text"].tolist(), states, codes, topic_labels(frame["text"].tolist(), seed=seed))
    out["episode"] = episodes(tweets, tweet_states)
    return out, tweets


def _batch(data: GenreSet, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Indices and writer labels of one topic-controlled batch."""
    writers = np.unique(data.writers)
    chosen = rng.choice(writers, min(WRITERS_PER_BATCH, len(writers)), replace=False)
    rows = []
    for writer in chosen:
        own = np.flatnonzero(data.writers == writer)
        if len(own) < 2:
            continue
        anchor = rng.choice(own)
        elsewhere = own[(data.topics[own] != data.topics[anchor]) & (own != anchor)]
        rows += [anchor, rng.choice(elsewhere if len(elsewhere) else own[own != anchor])]
        rivals = np.flatnonzero((data.topics == data.topics[anchor]) & (data.writers != writer))
        if len(rivals):
            rows.append(rng.choice(rivals))
    index = np.asarray(rows)
    return index, data.writers[index]


def supcon_loss(z, labels, temperature: float = TEMPERATURE):
    """Supervised contrastive loss (Khosla et al. 2020) over unit vectors ``z``."""
    import torch

    logits = z @ z.T / temperature
    n = len(labels)
    self_mask = torch.eye(n, dtype=torch.bool)
    logits = logits.masked_fill(self_mask, -1e9)
    positive = (labels[:, None] == labels[None, :]) & ~self_mask
    log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    has = positive.any(dim=1)
    mean_log = (log_prob * positive).sum(dim=1)[has] / positive.sum(dim=1)[has]
    return -mean_log.mean()


def _net(dimension: int, seed: int):
    import torch

    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Dropout(DROPOUT),
        torch.nn.Linear(dimension, HIDDEN),
        torch.nn.GELU(approximate="tanh"),
        torch.nn.Linear(HIDDEN, OUTPUT),
    )


def _head(net, mean: np.ndarray, scale: np.ndarray, card: dict) -> StyleHead:
    first, last = net[1], net[3]
    arrays = {
        "mean": mean,
        "scale": scale,
        "w1": first.weight.detach().numpy().T.copy(),
        "b1": first.bias.detach().numpy().copy(),
        "w2": last.weight.detach().numpy().T.copy(),
        "b2": last.bias.detach().numpy().copy(),
    }
    return StyleHead(arrays, card)


def controlled_auc(vectors: np.ndarray, data: GenreSet, seed: int) -> float | None:
    pairs, same = controlled_pairs(data.writers, data.topics, seed=seed)
    return pair_auc(vectors @ vectors.T, pairs, same)


def contrastive_loss(head: StyleHead, sets: dict[str, GenreSet], seed: int, batches: int = 20) -> float:
    """Mean SupCon loss of ``head`` over fixed seeded batches of ``sets`` (lower is better)."""
    import torch

    rng = np.random.default_rng([seed, 7])
    losses = []
    for data in sets.values():
        for _ in range(batches):
            index, labels = _batch(data, rng)
            z = torch.from_numpy(head(data.states[index]))
            losses.append(float(supcon_loss(z, torch.from_numpy(labels))))
    return float(np.mean(losses))


def choose_weight(head: StyleHead, tune: dict[str, GenreSet], seed: int) -> tuple[float, dict]:
    """The encoder's weight next to character n-grams: best mean of AUC and MRR over the tune genres.

    Both count: the encoder alone ranks pairs best, but character n-grams put a writer's
    signature phrases at the top of a retrieval list.
    """
    scores: dict[str, list[tuple[float, float]]] = {}
    for genre, data in tune.items():
        pairs, same = controlled_pairs(data.writers, data.topics, seed=seed)
        encoded = head(data.states)
        char = char_similarity(data.texts)
        scores[genre] = []
        for weight in COMBINATION_WEIGHTS:
            mixed = combined_similarity(char, encoded @ encoded.T, float(weight))
            auc = pair_auc(mixed, pairs, same) or 0.5
            mrr = retrieval_mrr(mixed, data.writers, data.topics, seed=seed) or 0.0
            scores[genre].append((auc, mrr))
    value = np.mean([[(auc + mrr) / 2 for auc, mrr in scores[g]] for g in scores], axis=0)
    best = int(np.argmax(value))
    chosen = {g: {"auc": round(v[best][0], 4), "mrr": round(v[best][1], 4)} for g, v in scores.items()}
    return float(COMBINATION_WEIGHTS[best]), chosen


def fit_head(
    train_sets: dict[str, GenreSet],
    tune_sets: dict[str, GenreSet],
    *,
    seed: int = 0,
    steps: int = 1500,
    progress: ProgressFactory = no_progress,
) -> tuple[StyleHead, list[dict]]:
    """Train a head on ``train_sets``; keep the evaluation with the best mean tune AUC."""
    import torch

    torch.set_num_threads(1)
    stacked = np.concatenate([d.states for g, d in sorted(train_sets.items()) if g != "episode"])
    mean, scale = stacked.mean(axis=0), np.maximum(stacked.std(axis=0), 1e-6)
    net = _net(stacked.shape[1], seed)
    optimiser = torch.optim.AdamW(net.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    rng = np.random.default_rng([seed, 11])
    genres = sorted(train_sets)
    standardised = {g: torch.from_numpy((d.states - mean) / scale) for g, d in train_sets.items()}
    best, best_auc, history = None, -1.0, []
    for step in progress(range(1, steps + 1), desc="training style head", total=steps):
        genre = genres[step % len(genres)]
        index, labels = _batch(train_sets[genre], rng)
        net.train()
        z = torch.nn.functional.normalize(net(standardised[genre][index]), dim=1)
        loss = supcon_loss(z, torch.from_numpy(labels))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step % EVAL_EVERY == 0 or step == steps:
            net.eval()
            aucs = {g: controlled_auc(_head(net, mean, scale, {})(d.states), d, seed) for g, d in tune_sets.items()}
            kept = {g: round(a, 4) for g, a in aucs.items() if a is not None}
            history.append({"step": step, "train_loss": round(loss.item(), 4), "tune_auc": kept})
            log.info("step %d: loss %.3f, tune AUC %s", step, loss.item(), kept)
            score = float(np.mean(list(kept.values())))
            if score > best_auc:
                best_auc, best = score, {k: v.detach().clone() for k, v in net.state_dict().items()}
    net.load_state_dict(best)
    net.eval()
    return _head(net, mean, scale, {}), history


def train(
    data_dir,
    *,
    seed: int = 0,
    steps: int = 1500,
    progress: ProgressFactory = no_progress,
) -> tuple[StyleHead, dict]:
    """Train on the ``train`` writers, choose on the ``tune`` writers; (head with its card, card)."""
    train_sets, _ = genre_sets(data_dir, "train", folder="train", seed=seed, progress=progress)
    tune_sets, _ = genre_sets(data_dir, "tune", folder="train", seed=seed, progress=progress)
    head, history = fit_head(train_sets, tune_sets, seed=seed, steps=steps, progress=progress)
    weight, combined = choose_weight(head, tune_sets, seed)
    head.card = {
        "version": 1,
        "backbone": StyleBackbone().settings(),
        "architecture": {"hidden": HIDDEN, "output": OUTPUT, "activation": "gelu-tanh", "input": "layer means"},
        "optimiser": {
            "name": "AdamW",
            "learning_rate": LEARNING_RATE,
            "weight_decay": WEIGHT_DECAY,
            "dropout": DROPOUT,
        },
        "training": {
            "seed": seed,
            "steps": steps,
            "temperature": TEMPERATURE,
            "writers_per_batch": WRITERS_PER_BATCH,
            "train_writers": {g: int(len(np.unique(d.writers))) for g, d in train_sets.items()},
            "train_texts": {g: int(len(d.writers)) for g, d in train_sets.items()},
            "tune_writers": {g: int(len(np.unique(d.writers))) for g, d in tune_sets.items()},
            "sources": "IRA persona accounts and US senators (train split of composite.pools), "
            "C50 train/ articles of train-split authors; tune split for the choices",
        },
        "tune": {
            "best": max(history, key=lambda h: float(np.mean(list(h["tune_auc"].values())))),
            "combined": combined,
            "contrastive_loss": round(contrastive_loss(head, tune_sets, seed), 4),
        },
        "combination_weight": weight,
        "history": history,
    }
    return head, head.card


def save(head: StyleHead, folder: str | Path) -> None:
    """Write the head and its card (``features.style_encoder.StyleHead.save``)."""
    head.save(Path(folder))
