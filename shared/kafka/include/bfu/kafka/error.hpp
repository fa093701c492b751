#pragma once
// Classing librdkafka's errors into bfu's one vocabulary (bfu/core/error.hpp), after
// modern-cpp-kafka's Error::isRetriable()/isFatal(). Every Kafka failure passes through here
// before a service or the consume loop sees it, so the loop can decide by class alone:
//   kUnavailable, kTimeout        -> retryable (the broker or the coordinator is busy or away);
//   kInternal                     -> fatal (fenced or otherwise broken client: exit, restart);
//   kConfig                       -> fatal (a property, topic or permission is wrong);
//   kInvalidArgument              -> poison (this record can never be written: too large, bad).
// This header is the only public one that names librdkafka types: it is the adapter's seam.
#include <librdkafka/rdkafka.h>

#include <string>
#include <string_view>

#include "bfu/core/error.hpp"

namespace bfu::kafka {

// The Errc a bare response/error code stands for (no extra flags known).
[[nodiscard]] core::Errc ErrcOf(rd_kafka_resp_err_t code) noexcept;

// A classified Kafka error. `retriable`, `fatal` and `txn_requires_abort` are librdkafka's own
// flags when it gave them (rd_kafka_error_t); for a bare code they are derived from ErrcOf.
struct KafkaError {
    rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
    std::string name;     // librdkafka's symbolic name, e.g. "_TRANSPORT", "PRODUCER_FENCED"
    std::string message;  // librdkafka's text plus what we were doing
    bool retriable = false;
    bool fatal = false;
    bool txn_requires_abort = false;

    // A transaction failed but the producer is usable: abort it, rewind, and try again.
    [[nodiscard]] bool IsAbortable() const noexcept { return txn_requires_abort && !fatal; }
    [[nodiscard]] core::Errc Errc() const noexcept;
    // "<context>: <NAME>: <message>" as a core::Error with the class above.
    [[nodiscard]] core::Error ToError() const;
};

// From a bare code (delivery reports, poll errors, admin results). `context` says what was
// being done, e.g. "produce to bfu.ledger.lines".
[[nodiscard]] KafkaError FromCode(rd_kafka_resp_err_t code, std::string_view context,
                                  std::string_view detail = {});
// From an rd_kafka_error_t (transactions, incremental assign); does not take ownership.
[[nodiscard]] KafkaError FromError(const rd_kafka_error_t* error, std::string_view context);
// Shorthand: FromCode(...).ToError().
[[nodiscard]] core::Error ErrorFromCode(rd_kafka_resp_err_t code, std::string_view context,
                                        std::string_view detail = {});

}  // namespace bfu::kafka
