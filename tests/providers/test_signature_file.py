"""msgsms:SignatureFile through the real provider host against the emulator."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess, objects
from harness.sequences import Deployment
from providers.resources import SignatureFileProvider

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
def licence(tmp_path: Path) -> Path:
    path = tmp_path / "licence.png"
    path.write_bytes(PNG)
    return path


def inputs(path: Path, **extra: str) -> dict[str, str]:
    return {"region": "cn-north-4", "path": str(path), "description": "business licence", **extra}


def test_check_adds_the_sha256_of_the_content(deployment: Deployment, licence: Path) -> None:
    result = deployment.check(SignatureFileProvider, inputs(licence))
    assert result.failures == ()
    assert result.inputs["sha256"] == hashlib.sha256(PNG).hexdigest()


def test_check_takes_paths_relative_to_the_project_root(deployment: Deployment) -> None:
    result = deployment.check(
        SignatureFileProvider, {"region": "cn-north-4", "path": "stacks/files/licence.png"}
    )
    assert result.failures == ()
    content = (PROJECT_ROOT / "stacks/files/licence.png").read_bytes()
    assert result.inputs["sha256"] == hashlib.sha256(content).hexdigest()


def test_check_refuses_missing_oversized_and_mistyped_files(
    deployment: Deployment, tmp_path: Path
) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(PNG + b"\0" * (2 * 1024 * 1024))
    fake = tmp_path / "scan.gif"
    fake.write_bytes(PNG)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    expected = {
        tmp_path / "absent.png": "file not found",
        big: "2 MB at most",
        fake: "content does not match the .gif name",
        text: "file type 'txt' is not accepted",
    }
    for path, reason in expected.items():
        failures = deployment.check(SignatureFileProvider, inputs(path)).failures
        assert [f.property for f in failures] == ["path"] * len(failures), path
        assert any(reason in f.reason for f in failures), (path, failures)


def test_create_uploads_and_outputs_what_the_api_shows(
    deployment: Deployment, emulator: EmulatorProcess, licence: Path
) -> None:
    upload = deployment.create(SignatureFileProvider, "licence", inputs(licence))
    [stored] = objects(emulator, "files")
    assert upload.id == upload["file_id"] == stored["file_id"]
    assert (upload["file_name"], upload["file_size"]) == ("licence.png", len(PNG))
    assert stored["sha256"] == upload["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert stored["file_desc"] == "business licence"


def test_same_content_is_no_change_and_a_renamed_path_needs_no_api_call(
    deployment: Deployment, emulator: EmulatorProcess, licence: Path, tmp_path: Path
) -> None:
    upload = deployment.create(SignatureFileProvider, "licence", inputs(licence))
    mark = deployment.mark()
    assert deployment.up(upload, inputs(licence)).op == "same"
    moved = tmp_path / "moved.png"
    moved.write_bytes(PNG)
    step = deployment.up(upload, inputs(moved))
    assert step.op == "update"
    assert step.state.id == upload.id and step.state["path"] == str(moved)
    assert deployment.api_calls(mark) == []
    assert len(objects(emulator, "files")) == 1


@pytest.mark.parametrize("change", ["content", "description", "region"])
def test_new_content_description_or_region_replace_the_upload(
    deployment: Deployment, emulator: EmulatorProcess, licence: Path, change: str
) -> None:
    upload = deployment.create(SignatureFileProvider, "licence", inputs(licence))
    news = inputs(licence)
    if change == "content":
        licence.write_bytes(PNG + b"v2")
    elif change == "description":
        news["description"] = "licence 2024"
    else:
        news["region"] = "cn-south-1"
    mark = deployment.mark()
    step = deployment.up(upload, news)
    assert step.op == "replace"
    assert step.diff.replaces == ({"content": "sha256"}.get(change, change),)
    assert step.state.id != upload.id
    # deleting the old upload needs no API call: only the new upload was sent
    assert deployment.api_calls(mark) == [
        f"POST /v2/{emulator.region(news['region'])['project_id']}/msgsms/upload-files",
    ]


def test_refresh_keeps_path_and_hash_and_a_missing_file_id_is_gone(
    deployment: Deployment, licence: Path
) -> None:
    upload = deployment.create(SignatureFileProvider, "licence", inputs(licence))
    refreshed = deployment.refresh(upload)
    assert refreshed is not None
    assert refreshed.inputs["path"] == str(licence)
    assert refreshed.inputs["sha256"] == upload["sha256"]
    assert refreshed.outputs == upload.outputs
    ghost = type(upload)(upload.kind, upload.name, "no-such-file", upload.inputs, upload.outputs)
    assert deployment.refresh(ghost) is None
