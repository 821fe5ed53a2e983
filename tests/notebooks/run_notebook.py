"""Executes notebooks top to bottom with Debian's nbclient and matplotlib's inline backend, and fails when a
cell fails or when a figure the notebook draws is missing from its executed outputs.

Usage: run_notebook.py NOTEBOOK.ipynb [...]   (env: CCRNN_BUILD_DIR, the build tree with bindings/)

Each notebook runs in a fresh temporary directory (files it writes go there); the notebook file itself is
never modified. The kernel (kernelspec python3, /usr/bin/python3) gets:
  - PYTHONPATH with CCRNN_BUILD_DIR/bindings first, and CCRNN_BUILD_DIR;
  - MPLBACKEND=module://matplotlib_inline.backend_inline, whatever MPLBACKEND the caller has. That is the
    backend ipykernel picks itself when MPLBACKEND is unset (it outranks /etc/matplotlibrc's TkAgg), as in
    any Jupyter; it renders to PNG in the kernel and needs no display;
  - IPYTHONDIR, an empty directory, so that no IPython profile can change the inline figure format.

The figure rule (figure_problems), checked on the executed notebook; it reads the notebook's source and
outputs, not the code under test:
  1. A code cell draws if its source (IPython magics turned into Python; bodies of def, lambda and class
     left out) calls plt.subplots, plt.subplot, plt.subplot_mosaic, plt.figure or plt.show (on a name plt
     or pyplot), or a plotting method on anything: .plot, .imshow, .hist, .bar, .scatter, ... (PLOT_METHODS).
  2. Each drawing cell must have at least max(1, F) outputs with image/png data, F being the number of
     plt.subplots, plt.subplot_mosaic and plt.figure calls written in it (a call in a loop counts once; a
     call in a branch counts whether or not the branch runs). So a notebook has at least as many image
     outputs as drawing cells.
  3. No output may carry a figure's text "<Figure size WxH with N Axes>" without image/png data beside it,
     nor matplotlib's warnings that a backend "is non-interactive, and thus cannot be shown" or "is a
     non-GUI backend, so cannot show the figure": that is what a non-inline backend such as Agg leaves
     instead of a picture.
A figure that is closed before the cell ends, never shown, or drawn by a non-inline backend fails the rule.
Exit status 1 names the notebook and the failing cell (its index among all cells, markdown included, and
its execution count)."""
import ast
import os
import pathlib
import re
import sys
import tempfile
import time

import nbclient
import nbformat

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
PYPLOT_NAMES = {"plt", "pyplot"}
FIGURE_CALLS = {"subplots", "subplot_mosaic", "figure"}            # each makes one new figure
PYPLOT_DRAWING_CALLS = FIGURE_CALLS | {"subplot", "show"}
PLOT_METHODS = {"plot", "imshow", "matshow", "hist", "hist2d", "bar", "barh", "scatter", "errorbar",
                "fill_between", "contour", "contourf", "pcolormesh", "boxplot", "violinplot", "semilogx",
                "semilogy", "loglog", "pie"}
FIGURE_TEXT = re.compile(r"<Figure size \d+(?:\.\d+)?x\d+(?:\.\d+)? with \d+ Axes>")
NOT_SHOWN_TEXTS = ("is non-interactive, and thus cannot be shown", "is a non-GUI backend, so cannot show the figure")


def kernel_environment(build_dir, ipython_dir, backend=INLINE_BACKEND):
    """The kernel's environment: this process's, with the module's path, the build tree and the backend.
    (`backend` is for the checker's own test, which shows what an Agg kernel leaves; the runner uses inline.)"""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(build_dir / "bindings"), env.get("PYTHONPATH")]))
    env["CCRNN_BUILD_DIR"] = str(build_dir)
    env["MPLBACKEND"] = backend
    env["IPYTHONDIR"] = str(ipython_dir)
    return env


def execute(notebook, build_dir, backend=INLINE_BACKEND):
    """Runs `notebook` (a NotebookNode, changed in place) in a temporary directory; raises
    nbclient.exceptions.CellExecutionError when a cell fails."""
    # Quiets the debugger's warning about frozen modules, in this process (jupyter_client imports ipykernel to
    # find the python3 kernelspec) and in the kernel, which inherits it.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    with tempfile.TemporaryDirectory(prefix="ccrnn-notebook-") as work:
        ipython_dir = pathlib.Path(work) / ".ipython"
        ipython_dir.mkdir()
        client = nbclient.NotebookClient(notebook, timeout=1200, kernel_name="python3",
                                         resources={"metadata": {"path": work}})
        client.execute(env=kernel_environment(build_dir, ipython_dir, backend))
    return notebook


def _calls_outside_definitions(tree):
    """The Call nodes of `tree` that run when the cell runs (not those inside def, lambda or class)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue
            if isinstance(child, ast.Call):
                yield child
            pending.append(child)


def drawing_calls(source):
    """(draws, figures) for a code cell's source: whether it calls anything of the figure rule's point 1, and
    how many pyplot calls making a new figure it contains. Raises SyntaxError on source that is not Python."""
    from IPython.core.inputtransformer2 import TransformerManager  # magics (%matplotlib ...) to Python

    tree = ast.parse(TransformerManager().transform_cell(source))
    draws, figures = False, 0
    for call in _calls_outside_definitions(tree):
        func = call.func
        if not isinstance(func, ast.Attribute):
            continue
        on_pyplot = isinstance(func.value, ast.Name) and func.value.id in PYPLOT_NAMES
        if func.attr in PLOT_METHODS or (on_pyplot and func.attr in PYPLOT_DRAWING_CALLS):
            draws = True
        if on_pyplot and func.attr in FIGURE_CALLS:
            figures += 1
    return draws, figures


def _output_text(output):
    if output.get("output_type") == "stream":
        return output.get("text", "")
    text = output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def _cell_name(notebook_name, index, cell, source):
    first_line = source.strip().splitlines()[0][:60] if source.strip() else ""
    return f"{notebook_name}: cell {index} (In [{cell.get('execution_count') or ' '}]: {first_line!r})"


def figure_problems(notebook, name):
    """The executed notebook's breaches of the figure rule (module docstring), one message per breach, each
    naming the notebook and the cell; an empty list when every figure is there."""
    problems = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        where = _cell_name(name, index, cell, source)
        outputs = cell.get("outputs", [])
        images = sum("image/png" in output.get("data", {}) for output in outputs)
        try:
            draws, figures = drawing_calls(source)
        except SyntaxError as error:
            problems.append(f"{where}: cannot read its source for figure calls: {error}")
            continue
        expected = max(1, figures) if draws else 0
        if images < expected:
            problems.append(f"{where}: draws ({figures} calls making a figure) but shows {images} images "
                            f"(image/png outputs), expected at least {expected}")
        for output in outputs:
            text = _output_text(output)
            if FIGURE_TEXT.search(text) and "image/png" not in output.get("data", {}):
                problems.append(f"{where}: an output shows {FIGURE_TEXT.search(text).group(0)!r} without an image "
                                "(a non-inline matplotlib backend)")
            for warning in NOT_SHOWN_TEXTS:
                if warning in text:
                    problems.append(f"{where}: matplotlib warns that its backend {warning} (not the inline backend)")
    return problems


def count_images(notebook):
    return sum("image/png" in output.get("data", {})
               for cell in notebook["cells"] if cell["cell_type"] == "code" for output in cell.get("outputs", []))


def run(path, build_dir):
    notebook = nbformat.read(path, as_version=4)
    start = time.time()
    try:
        execute(notebook, build_dir)
    except nbclient.exceptions.CellExecutionError as error:
        print(f"{path}: a cell failed:\n{error}", file=sys.stderr)
        return False
    seconds = time.time() - start
    problems = figure_problems(notebook, path.name)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return False
    print(f"{path}: {len(notebook.cells)} cells ran in {seconds:.0f} s; {count_images(notebook)} figures shown")
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
