#pragma once
// Where the Kafka clients' own lines go: librdkafka's log (every client's conf gets a log
// callback) and bfu::kafka's notes (client errors, a renewed producer). By default they are
// written to stderr as librdkafka writes them; a service routes them into its JSON-lines logger
// (service::RouteKafkaLogs), so its log stays one JSON object per line.
//
// Thread-safety: librdkafka calls the sink from its own threads; the sink must be thread-safe.
// SetLogSink may be called at any time (typically once, at start-up).
#include <functional>
#include <string_view>

namespace bfu::kafka {

struct LogLine {
    int level = 6;              // syslog: 0 emergency .. 3 error, 4 warning, 6 info, 7 debug
    std::string_view client;    // the client's name, e.g. "bfu-analysis-0#producer-5"
    std::string_view facility;  // librdkafka's facility ("FAIL", "CONFWARN") or bfu's ("ERROR")
    std::string_view message;
};

using LogSink = std::function<void(const LogLine&)>;

// Replaces the sink; an empty one restores stderr.
void SetLogSink(LogSink sink);

// Writes one line through the sink.
void Log(const LogLine& line);

}  // namespace bfu::kafka
