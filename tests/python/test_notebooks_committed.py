"""The notebooks in notebooks/ are committed as the issue asks: outputs stripped, the module found from the
build tree, and one PAPER_SIZE switch. (Executing them is the notebook_* tests' job.)"""
import json
import os
import pathlib

import pytest

NOTEBOOKS = sorted((pathlib.Path(os.environ.get("CCRNN_SOURCE_DIR", pathlib.Path(__file__).parents[2])) / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_quickstart", "02_line_drawing", "03_seqmnist", "04_alignment_and_representations", "05_captioning",
            "06_your_own_task"]


def test_the_six_notebooks_are_there():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_are_stripped_and_the_setup_is_uniform(path):
    notebook = json.loads(path.read_text())
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code, f"{path.name}: no code cells"
    for i, cell in enumerate(code):
        assert cell.get("outputs") == [], f"{path.name}: code cell {i} has outputs (strip them before committing)"
        assert cell.get("execution_count") is None, f"{path.name}: code cell {i} has an execution count"
    first = "".join(code[0]["source"])
    assert "CCRNN_BUILD_DIR" in first and "import ccrnn" in first, f"{path.name}: the first cell must set up the import"
    switches = [c for c in code if "".join(c["source"]).lstrip().startswith("PAPER_SIZE = False")]
    assert len(switches) == 1, f"{path.name}: needs exactly one cell starting with 'PAPER_SIZE = False'"
