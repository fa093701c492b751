#pragma once
// POST /v1/vouchers: the HTTP way in. The body is one voucher, a JSON array of vouchers or
// NDJSON (Content-Type application/x-ndjson, or detected); it is cut into vouchers as it
// streams (VoucherSplitter) and each is checked at once by the same VoucherChecker as the
// Kafka loop. Only the owner of a voucher's partition of bfu.erp.vouchers accepts it, so two
// instances (or HTTP and a Kafka copy at once) never both accept one voucher:
//   - a voucher that fails a check, or that the register already holds (a duplicate), is
//     decided here: its rejection or duplicate decision is written as the Kafka loop writes it;
//   - a voucher that would be accepted is handed over: written to bfu.erp.vouchers (key
//     source:voucherId, header bfu-origin-http = the request's origin id), where the owning
//     instance's loop decides it with the HTTP way and origin; the answer waits for that
//     decision on bfu.ingest.decisions (DecisionLog::Await, up to
//     ingest.http.decision_timeout).
// What one request writes (rejections, duplicates, hand-overs) is one Kafka transaction on a
// transactional producer of its own (transactional id: the service's + "-http"), committed
// before the answer; if the commit fails nothing of the request was written and the answer is
// 503 (send it again).
//
// Answers: 200 with one result per voucher (index, key, result accepted|duplicate|rejected,
// reasons) and counts; 202 when some handed-over vouchers were not decided within
// ingest.http.decision_timeout (their result "pending": they are on bfu.erp.vouchers and will
// be decided; sending them again is safe); 400 when the body's top level is not JSON (with the
// results of the vouchers that could still be cut out, which are written); 401 without the
// right bearer token; 413 beyond ingest.http.max_body_bytes (before anything is read); 503
// when no token is configured, while ingest is starting (register or master data not loaded)
// or stopping, and while another upload is being written (the producer takes one transaction
// at a time; the answer carries Retry-After).
//
// Lifecycle: a runtime::Component. The constructor registers the route (the server starts
// after wiring); Start() creates the transactional producer (init_transactions aborts what a
// killed predecessor left open); Stop() refuses new requests. Thread-safety: requests run on
// the HTTP server's thread, one step at a time; the shared state outlives the component for
// requests still in flight.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "bfu/ingest/decision.hpp"
#include "bfu/ingest/decision_log.hpp"
#include "bfu/ingest/voucher_checker.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/runtime/app.hpp"

namespace bfu::ingest {

inline constexpr std::string_view kVouchersPath = "/v1/vouchers";

struct HttpIngestOptions {
    std::string token;                      // bearer token; empty: the endpoint answers 503
    std::size_t max_body_bytes = 64 << 20;  // 413 beyond
    kafka::KafkaConfig kafka;               // transactional_id set
    IngestTopics topics;
    // Where the owners' decisions of handed-over vouchers are waited for; outlives this.
    DecisionLog* decisions = nullptr;
    std::chrono::milliseconds decision_timeout{30'000};
    // True once the duplicate register and master data are loaded.
    std::function<bool()> ready;
    // The latest master data, set on the checker at the start of each request (the Kafka
    // loop does the same per batch, so neither way waits for the other to see a change).
    std::function<std::shared_ptr<const service::MasterData>()> master;
};

class HttpIngest final : public runtime::Component {
public:
    HttpIngest(HttpIngestOptions options, std::shared_ptr<VoucherChecker> checker,
               runtime::Context& ctx);
    ~HttpIngest() override;

    [[nodiscard]] std::string Name() const override { return "http-vouchers"; }
    void Start() override;
    void Stop() override;

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace bfu::ingest
