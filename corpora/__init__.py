"""Named corpora: the bundled Federalist Papers and loaders for the shared research sets.

Only the Federalist Papers (public domain) ship with the package. The other sets are read from
the folder named by ``--data`` or the ``ATTRIBUTION_DATA`` environment variable (the layout of
``shared/corpora``: ``c50/``, ``tweets/``).
"""

from __future__ import annotations

import os
from pathlib import Path

from attribution.errors import CorpusError

DATA_ENV = "ATTRIBUTION_DATA"


def resolve_data_dir(data_dir: str | Path | None = None, *, need: str | None = None) -> Path:
    """The shared corpora folder: ``data_dir``, else ``$ATTRIBUTION_DATA``; must exist."""
    chosen = data_dir or os.environ.get(DATA_ENV)
    if not chosen:
        raise CorpusError(
            f"this corpus lives outside the package: pass --data DIR or set {DATA_ENV} "
            "to the folder that holds c50/ and tweets/"
        )
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise CorpusError(f"the data folder does not exist (from --data or {DATA_ENV})", path=path)
    if need is not None and not (path / need).exists():
        raise CorpusError(
            f"the data folder has no {need!r}: pass --data DIR or set {DATA_ENV} to the folder "
            "that holds c50/ and tweets/",
            path=path,
        )
    return path
