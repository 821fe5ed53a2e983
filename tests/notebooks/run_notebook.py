"""Executes notebooks top to bottom with Debian's nbclient and fails when any cell fails.

Usage: run_notebook.py NOTEBOOK.ipynb [...]   (env: CCRNN_BUILD_DIR, the build tree with bindings/)

Each notebook runs in a fresh temporary directory (files it writes go there) with the ccrnn module of
CCRNN_BUILD_DIR on PYTHONPATH and a non-interactive matplotlib backend; the notebook file itself is never
modified. Exit status 1 names the notebook and the failing cell."""
import os
import pathlib
import sys
import tempfile
import time

import nbclient
import nbformat


def run(path, build_dir):
    notebook = nbformat.read(path, as_version=4)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(build_dir / "bindings"), os.environ.get("PYTHONPATH")]))
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # quiets ipykernel's debugger warnings
    os.environ["CCRNN_BUILD_DIR"] = str(build_dir)
    with tempfile.TemporaryDirectory(prefix="ccrnn-notebook-") as work:
        client = nbclient.NotebookClient(notebook, timeout=1200, kernel_name="python3",
                                         resources={"metadata": {"path": work}})
        start = time.time()
        try:
            client.execute()
        except nbclient.exceptions.CellExecutionError as error:
            print(f"{path}: a cell failed:\n{error}", file=sys.stderr)
            return False
        print(f"{path}: {len(notebook.cells)} cells ran in {time.time() - start:.0f} s")
    return True


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    build = os.environ.get("CCRNN_BUILD_DIR")
    if not build:
        print("run_notebook.py: set CCRNN_BUILD_DIR to the build tree", file=sys.stderr)
        return 2
    build_dir = pathlib.Path(build).resolve()
    ok = all([run(pathlib.Path(p).resolve(), build_dir) for p in sys.argv[1:]])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
