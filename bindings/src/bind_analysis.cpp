// Analyses: population statistics of recorded activity, gradient alignment, drawing metrics, statistics
// across seeds and BLEU. Activity arrays are (samples, units), as in numpy/scikit-learn; reshape
// recordings first, e.g. rec.states.reshape(-1, rec.states.shape[-1]).
#include "arrays.hpp"
#include "bindings.hpp"
#include "result_dicts.hpp"

#include <ccrnn/dni/recording.hpp>
#include <ccrnn/metrics/drawing.hpp>
#include <ccrnn/metrics/population.hpp>
#include <ccrnn/metrics/similarity.hpp>
#include <ccrnn/metrics/statistics.hpp>
#include <ccrnn/tasks/caption/bleu.hpp>
#include <ccrnn/tasks/caption/vocabulary.hpp>

#include <pybind11/stl.h>

namespace ccrnn::python {

namespace {

/// units x samples (the C++ convention) from a (samples, units) array.
Eigen::MatrixXd activity_from(const py::array& a, const char* what) {
  return matrix_from_numpy<double>(a, std::string(what) + " (activity: samples x units)").transpose();
}

/// A list of (L, 2) trajectories (or an (n, L, 2) array) as 2 x L matrices.
std::vector<Eigen::MatrixXd> trajectories_from(const py::object& trajectories, const char* what) {
  std::vector<Eigen::MatrixXd> out;
  for (const auto& t : trajectories) {
    const Eigen::MatrixXd m = matrix_from_numpy<double>(t.cast<py::array>(), what);
    if (m.cols() != 2) throw py::value_error(std::string(what) + ": each trajectory must be (L, 2)");
    out.push_back(m.transpose());
  }
  return out;
}

}  // namespace

void bind_analysis(py::module_& m) {
  m.def("population_correlation", [](const py::array& a) { return population_correlation(activity_from(a, "population_correlation")); },
        py::arg("activity"),
        "Population correlation of activity (samples, units) from the covariance eigenvalues l_i: "
        "N/(N-1) (max sqrt(l) / sum sqrt(l) - 1/N), in [0, 1]: 1 for one shared direction, 0 for isotropic activity. NaN if undefined.");
  m.def("mean_abs_correlation", [](const py::array& a) { return mean_abs_correlation(activity_from(a, "mean_abs_correlation")); },
        py::arg("activity"), "Mean |Pearson r| over pairs of units of activity (samples, units); constant units are left out.");
  m.def("coding_space", [](const py::array& a) { return coding_space(activity_from(a, "coding_space")); }, py::arg("activity"),
        "Total variance (trace of the covariance) of activity (samples, units), in squared activity units.");
  m.def("population_sparsity", [](const py::array& a) { return population_sparsity(activity_from(a, "population_sparsity")); },
        py::arg("activity"), "Treves-Rolls sparsity over units per sample, averaged over samples, in [1/N, 1]; LOW = sparse.");
  m.def("lifetime_sparsity", [](const py::array& a) { return lifetime_sparsity(activity_from(a, "lifetime_sparsity")); },
        py::arg("activity"), "Treves-Rolls sparsity over samples per unit, averaged over units; LOW = sparse.");
  m.def("correlation_matrix", [](const py::array& a) { return matrix_to_numpy<double>(correlation_matrix(activity_from(a, "correlation_matrix"))); },
        py::arg("activity"), "(units, units) Pearson correlations across samples; NaN rows for constant units.");
  m.def("mean_abs_cross_correlation", [](const py::array& a, const py::array& b) {
          return mean_abs_cross_correlation(activity_from(a, "mean_abs_cross_correlation"), activity_from(b, "mean_abs_cross_correlation"));
        }, py::arg("cortex"), py::arg("granule"),
        "Mean |Pearson r| between every unit of `cortex` (samples, units) and every unit of `granule` (samples, units') over the same samples.");
  m.def("cosine_similarity", [](const py::array& a, const py::array& b) {
          const auto x = CArray<double>::ensure(a), y = CArray<double>::ensure(b);
          if (!x || !y || x.size() != y.size()) throw py::value_error("cosine_similarity: the two arrays differ in size");
          const Eigen::Map<const Eigen::VectorXd> u(x.data(), x.size()), v(y.data(), y.size());
          return cosine_similarity(u, v);
        }, py::arg("a"), py::arg("b"), "cos(a, b) of two arrays taken as flat vectors, in [-1, 1]; 0 if either is all zero.");
  m.def("gradient_alignment", [](const py::array& a, const py::array& b) {
          const Matrix<double> x = sequence_from_numpy<double>(a, "gradient_alignment a");
          const Matrix<double> y = sequence_from_numpy<double>(b, "gradient_alignment b");
          const auto shape = py::array(a);
          if (x.rows() != y.rows() || x.cols() != y.cols()) throw py::value_error("gradient_alignment: a and b differ in shape");
          return alignment_to_dict(gradient_alignment(x, y, shape.shape(1), shape.shape(0)));
        }, py::arg("a"), py::arg("b"),
        "Cosines between a and b, both (boundaries, B, S), per boundary and sample over S: dict per_sample "
        "(boundaries, B), per_boundary, mean, zero_pairs (pairs with a zero vector, counted as 0).");

  m.def("path_length", [](const py::array& t) { return path_length(matrix_from_numpy<double>(t, "path_length").transpose()); },
        py::arg("trajectory"), "Sum of the step lengths of a trajectory (L, 2).");
  m.def("drawing_metrics", [](const py::object& drawn, const py::object& targets) {
          return drawing_to_dict(drawing_metrics(trajectories_from(drawn, "drawing_metrics drawn"),
                                                 trajectories_from(targets, "drawing_metrics targets")));
        }, py::arg("drawn"), py::arg("targets"),
        "Metrics of paired trajectories (each (L, 2)): test_error (mean squared distance), dysmetria (drawn / target "
        "path length - 1 over moving targets; > 0 overshoot), stationary_path_length, endpoint_error, irregularity "
        "(path_bend(drawn) - path_bend(target) over moving targets).");
  m.def("path_bend", [](const py::array& t) { return path_bend(matrix_from_numpy<double>(t, "path_bend").transpose()); },
        py::arg("trajectory"), "1 - (distance between the ends) / path length of a trajectory (L, 2); 0 = straight.");

  m.def("paired_t_test", [](const std::vector<double>& a, const std::vector<double>& b) {
          const TTest t = paired_t_test(a, b);
          py::dict out;
          out["t"] = t.t;
          out["dof"] = t.dof;
          out["p"] = t.p_two_sided;
          out["mean_difference"] = t.mean_difference;
          return out;
        }, py::arg("a"), py::arg("b"), "Two-sided paired t-test of mean(a - b) == 0 (e.g. two models on the same seeds): t, dof, p, mean_difference.");
  m.def("sem", [](const std::vector<double>& x) { return sem(x); }, py::arg("x"), "Standard error of the mean (0 for fewer than 2 values).");

  m.def("corpus_bleu", [](const std::vector<std::string>& candidates, const std::vector<std::vector<std::string>>& references) {
          if (candidates.size() != references.size())
            throw py::value_error("corpus_bleu: " + std::to_string(candidates.size()) + " candidates but " +
                                  std::to_string(references.size()) + " reference lists");
          std::vector<tasks::Tokens> c;
          std::vector<std::vector<tasks::Tokens>> r;
          for (size_t i = 0; i < candidates.size(); ++i) {
            c.push_back(tasks::words_only(tasks::tokenize(candidates[i])));
            r.emplace_back();
            for (const auto& ref : references[i]) r.back().push_back(tasks::words_only(tasks::tokenize(ref)));
          }
          return bleu_to_dict(tasks::corpus_bleu(c, r));
        }, py::arg("candidates"), py::arg("references"),
        "Corpus BLEU-1..4 (no smoothing) of candidate captions against lists of reference captions, on the captioning "
        "task's words (tokenised, punctuation removed).");
}

}  // namespace ccrnn::python
