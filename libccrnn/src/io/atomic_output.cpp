#include <ccrnn/io/atomic_output.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <map>
#include <stdexcept>
#include <system_error>
#include <utility>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <unistd.h>
#define CCRNN_POSIX_IO 1
#else
#include <process.h>
#define CCRNN_POSIX_IO 0
#endif

namespace fs = std::filesystem;

namespace ccrnn::io {
namespace {

long current_pid() {
#if CCRNN_POSIX_IO
  return static_cast<long>(::getpid());
#else
  return static_cast<long>(::_getpid());
#endif
}

// Temporary paths in use by live AtomicOutput objects of this process, with their targets: two objects
// writing the same target at once would share "<final>.tmp.<pid>", so the second one is refused; writers
// name the target in their errors (atomic_target_of).
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, std::string>& registry() {
  static std::map<std::string, std::string> s;
  return s;
}
void unregister(const std::string& temp) {
  if (temp.empty()) return;
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry().erase(temp);
}

[[noreturn]] void fail(const std::string& msg) { throw std::runtime_error(msg); }

std::string errno_text(int err) { return std::strerror(err); }

/// Forces the file's data to disk (best effort where fsync is unavailable).
void sync_file(const std::string& path) {
#if CCRNN_POSIX_IO
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) fail(path + ": cannot open for syncing: " + errno_text(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) fail(path + ": cannot flush to disk: " + errno_text(err));
#else
  (void)path;
#endif
}

/// Makes the rename itself durable (best effort: some filesystems refuse fsync on directories).
void sync_directory(const fs::path& dir) {
#if CCRNN_POSIX_IO
  const std::string d = dir.empty() ? std::string(".") : dir.string();
  const int fd = ::open(d.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
#else
  (void)dir;
#endif
}

std::string exists_message(const std::string& path) {
  return path + " exists; pass --overwrite to replace it";
}

}  // namespace

std::string atomic_target_of(const std::string& path) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  const auto found = registry().find(path);
  return found == registry().end() ? std::string() : found->second;
}

std::string not_written_message(const std::string& final_path, const std::string& why) {
  std::error_code ec;
  return final_path + " was not written (" + why + "); " +
         (fs::exists(final_path, ec) ? "its earlier content is kept" : "no file was created");
}

AtomicOutput::AtomicOutput(std::string final_path, bool overwrite)
    : final_path_(std::move(final_path)), overwrite_(overwrite) {
  if (final_path_.empty()) fail("AtomicOutput: empty output path");
  const fs::path target(final_path_);
  if (!target.has_filename()) fail(final_path_ + ": output path names a directory, not a file");
  std::error_code ec;
  const fs::file_status st = fs::status(target, ec);
  if (fs::exists(st)) {
    if (fs::is_directory(st)) fail(final_path_ + " is a directory; cannot write a result file there");
    if (!overwrite_) fail(exists_message(final_path_));
  }
  const fs::path parent = target.parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec) fail(final_path_ + ": cannot create directory " + parent.string() + ": " + ec.message());
  }
  const std::string temp = final_path_ + ".tmp." + std::to_string(current_pid());
  {
    std::lock_guard<std::mutex> lock(registry_mutex());
    if (!registry().emplace(temp, final_path_).second)
      fail(final_path_ + " is already being written by another AtomicOutput of this process");
  }
  temp_path_ = temp;
  // A file left at our temporary name by a crashed process that had the same pid is stale.
  fs::remove(temp_path_, ec);
}

AtomicOutput::AtomicOutput(AtomicOutput&& other) noexcept
    : final_path_(std::move(other.final_path_)),
      temp_path_(std::exchange(other.temp_path_, std::string())),
      overwrite_(other.overwrite_),
      committed_(other.committed_),
      keep_temp_(other.keep_temp_) {}

AtomicOutput::~AtomicOutput() {
  if (temp_path_.empty()) return;  // moved from
  if (!committed_ && !keep_temp_) {
    std::error_code ec;
    fs::remove(temp_path_, ec);
  }
  unregister(temp_path_);
}

void AtomicOutput::commit() {
  if (temp_path_.empty()) throw std::logic_error("AtomicOutput::commit() on a moved-from object");
  if (committed_ || keep_temp_)
    throw std::logic_error("AtomicOutput::commit() called again for " + final_path_);
  std::error_code ec;
  if (!fs::is_regular_file(temp_path_, ec))
    fail(final_path_ + ": nothing was written to the temporary file " + temp_path_);
  try {
    sync_file(temp_path_);
  } catch (const std::runtime_error& e) {
    fail(not_written_message(final_path_, e.what()));
  }
  const fs::path target(final_path_);

  const std::string kept = "; the new result was kept in " + temp_path_;
  if (overwrite_) {
    fs::rename(temp_path_, target, ec);
    if (ec) {
      keep_temp_ = true;  // the temporary file is complete: keep it rather than lose the result
      fail(final_path_ + ": cannot rename " + temp_path_ + " onto it: " + ec.message() + kept);
    }
  } else {
    bool done = false;
#if CCRNN_POSIX_IO
    // link() fails with EEXIST if the target exists: an atomic "rename unless it exists".
    if (::link(temp_path_.c_str(), final_path_.c_str()) == 0) {
      ::unlink(temp_path_.c_str());
      done = true;
    } else if (errno == EEXIST) {
      keep_temp_ = true;  // it is the only copy of the new result
      fail(exists_message(final_path_) + " (it appeared while this result was being written)" + kept);
    }
    // Other errors (filesystems without hard links, ...): fall back to check-then-rename.
#endif
    if (!done) {
      if (fs::exists(target, ec)) {
        keep_temp_ = true;
        fail(exists_message(final_path_) + " (it appeared while this result was being written)" + kept);
      }
      fs::rename(temp_path_, target, ec);
      if (ec) {
        keep_temp_ = true;
        fail(final_path_ + ": cannot rename " + temp_path_ + " onto it: " + ec.message() + kept);
      }
    }
  }
  committed_ = true;
  sync_directory(target.parent_path());
}

}  // namespace ccrnn::io
