// bfu forecast submit|accuracy: a manager's own full-year forecast (S6) and the forecast
// accuracy of a closed year, through the forecasting service's ZeroMQ endpoint
// (BFU_FORECASTING_ZMQ). Forecasting checks the submission and appends it to
// bfu.forecast.submissions; it then stands for its round (docs/services/forecasting.md).
#include "commands.hpp"

namespace bfu::cli {

namespace {

using nlohmann::json;

constexpr const char* kDefaultForecastingZmq = "tcp://127.0.0.1:15553";

}  // namespace

int Forecast(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Env env;
    const std::string endpoint = env.Get("BFU_FORECASTING_ZMQ", kDefaultForecastingZmq);
    const std::string verb = args.size() > 1 ? args[1] : "";
    const Args a = Parse(args, 2, {"json"});
    const bool as_json = a.Flag("json");
    if (verb == "submit") {
        if (a.positional.size() != 2 || a.Opt("comment").empty() || a.Opt("by").empty()) {
            throw UsageError(
                "try: bfu forecast submit UNIT AMOUNT_SEK --comment TEXT --by EMAIL [--round N]");
        }
        json req{{"op", "forecast.submit"},
                 {"unit", a.positional[0]},
                 {"amountSek", a.positional[1]},
                 {"comment", a.Opt("comment")},
                 {"by", a.Opt("by")}};
        if (a.options.count("round") != 0) {
            int round = 0;
            try {
                round = std::stoi(a.Opt("round"));
            } catch (const std::exception&) {
                throw UsageError("--round is a number 1..6");
            }
            req["round"] = round;
        }
        return SendCommand(endpoint, req, as_json, out, err, [&](const json& r) {
            out << "prognos inlämnad: " << r.value("unit", "") << " " << r.value("year", 0)
                << " omgång " << r.value("round", 0) << ": "
                << Kr(std::to_string(r.value("amountOre", std::int64_t{0}))) << " (av "
                << r["by"].value("name", "") << ")\n";
        });
    }
    if (verb == "accuracy") {
        return SendCommand(
            endpoint, {{"op", "forecast.accuracy"}}, as_json, out, err, [&](const json& r) {
                out << "prognossäkerhet " << r.value("year", 0)
                    << " (medelfel per omgång och nivå)\n";
                for (const auto& l : r.at("byLevel")) {
                    out << "  omgång " << l.value("round", 0) << "  " << l.value("level", "")
                        << ": " << l.value("units", 0) << " enheter, medelfel "
                        << Pct(std::to_string(l.value("meanAbsErrorBp", std::int64_t{0}))) << "\n";
                }
            });
    }
    throw UsageError("try: bfu forecast submit UNIT AMOUNT_SEK --comment TEXT --by EMAIL");
}

}  // namespace bfu::cli
