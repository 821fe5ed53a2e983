"""numpy in and out: batches, parameters by name, forward passes, data sets; shapes as documented."""
import numpy as np
import pytest

ccrnn = pytest.importorskip("ccrnn", reason="the ccrnn module is not built (CCRNN_BUILD_PYTHON=OFF?)")

rng = np.random.default_rng(5)


def test_batch_round_trips_every_array():
    L, B, I, O, C = 6, 3, 4, 2, 5
    x, y = rng.normal(size=(L, B, I)), rng.normal(size=(L, B, O))
    sup = np.array([1, 0, 1, 1, 0, 1], dtype=bool)
    ctx = rng.normal(size=(B, C))
    b = ccrnn.Batch(x, targets=y, supervised=sup, context=ctx)
    assert (b.length, b.size) == (L, B)
    np.testing.assert_array_equal(b.inputs, x)
    np.testing.assert_array_equal(b.targets, y)
    np.testing.assert_array_equal(b.supervised, sup)
    np.testing.assert_array_equal(b.context, ctx)
    assert b.labels is None
    labels = rng.integers(-1, 10, size=(L, B))
    bl = ccrnn.Batch(x, labels=labels)
    np.testing.assert_array_equal(bl.labels, labels)
    assert bl.targets is None and bl.supervised.all()


def test_batch_shape_errors_name_the_argument():
    x = np.zeros((4, 2, 1))
    with pytest.raises(ValueError, match=r"Batch inputs: expected a 3-D array.*\(4, 2\)"):
        ccrnn.Batch(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="Batch targets: shape"):
        ccrnn.Batch(x, targets=np.zeros((4, 3, 2)))
    with pytest.raises(ValueError, match="Batch supervised"):
        ccrnn.Batch(x, supervised=np.ones(5, dtype=bool))
    with pytest.raises(ValueError, match="Batch labels"):
        ccrnn.Batch(x, labels=np.zeros((4, 1), dtype=int))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("cell", ["lstm", "gru", "tanh"])
def test_every_parameter_round_trips_by_name_with_pytorch_shapes(dtype, cell):
    m = ccrnn.Model(cell=cell, input_size=3, hidden_size=5, output_size=2, cerebellum=True, cerebellum_hidden=7,
                    cerebellum_layers=2, seed=1, dtype=dtype)
    gates = {"lstm": 4, "gru": 3, "tanh": 1}[cell]
    shapes = {k: v.shape for k, v in m.get_parameters().items()}
    S = m.state_size
    assert S == (10 if cell == "lstm" else 5)
    assert shapes == {"cortex.weight_ih_l0": (gates * 5, 3), "cortex.weight_hh_l0": (gates * 5, 5),
                      "cortex.bias_ih_l0": (gates * 5,), "cortex.bias_hh_l0": (gates * 5,),
                      "readout.weight": (2, 5), "readout.bias": (2,),
                      "cerebellum.layers.0.weight": (7, S), "cerebellum.layers.0.bias": (7,),
                      "cerebellum.layers.1.weight": (7, 7), "cerebellum.layers.1.bias": (7,),
                      "cerebellum.layers.2.weight": (S, 7), "cerebellum.layers.2.bias": (S,)}
    assert sum(np.prod(s) for s in shapes.values()) == m.parameter_count()
    assert not m.get_parameter("cerebellum.layers.2.weight").any()  # the output layer starts at zero
    new = {k: rng.normal(size=s).astype(dtype) for k, s in shapes.items()}
    m.set_parameters(new)
    for k, v in m.get_parameters().items():
        assert v.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(v, new[k])
    m.set_parameter("readout.bias", np.array([[1.5], [2.5]]))  # (rows, 1) is accepted for a bias too
    np.testing.assert_array_equal(m.get_parameter("readout.bias"), [1.5, 2.5])


def test_parameter_errors():
    m = ccrnn.Model(hidden_size=4, seed=0)
    with pytest.raises(KeyError, match="no parameter named 'cortex.weight'"):
        m.get_parameter("cortex.weight")
    with pytest.raises(ValueError, match=r"'readout.weight' has shape \(2, 4\), got an array of shape \(4, 2\)"):
        m.set_parameter("readout.weight", np.zeros((4, 2)))
    with pytest.raises(KeyError, match=r"missing 'cortex.weight_ih_l0', .*'readout.bias' \(strict=False"):
        m.set_parameters({"readout.weight": np.zeros((2, 4))})
    m.set_parameters({"readout.weight": np.ones((2, 4))}, strict=False)
    assert (m.get_parameter("readout.weight") == 1).all()
    with pytest.raises(ValueError, match="dtype must be"):
        ccrnn.Model(dtype="float16")


def test_sparse_mossy_fibres_keep_their_mask():
    m = ccrnn.Model(hidden_size=6, cerebellum=True, cerebellum_hidden=20, fibres=3, seed=2)
    mask = m.fibre_mask()
    assert mask.shape == (20, 12) and (mask.sum(axis=1) == 3).all()
    w = m.get_parameter("cerebellum.layers.0.weight")
    assert not w[mask == 0].any()
    m.set_parameter("cerebellum.layers.0.weight", w * 2)  # inside the mask: fine
    with pytest.raises(ValueError, match="outside the mossy-fibre mask"):
        m.set_parameter("cerebellum.layers.0.weight", np.ones_like(w))
    assert ccrnn.Model(hidden_size=3, seed=0).fibre_mask() is None


def test_forward_shapes_and_the_readout_of_the_hidden_states():
    L, B = 7, 4
    m = ccrnn.Model(input_size=2, hidden_size=5, output_size=3, layers=2, cerebellum=True, cerebellum_hidden=8,
                    seed=4, dtype="float64")
    x = rng.normal(size=(L, B, 2))
    out = m.forward(x)
    assert out["outputs"].shape == (L, B, 3) and out["hidden"].shape == (L, B, 5)
    assert out["states"].shape == (L + 1, B, 20)  # 2 layers x [h; c]
    assert not out["states"][0].any()  # the zero initial state
    W, b = m.get_parameter("readout.weight"), m.get_parameter("readout.bias")
    np.testing.assert_allclose(out["outputs"], out["hidden"] @ W.T + b, rtol=1e-12, atol=1e-12)
    # The top layer's h is the third block of the stacked state [h0; c0; h1; c1] after each step.
    np.testing.assert_allclose(out["states"][1:, :, 10:15], out["hidden"], rtol=0, atol=0)
    assert out["predictions"].shape == (L + 1, B, 20) and not out["predictions"].any()  # untrained: zero
    assert len(out["granule"]) == 2 and out["granule"][0].shape == (L + 1, B, 8)
    same = m.forward(ccrnn.Batch(x))
    np.testing.assert_array_equal(same["outputs"], out["outputs"])
    with pytest.raises(ValueError, match="the inputs have 3 features per step, the model takes input_size = 2"):
        m.forward(np.zeros((L, B, 3)))


def test_float32_and_float64_models_agree_to_single_precision():
    a = ccrnn.Model(hidden_size=6, seed=9, dtype="float32")
    b = ccrnn.Model(hidden_size=6, seed=9, dtype="float64")
    for k, v in a.get_parameters().items():
        np.testing.assert_allclose(b.get_parameter(k), v, rtol=1e-7)
    x = rng.normal(size=(10, 3, 1))
    np.testing.assert_allclose(a.forward(x)["outputs"], b.forward(x)["outputs"], rtol=1e-4, atol=1e-5)


def test_line_drawing_batches_and_targets():
    task = ccrnn.LineDrawing(length=10)
    assert task.cues() == [-3, -2, -1, 0, 1, 2, 3]
    t = task.target(3)
    assert t.shape == (10, 2) and np.allclose(t[0], 0) and np.isclose(np.hypot(*t[-1]), 10)
    b = task.make_batch([3, 0], dense_feedback=False)
    np.testing.assert_allclose(b.inputs[0, :, 0], [0.3, 0.0])
    np.testing.assert_allclose(b.targets[:, 0, :], t)
    np.testing.assert_array_equal(b.supervised, np.arange(10) % 2 == 0)
    s1 = task.sample_batch(ccrnn.Rng(3), 5)
    s2 = task.sample_batch(ccrnn.Rng(3), 5)
    np.testing.assert_array_equal(s1.inputs, s2.inputs)
    with pytest.raises(ValueError, match="cues must be in -3..3"):
        task.make_batch([4])


# The reference's digit vertices (neuralml/ccDNI src/dataset/mnist.py, draw0 .. draw9), written out here
# independently of ccrnn's C++ table.
REFERENCE_DIGITS = [
    ([0, 0, 0, 0.5, 1, 1, 1, 0.5, 0], [1, 0.5, 0, 0, 0, 0.5, 1, 1, 1]),
    ([0.25, 0.5, 0.5, 0.5], [0.75, 1, 0.5, 0]),
    ([0, 0.5, 1, 0.5, 0, 0.5, 1], [1, 1, 1, 0.5, 0, 0, 0]),
    ([0, 0.5, 1, 1, 0.5, 1, 1, 0.5, 0], [1, 1, 1, 0.5, 0.5, 0.5, 0, 0, 0]),
    ([0, 0, 0.5, 1, 0.5, 0.5, 0.5, 0.5], [1, 0.5, 0.5, 0.5, 0.5, 1, 0.5, 0]),
    ([0, 0.5, 1, 0.5, 0, 0, 0.5, 1, 1, 0.5, 0], [1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0, 0, 0]),
    ([0, 0, 0, 0.5, 1, 1, 0.5, 0], [1, 0.5, 0, 0, 0, 0.5, 0.5, 0.5]),
    ([0, 0.5, 1, 0.5, 0], [1, 1, 1, 0.5, 0]),
    ([0, 0.5, 1, 0.5, 0, 0.5, 1, 0.5, 0], [1, 0.5, 0, 0, 0, 0.5, 1, 1, 1]),
    ([0, 0, 0.5, 1, 1, 0.5, 0, 0.5, 1, 1, 1], [1, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 0.5, 0]),
]


def per_segment_points(points, steps):
    """The reference's resampling: equal sample counts per segment (the first r - 1 segments one more when
    steps % segments = r > 0, else the last one fewer), linspace along each without its end, the last vertex."""
    segments = len(points) - 1
    counts = [steps // segments] * segments
    r = steps % segments
    if r > 0:
        for i in range(r - 1):
            counts[i] += 1
    else:
        counts[-1] -= 1
    parts = [np.linspace(points[i], points[i + 1], counts[i] + 1)[:-1] for i in range(segments)]
    return np.vstack(parts + [points[-1:]])


def test_seqmnist_digit_targets_are_the_reference_templates_resampled_per_segment():
    reference = ccrnn.SeqMnist(target="digit")
    assert str(reference.config.digit_templates).endswith("reference")  # the default
    own = ccrnn.SeqMnist(target="digit", digit_templates="ccrnn")
    for d, (x, y) in enumerate(REFERENCE_DIGITS):
        expected = per_segment_points(np.column_stack([x, y]).astype(float), 28)
        assert expected.shape == (28, 2)
        np.testing.assert_allclose(reference.target(d), expected, rtol=0, atol=1e-15, err_msg=f"digit {d}")
        assert np.abs(own.target(d) - expected).max() > 0.05  # ccrnn's own templates are other drawings


def test_digit_images_round_trip_and_seqmnist_batches():
    images = ccrnn.procedural_digits(seed=1, first=0, count=12)
    px, labels = images.images, images.labels
    assert px.shape == (12, 28, 28) and px.dtype == np.float32 and labels.shape == (12,)
    assert 0 <= px.min() and px.max() <= 1
    again = ccrnn.DigitImages(px, labels)
    np.testing.assert_array_equal(again.images, px)
    np.testing.assert_array_equal(ccrnn.procedural_digits(seed=1, first=0, count=12).images, px)
    task = ccrnn.SeqMnist(target="classify")
    b = task.make_batch(images, [0, 5])
    assert b.inputs.shape == (28, 2, 28)
    np.testing.assert_allclose(b.inputs[:, 1, :], px[5], rtol=1e-7)  # one image row per step
    assert b.labels[-1, 1] == labels[5] and (b.labels[:-1] == -1).all()
    with pytest.raises(ValueError, match="labels must be"):
        ccrnn.DigitImages(px, labels[:3])
    with pytest.raises(ValueError):
        ccrnn.DigitImages(px * 3, labels)  # pixels outside [0, 1]
