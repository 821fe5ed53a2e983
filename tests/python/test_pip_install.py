"""`pip install` of the repository into a fresh venv, offline: Debian's pip, setuptools and wheel with
--no-build-isolation, in a `python3 -m venv --system-site-packages` environment (numpy from Debian), then the
quickstart run from outside the source tree with the installed package.

Slow (CMake builds the module: about 8 minutes on 2 cores from nothing, seconds when setuptools' build-pip/ tree of
an earlier run is still there), so it is marked `slow`: ctest's python_tests leave it out and the target
`check-slow` runs it. CMAKE_ARGS from the environment reaches CMake (e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)."""
import os
import pathlib
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

SOURCE = pathlib.Path(os.environ.get("CCRNN_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def test_pip_installs_into_a_fresh_venv_and_the_quickstart_runs_from_there(tmp_path):
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV")}
    env["PIP_NO_INDEX"] = "1"  # offline: nothing may come from an index
    subprocess.run([PYTHON, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--no-build-isolation", "--no-deps", str(SOURCE)],
                   env=env, cwd=tmp_path, check=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    script = ("import ccrnn, importlib.metadata as md\n"
              "r = ccrnn.run('linedraw', model='ccrnn', seed=1, epochs=2, train_size=100)\n"
              "print(ccrnn.__file__); print(ccrnn.__version__); print(md.version('ccrnn'))\n"
              "print(len(r['curves']['val_error']))\n")
    out = subprocess.run([str(venv / "bin" / "python"), "-c", script], env=env, cwd=work, check=True,
                         capture_output=True, text=True).stdout.split()
    module_file, version, metadata_version, epochs = out[-4:]
    assert pathlib.Path(module_file).resolve().is_relative_to(venv.resolve())
    assert version == metadata_version  # the version in CMakeLists.txt, seen by C++ and by pip
    assert epochs == "2"
    package = pathlib.Path(module_file).parent
    assert (package / "py.typed").exists() and (package / "_ccrnn.pyi").exists()
