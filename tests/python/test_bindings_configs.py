"""Configurations as keyword arguments: defaults, nesting, enums by name, clear errors, round trips."""
import pickle

import pytest

ccrnn = pytest.importorskip("ccrnn", reason="the ccrnn module is not built (CCRNN_BUILD_PYTHON=OFF?)")


def test_keywords_set_fields_and_keep_the_other_defaults():
    c = ccrnn.ModelConfig(hidden_size=30, cerebellum=True)
    assert c.hidden_size == 30 and c.cerebellum
    assert c.cerebellum_hidden == ccrnn.ModelConfig().cerebellum_hidden == 400


def test_nested_configurations_accept_dicts_and_objects():
    c = ccrnn.LineDrawingRunConfig(epochs=7, model=dict(cerebellum=True, hidden_size=12),
                                   trainer=dict(truncation=3, optimizer=dict(lr=0.05)))
    assert (c.epochs, c.model.cerebellum, c.model.hidden_size) == (7, True, 12)
    assert c.trainer.truncation == 3 and c.trainer.optimizer.lr == 0.05
    assert c.trainer.sg_scale == 0.1  # untouched nested fields keep their defaults
    c2 = ccrnn.LineDrawingRunConfig(model=ccrnn.ModelConfig(layers=2))
    assert c2.model.layers == 2


def test_enums_are_accepted_by_name():
    assert ccrnn.ModelConfig(cell="gru").cell == ccrnn.CellType.gru
    assert ccrnn.SeqMnistConfig(target="classify").target == ccrnn.SeqMnistTarget.classify
    with pytest.raises(ValueError, match="unknown value 'lstmm'"):
        ccrnn.CellType("lstmm")


def test_unknown_options_and_wrong_types_are_type_errors_that_name_them():
    with pytest.raises(TypeError, match="unknown option 'hiden'.*hidden_size"):
        ccrnn.ModelConfig(hiden=3)
    with pytest.raises(TypeError, match="unknown option 'lrr'"):
        ccrnn.LineDrawingRunConfig(trainer=dict(optimizer=dict(lrr=1)))
    with pytest.raises(TypeError, match="option 'epochs' takes a int"):
        ccrnn.LineDrawingRunConfig(epochs="many")


def test_papers_defaults_per_task():
    s = ccrnn.SeqMnistRunConfig()
    assert (s.model.hidden_size, s.model.cerebellum_hidden, s.model.cerebellum_layers) == (30, 300, 1)
    assert s.trainer.truncation == 3 and s.trainer.optimizer.lr == pytest.approx(1e-4)
    l = ccrnn.LineDrawingRunConfig()
    assert (l.model.hidden_size, l.trainer.truncation, l.epochs) == (50, 1, 100)
    c = ccrnn.CaptionRunConfig()
    assert (c.trainer.truncation, c.trainer.clip, c.model.cerebellum_hidden) == (4, 0.0, 1024)


def test_to_dict_pickle_and_repr_round_trip():
    c = ccrnn.SeqMnistRunConfig(epochs=3, task=dict(target="digit"), model=dict(cell="tanh"))
    d = c.to_dict()
    assert d["task"]["target"] == "digit" and d["model"]["cell"] == "tanh" and d["epochs"] == 3
    again = ccrnn.SeqMnistRunConfig(**d)
    assert again.to_dict() == d
    assert pickle.loads(pickle.dumps(c)).to_dict() == d
    assert "epochs=3" in repr(c) and "SeqMnistConfig(" in repr(c)
