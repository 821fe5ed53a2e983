#include "job_counter.hpp"

#include <mpi.h>

#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace ccrnn::apps {

namespace {
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(name)) return true;
  return false;
}
}  // namespace

MpiSession::MpiSession(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw std::runtime_error("the MPI library does not support MPI_THREAD_SERIALIZED");
  }
  active_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  if (active_) MPI_Finalize();
}

void MpiSession::barrier() {
  if (active_) MPI_Barrier(MPI_COMM_WORLD);
}

void MpiSession::broadcast(std::vector<long>& values) {
  if (!active_) return;
  long n = static_cast<long>(values.size());
  MPI_Bcast(&n, 1, MPI_LONG, 0, MPI_COMM_WORLD);
  values.resize(static_cast<std::size_t>(n));
  if (n > 0) MPI_Bcast(values.data(), static_cast<int>(n), MPI_LONG, 0, MPI_COMM_WORLD);
}

void MpiSession::broadcast(int& value) {
  if (active_) MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
}

void MpiSession::abort(int code) {
  if (active_) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

JobCounter::JobCounter(MpiSession* mpi) : mpi_(mpi && mpi->active() ? mpi : nullptr) {
  if (!mpi_) return;
  MPI_Win window;
  const MPI_Aint bytes = mpi_->rank() == 0 ? static_cast<MPI_Aint>(sizeof(long)) : 0;
  MPI_Win_allocate(bytes, sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD, &base_, &window);
  if (mpi_->rank() == 0) *base_ = 0;
  MPI_Barrier(MPI_COMM_WORLD);  // the counter is zero before anyone reads it
  MPI_Win_lock_all(0, window);
  window_ = new MPI_Win(window);
}

JobCounter::~JobCounter() {
  if (!window_) return;
  auto* window = static_cast<MPI_Win*>(window_);
  MPI_Win_unlock_all(*window);
  MPI_Win_free(window);
  delete window;
}

long JobCounter::next() {
  if (!mpi_) return local_.fetch_add(1);
  std::lock_guard<std::mutex> lock(mpi_mutex_);
  auto* window = static_cast<MPI_Win*>(window_);
  const long one = 1;
  long previous = 0;
  MPI_Fetch_and_op(&one, &previous, MPI_LONG, 0, 0, MPI_SUM, *window);
  MPI_Win_flush(0, *window);
  return previous;
}

}  // namespace ccrnn::apps
