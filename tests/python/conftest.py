"""Shared fixtures: where the built executables are (CCRNN_BUILD_DIR, set by ctest)."""
import os
import pathlib

import pytest


@pytest.fixture(scope="session")
def build_dir():
    path = os.environ.get("CCRNN_BUILD_DIR")
    if not path:
        pytest.fail("CCRNN_BUILD_DIR is not set: run these tests through ctest, or export it")
    return pathlib.Path(path)


@pytest.fixture(scope="session")
def linedraw(build_dir):
    exe = build_dir / "apps" / "ccrnn-linedraw"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: build the project first")
    return exe
