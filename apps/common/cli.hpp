#pragma once
// Conventions shared by every ccrnn executable: option parsing with Boost.Program_options from the
// command line and an optional INI-style --config file, exit codes, seed lists and progress output.
#include <boost/program_options.hpp>

#include <atomic>
#include <cstdio>
#include <type_traits>
#include <chrono>
#include <cstdint>
#include <istream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccrnn::apps {

namespace po = boost::program_options;

/// An option bound to target whose --help default is the target's current value, doubles shown as %g
/// (Boost would print 0.1 as 0.10000000000000001).
template <class T>
po::typed_value<T>* option_with_default(T* target) {
  if constexpr (std::is_floating_point_v<T>) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", static_cast<double>(*target));
    return po::value(target)->default_value(*target, text);
  } else {
    return po::value(target)->default_value(*target);
  }
}

/// Exit codes: 0 success, 1 run-time failure (bad data, divergence, I/O), 2 bad usage.
enum ExitCode : int { exit_ok = 0, exit_failure = 1, exit_usage = 2 };

/// A usage error (unknown, malformed or contradictory options): reported with exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Opens the atomic output for `path` now, so that an existing result (without overwrite) is refused
/// before any work: that refusal is a UsageError (exit 2).
template <class AtomicOutput>
void open_output(std::optional<AtomicOutput>& output, const std::string& path, bool overwrite) {
  try {
    output.emplace(path, overwrite);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
}

/// An INI-style text with every key's underscores made dashes, so that a config file may name settings as
/// results files and Python do (cerebellum_hidden = 400) or as the command line does (cerebellum-hidden).
std::string dashed_keys(std::istream& in);

/// Parses argv, then the file named by --config (command-line values win). Handles --help and --version
/// (returns false: the caller exits 0). Throws UsageError for anything the user must fix.
bool parse_options(int argc, char** argv, const std::string& program, const std::string& summary,
                   po::options_description& options, po::variables_map& vm);

/// The most seeds one command accepts: each is a run, so more is a typo, not an experiment.
inline constexpr std::uint64_t max_seeds = 1000000;

/// "10" -> seeds 1..10; "1,5,9" -> those seeds; "3-7" -> 3..7; ranges and lists can be mixed ("1-3,8").
/// Throws UsageError on malformed lists, duplicates, seeds < 1 or more than max_seeds seeds.
std::vector<std::uint64_t> parse_seeds(const std::string& text);

/// Comma list -> items; throws UsageError for an empty list, an empty item or a duplicate.
std::vector<std::string> split_list(const std::string& text, const std::string& option);

/// Throws UsageError("--name ...") unless value >= minimum.
void require_at_least(const std::string& name, double value, double minimum);

/// True if the user gave this option (on the command line or in the config file), not just its default.
bool given(const po::variables_map& vm, const std::string& name);

/// Progress of many runs of known total length. On a terminal: one self-updating line on stderr
/// (epochs done of total, elapsed, ETA). Otherwise: one summary line per finished run.
class Progress {
 public:
  Progress(std::string label, long total_epochs, bool quiet);
  void epoch_done();
  void run_done(const std::string& summary);
  void finish();

 private:
  void draw(bool force);
  std::string label_;
  long total_;
  bool terminal_;
  bool quiet_;
  std::atomic<long> done_{0};
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

/// Formats seconds as m:ss or h:mm:ss.
std::string format_duration(double seconds);

}  // namespace ccrnn::apps
