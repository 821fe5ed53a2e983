#pragma once
// The directory "<out>.parts/" where a sweep keeps one HDF5 file per finished run, so that an interrupted
// sweep (even by kill -9) resumes where it stopped: a part appears under its final name only once it is
// complete (written to a temporary name, then renamed), and the plan's fingerprint guards against
// mixing the parts of two different sweeps.
#include <string>
#include <vector>

namespace ccrnn::apps {

class PartStore {
 public:
  /// Uses "<out>.parts". Does not touch the disk.
  explicit PartStore(const std::string& out);

  const std::string& directory() const { return directory_; }
  /// Creates the directory with the fingerprint, or checks that an existing one has the same
  /// fingerprint (throws UsageError otherwise: it belongs to another sweep).
  void open(const std::string& fingerprint);
  /// "<dir>/run_00017.h5"
  std::string part_path(long run) const;
  bool has_part(long run) const;
  /// Runs in [0, runs) without a finished part.
  std::vector<long> missing(long runs) const;
  /// Removes the directory once its parts are merged into the committed output.
  void remove();

 private:
  std::string directory_;
};

}  // namespace ccrnn::apps
