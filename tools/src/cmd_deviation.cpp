// bfu deviation ack: a person acknowledges a deviation, sent to the analysis service's ZeroMQ
// endpoint (BFU_ANALYSIS_ZMQ), which checks it and appends the event to bfu.deviations
// (docs/services/analysis.md, "Commands"). Measures and comments belong to the casework service
// (cmd_casework.cpp); SendCommand, the one way a command is sent and answered, lives here.
#include <iomanip>
#include <random>
#include <sstream>

#include "bfu/zmq/zmq.hpp"
#include "commands.hpp"

namespace bfu::cli {

namespace {

using nlohmann::json;

constexpr const char* kDefaultAnalysisZmq = "tcp://127.0.0.1:15552";

// A command id chosen here, so that a request sent again after a timeout is applied once.
std::string NewCommandId() {
    std::random_device rd;
    std::ostringstream s;
    s << "cli-" << std::hex << std::setfill('0') << std::setw(8) << rd() << std::setw(8) << rd();
    return s.str();
}

std::string Required(const Args& a, const std::string& name, const std::string& hint) {
    auto v = a.Opt(name);
    if (v.empty()) throw UsageError("--" + name + " is required; " + hint);
    return v;
}

}  // namespace

int SendCommand(const std::string& endpoint, const json& request, bool as_json, std::ostream& out,
                std::ostream& err, const std::function<void(const json&)>& print) {
    ::zmq::context_t ctx(1);
    zmq::JsonClient client(ctx, endpoint, {std::chrono::milliseconds(5000), 2, {}});
    auto reply = client.Call(request);
    if (!reply.ok()) {
        const auto& e = reply.error();
        if (e.code == core::Errc::kTimeout) {
            err << "bfu: no answer from " << endpoint << " (is the service running?)\n";
        } else {
            err << "bfu: refused: " << core::ToString(e.code)
                << (e.field.empty() ? "" : " (" + e.field + ")") << ": " << e.message << "\n";
        }
        return 1;
    }
    if (as_json) {
        out << reply->dump(2) << "\n";
    } else {
        print(*reply);
    }
    return 0;
}

int DeviationCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Env env;
    const std::string endpoint = env.Get("BFU_ANALYSIS_ZMQ", kDefaultAnalysisZmq);
    const std::string family = args.at(0);
    const std::string verb = args.size() > 1 ? args[1] : "";
    const Args a = Parse(args, 2, {"json"});
    const bool as_json = a.Flag("json");
    const std::string by_hint = "the e-mail of the unit's manager or of a manager above it";

    if (family == "deviation" && verb == "ack") {
        if (a.positional.size() != 1) throw UsageError("try: bfu deviation ack ID --by EMAIL");
        json req{{"op", "deviation.ack"},
                 {"deviation", a.positional[0]},
                 {"by", Required(a, "by", by_hint)},
                 {"commandId", a.Opt("command-id", NewCommandId())}};
        if (a.options.count("comment") != 0) req["comment"] = a.Opt("comment");
        return SendCommand(endpoint, req, as_json, out, err, [&](const json& r) {
            out << (r.value("applied", false) ? "kvitterad: " : "redan kvitterad: ")
                << r.value("deviation", "") << " (händelse " << r.value("seq", 0) << ")\n";
        });
    }
    throw UsageError(
        "try: bfu deviation ack ID --by EMAIL, bfu deviation comment ID --text TEXT --by "
        "EMAIL");
}

}  // namespace bfu::cli
