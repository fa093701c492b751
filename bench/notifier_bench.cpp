// Alert latency (issue #11): from a voucher produced to the ERP topic to its alert on the
// notifier's ZeroMQ PUB socket and to its e-mail accepted by a real SMTP server, through the
// built bfu-ingest, bfu-analysis and bfu-notifier on a fresh prefix of the running stack, driven
// only as black boxes (their binaries, BFU_* config and topics). Beside it, in the same run and
// interleaved with it, two baselines: the broker round trip of a plain record (produce ->
// consume, the same producer, the same kind of consumer), and one exactly-once hop: a plain
// record through the loop every service runs (stack_support's PassThrough: RunLoop with a
// TransactionalProducer, the default LoopOptions and client settings, one record a
// transaction here), produce -> consumed read_committed from its output. A voucher's way to
// its e-mail is three such loops (ingest, analysis's posting stage, the notifier's deviation
// consumer), analysis's evaluator between them (it writes without a transaction) and the
// notifier's dispatcher after them. --hop-producer and
// --hop-consumer set librdkafka properties on the hop's producer or consumer only, to show
// what a setting would change (the services' own settings cannot be changed from outside).
//
//   notifier_bench [--vouchers K] [--repeat R] [--linger-ms L] [--gap-ms G]
//                  [--log-level LEVEL] [--no-breakdown] [--keep]
//                  [--hop-producer PROP=VALUE]... [--hop-consumer PROP=VALUE]...
//   notifier_bench --cleanup PREFIX     (what a killed run left behind)
//
// The organisation: KF, KS, a förvaltning (kommundirektör), one nämnd, two sektorer, five
// verksamheter and, under them, enheter enough that every voucher lands on an enhet of its
// own (at most two in three enheter of a verksamhet are used). Each enhet has a personnel
// budget of 12 Mkr (1 Mkr a month); mandates 100 tkr (enhet), 500 tkr (verksamhet), 2 Mkr
// (sektor), 5 Mkr (nämnd). Each voucher books 1.2 Mkr of personnel on a fresh enhet in
// January (against 2440), so the enhet's deviation OPENS at +200 tkr: beyond the enhetschef's
// mandate, within the verksamhetschef's, so three people are e-mailed at once (enhetschef,
// verksamhetschef, sektorchef) and one live alert is published. The roll-ups stay favourable
// (the untouched enheter's budgets), so no other alert is in the way: one alerting event per
// voucher.
//
// Per voucher (K measured after 3 warm-ups, one at a time: the next goes once the previous
// one's e-mails are all accepted, then G ms of quiet):
//   - PUB: when the bench's SUB socket (topic prefix "alert/") receives the alert of the
//     voucher's enhet;
//   - e-mail: when the SMTP server accepts (answers DATA) the e-mail to the enhet's manager,
//     and the last of the e-mails to everyone the deviation event names. The server is
//     Debian's aiosmtpd run with a handler written into the run's temp dir that stores each
//     message into a Maildir, as aiosmtpd's Mailbox does, and then appends time.time_ns() and
//     the envelope to a file just before answering 250: the server's own clock of acceptance
//     (and, for the breakdown, the time its session's EHLO arrived).
//   - breakdown (unless --no-breakdown): the producer timestamps (CreateTime) of the records
//     each stage writes for the voucher, and when a read_committed watcher sees them: ingest's
//     ledger lines, analysis's changelog cell (stage 1) and deviation event (stage 2), the
//     notifier's pending alert to the enhetschef and its `sent` record.
// Every time is the system clock (CLOCK_REALTIME, also aiosmtpd's and Kafka's CreateTime, which
// has millisecond resolution), relative to the moment just before the voucher is produced.
// The bench's producer has linger.ms L (default 0: a voucher goes to the broker at once, as
// the round-trip record does).
//
// Every run uses fresh topic, group and Redis prefixes and deletes its topics and keys at the
// end; its temp dir (service logs, the SMTP server's stamps and Maildir) goes too unless an
// alert was missing or --keep. Build Release; bench/run notifier does it all.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/zmq/zmq.hpp"
#include "stack_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace topics = bfu::contracts::topics;
namespace bench = bfu::bench;
namespace fs = std::filesystem;

constexpr int kYear = 2026;
constexpr std::int64_t kOre = 100;
constexpr int kWarmup = 3;
constexpr int kVerksamheter = 5;
// An enhet's personnel budget (kr a year, even profile) and each voucher's cost (kr, January).
constexpr std::int64_t kEnhetBudgetKr = 12'000'000;
constexpr std::int64_t kVoucherKr = 1'200'000;
constexpr const char* kLinkKey = "bench-link-key-0123456789abcdef";
constexpr const char* kMailDomain = "bench.se";

struct Options {
    int vouchers = 200;
    int repeat = 1;
    int linger_ms = 0;
    int gap_ms = 20;
    std::string log_level = "warn";
    bool breakdown = true;
    bool keep = false;
    std::string cleanup;
    std::map<std::string, std::string> hop_producer;
    std::map<std::string, std::string> hop_consumer;
};

[[noreturn]] void Usage() {
    std::fprintf(stderr,
                 "usage: notifier_bench [--vouchers K] [--repeat R] [--linger-ms L] [--gap-ms G]\n"
                 "                      [--log-level LEVEL] [--no-breakdown] [--keep]\n"
                 "                      [--hop-producer PROP=VALUE]... [--hop-consumer "
                 "PROP=VALUE]...\n"
                 "       notifier_bench --cleanup PREFIX\n");
    std::exit(2);
}

Options Parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--no-breakdown") {
            o.breakdown = false;
            continue;
        }
        if (a == "--keep") {
            o.keep = true;
            continue;
        }
        if (i + 1 >= argc) Usage();
        const std::string v = argv[++i];
        if (a == "--vouchers") {
            o.vouchers = std::atoi(v.c_str());
        } else if (a == "--repeat") {
            o.repeat = std::atoi(v.c_str());
        } else if (a == "--linger-ms") {
            o.linger_ms = std::atoi(v.c_str());
        } else if (a == "--gap-ms") {
            o.gap_ms = std::atoi(v.c_str());
        } else if (a == "--log-level") {
            o.log_level = v;
        } else if (a == "--cleanup") {
            o.cleanup = v;
        } else if (a == "--hop-producer" || a == "--hop-consumer") {
            const auto eq = v.find('=');
            if (eq == std::string::npos || eq == 0) Usage();
            (a == "--hop-producer" ? o.hop_producer : o.hop_consumer)[v.substr(0, eq)] =
                v.substr(eq + 1);
        } else {
            Usage();
        }
    }
    if (o.vouchers < 1 || o.repeat < 1 || o.linger_ms < 0 || o.gap_ms < 0) Usage();
    return o;
}

std::int64_t NowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// The organisation of the file comment, for `vouchers` vouchers (warm-ups included).
struct Municipality {
    explicit Municipality(int vouchers) {
        // At most two in three enheter of a verksamhet get a voucher: the verksamhet's
        // roll-up (1.2 Mkr against 1 Mkr of budget per used enhet, 1 Mkr per unused one)
        // stays favourable, so it is not evaluated and raises no alert.
        const int per_v = (vouchers + kVerksamheter - 1) / kVerksamheter;
        enheter_per_v = std::max(10, (per_v * 3 + 1) / 2);
        auto unit = [&](const std::string& id, std::optional<std::string> parent,
                        bfu::contracts::OrgLevel level, const std::string& name,
                        const std::string& role, std::int64_t mandate_kr) {
            bfu::contracts::OrgUnit u;
            u.id = bfu::core::UnitId(id);
            if (parent) u.parent = bfu::core::UnitId(*parent);
            u.level = level;
            u.name = name;
            u.manager.name = "Chef " + id;
            u.manager.role = role;
            u.manager.email = Manager(id);
            u.mandate_ore = mandate_kr * kOre;
            u.valid_from = "2026-01-01";
            org.push_back(std::move(u));
        };
        using L = bfu::contracts::OrgLevel;
        unit("KF", std::nullopt, L::kKf, "Kommunfullmäktige", "ordförande KF", 0);
        unit("KS", "KF", L::kKs, "Kommunstyrelsen", "ordförande KS", 0);
        unit("FORV", "KS", L::kForvaltning, "Kommunförvaltningen", "kommundirektör", 10'000'000);
        unit("N0", "KF", L::kNamnd, "Nämnd N0", "ordförande nämnd", 5'000'000);
        unit("S0", "N0", L::kSektor, "Sektor S0", "sektorchef", 2'000'000);
        unit("S1", "N0", L::kSektor, "Sektor S1", "sektorchef", 2'000'000);
        for (int v = 0; v < kVerksamheter; ++v) {
            const std::string id = "V" + std::to_string(v);
            unit(id, v < 3 ? "S0" : "S1", L::kVerksamhet, "Verksamhet " + id, "verksamhetschef",
                 500'000);
        }
        for (int e = 0; e < kVerksamheter * enheter_per_v; ++e) {
            unit(Enhet(e), "V" + std::to_string(e / enheter_per_v), L::kEnhet, "Enhet " + Enhet(e),
                 "enhetschef", 100'000);
            bfu::contracts::Budget b;
            b.unit = bfu::core::UnitId(Enhet(e));
            b.account_group = "personal";
            b.year = kYear;
            b.kind = bfu::contracts::BudgetKind::kOperating;
            b.annual_ore = kEnhetBudgetKr * kOre;
            b.profile.kind = bfu::contracts::ProfileKind::kEven;
            b.revision.ref = "KF § 112/2025";
            b.revision.date = "2025-11-28";
            budgets.push_back(std::move(b));
        }
        auto account = [&](const char* number, const char* name, int cls, const char* group) {
            bfu::contracts::Account a;
            a.number = bfu::core::AccountNo(number);
            a.name = name;
            a.account_class = cls;
            a.group = group;
            accounts.push_back(std::move(a));
        };
        account("5011", "Månadslön", 5, "personal");
        account("2440", "Leverantörsskulder", 2, "balansrakning");
    }

    static std::string Enhet(int e) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "E%04d", e);
        return buf;
    }
    static std::string Manager(const std::string& unit) {
        return "chef." + Lower(unit) + "@" + kMailDomain;
    }
    // The enhet of voucher i: round robin over the verksamheter, a fresh enhet each time.
    [[nodiscard]] int EnhetOf(int i) const {
        return (i % kVerksamheter) * enheter_per_v + i / kVerksamheter;
    }

    int enheter_per_v = 0;
    std::vector<bfu::contracts::OrgUnit> org;
    std::vector<bfu::contracts::Account> accounts;
    std::vector<bfu::contracts::Budget> budgets;
};

// 1.2 Mkr of personnel on `unit` in January, against supplier debt.
std::pair<std::string, std::string> AlertVoucher(const std::string& unit, const std::string& id) {
    bfu::contracts::Voucher v;
    v.source = bfu::core::SourceId("bench-erp");
    v.voucher_id = bfu::core::VoucherId(id);
    v.series = "A";
    v.date = "2026-01-20";
    v.text = "Vikarier, långtidssjukskrivning";
    bfu::contracts::VoucherLine cost;
    cost.account = bfu::core::AccountNo("5011");
    cost.unit = bfu::core::UnitId(unit);
    cost.amount_ore = kVoucherKr * kOre;
    cost.text = "Vikarier";
    bfu::contracts::VoucherLine debt;
    debt.account = bfu::core::AccountNo("2440");
    debt.unit = cost.unit;
    debt.amount_ore = -cost.amount_ore;
    debt.text = "Leverantörsskuld";
    v.lines = {cost, debt};
    return {v.Key(), v.ToJson().dump()};
}

template <typename T>
T Must(bfu::core::Result<T> r, const std::string& what) {
    if (!r.ok()) throw std::runtime_error(what + ": " + r.error().ToString());
    return std::move(r).value();
}

void Must(const bfu::core::Status& s, const std::string& what) {
    if (!s.ok()) throw std::runtime_error(what + ": " + s.error().ToString());
}

std::unique_ptr<bfu::kafka::Producer> MakeProducer(const bench::Stack& stack, int linger_ms) {
    bfu::kafka::KafkaConfig cfg;
    cfg.brokers = stack.brokers;
    cfg.client_id = "bfu-bench-producer";
    cfg.properties["linger.ms"] = std::to_string(linger_ms);
    return Must(bfu::kafka::Producer::Create(cfg), "bench producer");
}

void PublishMaster(bfu::kafka::Producer& producer, const bench::RunTopics& run,
                   const Municipality& m) {
    bfu::core::WallClock clock;
    auto publish = [&](const auto& items) {
        for (const auto& i : items) {
            using T = std::decay_t<decltype(i)>;
            Must(producer.Produce(
                     run.Name(T::kTopic), i.Key(),
                     bfu::contracts::EncodeMessage(
                         i, {bfu::contracts::NewEventId(), "bfu/bench", clock.Now(), i.Key()})),
                 "publish master data");
        }
    };
    publish(m.org);
    publish(m.accounts);
    publish(m.budgets);
    Must(producer.Flush(60s), "flush master data");
}

std::unique_ptr<bfu::kafka::Consumer> Subscribed(const bench::Stack& stack,
                                                 const std::vector<std::string>& topic_names) {
    bfu::kafka::KafkaConfig cfg;
    cfg.brokers = stack.brokers;
    cfg.group_id = bench::UniquePrefix() + "watch";
    cfg.client_id = "bfu-bench-watch";
    auto c = Must(bfu::kafka::Consumer::Create(cfg), "bench consumer");
    Must(c->Subscribe(topic_names), "subscribe");
    return c;
}

// A service binary on the run's topics, with free ports and its log in `dir`.
struct Service {
    std::unique_ptr<bench::Child> child;
    int http = 0;
    std::string zmq_endpoint;
};

Service Start(const bench::Stack& stack, const std::string& prefix, const std::string& name,
              const fs::path& dir, const std::string& log_level,
              const std::map<std::string, std::string>& extra = {}) {
    Service s;
    s.http = bench::FreePort();
    s.zmq_endpoint = "tcp://127.0.0.1:" + std::to_string(bench::FreePort());
    std::map<std::string, std::string> env{{"BFU_KAFKA_BROKERS", stack.brokers},
                                           {"BFU_KAFKA_TOPIC_PREFIX", prefix},
                                           {"BFU_KAFKA_GROUP_ID", prefix + name},
                                           {"BFU_REDIS_URL", stack.redis_url},
                                           {"BFU_REDIS_PREFIX", prefix},
                                           {"BFU_FOLLOWUP_YEAR", std::to_string(kYear)},
                                           {"BFU_HTTP_PORT", std::to_string(s.http)},
                                           {"BFU_ZMQ_ENDPOINT", s.zmq_endpoint},
                                           {"BFU_INGEST_HTTP_TOKEN", prefix + "token"},
                                           {"BFU_LOG_LEVEL", log_level}};
    for (const auto& [k, v] : extra) env[k] = v;
    s.child = std::make_unique<bench::Child>(bench::ServiceBinary(name), env,
                                             (dir / (name + ".log")).string());
    return s;
}

// Ready on /readyz, with `master` master-data records loaded when it reports them.
void WaitReady(Service& s, const std::string& name, double master) {
    bool exited = false;
    const bool ready = bench::WaitFor(
        [&] {
            if (!s.child->Running()) return exited = true;
            if (bench::HttpGet(s.http, "/readyz").first != 200) return false;
            const auto records = bench::Metric(s.http, "bfu_master_records");
            return !records || *records >= master;
        },
        120s, 50ms);
    if (!ready || exited) {
        throw std::runtime_error("bfu-" + name + (exited ? " exited" : " not ready") +
                                 "; its log: " + s.child->log());
    }
}

// The SMTP server: aiosmtpd with a handler that stores each message into a Maildir, as
// aiosmtpd.handlers.Mailbox does, then stamps its acceptance just before answering 250. It
// stores the bytes as received and parses only the headers (Mailbox parses the whole message
// and writes it out again), so the server costs less of the machine than the e2e test's.
constexpr const char* kSinkModule =
    R"PY(# Written by notifier_bench: a Maildir store, plus a timestamp of each acceptance.
import email.parser
import email.policy
import mailbox
import time


class Stamp:
    def __init__(self, maildir, stamps):
        self.box = mailbox.Maildir(maildir, create=True)
        self.out = open(stamps, "a", buffering=1, encoding="utf-8")

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 2:
            parser.error("Stamp needs MAILDIR STAMPFILE")
        return cls(args[0], args[1])

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # When the client's session got going: its EHLO (after the TCP connect and banner).
        session.host_name = hostname
        session.bench_ehlo_ns = time.time_ns()
        return responses

    async def handle_DATA(self, server, session, envelope):
        data = envelope.content
        msg = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(data)
        self.box.add(data)
        subject = " ".join(str(msg.get("subject", "")).split())
        message_id = str(msg.get("message-id", "")).strip()
        rcpts = ",".join(r.lower() for r in envelope.rcpt_tos)
        ehlo = getattr(session, "bench_ehlo_ns", 0)
        # Accepted: the 250 goes out as this coroutine returns.
        self.out.write(f"{time.time_ns()}\t{rcpts}\t{message_id}\t{subject}\t{ehlo}\n")
        return "250 Message accepted for delivery"
)PY";

struct SmtpSink {
    std::unique_ptr<bench::Child> child;
    int port = 0;
    fs::path stamps;
};

bool Connects(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

SmtpSink StartSmtp(const fs::path& dir) {
    SmtpSink s;
    s.port = bench::FreePort();
    s.stamps = dir / "smtp.stamps";
    {
        std::ofstream py(dir / "bench_smtp_sink.py");
        py << kSinkModule;
    }
    const fs::path script = dir / "smtp.sh";
    {
        std::ofstream sh(script);
        // Debian's interpreter: a python3 earlier on PATH (pyenv's) lacks python3-aiosmtpd.
        sh << "#!/bin/sh\nexec /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:" << s.port
           << " -c bench_smtp_sink.Stamp '" << (dir / "maildir").string() << "' '"
           << s.stamps.string() << "'\n";
    }
    fs::permissions(script, fs::perms::owner_all, fs::perm_options::add);
    { std::ofstream touch(s.stamps); }
    s.child = std::make_unique<bench::Child>(
        script.string(), std::map<std::string, std::string>{{"PYTHONPATH", dir.string()}},
        (dir / "smtp.log").string());
    if (!bench::WaitFor([&] { return !s.child->Running() || Connects(s.port); }, 30s, 50ms) ||
        !s.child->Running()) {
        throw std::runtime_error(
            "the SMTP server (/usr/bin/python3 -m aiosmtpd, Debian's python3-aiosmtpd) did not "
            "start; its log: " +
            s.child->log());
    }
    return s;
}

// What the bench learns about one voucher, every time in system-clock ns (0: not seen).
struct Sample {
    std::string unit;
    std::string voucher;
    std::int64_t t0 = 0;  // just before it was produced
    std::int64_t line_created = 0, line_seen = 0;
    std::int64_t cell_created = 0, cell_seen = 0;
    std::int64_t deviation_created = 0, deviation_seen = 0;
    std::int64_t pub = 0;
    std::int64_t alert_created = 0, alert_seen = 0;
    std::int64_t mail_ehlo = 0;  // the EHLO of the session that sent it
    std::int64_t mail = 0;       // the e-mail to the enhet's manager accepted
    std::int64_t mail_last = 0;  // the last of the e-mails to everyone the event names
    std::int64_t sent_created = 0, sent_seen = 0;
    // (accepted, EHLO) of the e-mail to each of them, in the order the server accepted them.
    std::vector<std::pair<std::int64_t, std::int64_t>> chain;
    std::set<std::string> told;  // e-mail addresses the deviation event names (lower case)
    bool told_known = false;
};

// What the threads watching the PUB socket, the SMTP server's stamps and the topics have seen,
// by enhet.
class Observations {
public:
    void Expect(const std::string& unit, const std::string& voucher, std::int64_t t0) {
        std::lock_guard lock(mu_);
        Sample s;
        s.unit = unit;
        s.voucher = voucher;
        s.t0 = t0;
        samples_[unit] = std::move(s);
        Evaluate(samples_[unit]);
    }
    // Runs `fn` on the unit's sample under the lock, if the unit is expected.
    void Update(const std::string& unit, const std::function<void(Sample&)>& fn) {
        {
            std::lock_guard lock(mu_);
            auto it = samples_.find(unit);
            if (it == samples_.end()) return;
            fn(it->second);
            Evaluate(it->second);
        }
        cv_.notify_all();
    }
    struct Mail {
        std::int64_t at = 0;    // accepted (DATA answered)
        std::int64_t ehlo = 0;  // its session's EHLO received
        std::string subject;
    };
    void AddMail(const std::string& rcpt, Mail mail) {
        {
            std::lock_guard lock(mu_);
            mails_[rcpt].push_back(std::move(mail));
            for (auto& [unit, s] : samples_) Evaluate(s);
        }
        cv_.notify_all();
    }
    // Waits until `done` holds for the unit's sample or `timeout`; the sample as it is then.
    Sample WaitFor(const std::string& unit, const std::function<bool(const Sample&)>& done,
                   std::chrono::milliseconds timeout) {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, timeout, [&] { return done(samples_[unit]); });
        return samples_[unit];
    }
    std::size_t MailCount() {
        std::lock_guard lock(mu_);
        std::size_t n = 0;
        for (const auto& [rcpt, list] : mails_) n += list.size();
        return n;
    }

private:
    // Fills in the e-mail times from what the server has accepted.
    void Evaluate(Sample& s) {
        const std::string enhetschef = Municipality::Manager(s.unit);
        // The first e-mail to `rcpt` since the voucher (about its enhet when `about_unit`).
        auto first = [&](const std::string& rcpt, bool about_unit) -> const Mail* {
            auto it = mails_.find(rcpt);
            if (it == mails_.end()) return nullptr;
            for (const auto& m : it->second) {
                if (m.at < s.t0) continue;
                if (about_unit && m.subject.find("Enhet " + s.unit + ",") == std::string::npos) {
                    continue;
                }
                return &m;
            }
            return nullptr;
        };
        if (s.mail == 0) {
            if (const Mail* m = first(enhetschef, false)) {
                s.mail = m->at;
                s.mail_ehlo = m->ehlo;
            }
        }
        if (s.mail_last == 0 && s.told_known) {
            std::vector<std::pair<std::int64_t, std::int64_t>> chain;
            for (const auto& r : s.told) {
                const Mail* m = first(r, true);
                if (m == nullptr) return;
                chain.emplace_back(m->at, m->ehlo);
            }
            if (chain.empty()) return;
            std::sort(chain.begin(), chain.end());
            s.mail_last = chain.back().first;
            s.chain = std::move(chain);
        }
    }

    std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, Sample> samples_;
    std::map<std::string, std::vector<Mail>> mails_;
};

// The unit of a live alert's topic: its last segment ("alert/KF/N0/S0/V1/E0042/" -> E0042).
std::string UnitOfTopic(const std::string& topic) {
    std::string t = topic;
    while (!t.empty() && t.back() == '/') t.pop_back();
    const auto slash = t.rfind('/');
    return slash == std::string::npos ? t : t.substr(slash + 1);
}

void LearnTold(Sample& s, const nlohmann::json& deviation) {
    if (s.told_known || !deviation.is_object()) return;
    auto add = [&](const nlohmann::json& person) {
        if (person.is_object() && person.contains("email") && person["email"].is_string()) {
            s.told.insert(Lower(person["email"].get<std::string>()));
        }
    };
    if (deviation.contains("responsible")) add(deviation["responsible"]);
    if (deviation.contains("notified") && deviation["notified"].is_array()) {
        for (const auto& p : deviation["notified"]) add(p);
    }
    s.told_known = !s.told.empty();
}

// The topics the breakdown watches (empty: no breakdown).
struct Watched {
    std::string lines, changelog, deviations, alerts;
};

// The bench's watchers, each on its own thread until destroyed.
class Watchers {
public:
    Watchers(const bench::Stack& stack, const std::string& pub_endpoint, const fs::path& stamps,
             Watched watched, Observations& obs)
        : watched_(std::move(watched)), obs_(obs) {
        pub_ = std::jthread(
            [this, pub_endpoint](const std::stop_token& stop) { WatchPub(stop, pub_endpoint); });
        smtp_ = std::jthread(
            [this, stamps](const std::stop_token& stop) { WatchStamps(stop, stamps); });
        if (!watched_.lines.empty()) {
            consumer_ = Subscribed(
                stack, {watched_.lines, watched_.changelog, watched_.deviations, watched_.alerts});
            topics_ = std::jthread([this](const std::stop_token& stop) { WatchTopics(stop); });
        } else {
            topics_assigned_ = true;
        }
    }
    Watchers(const Watchers&) = delete;
    Watchers& operator=(const Watchers&) = delete;
    ~Watchers() {
        for (auto* t : {&pub_, &smtp_, &topics_}) {
            t->request_stop();
            if (t->joinable()) t->join();
        }
        if (consumer_) (void)consumer_->Close();
    }
    [[nodiscard]] bool Ready() const { return topics_assigned_.load(); }

private:
    void WatchPub(const std::stop_token& stop, const std::string& endpoint) {
        ::zmq::context_t context{1};
        bfu::zmq::Subscriber sub(context, endpoint, {"alert/"});
        while (!stop.stop_requested()) {
            auto m = sub.Receive(100ms);
            if (!m.ok() || !m->has_value()) continue;
            const std::int64_t at = NowNs();
            const auto& msg = **m;
            auto body = nlohmann::json::parse(msg.payload, nullptr, false);
            obs_.Update(UnitOfTopic(msg.topic), [&](Sample& s) {
                if (s.pub != 0 || at < s.t0) return;
                s.pub = at;
                if (body.is_object() && body.contains("deviation")) LearnTold(s, body["deviation"]);
            });
        }
    }

    void WatchStamps(const std::stop_token& stop, const fs::path& path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return;
        std::string buffer;
        char chunk[8192];
        while (!stop.stop_requested()) {
            const auto n = ::read(fd, chunk, sizeof chunk);
            if (n <= 0) {
                std::this_thread::sleep_for(2ms);
                continue;
            }
            buffer.append(chunk, static_cast<std::size_t>(n));
            std::size_t nl;
            while ((nl = buffer.find('\n')) != std::string::npos) {
                const std::string line = buffer.substr(0, nl);
                buffer.erase(0, nl + 1);
                // accepted ns \t rcpt,rcpt \t message-id \t subject \t EHLO ns
                std::vector<std::string> fields;
                std::stringstream ss(line);
                std::string f;
                while (std::getline(ss, f, '\t')) fields.push_back(f);
                if (fields.size() < 4) continue;
                const std::int64_t at = std::atoll(fields[0].c_str());
                const std::int64_t ehlo = fields.size() > 4 ? std::atoll(fields[4].c_str()) : 0;
                std::stringstream rcpts(fields[1]);
                std::string r;
                while (std::getline(rcpts, r, ',')) obs_.AddMail(r, {at, ehlo, fields[3]});
            }
        }
        ::close(fd);
    }

    void WatchTopics(const std::stop_token& stop) {
        while (!stop.stop_requested()) {
            auto batch = consumer_->Poll(1000, 100ms);
            if (!topics_assigned_) {
                auto a = consumer_->Assignment();
                if (a.ok() && !a->empty()) topics_assigned_ = true;
            }
            if (!batch.ok()) continue;
            const std::int64_t at = NowNs();
            for (const auto& m : *batch) Record(m, at);
        }
    }

    void Record(const bfu::kafka::Message& m, std::int64_t at) {
        const std::int64_t created = m.timestamp_ms > 0 ? m.timestamp_ms * 1'000'000 : 0;
        auto first = [](std::int64_t& field, std::int64_t value) {
            if (field == 0) field = value;
        };
        if (m.topic == watched_.lines) {
            // Keyed by unit; both lines of a voucher are on its enhet, which it alone uses.
            obs_.Update(m.key, [&](Sample& s) {
                if (m.value.find("\"" + s.voucher + "\"") == std::string::npos) return;
                first(s.line_created, created);
                first(s.line_seen, at);
            });
        } else if (m.topic == watched_.changelog) {
            // year:unit:account:period
            const auto a = m.key.find(':');
            const auto b = m.key.find(':', a + 1);
            if (a == std::string::npos || b == std::string::npos) return;
            obs_.Update(m.key.substr(a + 1, b - a - 1), [&](Sample& s) {
                if (m.value.find(s.voucher) == std::string::npos) return;
                first(s.cell_created, created);
                first(s.cell_seen, at);
            });
        } else if (m.topic == watched_.deviations) {
            auto e = bfu::contracts::DecodeMessage<bfu::contracts::DeviationEvent>(m.value);
            if (!e.ok() || e->event != bfu::contracts::DeviationEventKind::kOpened) return;
            obs_.Update(e->unit.value(), [&](Sample& s) {
                first(s.deviation_created, created);
                first(s.deviation_seen, at);
                LearnTold(s, e->ToJson());
            });
        } else if (m.topic == watched_.alerts) {
            auto a = bfu::contracts::DecodeMessage<bfu::contracts::Alert>(m.value);
            if (!a.ok() || a->channel != bfu::contracts::AlertChannel::kEmail) return;
            obs_.Update(a->unit.value(), [&](Sample& s) {
                if (Lower(a->recipient.email.value_or("")) != Municipality::Manager(s.unit)) {
                    return;
                }
                if (a->status == bfu::contracts::AlertStatus::kPending) {
                    first(s.alert_created, created);
                    first(s.alert_seen, at);
                } else if (a->status == bfu::contracts::AlertStatus::kSent) {
                    first(s.sent_created, created);
                    first(s.sent_seen, at);
                }
            });
        }
    }

    const Watched watched_;
    Observations& obs_;
    std::unique_ptr<bfu::kafka::Consumer> consumer_;
    std::atomic<bool> topics_assigned_{false};
    std::jthread pub_;
    std::jthread smtp_;
    std::jthread topics_;
};

// CPU time (user + system) a process has used so far, in ms; 0 when unreadable.
double CpuMs(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    std::getline(in, stat);  // one line
    // pid (comm) state ppid ... : utime and stime are fields 14 and 15, counted from 1, the
    // comm (which may hold spaces) closed by the last ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    std::stringstream ss(stat.substr(close + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && ss >> field; ++i) {
        if (i >= 14) ticks += std::atof(field.c_str());
    }
    return ticks * 1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double Ms(std::int64_t from_ns, std::int64_t to_ns) {
    return static_cast<double>(to_ns - from_ns) / 1e6;
}

// Polls `consumer` until `match` accepts a record or `timeout`; the ms since `t0` (system
// clock ns), or a negative number on timeout.
double AwaitRecord(bfu::kafka::Consumer& consumer,
                   const std::function<bool(const bfu::kafka::Message&)>& match, std::int64_t t0,
                   std::chrono::milliseconds timeout) {
    const auto deadline = bench::SteadyClock::now() + timeout;
    while (bench::SteadyClock::now() < deadline) {
        auto batch = consumer.Poll(1000, 100ms);
        if (!batch.ok()) continue;
        for (const auto& msg : *batch) {
            if (match(msg)) return Ms(t0, NowNs());
        }
    }
    return -1;
}

struct Figures {
    std::vector<double> broker_ms;
    std::vector<double> hop_ms;
    std::vector<double> pub_ms;
    std::vector<double> mail_ms;
    std::vector<double> mail_last_ms;
    std::vector<Sample> samples;  // the measured ones
    int missing_pub = 0;
    int missing_mail = 0;
};

void PrintRow(const char* label, const std::vector<double>& v) {
    std::printf("  %-52s p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  (n=%zu)\n", label,
                bench::Percentile(v, 50), bench::Percentile(v, 99), bench::Percentile(v, 100),
                v.size());
}

// The slowest vouchers to their e-mail, each step of their way (ms from the row before).
void PrintSlowest(std::vector<Sample> samples, std::size_t n) {
    std::erase_if(samples, [](const Sample& s) { return s.mail == 0; });
    std::sort(samples.begin(), samples.end(),
              [](const Sample& a, const Sample& b) { return a.mail - a.t0 > b.mail - b.t0; });
    if (samples.size() > n) samples.resize(n);
    std::printf(
        "[slowest] the %zu slowest e-mails, ms per step: ingest produce, ingest commit, "
        "stage 1 produce, stage 1 commit, stage 2 produce, stage 2 visible, PUB, notifier "
        "produce, notifier commit, EHLO, SMTP dialogue\n",
        samples.size());
    for (const auto& s : samples) {
        const std::int64_t points[] = {s.t0,
                                       s.line_created,
                                       s.line_seen,
                                       s.cell_created,
                                       s.cell_seen,
                                       s.deviation_created,
                                       s.deviation_seen,
                                       s.pub,
                                       s.alert_created,
                                       s.alert_seen,
                                       s.mail_ehlo,
                                       s.mail};
        // The voucher's wall-clock time, to find it in the broker's and services' logs.
        const auto secs = static_cast<std::time_t>(s.t0 / 1'000'000'000);
        std::tm tm{};
        gmtime_r(&secs, &tm);
        char when[32];
        std::strftime(when, sizeof when, "%H:%M:%S", &tm);
        std::printf("  %s %s.%03d %7.1f ms:", s.unit.c_str(), when,
                    static_cast<int>((s.t0 / 1'000'000) % 1000), Ms(s.t0, s.mail));
        std::int64_t previous = s.t0;
        for (std::size_t i = 1; i < std::size(points); ++i) {
            if (points[i] == 0) {
                std::printf("      -");
                continue;
            }
            std::printf(" %6.1f", Ms(previous, points[i]));
            previous = points[i];
        }
        std::printf("\n");
    }
}

// The breakdown: when each stage's record for the voucher was produced and seen, median and
// p99 over the vouchers for which it was seen, and the median step from the row before.
void PrintBreakdown(const std::vector<Sample>& samples) {
    struct Row {
        const char* label;
        std::int64_t Sample::*field;
    };
    const Row rows[] = {
        {"ingest: ledger lines produced (CreateTime)", &Sample::line_created},
        {"ingest: lines seen read_committed (tx committed)", &Sample::line_seen},
        {"analysis stage 1: changelog cell produced", &Sample::cell_created},
        {"analysis stage 1: cell seen read_committed", &Sample::cell_seen},
        {"analysis stage 2: deviation event produced", &Sample::deviation_created},
        {"analysis stage 2: deviation seen read_committed", &Sample::deviation_seen},
        {"notifier: live alert received on the SUB socket", &Sample::pub},
        {"notifier: pending alert (enhetschef) produced", &Sample::alert_created},
        {"notifier: pending alert seen read_committed", &Sample::alert_seen},
        {"SMTP: EHLO of the session to the enhetschef", &Sample::mail_ehlo},
        {"SMTP: e-mail to the enhetschef accepted", &Sample::mail},
        {"notifier: `sent` record produced", &Sample::sent_created},
        {"notifier: `sent` record seen read_committed", &Sample::sent_seen},
        {"SMTP: last e-mail of the three accepted", &Sample::mail_last},
    };
    std::printf(
        "[breakdown] ms after the voucher was produced (system clock; CreateTime in whole "
        "ms): median, p99, and the median step from the row above\n");
    double previous = 0;
    for (const auto& r : rows) {
        std::vector<double> v;
        for (const auto& s : samples) {
            if (s.*(r.field) != 0) v.push_back(Ms(s.t0, s.*(r.field)));
        }
        if (v.empty()) {
            std::printf("  %-52s not seen\n", r.label);
            continue;
        }
        const double p50 = bench::Percentile(v, 50);
        std::printf("  %-52s %7.1f  %7.1f  %+7.1f  (n=%zu)\n", r.label, p50,
                    bench::Percentile(v, 99), p50 - previous, v.size());
        previous = p50;
    }
    // The dispatcher sends a deviation's e-mails one after the other, recording each `sent`
    // before the next: from one acceptance to the next session's EHLO (the record written and
    // flushed, the next message built, a new connection and the banner), and from that EHLO
    // to the acceptance (MAIL, RCPT, DATA and the server storing it).
    std::vector<double> between;
    std::vector<double> dialogue;
    for (const auto& s : samples) {
        for (std::size_t k = 1; k < s.chain.size(); ++k) {
            if (s.chain[k].second == 0) continue;
            between.push_back(Ms(s.chain[k - 1].first, s.chain[k].second));
            dialogue.push_back(Ms(s.chain[k].second, s.chain[k].first));
        }
    }
    if (!between.empty()) {
        std::printf(
            "  each further e-mail of the three: acceptance -> next EHLO p50 %.1f ms "
            "(p99 %.1f), EHLO -> acceptance p50 %.1f ms (p99 %.1f)  (n=%zu)\n",
            bench::Percentile(between, 50), bench::Percentile(between, 99),
            bench::Percentile(dialogue, 50), bench::Percentile(dialogue, 99), between.size());
    }
}

Figures Round(const bench::Stack& stack, const Municipality& m, const Options& o,
              bfu::kafka::Producer& producer) {
    const std::string prefix = bench::UniquePrefix();
    const auto dir = fs::temp_directory_path() / ("bfu-bench-" + prefix);
    fs::create_directories(dir);
    bench::RunTopics run(
        stack, prefix,
        {{"bench.ping", 1, 1, {}}, {"bench.hop.in", 1, 1, {}}, {"bench.hop.out", 1, 1, {}}});
    std::printf("\nprefix %s, load average %s, service logs in %s\n", prefix.c_str(),
                bench::LoadAverage().c_str(), dir.c_str());
    auto smtp = StartSmtp(dir);
    PublishMaster(producer, run, m);

    auto ingest = Start(stack, prefix, "ingest", dir, o.log_level);
    auto analysis = Start(stack, prefix, "analysis", dir, o.log_level);
    const std::string pub_endpoint = "tcp://127.0.0.1:" + std::to_string(bench::FreePort());
    auto notifier =
        Start(stack, prefix, "notifier", dir, o.log_level,
              {{"BFU_ZMQ_PUB_ENDPOINT", pub_endpoint},
               {"BFU_NOTIFIER_SMTP_URL", "smtp://127.0.0.1:" + std::to_string(smtp.port)},
               {"BFU_NOTIFIER_FROM", std::string("Budgetuppföljning <bfu@") + kMailDomain + ">"},
               {"BFU_NOTIFIER_LINK_KEY", kLinkKey},
               {"BFU_NOTIFIER_ANALYSIS_ENDPOINT", analysis.zmq_endpoint},
               {"BFU_NOTIFIER_REMINDERS_ENABLED", "false"},
               {"BFU_NOTIFIER_DIGEST_ENABLED", "false"}});
    WaitReady(ingest, "ingest", static_cast<double>(m.org.size() + m.accounts.size()));
    WaitReady(analysis, "analysis",
              static_cast<double>(m.org.size() + m.accounts.size() + m.budgets.size()));
    WaitReady(notifier, "notifier", static_cast<double>(m.org.size() + m.accounts.size()));

    Observations obs;
    Watched watched;
    if (o.breakdown) {
        // analysis's changelog (stage 1 -> stage 2), which it creates for itself at start.
        watched = {run.Name(topics::kLedgerLines), run.Name("bfu.analysis.outcome"),
                   run.Name(topics::kDeviations), run.Name(topics::kAlerts)};
    }
    Watchers watchers(stack, pub_endpoint, smtp.stamps, watched, obs);
    auto pings = Subscribed(stack, {run.Name("bench.ping")});
    bench::PassThrough hop(stack, prefix, run.Name("bench.hop.in"), run.Name("bench.hop.out"),
                           bfu::kafka::LoopOptions{}.max_batch, {}, o.hop_producer, o.hop_consumer);
    auto hops = Subscribed(stack, {run.Name("bench.hop.out")});
    if (!bench::WaitFor([&] { return watchers.Ready(); }, 60s, 20ms)) {
        throw std::runtime_error("the bench's topic watcher got no partitions in 60 s");
    }

    Figures f;
    const std::string voucher_topic = run.Name(topics::kErpVouchers);
    struct Cpu {
        const char* name;
        pid_t pid;
        double start = 0;
    };
    std::vector<Cpu> cpu{{"bfu-ingest", ingest.child->pid()},
                         {"bfu-analysis", analysis.child->pid()},
                         {"bfu-notifier", notifier.child->pid()},
                         {"aiosmtpd", smtp.child->pid()},
                         {"the bench", ::getpid()}};
    const auto alive = [&] {
        return ingest.child->Running() && analysis.child->Running() && notifier.child->Running() &&
               smtp.child->Running();
    };
    for (int i = 0; i < o.vouchers + kWarmup; ++i) {
        if (!alive()) {
            throw std::runtime_error("a service or the SMTP server exited; logs in " +
                                     dir.string());
        }
        // Broker round trip of a plain record: the same producer, the same kind of consumer.
        const std::string ping = "ping-" + std::to_string(i);
        std::int64_t t0 = NowNs();
        Must(producer.Produce(run.Name("bench.ping"), ping, ping), "produce ping");
        const double broker = AwaitRecord(
            *pings, [&](const bfu::kafka::Message& msg) { return msg.value == ping; }, t0, 30s);
        // One exactly-once hop of a plain record.
        const std::string record = "hop-" + std::to_string(i);
        t0 = NowNs();
        Must(producer.Produce(run.Name("bench.hop.in"), record, record), "produce hop record");
        const double one_hop = AwaitRecord(
            *hops, [&](const bfu::kafka::Message& msg) { return msg.value == record; }, t0, 30s);

        // A voucher opening a deviation on a fresh enhet. The warm-ups (the first three) wait
        // out the consumers' first fetches; they are not counted.
        const std::string unit = Municipality::Enhet(m.EnhetOf(i));
        char id[32];
        std::snprintf(id, sizeof id, "NB-%04d", i);
        const auto [key, value] = AlertVoucher(unit, id);
        t0 = NowNs();
        obs.Expect(unit, id, t0);
        Must(producer.Produce(voucher_topic, key, value), "produce voucher");
        const auto s = obs.WaitFor(
            unit,
            [&](const Sample& x) {
                const bool done = x.pub != 0 && x.mail != 0 && x.mail_last != 0;
                return done && (!o.breakdown || x.sent_seen != 0);
            },
            30s);
        producer.Poll(0ms);
        if (i >= kWarmup) {
            if (broker >= 0) f.broker_ms.push_back(broker);
            if (one_hop >= 0) f.hop_ms.push_back(one_hop);
            if (s.pub != 0) {
                f.pub_ms.push_back(Ms(s.t0, s.pub));
            } else {
                ++f.missing_pub;
            }
            if (s.mail != 0) {
                f.mail_ms.push_back(Ms(s.t0, s.mail));
            } else {
                ++f.missing_mail;
            }
            if (s.mail_last != 0) f.mail_last_ms.push_back(Ms(s.t0, s.mail_last));
            f.samples.push_back(s);
        } else if (s.pub == 0 || s.mail == 0) {
            throw std::runtime_error(
                "warm-up voucher " + std::string(id) + " raised no alert in 30 s (PUB " +
                (s.pub != 0 ? "seen" : "not seen") + ", e-mail " +
                (s.mail != 0 ? "seen" : "not seen") + "); logs in " + dir.string());
        }
        if (i + 1 == kWarmup) {
            for (auto& c : cpu) c.start = CpuMs(c.pid);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(o.gap_ms));
    }
    std::string cpu_line;
    for (const auto& c : cpu) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "%s%s %.2f", cpu_line.empty() ? "" : ", ", c.name,
                      (CpuMs(c.pid) - c.start) / o.vouchers);
        cpu_line += buf;
    }
    (void)pings->Close();
    (void)hops->Close();

    std::printf(
        "[latency] %d vouchers one at a time, each opening a deviation beyond the "
        "enhet's mandate (3 e-mails, 1 live alert)\n",
        o.vouchers);
    PrintRow("baseline: broker round trip (produce->consume)", f.broker_ms);
    PrintRow("baseline: one exactly-once hop (pass-through loop)", f.hop_ms);
    PrintRow("measured: voucher -> live alert on PUB socket", f.pub_ms);
    PrintRow("measured: voucher -> e-mail to enhetschef accepted", f.mail_ms);
    PrintRow("measured: voucher -> all three e-mails accepted", f.mail_last_ms);
    std::printf("  alerts seen: PUB %zu of %d, e-mail %zu of %d%s; e-mails accepted in all: %zu\n",
                f.pub_ms.size(), o.vouchers, f.mail_ms.size(), o.vouchers,
                f.missing_pub + f.missing_mail > 0 ? " (the rest timed out after 30 s)" : "",
                obs.MailCount());
    std::printf("  CPU ms per voucher (user+system, with its ping and hop): %s\n",
                cpu_line.c_str());
    if (o.breakdown) {
        PrintBreakdown(f.samples);
        PrintSlowest(f.samples, 5);
    }

    (void)notifier.child->Terminate(20s);
    (void)analysis.child->Terminate(20s);
    (void)ingest.child->Terminate(20s);
    (void)smtp.child->Terminate(5s);
    if (f.missing_pub + f.missing_mail == 0 && !o.keep) fs::remove_all(dir);
    return f;
}

void PrintSummary(const char* what, const Figures& f) {
    const double rt99 = bench::Percentile(f.broker_ms, 99);
    const double pub99 = bench::Percentile(f.pub_ms, 99);
    std::printf(
        "%s: voucher→PUB p50 %.1f ms p99 %.1f ms; voucher→e-mail p50 %.1f ms p99 %.1f ms; "
        "broker round trip p50 %.1f ms p99 %.1f ms (PUB p99 = %.1f× round-trip p99)\n",
        what, bench::Percentile(f.pub_ms, 50), pub99, bench::Percentile(f.mail_ms, 50),
        bench::Percentile(f.mail_ms, 99), bench::Percentile(f.broker_ms, 50), rt99,
        rt99 > 0 ? pub99 / rt99 : 0.0);
}

int Run(const Options& o) {
    const auto stack = bench::FindStack();
    if (!o.cleanup.empty()) {
        bench::DeleteRun(stack, o.cleanup);
        std::printf("deleted the topics and Redis keys under %s\n", o.cleanup.c_str());
        return 0;
    }
    std::printf("notifier_bench  %s  on %s\n", bench::UtcNow().c_str(), bench::Hostname().c_str());
    std::printf("broker %s, redis %s, load average %s; bench producer linger.ms=%d\n",
                stack.brokers.c_str(), stack.redis_url.c_str(), bench::LoadAverage().c_str(),
                o.linger_ms);
    const Municipality m(o.vouchers + kWarmup);
    std::printf(
        "organisation: %zu units (%d enheter under %d verksamheter); aim: PUB p99 <= 20 "
        "ms, e-mail p99 <= 100 ms\n",
        m.org.size(), kVerksamheter * m.enheter_per_v, kVerksamheter);
    auto producer = MakeProducer(stack, o.linger_ms);
    std::vector<Figures> rounds;
    for (int r = 0; r < o.repeat; ++r) {
        rounds.push_back(Round(stack, m, o, *producer));
        PrintSummary("notifier (this round)", rounds.back());
    }
    if (rounds.size() > 1) {
        auto stat = [&](const std::function<double(const Figures&)>& get) {
            std::vector<double> v;
            for (const auto& f : rounds) v.push_back(get(f));
            char buf[96];
            std::snprintf(buf, sizeof buf, "%.1f [%.1f, %.1f]", bench::Percentile(v, 50),
                          *std::min_element(v.begin(), v.end()),
                          *std::max_element(v.begin(), v.end()));
            return std::string(buf);
        };
        auto p = [](const std::vector<double> Figures::*field, double q) {
            return [field, q](const Figures& f) { return bench::Percentile(f.*field, q); };
        };
        std::printf("\n[%zu rounds] median [min, max] of the rounds' figures, ms\n", rounds.size());
        std::printf("  broker round trip      p50 %s  p99 %s\n",
                    stat(p(&Figures::broker_ms, 50)).c_str(),
                    stat(p(&Figures::broker_ms, 99)).c_str());
        std::printf("  one exactly-once hop   p50 %s  p99 %s\n",
                    stat(p(&Figures::hop_ms, 50)).c_str(), stat(p(&Figures::hop_ms, 99)).c_str());
        std::printf("  voucher -> PUB         p50 %s  p99 %s\n",
                    stat(p(&Figures::pub_ms, 50)).c_str(), stat(p(&Figures::pub_ms, 99)).c_str());
        std::printf("  voucher -> e-mail      p50 %s  p99 %s\n",
                    stat(p(&Figures::mail_ms, 50)).c_str(), stat(p(&Figures::mail_ms, 99)).c_str());
        std::printf("  voucher -> 3 e-mails   p50 %s  p99 %s\n",
                    stat(p(&Figures::mail_last_ms, 50)).c_str(),
                    stat(p(&Figures::mail_last_ms, 99)).c_str());
        // The last line: every sample of every round together.
        Figures all;
        for (const auto& f : rounds) {
            for (auto field : {&Figures::broker_ms, &Figures::pub_ms, &Figures::mail_ms}) {
                (all.*field).insert((all.*field).end(), (f.*field).begin(), (f.*field).end());
            }
        }
        PrintSummary(("notifier (" + std::to_string(rounds.size()) + " rounds pooled)").c_str(),
                     all);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // Line-buffered, so a long run shows its phases as they finish even into a file.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    try {
        return Run(Parse(argc, argv));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "notifier_bench: %s\n", e.what());
        return 1;
    }
}
