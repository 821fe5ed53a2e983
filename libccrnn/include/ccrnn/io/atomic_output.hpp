#pragma once
// The output rule of every ccrnn program: write to a temporary file next to the target and rename it
// onto the target when complete; never overwrite an existing result unless asked to.
//
//   ccrnn::io::AtomicOutput out("results/run.h5", overwrite);  // fails fast if the target exists
//   {
//     auto f = ccrnn::io::File::create(out.temp_path());
//     ... write ...
//   }                                                           // close every writer first
//   out.commit();                                               // atomic rename onto the target
//
// If commit() is never reached (an exception, an early return), the destructor deletes the
// temporary file, so a half-written result never appears under the final name. Works for any file
// type: it only deals with paths.
#include <string>

namespace ccrnn::io {

/// The final path of the live AtomicOutput of this process whose temporary file is `path`; empty when
/// there is none. Writers name that file in their errors: a user knows the final file, not the temporary one.
std::string atomic_target_of(const std::string& path);

/// "<final_path> was not written (<why>); its earlier content is kept" (or "no file was created").
std::string not_written_message(const std::string& final_path, const std::string& why);

class AtomicOutput {
 public:
  /// Throws std::runtime_error("<final_path> exists; pass --overwrite to replace it") when the
  /// target exists and !overwrite (checked here, before any work, so programs fail fast).
  /// Creates the parent directories of final_path if missing. Any stale file at temp_path() is
  /// removed.
  AtomicOutput(std::string final_path, bool overwrite);
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicOutput();

  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  AtomicOutput(AtomicOutput&& other) noexcept;
  AtomicOutput& operator=(AtomicOutput&& other) = delete;

  const std::string& final_path() const { return final_path_; }
  /// "<final_path>.tmp.<pid>": a sibling of the target (same directory, hence same filesystem).
  const std::string& temp_path() const { return temp_path_; }
  bool overwrite() const { return overwrite_; }
  /// True once commit() has succeeded.
  bool committed() const { return committed_; }

  /// Flushes the temporary file to disk and renames it onto final_path(). Every writer of
  /// temp_path() must be closed before. Without overwrite, an atomic no-replace link is used, so a
  /// target created by someone else meanwhile is never clobbered: commit() then throws
  /// std::runtime_error and KEEPS the temporary file (its name is in the message); so does a
  /// failed rename. Throws std::runtime_error as well if nothing was written to temp_path().
  /// Calling commit() again after success or after such a failure throws std::logic_error.
  void commit();

 private:
  std::string final_path_;
  std::string temp_path_;
  bool overwrite_ = false;
  bool committed_ = false;  // the target now holds the result
  bool keep_temp_ = false;  // commit() failed after the result was complete: keep it
};

}  // namespace ccrnn::io
