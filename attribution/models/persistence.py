"""Save and load models as folders, never with pickle.

Layout of a model folder::

    config.json    format version, library versions, the model's parameters, feature config,
                   feature names, classes, open-set threshold, and the sha256 of model.skops
    model.skops    the fitted estimator, written by ``skops.io`` (a zip of JSON + arrays)

Loading checks, before anything is built: the folder and both files exist, config.json is a
model config of a known format, model.skops has the recorded sha256 (a changed file is refused),
and every type that skops would construct is on ``ALLOWED_TYPES``. Nothing outside that list is
ever imported or called; any failure is a ``ModelError`` that says what and where.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from attribution.atomic import write_bytes
from attribution.errors import ModelError
from attribution.report.jsonio import write_json

log = logging.getLogger(__name__)

FORMAT = "attribution-model"
FORMAT_VERSION = 1
CONFIG_FILE = "config.json"
MODEL_FILE = "model.skops"

#: Every non-builtin type a saved model may contain, beyond those skops trusts by itself.
#: Adding a type here is a security decision: it lets a model file construct that class.
ALLOWED_TYPES = frozenset(
    {
        # this library
        "attribution.models.attribute.AuthorClassifier",
        "attribution.models.stylo.BurrowsDelta",
        "attribution.models.stylo.CosineDelta",
        "attribution.models.stylo.NearestShrunkenCentroid",
        "attribution.models.verify.GeneralImpostors",
        "attribution.features.lexical.MostFrequentWords",
        "attribution.features.ngrams.CharNgrams",
        "attribution.features.ngrams.WordNgrams",
        "attribution.features.counting.NgramTfidf",
        "attribution.features.typography.Typography",
        "attribution.features.richness.LengthRichness",
        "attribution.features.syntax.SyntaxFeatures",
        "attribution.features.embed.SentenceEmbeddings",
        "attribution.progress.no_progress",
        # scikit-learn parts the models use
        "sklearn.pipeline.FeatureUnion",
        "sklearn.svm._classes.LinearSVC",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.calibration.CalibratedClassifierCV",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.calibration._TemperatureScaling",
        "sklearn.isotonic.IsotonicRegression",
        "sklearn.model_selection._split.StratifiedKFold",
        "sklearn.preprocessing._label.LabelEncoder",
        "sklearn.utils._bunch.Bunch",
        "collections.Counter",
        "collections.OrderedDict",
        "builtins.slice",
        "numpy.dtypes.StrDType",
        "numpy.dtypes.ObjectDType",
        "numpy.dtypes.Float64DType",
        "numpy.dtypes.Int64DType",
        "numpy.dtypes.BoolDType",
    }
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict[str, str]:
    """Versions of the libraries a saved model depends on."""
    import numpy
    import scipy
    import sklearn
    import skops

    from attribution import __version__

    return {
        "attribution": __version__,
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }


def save_model(model: Any, directory: str | Path, *, extra: dict[str, Any] | None = None) -> Path:
    """Write ``model`` to the folder ``directory`` (created; files replaced atomically)."""
    import skops.io as sio

    from attribution.models.attribute import describe_model

    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ModelError(f"{directory}: exists and is not a folder; give a folder path for the model")
    directory.mkdir(parents=True, exist_ok=True)
    data = sio.dumps(model)
    untrusted = set(sio.get_untrusted_types(data=data))
    refused = sorted(untrusted - ALLOWED_TYPES)
    if refused:
        raise ModelError(f"cannot save: the model holds types outside the allow-list: {', '.join(refused)}")
    write_bytes(directory / MODEL_FILE, data)
    config = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": versions(),
        "model_file": MODEL_FILE,
        "model_sha256": hashlib.sha256(data).hexdigest(),
        "model": describe_model(model),
        "feature_config": getattr(model, "feature_config_", None),
        "feature_names": getattr(model, "feature_names_", None),
        **(extra or {}),
    }
    write_json(directory / CONFIG_FILE, config)
    return directory


def read_model_config(directory: str | Path) -> dict[str, Any]:
    """The folder's config.json, checked to be a model config of a known format."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ModelError(f"{directory}: no such model folder (train one with `attribution train`)")
    path = directory / CONFIG_FILE
    if not path.is_file():
        raise ModelError(f"{path}: missing; a model folder has {CONFIG_FILE} and {MODEL_FILE}")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: not valid JSON ({exc}); the model folder is damaged") from exc
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ModelError(f"{path}: not an attribution model config (format must be {FORMAT!r})")
    if config.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{path}: model format version {config.get('format_version')!r} is not supported "
            f"(this version reads {FORMAT_VERSION}); retrain the model"
        )
    return config


def load_model(directory: str | Path) -> Any:
    """Load a model folder written by ``save_model``; ``ModelError`` if anything is off."""
    import skops.io as sio

    directory = Path(directory)
    config = read_model_config(directory)
    path = directory / MODEL_FILE
    if not path.is_file():
        raise ModelError(f"{path}: missing; a model folder has {CONFIG_FILE} and {MODEL_FILE}")
    digest = _sha256(path)
    if digest != config.get("model_sha256"):
        raise ModelError(
            f"{path}: sha256 {digest[:12]}… does not match config.json ({str(config.get('model_sha256'))[:12]}…); "
            "the file was changed after saving, refusing to load it"
        )
    data = path.read_bytes()
    try:
        untrusted = set(sio.get_untrusted_types(data=data))
    except Exception as exc:  # a damaged zip/schema: skops raises many kinds
        raise ModelError(f"{path}: not a readable skops file ({type(exc).__name__}: {exc})") from exc
    refused = sorted(untrusted - ALLOWED_TYPES)
    if refused:
        raise ModelError(f"{path}: refusing to load types outside the allow-list: {', '.join(refused)}")
    try:
        model = sio.loads(data, trusted=sorted(untrusted))
    except Exception as exc:
        raise ModelError(f"{path}: could not be loaded ({type(exc).__name__}: {exc})") from exc
    saved = config.get("versions", {}).get("scikit-learn")
    current = versions()["scikit-learn"]
    if saved and saved != current:
        log.warning("model saved with scikit-learn %s, loaded with %s; retrain if results look off", saved, current)
    return model
