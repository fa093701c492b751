#include "bfu/service/kafka_log.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "bfu/kafka/log.hpp"

namespace bfu::service {

KafkaLogRoute::KafkaLogRoute(runtime::Logger& logger) {
    kafka::SetLogSink([&logger](const kafka::LogLine& line) {
        const nlohmann::json fields = {{"source", "librdkafka"},
                                       {"client", std::string(line.client)},
                                       {"facility", std::string(line.facility)}};
        if (line.level <= 3) {
            logger.Error(line.message, fields);
        } else if (line.level == 4) {
            logger.Warn(line.message, fields);
        } else if (line.level <= 6) {
            logger.Info(line.message, fields);
        } else {
            logger.Debug(line.message, fields);
        }
    });
}

KafkaLogRoute::~KafkaLogRoute() { kafka::SetLogSink({}); }

}  // namespace bfu::service
