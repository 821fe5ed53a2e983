"""ccrnn: cortico-cerebellar recurrent networks (a cortical RNN trained by truncated BPTT, and a
cerebellar feedforward network that predicts the gradients beyond the truncation window).

Conventions
-----------
* Sequences are time-major numpy arrays (L, B, features), like torch.nn.LSTM's (seq, batch, feature).
* Cortical states are the stacked state of every layer ([h; c] for an LSTM): S = 2 N layers.
* Trajectories are (L, 2): row t is the (x, y) point at step t.
* Activity for population statistics is (samples, units).
* Parameters have PyTorch's names and shapes (Model.get_parameters / set_parameters).
* Any registered task runs through one run loop with its settings as keywords (the same names as the
  command-line options and the results files' attributes; ccrnn.task_settings(task) lists them):
      ccrnn.run("linedraw", model="ccrnn", seed=1, T=2, epochs=20)
* Configurations take keyword arguments; nested ones accept dicts:
      ccrnn.run_line_drawing(epochs=20, model=dict(cerebellum=True), trainer=dict(tbptt=dict(truncation=2)))
* C++ errors are Python exceptions with the same message; long calls release the GIL and stop on
  Ctrl-C (KeyboardInterrupt).

Main entry points: run, task_names, task_settings, Model, Trainer, Batch, LineDrawing, SeqMnist,
run_line_drawing, run_seqmnist, run_captioning, read_results; analyses: population_correlation, coding_space, population_sparsity,
gradient_alignment, drawing_metrics, paired_t_test, corpus_bleu.
"""
from ._ccrnn import *  # noqa: F401,F403  (the compiled module's public names)
from ._ccrnn import __version__  # noqa: F401
from .results import Results, ResultsError, read_results  # noqa: F401
from .runs import run_line_drawing, run_seqmnist, run_captioning  # noqa: F401
from .weights import export_weights, model_from_weights  # noqa: F401
from .curves import stack_curves, mean_and_sem  # noqa: F401
