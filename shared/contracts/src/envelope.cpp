#include "bfu/contracts/envelope.hpp"

#include <array>
#include <cstdio>
#include <random>

#include "reader.hpp"

namespace bfu::contracts {
namespace {

using detail::Json;
using detail::ObjectReader;
using detail::Reader;
using detail::Str;

void ReadEnvelope(Reader& r, const Json& j, const std::string& path, Envelope& out) {
    ObjectReader o(r, j, path);
    const std::size_t before_spec = r.errors().size();
    o.Field("specversion", out.specversion, Str::kAny);
    if (r.errors().size() == before_spec && o.valid() && out.specversion != kSpecVersion) {
        r.Fail(detail::Child(path, "specversion"),
               "must be \"1.0\", not \"" + out.specversion + "\"");
    }
    o.Field("id", out.id, Str::kEventId);
    o.Field("source", out.source, Str::kEventSource);
    o.Field("type", out.type, Str::kEventType);
    o.Field("time", out.time, Str::kDateTime);
    std::optional<std::string> subject;
    o.Field("subject", subject, Str::kNonEmpty);
    out.subject = subject.value_or(std::string{});
    const std::size_t before = r.errors().size();
    o.Field("datacontenttype", out.datacontenttype, Str::kAny);
    if (r.errors().size() == before && o.valid() && out.datacontenttype != kDataContentType) {
        r.Fail(detail::Child(path, "datacontenttype"),
               "must be \"application/json\", not \"" + out.datacontenttype + "\"");
    }
    o.Field("schemaversion", out.schemaversion, 1);
    o.Object("data", out.data, [](Reader& rr, const Json& node, const std::string& p, Json& d) {
        if (rr.IsObject(node, p)) d = node;
    });
    o.Finish();
}

}  // namespace

nlohmann::json Envelope::ToJson() const {
    Json j = {{"specversion", specversion},
              {"id", id},
              {"source", source},
              {"type", type},
              {"time", time},
              {"datacontenttype", datacontenttype},
              {"schemaversion", schemaversion},
              {"data", data}};
    if (!subject.empty()) j["subject"] = subject;
    return j;
}

core::Result<Envelope> Envelope::FromJson(const nlohmann::json& j,
                                          std::vector<core::Error>* all_errors) {
    return detail::Decode<Envelope>(j, all_errors, ReadEnvelope);
}

std::string Encode(const Envelope& envelope) { return detail::Dump(envelope.ToJson()); }

std::string Encode(Envelope&& envelope) {
    Json data = std::move(envelope.data);
    envelope.data = Json::object();
    // ToJson with an empty data, then the data put in its place: the same text as the copy.
    Json j = envelope.ToJson();
    j["data"] = std::move(data);
    return detail::Dump(j);
}

core::Result<Envelope> Decode(std::string_view value) {
    // parse(..., allow_exceptions = false) yields a discarded value instead of throwing.
    const Json j = Json::parse(value.begin(), value.end(), nullptr, false);
    if (j.is_discarded()) {
        return core::Error(
            core::Errc::kInvalidArgument, "",
            "the message value is not valid JSON (" + std::to_string(value.size()) + " bytes)");
    }
    return Envelope::FromJson(j);
}

std::string NewEventId() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    const std::uint64_t hi = (rng() & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
    const std::uint64_t lo = (rng() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
    std::array<char, 37> buf{};
    std::snprintf(buf.data(), buf.size(), "%08x-%04x-%04x-%04x-%012llx",
                  static_cast<unsigned>(hi >> 32U), static_cast<unsigned>((hi >> 16U) & 0xFFFFU),
                  static_cast<unsigned>(hi & 0xFFFFU), static_cast<unsigned>(lo >> 48U),
                  static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
    return std::string(buf.data());
}

namespace detail {

core::Error InData(core::Error error) {
    error.field = "/data" + error.field;
    return error;
}

core::Error WrongType(std::string_view expected, const Envelope& envelope) {
    return core::Error(core::Errc::kInvalidArgument, "/type",
                       "expected \"" + std::string(expected) + "\", got \"" + envelope.type +
                           "\"; this topic carries a different message type");
}

core::Error WrongVersion(std::int64_t expected, const Envelope& envelope) {
    return core::Error(core::Errc::kInvalidArgument, "/schemaversion",
                       "expected schema version " + std::to_string(expected) + ", got " +
                           std::to_string(envelope.schemaversion) +
                           "; upgrade the consumer or the producer");
}

}  // namespace detail
}  // namespace bfu::contracts
