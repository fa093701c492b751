#include "bfu/ingest/http_ingest.hpp"

#include <atomic>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "bfu/ingest/decision_log.hpp"
#include "bfu/ingest/voucher_splitter.hpp"
#include "bfu/kafka/transaction.hpp"

namespace bfu::ingest {

namespace {

using nlohmann::json;
using runtime::HttpResponse;

constexpr std::chrono::milliseconds kCommitTimeout{30'000};

std::string Lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// Compares without an early exit, so the time taken does not tell how much of a guess was right.
bool SameSecret(std::string_view a, std::string_view b) {
    unsigned diff = a.size() == b.size() ? 0U : 1U;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned>(static_cast<unsigned char>(a[i]) ^
                                      static_cast<unsigned char>(b.empty() ? 0 : b[i % b.size()]));
    }
    return diff == 0;
}

HttpResponse JsonError(int status, std::string message) {
    return HttpResponse::Json(status, json{{"error", std::move(message)}}.dump() + "\n");
}

// A request refused before its body is read: the answer is given on the first piece of body,
// or at once for a request without one.
class Refusal final : public runtime::BodyReader {
public:
    explicit Refusal(HttpResponse response) : response_(std::move(response)) {}
    std::optional<HttpResponse> OnData(std::string_view) override { return response_; }
    HttpResponse OnEnd() override { return response_; }

private:
    HttpResponse response_;
};

}  // namespace

struct HttpIngest::State {
    HttpIngestOptions options;
    std::shared_ptr<VoucherChecker> checker;
    runtime::Logger* log = nullptr;
    // Business time: it decides which years and periods are open.
    const core::Clock* clock = nullptr;
    runtime::Counter* rejected = nullptr;
    runtime::Counter* duplicate = nullptr;
    std::unique_ptr<kafka::TransactionalProducer> producer;  // read only once `started`
    std::atomic<bool> started{false};
    std::atomic<bool> stopping{false};
    bool busy = false;  // the HTTP server's thread only
    std::mt19937_64 rng{std::random_device{}()};
    std::uint64_t requests = 0;

    std::string NewRequestId() {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string id = "r-";
        std::uint64_t bits = rng();
        for (int i = 0; i < 12; ++i) {
            id.push_back(kHex[bits & 0xFU]);
            bits >>= 4U;
        }
        return id + "-" + std::to_string(++requests);
    }
};

namespace {

// One POST /v1/vouchers whose body streams in: each voucher is decided and its outputs are
// produced into the request's transaction as soon as the splitter has cut it out.
class VouchersReader final : public runtime::BodyReader {
public:
    VouchersReader(std::shared_ptr<HttpIngest::State> state, std::string request_id, bool ndjson)
        : state_(std::move(state)), request_id_(std::move(request_id)), splitter_(ndjson) {
        state_->busy = true;
    }
    ~VouchersReader() override {
        // The connection ended before the answer (timeout, peer gone, shutdown): nothing of the
        // request may stay half-written.
        if (!finished_) Undo("the request did not finish");
        state_->busy = false;
    }
    VouchersReader(const VouchersReader&) = delete;
    VouchersReader& operator=(const VouchersReader&) = delete;

    std::optional<HttpResponse> OnData(std::string_view chunk) override {
        splitter_.Feed(chunk, [this](std::string_view e) { Take(e); });
        if (failure_.empty()) return std::nullopt;
        finished_ = true;
        return Unavailable();
    }

    HttpResponse OnEnd() override {
        splitter_.Finish([this](std::string_view e) { Take(e); });
        finished_ = true;
        if (!failure_.empty()) return Unavailable();
        if (splitter_.not_json()) return Answer(400);
        std::shared_ptr<Expected> expected;
        if (in_transaction_) {
            // Expected before the commit: the owner may decide as soon as it is committed.
            if (!handed_.empty()) {
                std::vector<std::pair<std::string, std::string>> wanted;
                wanted.reserve(handed_.size());
                for (const auto& [index, key] : handed_) wanted.emplace_back(key, OriginId(index));
                expected = state_->options.decisions->Expect(wanted);
            }
            if (auto s = state_->producer->Commit(kCommitTimeout); !s.ok()) {
                if (expected) state_->options.decisions->Forget(expected);
                failure_ = s.error().ToString();
                Undo(failure_);
                return Unavailable();
            }
            in_transaction_ = false;
        }
        // What was decided here; the owner's loop counts what it decides.
        state_->rejected->Inc(rejected_);
        state_->duplicate->Inc(duplicate_);
        if (expected) {
            const auto got = state_->options.decisions->Await(
                expected, std::chrono::steady_clock::now() + state_->options.decision_timeout);
            for (const auto& [index, key] : handed_) Fill(index, key, got);
        }
        state_->log->Info("vouchers posted", {{"request_id", request_id_},
                                              {"vouchers", static_cast<double>(results_.size())},
                                              {"accepted", static_cast<double>(accepted_)},
                                              {"rejected", static_cast<double>(rejected_)},
                                              {"duplicate", static_cast<double>(duplicate_)},
                                              {"pending", static_cast<double>(pending_)}});
        if (!splitter_.error().empty()) return Answer(400);
        return Answer(pending_ > 0 ? 202 : 200);
    }

private:
    // The origin id of the request's voucher at `index` ("<request id>:<index>").
    [[nodiscard]] std::string OriginId(std::size_t index) const {
        return request_id_ + ":" + std::to_string(index);
    }

    static json Reasons(const std::vector<contracts::RejectReason>& reasons) {
        json out = json::array();
        for (const auto& reason : reasons) {
            json rj = {{"code", reason.code}, {"field", reason.field}, {"message", reason.message}};
            if (reason.line) rj["line"] = *reason.line;
            out.push_back(std::move(rj));
        }
        return out;
    }

    void Take(std::string_view element) {
        const std::size_t index = results_.size();
        if (!failure_.empty()) return;
        const auto origin = contracts::Origin::Http(OriginId(index));
        const auto now = state_->clock->Now();
        // Checked here, but accepted only by the owner of the voucher's partition of
        // bfu.erp.vouchers: two instances (or this one's Kafka loop) deciding the same voucher
        // at once could otherwise both accept it. A rejection or a duplicate of an acceptance
        // already known is decided here: neither writes a ledger line.
        auto check =
            state_->checker->Lookup(state_->checker->Prepare(element, origin, now), origin);
        if (!in_transaction_) {
            if (auto s = state_->producer->Begin(); !s.ok()) {
                failure_ = s.error().ToString();
                Undo(failure_);
                return;
            }
            in_transaction_ = true;
        }
        std::vector<kafka::OutMessage> outputs;
        json r = {{"index", index}};
        if (!check.voucher_key.empty()) r["key"] = check.voucher_key;
        if (check.kind == CheckResult::Kind::kAccepted) {
            outputs.push_back({state_->options.topics.vouchers,
                               check.voucher_key,
                               std::string(element),
                               {{std::string(kOriginHttpHeader), origin.request_id}}});
            handed_.emplace_back(index, check.voucher_key);
            r["result"] = "pending";
        } else {
            const auto decision = MakeDecision(check, contracts::IngestWay::kHttp, origin, now);
            outputs = VoucherOutputs(check, decision, state_->options.topics, now);
            r["result"] = std::string(contracts::ToString(decision.result));
            if (check.kind == CheckResult::Kind::kDuplicate) {
                ++duplicate_;
                if (decision.first_origin) r["firstOrigin"] = decision.ToJson()["firstOrigin"];
            } else {
                ++rejected_;
                r["reasons"] = Reasons(check.rejected.reasons);
            }
        }
        for (const auto& m : outputs) {
            if (auto s = state_->producer->Produce(m); !s.ok()) {
                failure_ = s.error().ToString();
                Undo(failure_);
                return;
            }
        }
        results_.push_back(std::move(r));
    }

    // The owner's decision of a voucher handed over, into its result.
    void Fill(std::size_t index, const std::string& key, const Expected& got) {
        json& r = results_[index];
        const std::string id = OriginId(index);
        const contracts::IngestDecision* d = nullptr;
        if (auto k = got.by_key.find(key); k != got.by_key.end()) {
            if (auto it = k->second.find(id); it != k->second.end() && it->second) d = &*it->second;
        }
        if (d == nullptr) {
            ++pending_;
            r["message"] =
                "lämnad till inläsningen; beslutet kommer på bfu.ingest.decisions (ursprung " + id +
                ")";
            return;
        }
        r["result"] = std::string(contracts::ToString(d->result));
        switch (d->result) {
            case contracts::IngestResult::kAccepted:
                ++accepted_;
                lines_ += static_cast<std::uint64_t>(d->line_count);
                r["lines"] = d->line_count;
                break;
            case contracts::IngestResult::kDuplicate:
                ++duplicate_;
                if (d->first_origin) r["firstOrigin"] = d->ToJson()["firstOrigin"];
                break;
            case contracts::IngestResult::kRejected: {
                ++rejected_;
                json reasons = json::array();
                for (const auto& code : d->reasons) {
                    reasons.push_back(
                        {{"code", code}, {"message", "skälen finns på bfu.ledger.rejected"}});
                }
                r["reasons"] = std::move(reasons);
                break;
            }
        }
    }

    // Aborts the open transaction: nothing of the request was written or handed over.
    void Undo(const std::string& why) {
        if (in_transaction_) {
            (void)state_->producer->Abort(kCommitTimeout);
            in_transaction_ = false;
        }
        state_->log->Warn("vouchers post not written",
                          {{"request_id", request_id_}, {"reason", why}});
    }

    HttpResponse Unavailable() const {
        auto r = HttpResponse::Json(503, json{{"requestId", request_id_},
                                              {"error", "nothing of this request was written (" +
                                                            failure_ + "); send it again"}}
                                                 .dump() +
                                             "\n");
        r.headers.emplace_back("Retry-After", "1");
        return r;
    }

    HttpResponse Answer(int status) const {
        json body = {{"requestId", request_id_}, {"vouchers", results_.size()},
                     {"accepted", accepted_},    {"duplicate", duplicate_},
                     {"rejected", rejected_},    {"lines", lines_},
                     {"results", results_}};
        if (!splitter_.error().empty()) body["error"] = splitter_.error();
        auto r = HttpResponse::Json(status, body.dump() + "\n");
        r.headers.emplace_back("X-Request-Id", request_id_);
        return r;
    }

    std::shared_ptr<HttpIngest::State> state_;
    std::string request_id_;
    VoucherSplitter splitter_;
    bool in_transaction_ = false;
    bool finished_ = false;
    std::string failure_;
    // The vouchers handed to their partition's owner: index in the request, voucher key.
    std::vector<std::pair<std::size_t, std::string>> handed_;
    json results_ = json::array();
    std::uint64_t accepted_ = 0, rejected_ = 0, duplicate_ = 0, lines_ = 0, pending_ = 0;
};

std::unique_ptr<runtime::BodyReader> Open(const std::shared_ptr<HttpIngest::State>& state,
                                          const runtime::HttpRequest& head) {
    auto refuse = [](HttpResponse r) { return std::make_unique<Refusal>(std::move(r)); };
    if (state->options.token.empty()) {
        return refuse(JsonError(503,
                                "POST /v1/vouchers is not configured: set ingest.http.token "
                                "(environment BFU_INGEST_HTTP_TOKEN)"));
    }
    const auto auth = head.Header("authorization");
    const std::string_view scheme = "bearer ";
    if (!auth || auth->size() <= scheme.size() || Lower(auth->substr(0, scheme.size())) != scheme ||
        !SameSecret(auth->substr(scheme.size()), state->options.token)) {
        auto r = JsonError(401, "send Authorization: Bearer <token> with the configured token");
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return refuse(std::move(r));
    }
    if (state->stopping.load() || !state->started.load() ||
        (state->options.ready && !state->options.ready())) {
        auto r = JsonError(503, "ingest is starting or stopping; send again shortly");
        r.headers.emplace_back("Retry-After", "1");
        return refuse(std::move(r));
    }
    if (state->busy) {
        auto r = JsonError(503, "another upload is being written; send again shortly");
        r.headers.emplace_back("Retry-After", "1");
        return refuse(std::move(r));
    }
    if (state->options.master) {
        if (auto md = state->options.master(); md && md != state->checker->master()) {
            state->checker->SetMaster(std::move(md));
        }
    }
    const auto type = head.Header("content-type");
    const bool ndjson = type && Lower(*type).rfind("application/x-ndjson", 0) == 0;
    return std::make_unique<VouchersReader>(state, state->NewRequestId(), ndjson);
}

}  // namespace

HttpIngest::HttpIngest(HttpIngestOptions options, std::shared_ptr<VoucherChecker> checker,
                       runtime::Context& ctx)
    : state_(std::make_shared<State>()) {
    state_->options = std::move(options);
    state_->checker = std::move(checker);
    state_->log = &ctx.logger();
    state_->clock = &ctx.clock();
    auto& m = ctx.metrics();
    state_->rejected =
        &m.GetCounter("bfu_ingest_vouchers_total", "Vouchers decided", {{"result", "rejected"}});
    state_->duplicate =
        &m.GetCounter("bfu_ingest_vouchers_total", "Vouchers decided", {{"result", "duplicate"}});
    ctx.http().HandleStreaming(
        "POST", std::string(kVouchersPath),
        [state = state_](const runtime::HttpRequest& head) { return Open(state, head); },
        state_->options.max_body_bytes);
}

HttpIngest::~HttpIngest() { Stop(); }

void HttpIngest::Start() {
    // Created even without a token: init_transactions aborts a transaction a killed
    // predecessor left open, which would otherwise hide later decisions from DecisionLog.
    if (state_->options.token.empty()) {
        state_->log->Warn("POST /v1/vouchers answers 503: ingest.http.token is not set");
    }
    auto p = kafka::TransactionalProducer::Create(state_->options.kafka);
    if (!p.ok()) throw std::runtime_error("http-vouchers: " + p.error().ToString());
    state_->producer = std::move(p).value();
    state_->started.store(true);
}

void HttpIngest::Stop() { state_->stopping.store(true); }

}  // namespace bfu::ingest
