#include "bfu/ingest/parallel_for.hpp"

#include <algorithm>

namespace bfu::ingest {

namespace {
// Vouchers per hand-out: large enough that the counter's lock is rare, small enough that the
// threads finish together.
constexpr std::size_t kChunk = 16;
}  // namespace

ParallelFor::ParallelFor(unsigned helpers) {
    threads_.reserve(helpers);
    for (unsigned i = 0; i < helpers; ++i) {
        threads_.emplace_back([this](std::stop_token st) { Help(st); });
    }
}

ParallelFor::~ParallelFor() {
    for (auto& t : threads_) t.request_stop();
    work_cv_.notify_all();
    threads_.clear();  // joins
}

void ParallelFor::Drain(const std::function<void(std::size_t)>& fn, std::size_t n) {
    for (;;) {
        std::size_t begin = 0;
        {
            std::lock_guard lock(mu_);
            if (next_ >= n || error_) return;
            begin = next_;
            next_ = std::min(n, next_ + kChunk);
        }
        const std::size_t end = std::min(n, begin + kChunk);
        try {
            for (std::size_t i = begin; i < end; ++i) fn(i);
        } catch (...) {
            std::lock_guard lock(mu_);
            if (!error_) error_ = std::current_exception();
            return;
        }
    }
}

void ParallelFor::Run(std::size_t n, const std::function<void(std::size_t)>& fn) {
    if (n == 0) return;
    if (threads_.empty() || n <= kChunk) {
        for (std::size_t i = 0; i < n; ++i) fn(i);
        return;
    }
    {
        std::lock_guard lock(mu_);
        fn_ = &fn;
        n_ = n;
        next_ = 0;
        error_ = nullptr;
        busy_ = static_cast<unsigned>(threads_.size());
        ++generation_;
    }
    work_cv_.notify_all();
    Drain(fn, n);
    std::exception_ptr error;
    {
        std::unique_lock lock(mu_);
        done_cv_.wait(lock, [&] { return busy_ == 0; });
        fn_ = nullptr;
        error = error_;
    }
    if (error) std::rethrow_exception(error);
}

void ParallelFor::Help(std::stop_token stop) {
    std::uint64_t seen = 0;
    for (;;) {
        const std::function<void(std::size_t)>* fn = nullptr;
        std::size_t n = 0;
        {
            std::unique_lock lock(mu_);
            if (!work_cv_.wait(lock, stop, [&] { return generation_ != seen; })) return;
            seen = generation_;
            fn = fn_;
            n = n_;
        }
        Drain(*fn, n);
        {
            std::lock_guard lock(mu_);
            --busy_;
        }
        done_cv_.notify_one();
    }
}

}  // namespace bfu::ingest
