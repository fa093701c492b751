#include "bfu/kafka/log.hpp"

#include <cstdio>
#include <memory>
#include <mutex>
#include <utility>

namespace bfu::kafka {
namespace {

std::mutex& SinkMutex() {
    static std::mutex mu;
    return mu;
}

// Shared, so a line being written keeps its sink alive while SetLogSink replaces it.
std::shared_ptr<const LogSink>& Sink() {
    static std::shared_ptr<const LogSink> sink;
    return sink;
}

}  // namespace

void SetLogSink(LogSink sink) {
    std::lock_guard lock(SinkMutex());
    Sink() = sink ? std::make_shared<const LogSink>(std::move(sink)) : nullptr;
}

void Log(const LogLine& line) {
    std::shared_ptr<const LogSink> sink;
    {
        std::lock_guard lock(SinkMutex());
        sink = Sink();
    }
    if (sink) {
        (*sink)(line);
        return;
    }
    std::fprintf(stderr, "%%%d|%.*s|%.*s| %.*s\n", line.level,
                 static_cast<int>(line.facility.size()), line.facility.data(),
                 static_cast<int>(line.client.size()), line.client.data(),
                 static_cast<int>(line.message.size()), line.message.data());
}

}  // namespace bfu::kafka
