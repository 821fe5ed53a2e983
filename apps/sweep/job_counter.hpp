#pragma once
// Hands out job numbers 0, 1, 2, ... to whoever asks first: threads of this process, and under MPI the
// threads of every rank (one shared counter on rank 0, advanced with an atomic MPI fetch-and-add, so
// faster ranks simply take more jobs: dynamic load balancing without a dispatcher loop).
#include <atomic>
#include <mutex>
#include <vector>

namespace ccrnn::apps {

class MpiSession;

class JobCounter {
 public:
  /// Local counter (mpi == nullptr) or one shared by all ranks of the session (collective call).
  explicit JobCounter(MpiSession* mpi);
  ~JobCounter();
  JobCounter(const JobCounter&) = delete;
  JobCounter& operator=(const JobCounter&) = delete;
  /// The next job number; thread-safe.
  long next();

 private:
  MpiSession* mpi_;
  std::atomic<long> local_{0};
  std::mutex mpi_mutex_;  // MPI is initialised with MPI_THREAD_SERIALIZED
  void* window_ = nullptr;  // MPI_Win, kept opaque so that this header needs no mpi.h
  long* base_ = nullptr;
};

/// MPI for the lifetime of the object when the program was started by mpirun (detected from the
/// launcher's environment), so that plain runs need no MPI runtime at all.
class MpiSession {
 public:
  /// Initialises MPI only when launched by an MPI launcher (Open MPI, PMIx or PMI environment).
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  bool active() const { return active_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  void barrier();
  /// Rank 0's values replace everyone's.
  void broadcast(std::vector<long>& values);
  void broadcast(int& value);
  /// Stops every rank (after an error on one of them).
  [[noreturn]] void abort(int code);

 private:
  bool active_ = false;
  int rank_ = 0, size_ = 1;
};

}  // namespace ccrnn::apps
