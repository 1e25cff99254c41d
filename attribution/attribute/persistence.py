"""Save and load models as folders, never with pickle.

Layout of a model folder::

    config.json    format version, library versions, the model's parameters, feature config,
                   feature names, classes, open-set threshold, and the sha256 of both files
    model.skops    the fitted estimator, written by ``skops.io`` (a zip of JSON + arrays)
    vocab.npz      n-gram vocabularies and feature names as string arrays (no pickle): kept
                   out of model.skops, where 40k strings cost 75 MB of JSON and 20 s to load

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
#: 2: n-gram families carry ``tf`` (sublinear or binary); version-1 folders lack it, so retrain.
#: 3: the family ensemble holds plain members, their temperatures and a stacker (version 2 held
#: calibrated members), so retrain.
FORMAT_VERSION = 3
CONFIG_FILE = "config.json"
MODEL_FILE = "model.skops"
VOCAB_FILE = "vocab.npz"

#: Every non-builtin type a saved model may contain, beyond those skops trusts by itself.
#: Adding a type here is a security decision: it lets a model file construct that class.
ALLOWED_TYPES = frozenset(
    {
        # this library
        "attribution.attribute.classifier.AuthorClassifier",
        "attribution.attribute.classifier.FamilyEnsemble",
        "attribution.attribute.stylo.BurrowsDelta",
        "attribution.attribute.stylo.CosineDelta",
        "attribution.attribute.stylo.NearestShrunkenCentroid",
        "attribution.verify.impostors.GeneralImpostors",
        "attribution.features.lexical.MostFrequentWords",
        "attribution.features.ngrams.CharNgrams",
        "attribution.features.ngrams.WordNgrams",
        "attribution.features.distortion.DistortedCharNgrams",
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


#: Where the classes of a saved model lived before the model code was split into the product
#: packages (attribute, verify, composite): model.skops records each class's module, so folders
#: saved before the split name these. They are read as the new modules, after the sha256 check.
LEGACY_MODULES = {
    "attribution.models.attribute": "attribution.attribute.classifier",
    "attribution.models.stylo": "attribution.attribute.stylo",
    "attribution.models.verify": "attribution.verify.impostors",
}


def _renamed(value: Any) -> Any:
    if isinstance(value, str):
        for old, new in LEGACY_MODULES.items():
            if value == old or value.startswith(old + "."):
                return new + value[len(old) :]
        return value
    if isinstance(value, list):
        return [_renamed(item) for item in value]
    if isinstance(value, dict):
        return {key: _renamed(item) for key, item in value.items()}
    return value


def _with_current_modules(data: bytes) -> bytes:
    """``data`` (a skops zip) with module paths from before the package split renamed."""
    if b"attribution.models." not in data:
        return data
    import io
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with source, zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "schema.json":
                content = json.dumps(_renamed(json.loads(content))).encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


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


def _string_holders(model: Any) -> list[tuple[str, Any, str]]:
    """(key, object, attribute) of every long string list in the model's feature families
    (n-gram vocabularies, feature names); the same keys whether attached or detached."""
    found = []
    union = getattr(model, "features_", None)
    for name, family in getattr(union, "transformer_list", []):
        for attr, value in sorted(vars(family).items()):
            if attr == "feature_names_":
                found.append((f"{name}.{attr}", family, attr))
            elif hasattr(value, "terms_") and hasattr(value, "index_"):
                found.append((f"{name}.{attr}.terms_", value, "terms_"))
            elif isinstance(value, dict):
                for key, item in sorted(value.items()):
                    if hasattr(item, "terms_") and hasattr(item, "index_"):
                        found.append((f"{name}.{attr}.{key}.terms_", item, "terms_"))
    if union is not None and hasattr(model, "feature_names_"):
        found.append(("feature_names_", model, "feature_names_"))
    return found


def _dumps_without_strings(model: Any) -> tuple[bytes, bytes]:
    """skops bytes of the model with its long string lists detached, and those lists as npz."""
    import io

    import numpy as np
    import skops.io as sio

    holders = _string_holders(model)
    saved = {}
    arrays = {}
    try:
        for key, obj, attr in holders:
            values = list(getattr(obj, attr))
            saved[key] = values
            arrays[key] = np.asarray(values, dtype=str) if values else np.zeros(0, dtype="<U1")
            setattr(obj, attr, None)
            if attr == "terms_":
                saved[key + "#index"] = obj.index_
                obj.index_ = None
        data = sio.dumps(model)
    finally:
        for key, obj, attr in holders:
            if key in saved:
                setattr(obj, attr, saved[key])
            if key + "#index" in saved:
                obj.index_ = saved[key + "#index"]
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds oddly
    return data, buffer.getvalue()


def _attach_strings(model: Any, vocab: dict[str, Any]) -> None:
    for key, obj, attr in _string_holders(model):
        if key not in vocab:
            raise ModelError(f"{VOCAB_FILE}: has no entry {key!r}; the model folder is incomplete")
        values = [str(v) for v in vocab[key].tolist()]
        setattr(obj, attr, values)
        if attr == "terms_":
            obj.index_ = {term: j for j, term in enumerate(values)}


def save_model(model: Any, directory: str | Path, *, extra: dict[str, Any] | None = None) -> Path:
    """Write ``model`` to the folder ``directory`` (created; files replaced atomically)."""
    import skops.io as sio

    from attribution.attribute.classifier import describe_model

    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ModelError(f"{directory}: exists and is not a folder; give a folder path for the model")
    directory.mkdir(parents=True, exist_ok=True)
    data, vocab = _dumps_without_strings(model)
    untrusted = set(sio.get_untrusted_types(data=data))
    refused = sorted(untrusted - ALLOWED_TYPES)
    if refused:
        raise ModelError(f"cannot save: the model holds types outside the allow-list: {', '.join(refused)}")
    write_bytes(directory / MODEL_FILE, data)
    write_bytes(directory / VOCAB_FILE, vocab)
    config = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": versions(),
        "model_file": MODEL_FILE,
        "model_sha256": hashlib.sha256(data).hexdigest(),
        "vocab_file": VOCAB_FILE,
        "vocab_sha256": hashlib.sha256(vocab).hexdigest(),
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
    vocab_path = directory / VOCAB_FILE
    if not vocab_path.is_file():
        raise ModelError(f"{vocab_path}: missing; a model folder has {CONFIG_FILE}, {MODEL_FILE} and {VOCAB_FILE}")
    vocab_bytes = vocab_path.read_bytes()
    if hashlib.sha256(vocab_bytes).hexdigest() != config.get("vocab_sha256"):
        raise ModelError(
            f"{vocab_path}: sha256 does not match config.json; the file was changed after saving, refusing to load it"
        )
    try:
        data = _with_current_modules(path.read_bytes())
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
    import io

    import numpy as np

    try:
        with np.load(io.BytesIO(vocab_bytes), allow_pickle=False) as archive:
            vocab = {key: archive[key] for key in archive.files}
    except (ValueError, OSError) as exc:
        raise ModelError(f"{vocab_path}: not a readable array archive ({exc})") from exc
    _attach_strings(model, vocab)
    saved = config.get("versions", {}).get("scikit-learn")
    current = versions()["scikit-learn"]
    if saved and saved != current:
        log.warning("model saved with scikit-learn %s, loaded with %s; retrain if results look off", saved, current)
    return model
