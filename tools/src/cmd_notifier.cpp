// bfu watch / alerts / clock / templates: the people-facing side of the notifier and business
// time.
//   watch [--unit U] [--out FILE] [--count N] [--seconds S]
//       live alerts from the notifier's PUB socket; --unit: only that unit's subtree (the
//       notifier tells its topic, "alert/KF/.../U/", over ZeroMQ)
//   alerts [--failed] [--json]     the latest alerts, or those whose delivery is failing
//   clock show|set TIME|advance DURATION
//       the simulated business clock (bfu.clock) that services with clock.mode=simulated
//       follow; TIME is RFC 3339 or YYYY-MM-DD (08:00 Swedish time); DURATION is 90m, 36h, 2d
//   templates export DIR [--overwrite]
//       writes the notifier's default templates to DIR to edit (notifier.templates_dir)
#include <chrono>
#include <fstream>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/kafka/reader.hpp"
#include "bfu/notifier/templates.hpp"
#include "bfu/text/swedish.hpp"
#include "bfu/zmq/zmq.hpp"
#include "commands.hpp"

namespace bfu::cli {

namespace {

using nlohmann::json;

constexpr const char* kDefaultNotifierZmq = "tcp://127.0.0.1:15554";

std::string NotifierEndpoint(const Env& env) {
    return env.Get("BFU_NOTIFIER_ZMQ", kDefaultNotifierZmq);
}

// The current business time on bfu.clock, or nullopt when no tick was written yet.
std::optional<core::TimePoint> ReadClock(const Env& env, std::ostream& err) {
    auto reader = kafka::PartitionReader::Create(KafkaFromEnv(env));
    if (!reader.ok()) {
        err << "bfu: " << reader.error().ToString() << "\n";
        return std::nullopt;
    }
    if (auto s =
            (*reader)->Add({{Topic(env, contracts::topics::kClock), 0, kafka::kOffsetBeginning}});
        !s.ok()) {
        err << "bfu: " << s.error().ToString() << "\n";
        return std::nullopt;
    }
    std::optional<core::TimePoint> now;
    auto read = (*reader)->ReadToEnd(
        [&](const kafka::Message& m) {
            auto tick = contracts::DecodeMessage<contracts::ClockTick>(m.value);
            if (!tick.ok()) return;
            if (auto t = core::FromRfc3339(tick->now); t.ok() && (!now || *t > *now)) now = *t;
        },
        std::chrono::seconds(30));
    if (!read.ok()) err << "bfu: " << read.error().ToString() << "\n";
    return now;
}

// "90m", "36h", "2d" -> a duration; throws UsageError otherwise.
core::Duration ParseDuration(const std::string& text) {
    if (text.size() < 2) throw UsageError("a duration is a number and m, h or d: 90m, 36h, 2d");
    long long n = 0;
    try {
        n = std::stoll(text.substr(0, text.size() - 1));
    } catch (...) {
        throw UsageError("a duration is a number and m, h or d: 90m, 36h, 2d, not '" + text + "'");
    }
    if (n <= 0) throw UsageError("the clock only moves forward: '" + text + "'");
    switch (text.back()) {
        case 'm':
            return std::chrono::minutes(n);
        case 'h':
            return std::chrono::hours(n);
        case 'd':
            return std::chrono::hours(24 * n);
        default:
            throw UsageError("a duration is a number and m, h or d: 90m, 36h, 2d, not '" + text +
                             "'");
    }
}

core::TimePoint ParseTime(const std::string& text) {
    if (auto t = core::FromRfc3339(text); t.ok()) return *t;
    if (auto d = domain::Date::Parse(text); d.ok() && text.size() == 10) {
        return domain::FromStockholm(*d, 8, 0);
    }
    throw UsageError("a time is RFC 3339 (2026-04-08T09:00:00+02:00) or a date YYYY-MM-DD, not '" +
                     text + "'");
}

int Clock(const Env& env, const std::vector<std::string>& args, std::ostream& out,
          std::ostream& err) {
    const std::string verb = args.size() > 1 ? args[1] : "show";
    const Args a = Parse(args, 2, {});
    auto current = ReadClock(env, err);
    if (verb == "show") {
        if (!current) {
            out << "ingen simulerad tid är satt (tjänsterna använder sin clock.start eller "
                   "väggklockan)\n";
            return 0;
        }
        out << text::DateTime(*current) << " (" << core::ToRfc3339(*current) << ")\n";
        return 0;
    }
    core::TimePoint next;
    if (verb == "set") {
        if (a.positional.size() != 1)
            throw UsageError("try: bfu clock set 2026-04-08T09:00:00+02:00");
        next = ParseTime(a.positional[0]);
    } else if (verb == "advance") {
        if (a.positional.size() != 1) throw UsageError("try: bfu clock advance 2d");
        if (!current) throw UsageError("no simulated time yet: bfu clock set TIME first");
        next = *current + ParseDuration(a.positional[0]);
    } else {
        throw UsageError("try: bfu clock show, bfu clock set TIME, bfu clock advance 2d");
    }
    if (current && next < *current) {
        err << "bfu: the business clock never runs backwards (it is " << core::ToRfc3339(*current)
            << ")\n";
        return 2;
    }
    contracts::ClockTick tick;
    tick.now = core::ToRfc3339(next);
    tick.by = "bfu clock";
    auto producer = kafka::Producer::Create(KafkaFromEnv(env));
    if (!producer.ok()) {
        err << "bfu: " << producer.error().ToString() << "\n";
        return 1;
    }
    const auto value = contracts::EncodeMessage(
        tick, {contracts::NewEventId(), "bfu/cli", core::WallClock().Now(), tick.Key()});
    if (auto s = (*producer)->Produce(Topic(env, contracts::topics::kClock), tick.Key(), value);
        !s.ok()) {
        err << "bfu: " << s.error().ToString() << "\n";
        return 1;
    }
    if (auto s = (*producer)->Flush(std::chrono::seconds(30)); !s.ok()) {
        err << "bfu: " << s.error().ToString() << "\n";
        return 1;
    }
    out << "affärstid: " << text::DateTime(next) << " (" << tick.now << ")\n";
    return 0;
}

int Alerts(const Env& env, const Args& a, std::ostream& out, std::ostream& err) {
    const bool failed = a.Flag("failed");
    return SendCommand(
        NotifierEndpoint(env), json{{"op", "alerts"}, {"failed", failed}}, a.Flag("json"), out, err,
        [&](const json& r) {
            const auto& list = r.at("alerts");
            if (list.empty()) {
                out << (failed ? "inga misslyckade utskick\n" : "inga utskick\n");
                return;
            }
            for (const auto& x : list) {
                out << x.value("status", "") << "\t" << x.value("channel", "") << "\t"
                    << x["recipient"].value("email", x["recipient"].value("name", "")) << "\t"
                    << x.value("subject", "") << "\n";
                if (x.contains("error")) {
                    out << "\tförsök " << x.value("attempts", 0) << ": " << x.value("error", "")
                        << "\n";
                }
            }
        });
}

int Templates(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const Args a = Parse(args, 2, {"overwrite"});
    if (args.size() < 2 || args[1] != "export" || a.positional.size() != 1) {
        throw UsageError("try: bfu templates export DIR [--overwrite]");
    }
    auto written =
        text::ExportTemplates(notifier::DefaultTemplates(), a.positional[0], a.Flag("overwrite"));
    if (!written.ok()) {
        err << "bfu: " << written.error().message << "\n";
        return 1;
    }
    for (const auto& p : *written) out << p.string() << "\n";
    if (written->empty()) out << "inga filer skrivna: mallarna finns redan (--overwrite)\n";
    return 0;
}

}  // namespace

int Watch(const Env& env, const Args& a, std::ostream& out, std::ostream& err) {
    // BFU_NOTIFIER_PUB when set, else the notifier's own setting (BFU_ZMQ_PUB_ENDPOINT).
    const auto endpoint =
        env.Get("BFU_NOTIFIER_PUB", env.Get("BFU_ZMQ_PUB_ENDPOINT", "tcp://127.0.0.1:15560"));
    const long count = std::stol(a.Opt("count", "0"));
    const long seconds = std::stol(a.Opt("seconds", "0"));
    std::string topic = "alert/";
    if (a.options.count("unit") != 0) {
        ::zmq::context_t qctx(1);
        zmq::JsonClient client(qctx, NotifierEndpoint(env),
                               {std::chrono::milliseconds(5000), 2, {}});
        auto r = client.Call(json{{"op", "watch.topic"}, {"unit", a.Opt("unit")}});
        if (!r.ok()) {
            err << "bfu: " << r.error().ToString() << "\n";
            return 1;
        }
        topic = r->value("topic", topic);
    }
    std::ofstream file;
    if (a.Flag("out")) {
        file.open(a.Opt("out"), std::ios::app);
        if (!file) {
            err << a.Opt("out") << ": cannot open for writing\n";
            return 1;
        }
    }
    ::zmq::context_t ctx(1);
    zmq::Subscriber sub(ctx, endpoint, {topic});
    out << "bevakar larm på " << endpoint << " (" << topic << ")\n" << std::flush;
    long seen = 0;
    const auto start = std::chrono::steady_clock::now();
    while ((count == 0 || seen < count) &&
           (seconds == 0 ||
            std::chrono::steady_clock::now() - start < std::chrono::seconds(seconds))) {
        auto m = sub.Receive(std::chrono::milliseconds(200));
        if (!m.ok()) {
            err << m.error().ToString() << "\n";
            return 1;
        }
        if (!m->has_value()) continue;
        ++seen;
        json j = json::parse((*m)->payload, nullptr, false);
        const std::string subject = j.is_object() ? j.value("subject", "") : "";
        out << "[" << (*m)->topic << "] " << subject << "\n" << std::flush;
        if (file) file << (*m)->payload << "\n" << std::flush;
    }
    return 0;
}

int NotifierCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Env env;
    const std::string cmd = args.at(0);
    if (cmd == "alerts") return Alerts(env, Parse(args, 1, {"failed", "json"}), out, err);
    if (cmd == "clock") return Clock(env, args, out, err);
    if (cmd == "templates") return Templates(args, out, err);
    throw UsageError("try: bfu alerts, bfu clock, bfu templates");
}

std::optional<core::TimePoint> ReadBusinessClock(const Env& env, std::ostream& err) {
    return ReadClock(env, err);
}

}  // namespace bfu::cli
