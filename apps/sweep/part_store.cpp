#include "part_store.hpp"

#include "../common/cli.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace ccrnn::apps {

namespace {
const char* fingerprint_name = "sweep.txt";

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

PartStore::PartStore(const std::string& out) : directory_(out + ".parts") {}

void PartStore::open(const std::string& fingerprint) {
  const fs::path dir(directory_), stamp = fs::path(directory_) / fingerprint_name;
  if (fs::exists(stamp)) {
    if (read_all(stamp) != fingerprint)
      throw UsageError(directory_ + " holds the finished runs of a different sweep (" + stamp.string() +
                       " differs from this command); use another --out, or run that sweep's command to finish it");
    return;
  }
  fs::create_directories(dir);
  const fs::path temp = fs::path(directory_) / (std::string(fingerprint_name) + ".tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << fingerprint;
    if (!out.flush()) throw std::runtime_error("cannot write " + temp.string());
  }
  fs::rename(temp, stamp);
}

std::string PartStore::part_path(long run) const {
  char name[32];
  std::snprintf(name, sizeof name, "run_%05ld.h5", run);
  return (fs::path(directory_) / name).string();
}

bool PartStore::has_part(long run) const { return fs::exists(part_path(run)); }

std::vector<long> PartStore::missing(long runs) const {
  std::vector<long> out;
  for (long i = 0; i < runs; ++i)
    if (!has_part(i)) out.push_back(i);
  return out;
}

void PartStore::remove() { fs::remove_all(directory_); }

}  // namespace ccrnn::apps
