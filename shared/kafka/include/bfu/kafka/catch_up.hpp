#pragma once
// CatchUpBarrier: "has the follower read everything committed up to now?", for a table that
// follows topics on its own thread with a kafka::PartitionReader (ingest's decision log, the
// deviation table). A thread that must not act on stale state (a partition has just come to
// this instance: the previous owner's last records must be in) calls Wait; the reading thread
// calls Serve after each poll. Serve measures the ends (PartitionReader::CaughtUp, whose first
// call after a true one asks for the high watermarks afresh) only after the calls it serves
// were made, so a Wait that returns true has seen everything committed before it began, every
// transaction open then having ended.
//
// Thread-safety: Wait and Wanted from any thread; Serve from the reading thread only.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "bfu/kafka/reader.hpp"

namespace bfu::kafka {

class CatchUpBarrier {
public:
    // Blocks until the reading thread has read to the ends as they were after this call began,
    // or until `deadline` (false).
    [[nodiscard]] bool Wait(std::chrono::steady_clock::time_point deadline) {
        std::unique_lock lock(mu_);
        const std::uint64_t ticket = ++asked_;
        wanted_.store(true);
        return cv_.wait_until(lock, deadline, [&] { return done_ >= ticket; });
    }

    // True while a Wait is waiting (the reader then polls briefly).
    [[nodiscard]] bool Wanted() const { return wanted_.load(); }

    // On the reading thread, after each poll. Returns an error text when the ends could not be
    // asked for (the next Serve asks again), else empty.
    std::string Serve(PartitionReader& reader, std::chrono::milliseconds timeout) {
        if (!wanted_.load()) return {};
        if (serving_ == 0) {
            std::lock_guard lock(mu_);
            serving_ = asked_;
        }
        auto done = reader.CaughtUp(timeout);
        if (!done.ok()) return done.error().ToString();
        if (!*done) return {};
        std::lock_guard lock(mu_);
        done_ = serving_;
        serving_ = 0;
        if (done_ == asked_) wanted_.store(false);
        cv_.notify_all();
        return {};
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::uint64_t asked_ = 0;    // Wait calls so far (under mu_)
    std::uint64_t done_ = 0;     // served up to this call (under mu_)
    std::uint64_t serving_ = 0;  // being measured (reading thread only); 0 none
    std::atomic<bool> wanted_{false};
};

}  // namespace bfu::kafka
