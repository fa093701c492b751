#pragma once
// ParallelFor: runs fn(0) .. fn(n-1) on the calling thread and a few helper threads kept for
// the purpose, and returns when every call has returned. Ingest checks the vouchers of a batch
// this way: parsing and checking is most of its CPU, and one loop thread alone left a core
// idle (docs/benchmarks.md).
//
// Indices are handed out in small chunks from a shared counter, so the calls run in no
// particular order: fn must only touch what belongs to its index (and thread-safe shared
// state). An exception thrown by fn is rethrown by Run once every thread has stopped.
// Run is called from one thread at a time.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

namespace bfu::ingest {

class ParallelFor {
public:
    // `helpers` threads besides the caller's; 0 runs everything on the caller.
    explicit ParallelFor(unsigned helpers);
    ~ParallelFor();
    ParallelFor(const ParallelFor&) = delete;
    ParallelFor& operator=(const ParallelFor&) = delete;

    void Run(std::size_t n, const std::function<void(std::size_t)>& fn);
    [[nodiscard]] unsigned helpers() const { return static_cast<unsigned>(threads_.size()); }

private:
    void Help(std::stop_token stop);
    void Drain(const std::function<void(std::size_t)>& fn, std::size_t n);

    std::mutex mu_;
    std::condition_variable_any work_cv_;
    std::condition_variable done_cv_;
    const std::function<void(std::size_t)>* fn_ = nullptr;  // guarded by mu_
    std::size_t n_ = 0;                                     // guarded by mu_
    std::uint64_t generation_ = 0;                          // guarded by mu_
    unsigned busy_ = 0;                                     // helpers still in this round
    std::size_t next_ = 0;                                  // next index to hand out
    std::exception_ptr error_;                              // guarded by mu_
    std::vector<std::jthread> threads_;
};

}  // namespace bfu::ingest
