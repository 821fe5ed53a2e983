// ccrnn-report FILE.h5: per condition, mean +- SEM per model, the ccRNN relative to the cRNN and a paired
// t-test across seeds, for the file of a sweep or of a task executable.
#include "../common/cli.hpp"
#include "../common/report.hpp"

#include <iostream>

int main(int argc, char** argv) {
  using namespace ccrnn::apps;
  std::vector<std::string> files;
  std::string extra;
  std::vector<std::string> curves;
  po::options_description options("Report");
  options.add_options()("file", po::value(&files)->composing(), "results file(s) (also positional)")
      ("scalars", po::value(&extra),
       "scalars to show besides the compared one, a comma list (e.g. test_error,dysmetria); default: the columns of "
       "the task's own summary table")
      ("curve", po::value(&curves)->composing(),
       "also show this per-epoch curve at five epochs (repeatable; e.g. val_error, alignment_prediction)");
  po::positional_options_description positional;
  positional.add("file", -1);
  po::variables_map vm;
  try {
    po::options_description all;
    all.add_options()("help,h", "show this help and exit");
    all.add(options);
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << "Usage: ccrnn-report FILE.h5 [FILE.h5 ...] [--scalars a,b] [--curve NAME ...]\n\n"
                   "Per condition and model: mean +- SEM over seeds of the compared scalar (and accuracy where\n"
                   "there is one); the ccRNN relative to the cRNN, mean(ccrnn) / mean(crnn) (< 1: the cerebellum\n"
                   "helps); and the two-sided paired t-test across the seeds both ran (Student t, Boost.Math).\n\n"
                << all << "\n";
      return exit_ok;
    }
    if (files.empty()) throw UsageError("no results file given");
  } catch (const po::error& e) {
    std::cerr << "ccrnn-report: " << e.what() << "\nTry 'ccrnn-report --help'.\n";
    return exit_usage;
  } catch (const UsageError& e) {
    std::cerr << "ccrnn-report: " << e.what() << "\nTry 'ccrnn-report --help'.\n";
    return exit_usage;
  }
  try {
    const std::vector<std::string> scalars = extra.empty() ? std::vector<std::string>{} : split_list(extra, "scalars");
    for (const auto& path : files) {
      const auto file = ccrnn::io::File::open_read(path);
      std::printf("== %s\n", path.c_str());
      const StoredResults results = read_stored_results(file);
      // Without --scalars: the columns the task's own summary table shows (the task from the registry).
      print_report(results, stdout, scalars.empty() ? task_summary_scalars(file, results) : scalars);
      for (const auto& curve : curves) print_curve(results, curve, stdout);
    }
    return exit_ok;
  } catch (const std::exception& e) {
    std::cerr << "ccrnn-report: error: " << e.what() << "\n";
    return exit_failure;
  }
}
