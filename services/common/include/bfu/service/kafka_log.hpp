#pragma once
// KafkaLogRoute: while it lives, the Kafka clients' own lines (librdkafka's log, client errors,
// a renewed producer: bfu::kafka's LogSink) go into the service's JSON-lines logger, so the log
// stays one JSON object per line: {"msg": <librdkafka's text>, "source": "librdkafka",
// "client": ..., "facility": ...}, at the level librdkafka gives (3 and below error, 4 warn, 5
// and 6 info, 7 debug). Wire it first: components are destroyed in reverse order, so it outlives
// every Kafka client of the service; its destructor gives the lines back to stderr.
#include "bfu/runtime/app.hpp"

namespace bfu::service {

class KafkaLogRoute final : public runtime::Component {
public:
    explicit KafkaLogRoute(runtime::Logger& logger);
    ~KafkaLogRoute() override;
    KafkaLogRoute(const KafkaLogRoute&) = delete;
    KafkaLogRoute& operator=(const KafkaLogRoute&) = delete;

    [[nodiscard]] std::string Name() const override { return "kafka-log"; }
};

}  // namespace bfu::service
