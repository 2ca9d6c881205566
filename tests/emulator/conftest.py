"""Fixtures of the emulator tests; the emulator itself comes from tests/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.emulator.openapi_check import reference_dir


@pytest.fixture(scope="session")
def reference() -> Path:
    path = reference_dir()
    assert (path / "pulumi-cloud-openapi.json").is_file(), f"reference documents not at {path}"
    return path
