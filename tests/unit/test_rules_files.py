"""Rules for signature files: existence, size, type, content and file name (reference §1.3)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from providers import rules
from providers.rules import Problem

PNG = Path(__file__).parents[2] / "stacks" / "files" / "licence.png"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def check(path: str, root: Path, **extra: object) -> list[Problem]:
    return rules.check_signature_file({"region": "cn-north-4", "path": path, **extra}, root=root)


def test_a_png_within_limits_passes(tmp_path: Path) -> None:
    (tmp_path / "licence.png").write_bytes(PNG.read_bytes())
    assert check("licence.png", tmp_path, description="business licence") == []


def test_paths_are_relative_to_the_root_or_absolute(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.png").write_bytes(PNG.read_bytes())
    assert check("docs/a.png", tmp_path) == []
    assert check(str(tmp_path / "docs" / "a.png"), Path("/nonexistent")) == []


def test_a_missing_file(tmp_path: Path) -> None:
    assert check("gone.png", tmp_path) == [Problem("path", "file not found: gone.png")]


def test_a_file_over_2_mb(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(PNG.read_bytes() + b"\0" * (rules.SIGNATURE_FILE_MAX_BYTES))
    size = big.stat().st_size
    assert check("big.png", tmp_path) == [
        Problem("path", f"file is {size} bytes; signature files must be 2 MB at most")
    ]


def test_exactly_2_mb_is_accepted(tmp_path: Path) -> None:
    data = PNG.read_bytes()
    (tmp_path / "max.png").write_bytes(data + b"\0" * (rules.SIGNATURE_FILE_MAX_BYTES - len(data)))
    assert check("max.png", tmp_path) == []


def test_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.png").write_bytes(b"")
    assert check("empty.png", tmp_path) == [Problem("path", "file is empty")]


def test_an_unaccepted_type(tmp_path: Path) -> None:
    (tmp_path / "licence.bmp").write_bytes(b"BM" + b"\0" * 60)
    assert check("licence.bmp", tmp_path) == [
        Problem(
            "path",
            "file type 'bmp' is not accepted; use jpg, jpeg, png or gif (or pdf for a power "
            "of attorney)",
        )
    ]


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("licence.png", b"just text", "not an image or PDF"),
        ("licence.jpg", PNG.read_bytes(), "a PNG file"),
        ("licence.pdf", PNG.read_bytes(), "a PNG file"),
        ("licence.gif", PDF, "a PDF file"),
    ],
)
def test_content_must_match_the_extension(
    tmp_path: Path, name: str, content: bytes, found: str
) -> None:
    (tmp_path / name).write_bytes(content)
    extension = name.rsplit(".", 1)[1]
    assert check(name, tmp_path) == [
        Problem("path", f"content does not match the .{extension} name: {found}")
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20),
        ("a.JPEG", b"\xff\xd8\xff\xe1" + b"\0" * 20),
        ("a.gif", b"GIF89a" + b"\0" * 20),
        ("a.gif", b"GIF87a" + b"\0" * 20),
        ("a.pdf", PDF),
    ],
)
def test_every_accepted_type(tmp_path: Path, name: str, content: bytes) -> None:
    (tmp_path / name).write_bytes(content)
    assert check(name, tmp_path) == []


def test_file_names_with_spaces_or_special_characters(tmp_path: Path) -> None:
    (tmp_path / "my licence#1.png").write_bytes(PNG.read_bytes())
    assert check("my licence#1.png", tmp_path) == [
        Problem(
            "path",
            "file name 'my licence#1.png' contains ' ' '#'; rename it without spaces or any "
            "of \"#'$%&*/|<>{}[];?!",
        )
    ]


def test_file_names_over_64_characters(tmp_path: Path) -> None:
    name = "l" * 61 + ".png"
    (tmp_path / name).write_bytes(PNG.read_bytes())
    assert check(name, tmp_path) == [Problem("path", "file name must be 64 characters at most")]


def test_description_length(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(PNG.read_bytes())
    assert check("a.png", tmp_path, description="d" * 65) == [
        Problem("description", "must be 64 characters at most (got 65)")
    ]


def test_region_and_path_are_required(tmp_path: Path) -> None:
    assert rules.check_signature_file({}, root=tmp_path) == [
        Problem("region", "is required"),
        Problem("path", "is required"),
    ]


def test_an_unknown_path_is_not_inspected(tmp_path: Path) -> None:
    inputs = {"region": "cn-north-4", "path": rules.UNKNOWN}
    assert rules.check_signature_file(inputs, root=tmp_path) == []


def test_inspect_file_reports_size_kind_and_sha256(tmp_path: Path) -> None:
    data = PNG.read_bytes()
    facts = rules.inspect_file(PNG)
    assert facts == rules.FileFacts(len(data), "png", hashlib.sha256(data).hexdigest())


def test_a_licence_must_be_an_image_but_a_power_of_attorney_may_be_a_pdf() -> None:
    assert rules.check_file_use("files/licence.pdf", "licence") == (
        "a business licence must be a jpg, jpeg, png or gif image, not a PDF"
    )
    assert rules.check_file_use("files/licence.png", "licence") is None
    assert rules.check_file_use("files/attorney.PDF", "power_of_attorney") is None


def test_check_dispatches_files_with_the_root(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(PNG.read_bytes())
    assert rules.check("file", {"region": "cn-south-1", "path": "a.png"}, root=tmp_path) == []
