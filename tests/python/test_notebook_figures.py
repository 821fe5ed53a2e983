"""The notebook runner's figure check (tests/notebooks/run_notebook.py) can fail: tiny notebooks written here, run
through the runner's own kernel setup, pass with an inline figure and are reported when the figure is closed
or drawn by the Agg backend. No ccrnn module needed."""
import importlib.util
import os
import pathlib
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

SOURCE_DIR = pathlib.Path(os.environ.get("CCRNN_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
RUNNER = SOURCE_DIR / "tests" / "notebooks" / "run_notebook.py"
_spec = importlib.util.spec_from_file_location("run_notebook", RUNNER)
runner = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(runner)

SETUP = "import matplotlib\nimport matplotlib.pyplot as plt\nprint(matplotlib.get_backend())"
SHOWN = "fig, ax = plt.subplots(figsize=(2, 2))\nax.plot([0, 1], [1, 0])\nplt.show()"
CLOSED = "fig, ax = plt.subplots(figsize=(2, 2))\nax.plot([0, 1], [1, 0])\nplt.close(fig)"
RETURNED = "fig, ax = plt.subplots(figsize=(2, 2))\nax.imshow([[0, 1], [1, 0]])\nfig"


def tiny(*sources):
    return new_notebook(cells=[new_markdown_cell("a notebook written by the test")]
                        + [new_code_cell(source) for source in sources])


def images(cell):
    return sum("image/png" in output.get("data", {}) for output in cell.outputs)


def test_an_inline_figure_passes(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")   # the caller's backend does not reach the kernel
    notebook = runner.execute(tiny(SETUP, SHOWN, RETURNED), tmp_path)
    assert notebook.cells[1].outputs[0]["text"].strip() == runner.INLINE_BACKEND
    assert images(notebook.cells[2]) == 1 and images(notebook.cells[3]) >= 1
    assert runner.figure_problems(notebook, "tiny.ipynb") == []


def test_a_closed_figure_is_reported(tmp_path):
    notebook = runner.execute(tiny(SETUP, SHOWN, CLOSED), tmp_path)
    problems = runner.figure_problems(notebook, "tiny.ipynb")
    assert len(problems) == 1, problems
    assert problems[0].startswith("tiny.ipynb: cell 3 (In [3]: 'fig, ax = plt.subplots(figsize=(2, 2))')")
    assert "shows 0 images" in problems[0]


def test_an_agg_kernel_is_reported(tmp_path):
    notebook = runner.execute(tiny(SETUP, SHOWN, RETURNED), tmp_path, backend="Agg")
    assert notebook.cells[1].outputs[0]["text"].strip() == "agg"
    problems = runner.figure_problems(notebook, "tiny.ipynb")
    assert [p.split(":")[1] for p in problems] == [" cell 2 (In [2]", " cell 3 (In [3]", " cell 3 (In [3]"], problems
    assert "shows 0 images" in problems[0] and "shows 0 images" in problems[1]
    assert "'<Figure size 200x200 with 1 Axes>' without an image" in problems[2]


def test_the_command_line_fails_naming_notebook_and_cell(tmp_path):
    path = tmp_path / "closed.ipynb"
    nbformat.write(tiny(SETUP, CLOSED), path)
    done = subprocess.run([sys.executable, str(RUNNER), str(path)], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, CCRNN_BUILD_DIR=str(tmp_path)))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "closed.ipynb: cell 2 (In [2]: 'fig, ax = plt.subplots(figsize=(2, 2))'): draws" in done.stderr
    assert nbformat.read(path, as_version=4).cells[2].outputs == []   # the file itself is left as it was


@pytest.mark.parametrize("source, expected", [
    ("fig, ax = plt.subplots()", (True, 1)),
    ("fig = plt.figure()\nax = fig.add_subplot()\nfig2, axes = plt.subplot_mosaic([['a']])", (True, 2)),
    ("%matplotlib inline\nfor i in range(3):\n    plt.figure()\n    plt.plot([i])", (True, 1)),
    ("axes[0].imshow(image)", (True, 0)),
    ("plt.show()", (True, 0)),
    ("def band(ax, x):\n    ax.plot(x)\nbrush = lambda ax: ax.bar([1], [1])", (False, 0)),
    ("colors = plt.cm.tab10(range(3))\nout = model.forward(batch)", (False, 0)),
    ("# ax.plot(x) in a comment\ntext = 'plt.subplots()'", (False, 0)),
])
def test_which_cells_draw(source, expected):
    assert runner.drawing_calls(source) == expected


def executed(source, *outputs):
    cell = new_code_cell(source, execution_count=1)
    cell.outputs = list(outputs)
    return new_notebook(cells=[cell])


PNG = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 640x480 with 1 Axes>"}


def test_two_figures_need_two_images():
    source = "fig, a = plt.subplots()\nplt.show()\nfig, b = plt.subplots()\nplt.show()"
    assert runner.figure_problems(executed(source, new_output("display_data", data=PNG)), "n.ipynb") == [
        "n.ipynb: cell 0 (In [1]: 'fig, a = plt.subplots()'): draws (2 calls making a figure) but shows 1 images "
        "(image/png outputs), expected at least 2"]
    two = executed(source, new_output("display_data", data=PNG), new_output("display_data", data=PNG))
    assert runner.figure_problems(two, "n.ipynb") == []


def test_figure_text_and_backend_warnings_without_an_image_are_reported():
    text = new_output("execute_result", data={"text/plain": "<Figure size 1100x380 with 2 Axes>"}, execution_count=1)
    warning = new_output("stream", name="stderr", text="UserWarning: FigureCanvasAgg is non-interactive, and thus "
                                                       "cannot be shown\n  fig.show()\n")
    problems = runner.figure_problems(executed("print(fig)", text, warning), "n.ipynb")
    assert len(problems) == 2, problems
    assert "'<Figure size 1100x380 with 2 Axes>' without an image" in problems[0]
    assert "is non-interactive, and thus cannot be shown" in problems[1]
