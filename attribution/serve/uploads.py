"""Turn uploaded bytes into an article text or a byline corpus, within limits and safely.

No path is ever taken from user input: a byline file is written into a fresh temporary folder
under a fixed name (``upload.jsonl`` / ``upload.csv``) and read from there; ZIP members are read
in memory after their names, types and sizes are checked, and are never extracted to disk. The
user's file name is kept only as a cleaned display label.
"""

from __future__ import annotations

import io
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import datasets

from attribution.corpus import Document, LoadReport, documents_to_dataset
from attribution.corpus.load import Corpus, ReadOptions, load_file
from attribution.corpus.report import RowProblem
from attribution.corpus.text import UndecodableError, decode_bytes, normalise_text
from attribution.errors import AttributionError, CorpusError
from attribution.serve.config import Limits

ARTICLE_SUFFIXES = (".txt", ".md", ".text")
BYLINE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".zip")
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a normal archive, an empty one
_SAFE_LABEL = re.compile(r"[^A-Za-z0-9._ ()-]+")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")
#: members that archivers add and that are never texts
_IGNORED_MEMBERS = re.compile(r"(^|/)(__MACOSX|\.DS_Store|Thumbs\.db|desktop\.ini)(/|$)")


class UploadError(AttributionError):
    """An upload refused before analysis; ``status_code`` is the HTTP status to answer with."""

    def __init__(self, message: str, *, status_code: int = 400):
        self.status_code = status_code
        super().__init__(message)


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its bytes and the user's name for it (a label only, never a path)."""

    filename: str | None
    data: bytes

    @property
    def label(self) -> str:
        return display_name(self.filename)

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.label).suffix.lower()


def display_name(filename: str | None, *, default: str = "upload") -> str:
    """The last component of ``filename`` with unusual characters replaced, at most 100 chars."""
    if not filename:
        return default
    base = re.split(r"[\\/]", filename)[-1]
    cleaned = _SAFE_LABEL.sub("_", base).strip(" .") or default
    return cleaned[:100]


def _check_size(upload: Upload, limits: Limits, what: str) -> None:
    if len(upload.data) == 0:
        raise UploadError(f"the {what} {upload.label!r} is empty (0 bytes); choose a file with content")
    if len(upload.data) > limits.max_upload_bytes:
        raise UploadError(
            f"the {what} {upload.label!r} is {len(upload.data) / 1024**2:.1f} MB; the limit is "
            f"{limits.max_upload_bytes / 1024**2:.0f} MB per file. Split it or upload fewer documents.",
            status_code=413,
        )


def _decode(data: bytes, label: str) -> str:
    try:
        text, _ = decode_bytes(data)
    except UndecodableError as exc:
        raise UploadError(f"{label!r} is not a text file: {exc}", status_code=415) from exc
    return text


def article_text(text: str | None, upload: Upload | None, limits: Limits) -> str:
    """The article to score: the pasted ``text``, else the uploaded ``.txt`` file's text."""
    if upload is not None and upload.data:
        if text and text.strip():
            raise UploadError("paste a text or upload a file, not both")
        _check_size(upload, limits, "file")
        if upload.suffix not in ARTICLE_SUFFIXES:
            raise UploadError(
                f"cannot score {upload.label!r}: file type {upload.suffix or '(none)'!r} is not accepted; "
                f"upload plain text ({', '.join(ARTICLE_SUFFIXES)})",
                status_code=415,
            )
        text = _decode(upload.data, upload.label)
    elif upload is not None and upload.filename and not (text and text.strip()):
        _check_size(upload, limits, "file")  # raises: the file is empty
    text = normalise_text(text or "")
    if not text:
        raise UploadError("no text to score: paste an article or upload a .txt file")
    if len(text) > limits.max_article_chars:
        raise UploadError(
            f"the article has {len(text):,} characters; the limit is {limits.max_article_chars:,}. "
            "Score one article at a time.",
            status_code=413,
        )
    return text


def _relabel(report: LoadReport, real: str, label: str) -> LoadReport:
    """Replace the temporary path in every problem by the upload's label."""
    report.problems = [
        RowProblem(p.path.replace(real, label), p.row, p.problem.replace(real, label), p.severity)
        for p in report.problems
    ]
    return report


def _read_tabular(upload: Upload, *, kind: str | None, time_zone: str | None) -> Corpus:
    text_like = upload.data[:4096]
    if b"\x00" in text_like:
        raise UploadError(f"{upload.label!r} is not a text file (it contains NUL bytes)", status_code=415)
    with tempfile.TemporaryDirectory(prefix="attribution-upload-") as folder:
        # A fixed name: the user's file name never becomes part of a path.
        path = Path(folder) / ("upload" + (".csv" if upload.suffix == ".csv" else ".jsonl"))
        path.write_bytes(upload.data)
        try:
            corpus = load_file(path, ReadOptions(kind=kind, time_zone=time_zone))
        except CorpusError as exc:
            message = str(exc).replace(str(path), upload.label)
            raise UploadError(f"cannot read {upload.label!r}: {message}", status_code=422) from exc
        _relabel(corpus.report, str(path), upload.label)
        # the source column would otherwise name the temporary file
        corpus.dataset = corpus.dataset.map(
            lambda row: {"source": upload.label if row["source"] == str(path) else row["source"]}
        )
        corpus.name = upload.label
    return corpus


def _check_member_name(name: str) -> PurePosixPath:
    if "\x00" in name or "\\" in name or name.startswith("/") or _WINDOWS_DRIVE.match(name):
        raise UploadError(
            f"the ZIP archive has an unsafe member name {name!r} (absolute path); refused", status_code=422
        )
    path = PurePosixPath(name)
    if any(part == ".." for part in path.parts):
        raise UploadError(
            f"the ZIP archive has an unsafe member name {name!r} (path traversal with '..'); refused",
            status_code=422,
        )
    return path


def zip_texts(upload: Upload, limits: Limits) -> tuple[list[tuple[str, str]], LoadReport]:
    """The ``.txt`` members of a ZIP as ``(member name, text)``, checked for traversal and bombs.

    Nothing is written to disk. Sizes are counted while reading, not taken from the headers.
    """
    if not upload.data.startswith(ZIP_MAGIC):
        raise UploadError(f"{upload.label!r} is not a ZIP archive (wrong signature)", status_code=415)
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise UploadError(f"{upload.label!r} is a damaged ZIP archive: {exc}", status_code=422) from exc
    if len(members) > limits.max_zip_members:
        raise UploadError(
            f"the ZIP archive has {len(members):,} members; the limit is {limits.max_zip_members:,}",
            status_code=413,
        )
    report = LoadReport()
    texts: list[tuple[str, str]] = []
    total = 0
    with archive:
        for info in members:
            path = _check_member_name(info.filename)
            if info.is_dir() or _IGNORED_MEMBERS.search(info.filename):
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise UploadError(f"the ZIP archive has a symbolic link {info.filename!r}; refused", status_code=422)
            if path.suffix.lower() != ".txt":
                report.add(upload.label, None, f"skipped member {info.filename!r}: only .txt files are read", "warning")
                continue
            report.rows_read += 1
            if info.flag_bits & 0x1:
                report.add(upload.label, None, f"encrypted member {info.filename!r}: cannot be read")
                continue
            if info.file_size > limits.max_zip_ratio * max(info.compress_size, 1) and info.file_size > 1024**2:
                raise UploadError(
                    f"the ZIP member {info.filename!r} expands {info.file_size / max(info.compress_size, 1):.0f}-fold; "
                    "refused as a possible zip bomb",
                    status_code=413,
                )
            budget = limits.max_unzipped_bytes - total
            try:
                with archive.open(info) as handle:
                    data = handle.read(budget + 1)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
                report.add(upload.label, None, f"damaged member {info.filename!r}: {exc}")
                continue
            total += len(data)
            if total > limits.max_unzipped_bytes:
                raise UploadError(
                    f"the ZIP archive expands to more than {limits.max_unzipped_bytes / 1024**2:.0f} MB; "
                    "refused (the limit guards against zip bombs)",
                    status_code=413,
                )
            try:
                text, _ = decode_bytes(data)
            except UndecodableError as exc:
                report.add(upload.label, None, f"undecodable member {info.filename!r}: {exc}")
                continue
            text = normalise_text(text)
            if not text:
                report.add(upload.label, None, f"empty text in member {info.filename!r}")
                continue
            texts.append((path.as_posix(), text))
    return texts, report


def _zip_corpus(upload: Upload, limits: Limits, kind: str | None) -> Corpus:
    texts, report = zip_texts(upload, limits)
    if not report.rows_read:
        raise UploadError(f"the ZIP archive {upload.label!r} holds no .txt files", status_code=422)
    documents = [
        Document(id=name, text=text, kind=kind or "article", title=PurePosixPath(name).stem, source=upload.label)
        for name, text in texts
    ]
    report.rows_used = len(documents)
    return Corpus(documents_to_dataset(documents), report, upload.label)


def _check_byline_suffix(upload: Upload, what: str) -> None:
    """Refuse (415) a byline or operator file whose type the readers do not take."""
    if upload.suffix not in BYLINE_SUFFIXES:
        raise UploadError(
            f"cannot read {what}{upload.label!r}: file type {upload.suffix or '(none)'!r} is not accepted; "
            f"upload {', '.join(BYLINE_SUFFIXES)} (a ZIP holds .txt files)",
            status_code=415,
        )


def byline_corpus(
    upload: Upload,
    limits: Limits,
    *,
    kind: str | None = None,
    time_zone: str | None = None,
) -> Corpus:
    """Parse a byline upload (JSONL, CSV, or ZIP of ``.txt``) into a corpus, within ``limits``.

    Bylines stay as the file gives them (a byline/account column, or none); which byline is
    vetted is decided by ``service.prepare_vet``.
    """
    _check_size(upload, limits, "upload")
    _check_byline_suffix(upload, "")
    if upload.suffix == ".zip":
        corpus = _zip_corpus(upload, limits, kind)
    else:
        corpus = _read_tabular(upload, kind=kind, time_zone=time_zone)
    if len(corpus) == 0:
        problems = "; ".join(str(p) for p in corpus.report.problems[:3])
        raise UploadError(
            f"{upload.label!r} holds no usable documents ({corpus.report.rows_read} rows read)"
            + (f": {problems}" if problems else ""),
            status_code=422,
        )
    if len(corpus) > limits.max_documents:
        raise UploadError(
            f"{upload.label!r} holds {len(corpus):,} documents; the limit is {limits.max_documents:,}. "
            "Upload a sample or a shorter period.",
            status_code=413,
        )
    return corpus


def operator_corpus(upload: Upload, limits: Limits) -> Corpus:
    """Known operators' writing: rows need an author (JSONL/CSV column, or the ZIP's folder names)."""
    _check_size(upload, limits, "operator file")
    _check_byline_suffix(upload, "operator file ")
    if upload.suffix == ".zip":
        texts, report = zip_texts(upload, limits)
        documents = []
        for name, text in texts:
            parts = PurePosixPath(name).parts
            if len(parts) < 2:
                report.add(upload.label, None, f"member {name!r} is in no operator folder; skipped")
                continue
            documents.append(Document(id=name, text=text, author=parts[-2], source=upload.label))
        report.rows_used = len(documents)
        corpus = Corpus(documents_to_dataset(documents), report, upload.label)
    else:
        corpus = _read_tabular(upload, kind=None, time_zone=None)
    authors = [a for a in corpus.dataset["author"] if a]
    if not authors:
        raise UploadError(
            f"the operator file {upload.label!r} names no authors: give an 'author' column, or in a ZIP "
            "one folder per operator",
            status_code=422,
        )
    if len(corpus) > limits.max_documents:
        raise UploadError(
            f"the operator file holds {len(corpus):,} documents; the limit is {limits.max_documents:,}",
            status_code=413,
        )
    keep = [i for i, a in enumerate(corpus.dataset["author"]) if a]
    corpus.dataset = corpus.dataset.select(keep)
    return corpus


def has_timestamps(dataset: datasets.Dataset) -> bool:
    """True when at least one row carries a time stamp."""
    return any(t is not None for t in dataset["timestamp"])
