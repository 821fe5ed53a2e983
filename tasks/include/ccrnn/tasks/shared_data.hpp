#pragma once
// Data sets shared by every task object in the process that asks for the same key. A sweep prepares one
// task per grid point; points that differ only in model or training options get the same data instead of
// loading (and holding) it once per point.
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace ccrnn::tasks {

/// The data under `key`, made by make() if no living task holds it.
template <class T, class Make>
std::shared_ptr<const T> shared_data(const std::string& key, Make&& make) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<const T>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto held = cache[key].lock()) return held;
  auto made = std::make_shared<const T>(make());
  cache[key] = made;
  return made;
}

}  // namespace ccrnn::tasks
