#pragma once
// The envelope every Kafka message value in bfu travels in: CloudEvents 1.0 attribute names in
// structured JSON mode, plus the extension attribute `schemaversion` (the major version of the
// data schema). Schema: schemas/json/envelope.schema.json.
//
// Typical use:
//   producer:  std::string value = EncodeMessage(line, {NewEventId(), "bfu/ingest", clock.Now(),
//                                                         line.unit});
//   consumer:  auto line = DecodeMessage<LedgerLine>(value);   // Result<LedgerLine>
//
// Errors from Decode/DecodeMessage are poison (core::Errc::kInvalidArgument): dead-letter the
// message with error.field (a JSON pointer into the envelope, e.g. "/data/lines/2/amount") and
// error.message.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bfu/core/clock.hpp"
#include "bfu/core/error.hpp"
#include "bfu/core/result.hpp"

namespace bfu::contracts {

inline constexpr std::string_view kSpecVersion = "1.0";
inline constexpr std::string_view kDataContentType = "application/json";

struct Envelope {
    std::string specversion = std::string(kSpecVersion);
    std::string id;       // unique per source; deterministic where replay needs it
    std::string source;   // e.g. "bfu/ingest"
    std::string type;     // e.g. "se.bfu.ledger.line.v1"
    std::string time;     // RFC 3339
    std::string subject;  // e.g. the unit id; empty = absent on the wire
    std::string datacontenttype = std::string(kDataContentType);
    std::int64_t schemaversion = 1;
    nlohmann::json data = nlohmann::json::object();

    [[nodiscard]] nlohmann::json ToJson() const;
    // Checks the envelope attributes only; data must be an object, its content is the message
    // type's business (see DecodeMessage).
    [[nodiscard]] static core::Result<Envelope> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    bool operator==(const Envelope&) const = default;
};

// Compact JSON text of the envelope. Never throws: invalid UTF-8 in a string is replaced.
[[nodiscard]] std::string Encode(const Envelope& envelope);
// The same text; moves `data` into the JSON document instead of copying it node by node (about
// a tenth of an envelope's encoding time on the per-message path; EncodeMessage goes this way).
[[nodiscard]] std::string Encode(Envelope&& envelope);
// Parses and checks a Kafka message value. Not JSON at all is an error with field "".
[[nodiscard]] core::Result<Envelope> Decode(std::string_view value);

// A random (version 4) UUID, for events that need no deterministic id.
[[nodiscard]] std::string NewEventId();

// What the producer says about an event besides its data.
struct EventMeta {
    std::string id;
    std::string source;
    core::TimePoint time;
    std::string subject;  // may be empty
};

template <typename T>
[[nodiscard]] Envelope Wrap(const T& message, EventMeta meta) {
    Envelope e;
    e.id = std::move(meta.id);
    e.source = std::move(meta.source);
    e.type = std::string(T::kType);
    e.time = core::ToRfc3339(meta.time);
    e.subject = std::move(meta.subject);
    e.schemaversion = T::kSchemaVersion;
    e.data = message.ToJson();
    return e;
}

template <typename T>
[[nodiscard]] std::string EncodeMessage(const T& message, EventMeta meta) {
    return Encode(Wrap(message, std::move(meta)));
}

namespace detail {
// Prefixes an error's JSON pointer with "/data".
core::Error InData(core::Error error);
core::Error WrongType(std::string_view expected, const Envelope& envelope);
core::Error WrongVersion(std::int64_t expected, const Envelope& envelope);
}  // namespace detail

// The message in an envelope, checked to be of type T and its schema version.
template <typename T>
[[nodiscard]] core::Result<T> Unwrap(const Envelope& envelope) {
    if (envelope.type != T::kType) return detail::WrongType(T::kType, envelope);
    if (envelope.schemaversion != T::kSchemaVersion) {
        return detail::WrongVersion(T::kSchemaVersion, envelope);
    }
    auto message = T::FromJson(envelope.data);
    if (!message.ok()) return detail::InData(std::move(message).error());
    return message;
}

template <typename T>
[[nodiscard]] core::Result<T> DecodeMessage(std::string_view value) {
    auto envelope = Decode(value);
    if (!envelope.ok()) return std::move(envelope).error();
    return Unwrap<T>(envelope.value());
}

}  // namespace bfu::contracts
