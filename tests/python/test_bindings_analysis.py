"""Analyses from Python against independent numpy computations of the definitions in docs/metrics.md."""
import warnings

import numpy as np
import pytest

ccrnn = pytest.importorskip("ccrnn", reason="the ccrnn module is not built (CCRNN_BUILD_PYTHON=OFF?)")

rng = np.random.default_rng(3)


def test_population_statistics_match_numpy():
    activity = rng.normal(size=(200, 12)) @ rng.normal(size=(12, 12))  # (samples, units), correlated units
    cov = np.cov(activity.T)
    roots = np.sqrt(np.clip(np.linalg.eigvalsh(cov), 0, None))
    n = activity.shape[1]
    assert ccrnn.population_correlation(activity) == pytest.approx(n / (n - 1) * (roots.max() / roots.sum() - 1 / n))
    assert ccrnn.coding_space(activity) == pytest.approx(np.trace(cov))
    r = np.corrcoef(activity.T)
    np.testing.assert_allclose(ccrnn.correlation_matrix(activity), r, atol=1e-12)
    assert ccrnn.mean_abs_correlation(activity) == pytest.approx(np.abs(r[np.triu_indices(n, 1)]).mean())
    relu = np.maximum(activity, 0)
    per_sample = [(np.abs(x).mean() ** 2) / (x ** 2).mean() for x in relu if x.any()]
    assert ccrnn.population_sparsity(relu) == pytest.approx(np.mean(per_sample))
    other = rng.normal(size=(200, 5))
    cross = np.corrcoef(activity.T, other.T)[:n, n:]
    assert ccrnn.mean_abs_cross_correlation(activity, other) == pytest.approx(np.abs(cross).mean())


def test_constant_units_are_left_out_of_correlations():
    activity = rng.normal(size=(50, 4))
    activity[:, 2] = 0.5
    r = ccrnn.correlation_matrix(activity)
    assert np.isnan(r[2]).all() and np.isnan(r[:, 2]).all()
    kept = np.delete(activity, 2, axis=1)
    assert ccrnn.mean_abs_correlation(activity) == pytest.approx(ccrnn.mean_abs_correlation(kept))
    with pytest.raises(ValueError, match="needs at least 2 samples"):
        ccrnn.correlation_matrix(np.ones((1, 3)))


def test_alignment_drawing_and_statistics():
    a, b = rng.normal(size=(4, 3, 6)), rng.normal(size=(4, 3, 6))
    b[1, 2] = 0
    al = ccrnn.gradient_alignment(a, b)
    expected = np.array([[np.dot(a[j, s], b[j, s]) / (np.linalg.norm(a[j, s]) * np.linalg.norm(b[j, s]) or 1)
                          for s in range(3)] for j in range(4)])
    np.testing.assert_allclose(al["per_sample"], expected, atol=1e-12)
    assert al["zero_pairs"] == 1 and al["mean"] == pytest.approx(expected.mean())
    assert ccrnn.cosine_similarity(a, -a) == pytest.approx(-1)
    target = np.stack([np.linspace(0, 3, 4), np.zeros(4)], axis=1)
    drawn = 2 * target
    m = ccrnn.drawing_metrics([drawn], [target])
    assert m["dysmetria"] == pytest.approx(1.0) and m["endpoint_error"] == pytest.approx(3.0)
    assert m["test_error"] == pytest.approx(np.mean(np.sum((drawn - target) ** 2, axis=1)))
    assert ccrnn.path_length(target) == pytest.approx(3.0)
    x, y = [1.0, 2.0, 4.0, 3.0], [0.5, 1.0, 2.0, 2.5]
    d = np.subtract(x, y)
    t = ccrnn.paired_t_test(x, y)
    assert t["t"] == pytest.approx(d.mean() / (d.std(ddof=1) / 2)) and t["dof"] == 3 and 0 < t["p"] < 1
    assert ccrnn.sem([1.0, 3.0]) == pytest.approx(1.0)


def test_corpus_bleu_on_the_task_words():
    perfect = ccrnn.corpus_bleu(["a red circle on the left ."], [["A red circle on the left"]])
    assert perfect["bleu4"] == pytest.approx(1.0) and perfect["brevity_penalty"] == 1.0
    none = ccrnn.corpus_bleu(["blue square"], [["a red circle"]])
    assert none["bleu1"] == 0.0
    with pytest.raises(ValueError, match="2 candidates but 1 reference lists"):
        ccrnn.corpus_bleu(["a", "b"], [["a"]])


def test_curves_over_seeds():
    runs = [{"val_error": [3.0, 2.0, 1.0]}, {"val_error": [5.0, 4.0]}]
    curves = ccrnn.stack_curves(runs, "val_error")
    assert curves.shape == (2, 3) and np.isnan(curves[1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warnings on all-NaN columns
        mean, sem = ccrnn.mean_and_sem(np.array([[1.0, np.nan, 2.0], [3.0, np.nan, np.nan]]))
    np.testing.assert_array_equal(mean, [2.0, np.nan, 2.0])
    np.testing.assert_array_equal(sem, [1.0, np.nan, 0.0])
