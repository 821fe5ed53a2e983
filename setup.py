"""The build step behind pyproject.toml: CMake builds the extension ccrnn._ccrnn, setuptools packages it with the
pure-Python files of bindings/python/ccrnn. The version is CMakeLists.txt's project(VERSION), read here."""
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


def cmake_version():
    text = (ROOT / "CMakeLists.txt").read_text()
    return re.search(r"project\(\s*ccrnn\s+VERSION\s+([0-9][0-9.]*)", text).group(1)


class CMakeExtension(Extension):
    def __init__(self, name, target):
        super().__init__(name, sources=[])
        self.target = target


class CMakeBuild(build_ext):
    """Configures the whole project with only the Python module switched on and builds its target alone."""

    def build_extension(self, ext):
        build = pathlib.Path(self.build_temp).resolve() / "cmake"
        build.mkdir(parents=True, exist_ok=True)
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build),
            "-DCMAKE_BUILD_TYPE=Release",
            f"-DPython3_EXECUTABLE={sys.executable}",
            "-DCCRNN_BUILD_PYTHON=ON", "-DCCRNN_BUILD_TESTS=OFF", "-DCCRNN_BUILD_APPS=OFF", "-DCCRNN_BUILD_BENCH=OFF",
        ] + shlex.split(os.environ.get("CMAKE_ARGS", ""))
        subprocess.run(configure, check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(self.parallel or os.cpu_count() or 1)
        subprocess.run(["cmake", "--build", str(build), "--target", ext.target, "-j", jobs], check=True)
        suffix = pathlib.Path(self.get_ext_filename(ext.name)).name
        built = build / "bindings" / "ccrnn" / suffix
        if not built.exists():
            raise RuntimeError(f"CMake did not produce {built}")
        destination = pathlib.Path(self.get_ext_fullpath(ext.name))
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, destination)


setup(
    version=cmake_version(),
    ext_modules=[CMakeExtension("ccrnn._ccrnn", target="ccrnn_python")],
    cmdclass={"build_ext": CMakeBuild},
    # Keep setuptools' build tree apart from CMake's usual build/ directory.
    options={"build": {"build_base": "build-pip"}},
    zip_safe=False,
)
