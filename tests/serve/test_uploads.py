"""Upload parsing: formats, limits, and hostile archives, without the web layer."""

from __future__ import annotations

import json
import stat
import zipfile

import pytest

from attribution.serve.config import Limits
from attribution.serve.uploads import (
    Upload,
    UploadError,
    article_text,
    byline_corpus,
    display_name,
    operator_corpus,
    zip_texts,
)
from tests.serve.conftest import papers_jsonl, zip_bytes


def test_jsonl_upload_keeps_rows_and_titles(federalist):
    corpus = byline_corpus(Upload("my byline.jsonl", papers_jsonl(federalist, 4)), Limits())
    assert len(corpus) == 4
    assert set(corpus.dataset["byline"]) == {None}
    assert corpus.dataset["title"][0] == federalist.dataset["title"][0]
    assert set(corpus.dataset["source"]) == {"my byline.jsonl"}


def test_csv_upload_with_time_stamps(federalist):
    rows = ["text,created_at,account"]
    for index, text in enumerate(federalist.texts[:3]):
        rows.append(
            '"{}",2016-0{}-01 10:00:00+00:00,acct{}'.format(text[:400].replace('"', '""'), index + 1, index % 2)
        )
    corpus = byline_corpus(Upload("posts.csv", "\n".join(rows).encode()), Limits(), kind="tweet")
    assert len(corpus) == 3
    assert all(t is not None for t in corpus.dataset["timestamp"])
    assert corpus.dataset["byline"] == ["acct0", "acct1", "acct0"]
    assert set(corpus.dataset["kind"]) == {"tweet"}


def test_zip_of_txt_reads_members_and_skips_others(federalist):
    data = zip_bytes(
        {
            "a/one.txt": federalist.texts[0].encode(),
            "two.txt": federalist.texts[1].encode(),
            "notes.pdf": b"%PDF-1.4",
            "__MACOSX/._one.txt": b"junk",
        }
    )
    corpus = byline_corpus(Upload("papers.zip", data), Limits())
    assert sorted(corpus.dataset["id"]) == ["a/one.txt", "two.txt"]
    assert any("notes.pdf" in p.problem for p in corpus.report.problems)


def test_temporary_paths_never_reach_the_report():
    data = b'{"text": "fine text here"}\nnot json at all\n'
    corpus = byline_corpus(Upload("../../etc/passwd.jsonl", data), Limits())
    problems = [p.path for p in corpus.report.problems]
    assert problems == ["passwd.jsonl"]
    assert "malformed" in corpus.report.problems[0].problem


@pytest.mark.parametrize(
    "filename, data, status, match",
    [
        ("empty.jsonl", b"", 400, "empty"),
        ("bad.exe", b"MZ\x90\x00", 415, "not accepted"),
        ("bad.jsonl", b"{not json\n[1, 2]\n", 422, "no usable documents"),
        ("bad.csv", b"text,author\n", 422, "no usable documents"),
        ("binary.csv", b"text\x00\x01\x02", 415, "NUL"),
        ("fake.zip", b"this is not a zip", 415, "not a ZIP"),
        ("broken.zip", b"PK\x03\x04" + b"\x00" * 40, 422, "damaged ZIP"),
    ],
)
def test_malformed_uploads_are_refused_with_a_reason(filename, data, status, match):
    with pytest.raises(UploadError, match=match) as caught:
        byline_corpus(Upload(filename, data), Limits())
    assert caught.value.status_code == status


def test_oversized_upload_and_too_many_documents(federalist, small_limits):
    big = Upload("big.jsonl", b'{"text": "x"}\n' * 10_000)
    with pytest.raises(UploadError, match="limit is 0 MB per file|the limit is") as caught:
        byline_corpus(big, small_limits)
    assert caught.value.status_code == 413
    many = "\n".join(
        json.dumps({"text": f"document number {i}"}) for i in range(small_limits.max_documents + 1)
    ).encode()
    with pytest.raises(UploadError, match="11 documents; the limit is 10") as caught:
        byline_corpus(Upload("many.jsonl", many), small_limits)
    assert caught.value.status_code == 413


@pytest.mark.parametrize("name", ["../evil.txt", "a/../../evil.txt", "/etc/evil.txt", "C:/evil.txt", "a\\..\\evil.txt"])
def test_zip_path_traversal_is_refused(name):
    data = zip_bytes({"fine.txt": b"hello there", name: b"owned"})
    with pytest.raises(UploadError, match="unsafe member name") as caught:
        zip_texts(Upload("x.zip", data), Limits())
    assert caught.value.status_code == 422


def test_zip_symlink_is_refused():
    info = zipfile.ZipInfo("link.txt")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(UploadError, match="symbolic link"):
        zip_texts(Upload("x.zip", buffer.getvalue()), Limits())


def test_zip_bomb_is_refused_by_ratio_and_by_total():
    bomb = zip_bytes({"bomb.txt": b"a" * (5 * 1024**2)})  # ~5 KB compressed, 5 MB expanded
    assert len(bomb) < 20_000
    with pytest.raises(UploadError, match="zip bomb") as caught:
        zip_texts(Upload("bomb.zip", bomb), Limits())
    assert caught.value.status_code == 413
    many = zip_bytes({f"{i}.txt": bytes(range(32, 127)) * 1000 for i in range(4)}, compression=zipfile.ZIP_STORED)
    with pytest.raises(UploadError, match="expands to more than"):
        zip_texts(Upload("many.zip", many), Limits(max_unzipped_bytes=250_000))


def test_zip_member_count_limit(small_limits):
    data = zip_bytes({f"{i}.txt": b"text %d" % i for i in range(small_limits.max_zip_members + 1)})
    with pytest.raises(UploadError, match="21 members; the limit is 20"):
        zip_texts(Upload("x.zip", data), small_limits)


def test_zip_without_txt_files():
    with pytest.raises(UploadError, match="holds no .txt files"):
        byline_corpus(Upload("x.zip", zip_bytes({"a.pdf": b"%PDF"})), Limits())


def test_article_text_from_paste_or_file(small_limits):
    assert article_text("  Some text.  ", None, small_limits) == "Some text."
    latin = "The caf\xe9 on the corner served cr\xe8me br\xfbl\xe9e to the na\xefve visitors of the r\xe9sum\xe9 fair."
    assert article_text("", Upload("a.txt", latin.encode("cp1252")), small_limits) == latin
    with pytest.raises(UploadError, match="no text to score"):
        article_text("   ", None, small_limits)
    with pytest.raises(UploadError, match="not both"):
        article_text("pasted", Upload("a.txt", b"uploaded"), small_limits)
    with pytest.raises(UploadError, match="is empty"):
        article_text("", Upload("a.txt", b""), small_limits)
    with pytest.raises(UploadError, match="not accepted") as caught:
        article_text("", Upload("a.pdf", b"%PDF-1.4"), small_limits)
    assert caught.value.status_code == 415
    with pytest.raises(UploadError, match="not a text file"):
        article_text("", Upload("a.txt", b"\x00\x01binary"), small_limits)
    with pytest.raises(UploadError, match="the limit is 20,000") as caught:
        article_text("word " * 5000, None, small_limits)
    assert caught.value.status_code == 413


def test_operator_upload_needs_authors(federalist):
    with pytest.raises(UploadError, match="names no authors"):
        operator_corpus(Upload("ops.jsonl", papers_jsonl(federalist, 2)), Limits())
    data = zip_bytes(
        {
            "Hamilton/1.txt": federalist.texts[0].encode(),
            "Madison/10.txt": federalist.texts[9].encode(),
            "loose.txt": b"no folder",
        }
    )
    corpus = operator_corpus(Upload("ops.zip", data), Limits())
    assert sorted(corpus.dataset["author"]) == ["Hamilton", "Madison"]


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\doc.txt", "doc.txt"),
        ("<script>.txt", "_script_.txt"),
        (None, "upload"),
        ("...", "upload"),
    ],
)
def test_display_names_are_labels_not_paths(raw, shown):
    assert display_name(raw) == shown
