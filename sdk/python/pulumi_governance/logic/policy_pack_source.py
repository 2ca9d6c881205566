"""A pulumi-policy pack directory: its PulumiPolicy.yaml, the files it publishes, their hash and the
tarball.

The files published are those under the pack directory that `.gitignore` files (at any depth, git's
rules, a deeper file overriding a shallower one) and `.pulumiignore` do not exclude, never `.git`,
virtualenvs (any directory holding `pyvenv.cfg`, and the one PulumiPolicy.yaml names), caches
(`__pycache__`, `.pytest_cache`, `.mypy_cache`, `.ruff_cache`) or compiled `*.pyc`/`*.pyo` files.
Symbolic links are not followed (nothing outside the pack is ever published).

The tarball is what the service expects from `pulumi policy publish`: a gzipped tar whose entries
sit under `package/`. It is deterministic (sorted entries, fixed times, owners and modes), and the
`source_hash` covers exactly the same files: their paths, executable bits and contents.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import stat
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pathspec
import yaml

PROJECT_FILE = "PulumiPolicy.yaml"
IGNORE_FILES = (".gitignore", ".pulumiignore")
NEVER_DIRS = frozenset({".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"})
NEVER_SUFFIXES = (".pyc", ".pyo")
PREFIX = "package"
# 1980-01-01: a fixed time for every entry (some tools reject the epoch itself).
FIXED_MTIME = 315532800


class PackSourceError(ValueError):
    """The pack directory cannot be published as it is."""


@dataclass(frozen=True)
class PackFile:
    path: str  # relative to the pack directory, with "/" separators
    executable: bool
    data: bytes


def read_project(source: Path) -> dict[str, Any]:
    """PulumiPolicy.yaml as a dict; PackSourceError when missing or malformed."""
    project_file = source / PROJECT_FILE
    if not source.is_dir():
        raise PackSourceError(f"{str(source)!r} is not a directory")
    if not project_file.is_file():
        raise PackSourceError(f"{str(source)!r} has no {PROJECT_FILE}")
    try:
        # Every scalar stays text, as written: `version: 1.10` is the tag "1.10", not 1.1.
        project = yaml.load(project_file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise PackSourceError(f"{PROJECT_FILE} cannot be read: {error}") from None
    if not isinstance(project, dict):
        raise PackSourceError(f"{PROJECT_FILE} must be a mapping")
    return project


def runtime_name(project: dict[str, Any]) -> str:
    runtime = project.get("runtime")
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    return str(name or "")


def virtualenv_dir(project: dict[str, Any]) -> str | None:
    """The `runtime.options.virtualenv` of PulumiPolicy.yaml, if any."""
    runtime = project.get("runtime")
    options = runtime.get("options") if isinstance(runtime, dict) else None
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    return str(venv) if venv else None


class _Ignores:
    """The ignore files met on the way down, shallowest first; the deepest match decides."""

    def __init__(self) -> None:
        self._specs: list[tuple[str, pathspec.PathSpec]] = []

    def load(self, directory: Path, rel_dir: str) -> None:
        for name in IGNORE_FILES:
            file = directory / name
            if file.is_file() and not file.is_symlink():
                lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
                self._specs.append((rel_dir, pathspec.GitIgnoreSpec.from_lines(lines)))

    def ignored(self, rel_path: str, is_dir: bool) -> bool:
        verdict = False
        for base, spec in self._specs:
            if base and not rel_path.startswith(base + "/"):
                continue
            local = rel_path[len(base) + 1 :] if base else rel_path
            result = spec.check_file(local + "/" if is_dir else local)
            if result.include is not None:
                verdict = bool(result.include)
        return verdict


def pack_files(source: Path, project: dict[str, Any] | None = None) -> list[PackFile]:
    """The files that would be published, sorted by path."""
    project = read_project(source) if project is None else project
    venv = virtualenv_dir(project)
    venv_path = (source / venv).resolve() if venv else None
    ignores = _Ignores()
    found: list[PackFile] = []

    def walk(directory: Path, rel_dir: str) -> None:
        ignores.load(directory, rel_dir)
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.is_symlink():
                continue
            if entry.is_dir():
                path = Path(entry.path)
                if (
                    entry.name in NEVER_DIRS
                    or (path / "pyvenv.cfg").exists()
                    or (venv_path is not None and path.resolve() == venv_path)
                    or ignores.ignored(rel, is_dir=True)
                ):
                    continue
                walk(path, rel)
            elif entry.is_file():
                if entry.name.endswith(NEVER_SUFFIXES) or ignores.ignored(rel, is_dir=False):
                    continue
                mode = entry.stat().st_mode
                data = Path(entry.path).read_bytes()
                found.append(PackFile(rel, bool(mode & stat.S_IXUSR), data))

    walk(source, "")
    found.sort(key=lambda f: f.path)
    if not any(f.path == PROJECT_FILE for f in found):
        raise PackSourceError(f"{PROJECT_FILE} is excluded by an ignore file")
    return found


def source_hash(files: list[PackFile]) -> str:
    """A hash of exactly the published files: path, executable bit and content of each."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.path.encode("utf-8") + b"\0")
        digest.update(b"x" if file.executable else b"-")
        digest.update(hashlib.sha256(file.data).digest())
    return "sha256:" + digest.hexdigest()


def tarball(files: list[PackFile]) -> bytes:
    """The gzipped tar the service expects: every file under `package/`, deterministic."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for file in files:
            info = tarfile.TarInfo(f"{PREFIX}/{file.path}")
            info.size = len(file.data)
            info.mode = 0o755 if file.executable else 0o644
            info.mtime = FIXED_MTIME
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(file.data))
    return gzip.compress(raw.getvalue(), compresslevel=9, mtime=0)
