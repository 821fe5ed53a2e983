"""Shared fixtures: where the built executables and the Python module are (CCRNN_BUILD_DIR, set by ctest)."""
import os
import pathlib
import sys

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long; left out of ctest's python_tests, run by the target check-slow")
    # The ccrnn module is built into <build>/bindings: the tests import that one, not an installed copy.
    path = os.environ.get("CCRNN_BUILD_DIR")
    if path:
        sys.path.insert(0, str(pathlib.Path(path) / "bindings"))


@pytest.fixture(scope="session")
def build_dir():
    path = os.environ.get("CCRNN_BUILD_DIR")
    if not path:
        pytest.fail("CCRNN_BUILD_DIR is not set: run these tests through ctest, or export it")
    return pathlib.Path(path)


def executable(build_dir, directory, name):
    exe = build_dir / "apps" / directory / name
    if not exe.exists():
        pytest.fail(f"{exe} is missing: build the project first")
    return exe


@pytest.fixture(scope="session")
def linedraw(build_dir):
    return executable(build_dir, "linedraw", "ccrnn-linedraw")


@pytest.fixture(scope="session")
def seqmnist(build_dir):
    return executable(build_dir, "seqmnist", "ccrnn-seqmnist")


@pytest.fixture(scope="session")
def sweep(build_dir):
    return executable(build_dir, "sweep", "ccrnn-sweep")


@pytest.fixture(scope="session")
def report(build_dir):
    return executable(build_dir, "report", "ccrnn-report")


@pytest.fixture(scope="session")
def caption(build_dir):
    return executable(build_dir, "caption", "ccrnn-caption")


@pytest.fixture(scope="session")
def train(build_dir):
    return executable(build_dir, "train", "ccrnn-train")


@pytest.fixture(scope="session")
def make_digits(build_dir):
    return executable(build_dir, "make_digits", "ccrnn-make-digits")


@pytest.fixture(scope="session")
def make_scenes(build_dir):
    return executable(build_dir, "make_scenes", "ccrnn-make-scenes")
