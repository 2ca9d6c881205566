"""The files a PolicyPack publishes, their tarball and hash; validation in check (real files)."""

from __future__ import annotations

import gzip
import io
import shutil
import tarfile
from pathlib import Path

import pytest

from pulumi_governance.logic.policy_pack import POLICY_PACK, bump_failure
from pulumi_governance.logic.policy_pack_source import (
    PackSourceError,
    pack_files,
    source_hash,
    tarball,
)
from tests.support import EXAMPLE_PACK, EXAMPLE_PACK_LEVELS


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    root = tmp_path / "pack"
    write(
        root,
        {
            "PulumiPolicy.yaml": "runtime: python\nversion: 1.0.0\n",
            "__main__.py": "print('policies')\n",
            "lib/helpers.py": "X = 1\n",
            "lib/notes.log": "ignored by the root .gitignore\n",
            "lib/.gitignore": "generated/\n!keep.log\n",
            "lib/keep.log": "re-included by lib/.gitignore\n",
            "lib/generated/out.py": "ignored by lib/.gitignore\n",
            ".gitignore": "*.log\nsecrets.txt\n/build/\n",
            "secrets.txt": "token\n",
            "build/artifact.py": "ignored\n",
            "docs/build/page.md": "kept: /build/ is anchored to the root\n",
            ".git/config": "[core]\n",
            "__pycache__/x.cpython-311.pyc": "",
            "lib/__pycache__/helpers.cpython-311.pyc": "",
            "stray.pyc": "",
            ".pytest_cache/README.md": "",
            "venv/pyvenv.cfg": "home = /usr/bin\n",
            "venv/lib/site.py": "",
            "env2/pyvenv.cfg": "home = /usr/bin\n",
        },
    )
    return root


def members(archive: bytes) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        return {m.name: m for m in tar.getmembers()}


def test_published_files_honour_gitignore_and_skip_vcs_venvs_and_caches(pack: Path) -> None:
    paths = [f.path for f in pack_files(pack)]
    assert paths == [
        ".gitignore",
        "PulumiPolicy.yaml",
        "__main__.py",
        "docs/build/page.md",
        "lib/.gitignore",
        "lib/helpers.py",
        "lib/keep.log",
    ]


def test_tarball_has_package_prefix_and_fixed_metadata(pack: Path) -> None:
    (pack / "run.sh").write_text("#!/bin/sh\n")
    (pack / "run.sh").chmod(0o755)
    found = members(tarball(pack_files(pack)))
    assert all(name.startswith("package/") for name in found)
    assert "package/PulumiPolicy.yaml" in found and "package/lib/helpers.py" in found
    assert found["package/run.sh"].mode == 0o755 and found["package/__main__.py"].mode == 0o644
    assert {(m.uid, m.gid, m.uname, m.mtime) for m in found.values()} == {(0, 0, "", 315532800)}
    assert list(found) == sorted(found)
    with tarfile.open(fileobj=io.BytesIO(tarball(pack_files(pack))), mode="r:gz") as tar:
        extracted = tar.extractfile("package/lib/keep.log")
        assert extracted is not None and extracted.read() == b"re-included by lib/.gitignore\n"


def test_tarball_and_hash_are_stable_and_follow_content(pack: Path, tmp_path: Path) -> None:
    first, first_hash = tarball(pack_files(pack)), source_hash(pack_files(pack))
    copy = tmp_path / "copy"
    shutil.copytree(pack, copy)  # other directory, other mtimes: same files
    assert tarball(pack_files(copy)) == first
    assert source_hash(pack_files(copy)) == first_hash
    assert gzip.decompress(first)  # a plain gzip stream, no timestamp in its header
    assert first[4:8] == b"\0\0\0\0"

    (pack / "lib" / "notes.log").write_text("still ignored, hash unchanged\n")
    shutil.rmtree(pack / "venv" / "lib")
    assert source_hash(pack_files(pack)) == first_hash

    (pack / "__main__.py").write_text("print('other policies')\n")
    assert source_hash(pack_files(pack)) != first_hash
    (pack / "__main__.py").write_text("print('policies')\n")
    (pack / "lib" / "helpers.py").chmod(0o755)
    assert source_hash(pack_files(pack)) != first_hash


def test_named_virtualenv_is_skipped_even_without_pyvenv_cfg(pack: Path) -> None:
    project = "runtime:\n  name: python\n  options:\n    virtualenv: .env\n"
    write(pack, {"PulumiPolicy.yaml": project, ".env/lib/x.py": ""})
    assert not any(f.path.startswith(".env/") for f in pack_files(pack))


def test_missing_directory_or_project_file(tmp_path: Path) -> None:
    with pytest.raises(PackSourceError, match="not a directory"):
        pack_files(tmp_path / "absent")
    with pytest.raises(PackSourceError, match=r"no PulumiPolicy\.yaml"):
        pack_files(tmp_path)


def failures(news: dict[str, object]) -> list[tuple[str, str]]:
    return [(f.property, f.reason) for f in POLICY_PACK.check({}, news)[1]]


def test_check_names_the_field(tmp_path: Path, pack: Path) -> None:
    assert failures({"source": str(tmp_path / "absent")})[0][0] == "source"
    assert "no PulumiPolicy.yaml" in failures({"source": str(tmp_path)})[0][1]
    (found,) = failures({"source": str(pack), "version_tag": "1.0 beta"})
    assert found[0] == "version_tag" and "^[a-zA-Z0-9" in found[1]
    assert failures({"source": str(pack), "version_tag": "x" * 101})[0][0] == "version_tag"
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\n")
    assert "no `version`" in failures({"source": str(pack)})[0][1]
    (pack / "PulumiPolicy.yaml").write_text("runtime: nodejs\nversion: 1.0.0\n")
    assert "Python" in failures({"source": str(pack)})[0][1]


def test_check_learns_the_pack_from_its_analyzer() -> None:
    checked, found = POLICY_PACK.check({}, {"source": str(EXAMPLE_PACK), "version_tag": None})
    assert found == []
    assert checked["name"] == "baseline" and checked["version_tag"] == "1.0.0"
    assert checked["source_hash"] == source_hash(pack_files(EXAMPLE_PACK))
    levels = {p["name"]: p["enforcement_level"] for p in checked["policies"]}
    assert levels == EXAMPLE_PACK_LEVELS
    schema = next(p for p in checked["policies"] if p["name"] == "max-resources")["config_schema"]
    assert schema["required"] == ["maxResources"]
    assert schema["properties"]["maxResources"]["default"] == 500  # an int again, not 500.0


def test_version_tag_is_read_as_written(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(EXAMPLE_PACK, pack)
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 1.10\n")
    checked, found = POLICY_PACK.check({}, {"source": str(pack)})
    assert found == [] and checked["version_tag"] == "1.10"  # not the number 1.1


def test_check_reports_a_pack_that_does_not_start(pack: Path) -> None:
    (pack / "__main__.py").write_text("raise SystemExit('broken pack')\n")
    (found,) = failures({"source": str(pack)})
    assert found[0] == "source" and "did not start as an analyzer" in found[1]


def test_changed_content_needs_a_new_version_tag() -> None:
    olds = {"organization": "acme", "version_tag": "1.0.0", "source_hash": "sha256:a"}
    failure = bump_failure(olds, {**olds, "source_hash": "sha256:b"})
    assert failure is not None and failure.property == "source" and "bump" in failure.reason
    assert bump_failure(olds, {**olds, "source_hash": "sha256:b", "version_tag": "1.1.0"}) is None
    assert bump_failure(olds, dict(olds)) is None
    plan = POLICY_PACK.diff("acme/p/1.0.0", olds, {**olds, "version_tag": "1.1.0"})
    assert list(plan.replaces) == ["version_tag"] and not plan.delete_before_replace
    moved = POLICY_PACK.diff("acme/p/1.0.0", {**olds, "source": "a"}, {**olds, "source": "b"})
    assert list(moved.changes) == ["source"] and not moved.replaces


def test_source_added_to_an_imported_version_is_no_change() -> None:
    """An import knows no files (no `source_hash`): the source declared afterwards is no change,
    a new version tag still replaces."""
    imported = {"organization": "acme", "name": "p", "version_tag": "1.0.0", "version": 1}
    declared = {**imported, "source": "packs/p", "source_hash": "sha256:a"}
    assert not POLICY_PACK.diff("acme/p/1.0.0", imported, declared).changes
    bumped = POLICY_PACK.diff("acme/p/1.0.0", imported, {**declared, "version_tag": "1.1.0"})
    assert list(bumped.replaces) == ["version_tag"]
