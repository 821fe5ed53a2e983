"""The Python module is installable: `cmake --install` into a fresh prefix, then importable from there alone."""
import os
import re
import subprocess
import sys

import pytest


def test_install_puts_an_importable_package_under_the_prefix(build_dir, tmp_path):
    cache = (build_dir / "CMakeCache.txt").read_text()
    if not re.search(r"^CCRNN_BUILD_PYTHON:BOOL=ON$", cache, re.M):
        pytest.skip("the Python module is not built (CCRNN_BUILD_PYTHON=OFF)")
    where = re.search(r"^CCRNN_PYTHON_INSTALL_DIR:STRING=(.*)$", cache, re.M).group(1)
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", str(build_dir), "--prefix", str(prefix)], check=True,
                   stdout=subprocess.DEVNULL)
    site = prefix / where
    assert (site / "ccrnn" / "__init__.py").exists()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    out = subprocess.run([sys.executable, "-c", "import ccrnn; print(ccrnn.__file__); "
                          "print(ccrnn.run_line_drawing(epochs=1, train_size=50, validation_size=5, test_repeats=1)['epochs'])"],
                         env=env, cwd=tmp_path, check=True, capture_output=True, text=True).stdout.split()
    assert out[0].startswith(str(site)) and out[1] == "1"
