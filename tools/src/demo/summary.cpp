// `bfu demo summary`: the one page that sums up a demo run (.bfu/demo/index.html), computed from
// the running system, not from the generator:
//   - ingest's control totals from its topics: vouchers in = accepted + rejected + duplicates,
//     per way and source, to the öre (bfu::ingest::ControlTotals over bfu.ingest.decisions,
//     bfu.ledger.lines and bfu.ledger.rejected);
//   - the ledger = Redis = the reports: the year's operating outcome of KF, every nämnd and
//     sektor summed from bfu.ledger.lines (rolled up through the organisation as it was in each
//     month, from bfu.master.org and its history), against each unit's status in Redis
//     (outcome_year_ore) and the annual report's JSON (units[].outcomeOre), to the öre;
//   - the year in figures (what the run did, the deviations, the alerts delivered), the
//     organisation's status in Redis, the stories and where to read about them, the reports
//     (the reporting folder's manifest), the mailbox.
// It also writes status.html (every unit's status from Redis) and mail/index.html (the mailbox:
// every message with date, recipient and subject, the latest ones as readable HTML pages).
// The pages are Swedish, self-contained (no script, no external style), tables with headers.
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "../cli_support.hpp"
#include "../reconcile.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/ingest/totals.hpp"
#include "bfu/reporting/kinds.hpp"
#include "bfu/service/status_keys.hpp"
#include "bfu/text/html.hpp"
#include "bfu/text/swedish.hpp"
#include "demo.hpp"

namespace bfu::cli::demo {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string Href(const fs::path& from_dir, const fs::path& target) {
    std::error_code ec;
    auto rel = fs::relative(target, from_dir, ec);
    std::string s = ec ? target.string() : rel.generic_string();
    std::string out;
    for (const char c : s) {
        if (c == ' ') {
            out += "%20";
        } else if (c == '"') {
            out += "%22";
        } else {
            out += c;
        }
    }
    return out;
}

std::string Int(std::int64_t n) {
    std::string s = std::to_string(n < 0 ? -n : n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) {
        s.insert(static_cast<std::size_t>(i), "\u00a0");
    }
    return n < 0 ? "\u2212" + s : s;
}

constexpr const char* kStyle = R"(<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f23;background:#f6f7f9;line-height:1.45}
header{background:#0b3d5c;color:#fff;padding:1.2rem 2rem}
header h1{margin:0 0 .3rem;font-size:1.6rem}
header p{margin:0;color:#e3edf4}
main{padding:1rem 2rem 3rem;max-width:78rem}
section{background:#fff;border:1px solid #d4d9de;border-radius:6px;padding:1rem 1.4rem;margin:1rem 0}
h2{font-size:1.25rem;margin:.2rem 0 .8rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border-bottom:1px solid #d4d9de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f4}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.ok{color:#0a6b2d;font-weight:600}
.fel{color:#a4000f;font-weight:600}
.gron{color:#0a6b2d}.gul{color:#7a5a00}.rod{color:#a4000f}
a{color:#0b4f8a}
a:focus{outline:3px solid #f5a623;outline-offset:2px}
ul.lankar{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;padding:0;list-style:none}
ul.lankar a{font-weight:600}
.liten{font-size:.88rem;color:#4a5460}
</style>)";

std::string Page(const std::string& title, const std::string& heading, const std::string& lead,
                 const std::string& body) {
    return "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
           text::HtmlEscape(title) + "</title>\n" + kStyle + "\n</head>\n<body>\n<header>\n<h1>" +
           text::HtmlEscape(heading) + "</h1>\n<p>" + lead + "</p>\n</header>\n<main>\n" + body +
           "</main>\n</body>\n</html>\n";
}

std::string Light(const std::string& light) {
    if (light == "green") return "<span class=\"gron\">grön</span>";
    if (light == "yellow") return "<span class=\"gul\">gul</span>";
    if (light == "red") return "<span class=\"rod\">röd</span>";
    return text::HtmlEscape(light);
}

// The months a report covers, from its period (YYYYMM): 4 for 202604.
int ReportMonths(const std::string& period) {
    auto p = domain::Period::Parse(period);
    return p.ok() ? p->month() : 0;
}

// A report kind's Swedish title ("Tertialrapport"), its id when it is unknown.
std::string KindText(const std::string& id) {
    auto k = reporting::ParseKind(id);
    return k.ok() ? std::string(reporting::KindTitle(*k)) : id;
}

std::int64_t ToInt(const std::string& s) {
    try {
        return s.empty() ? 0 : std::stoll(s);
    } catch (const std::exception&) {
        return 0;
    }
}

// ---- The mailbox ----

std::string DecodeBase64(std::string_view in) {
    static const std::string kChars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned int buf = 0;
    int bits = 0;
    for (const char c : in) {
        const auto pos = kChars.find(c);
        if (pos == std::string::npos) continue;
        buf = (buf << 6) | static_cast<unsigned int>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buf >> bits) & 0xFFU);
        }
    }
    return out;
}

// RFC 2047 encoded words (=?UTF-8?B?...?= and =?UTF-8?Q?...?=) in a header value.
std::string DecodeHeader(const std::string& value) {
    std::string out;
    std::size_t i = 0;
    bool last_was_word = false;
    while (i < value.size()) {
        const auto start = value.find("=?", i);
        if (start == std::string::npos) {
            out += value.substr(i);
            break;
        }
        const auto q1 = value.find('?', start + 2);
        const auto q2 = q1 == std::string::npos ? q1 : value.find('?', q1 + 1);
        const auto end = q2 == std::string::npos ? q2 : value.find("?=", q2 + 1);
        if (end == std::string::npos) {
            out += value.substr(i);
            break;
        }
        const std::string between = value.substr(i, start - i);
        // Whitespace between two encoded words is not part of the text.
        if (!(last_was_word && between.find_first_not_of(" \t\r\n") == std::string::npos)) {
            out += between;
        }
        const char enc = static_cast<char>(std::toupper(static_cast<unsigned char>(value[q1 + 1])));
        const std::string text = value.substr(q2 + 1, end - q2 - 1);
        if (enc == 'B') {
            out += DecodeBase64(text);
        } else {
            for (std::size_t k = 0; k < text.size(); ++k) {
                if (text[k] == '_') {
                    out += ' ';
                } else if (text[k] == '=' && k + 2 < text.size()) {
                    out += static_cast<char>(std::stoi(text.substr(k + 1, 2), nullptr, 16));
                    k += 2;
                } else {
                    out += text[k];
                }
            }
        }
        last_was_word = true;
        i = end + 2;
    }
    return out;
}

struct Mail {
    fs::path file;
    std::string date, to, subject;
    std::string html;  // the text/html part, decoded
};

Mail ReadMail(const fs::path& file, bool with_body) {
    Mail m;
    m.file = file;
    std::ifstream in(file, std::ios::binary);
    std::string line;
    std::string current;
    std::map<std::string, std::string> headers;
    auto flush = [&] {
        const auto colon = current.find(':');
        if (colon != std::string::npos) {
            std::string name = current.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            std::string v = current.substr(colon + 1);
            v.erase(0, v.find_first_not_of(' '));
            if (!headers.count(name)) headers[name] = v;
        }
        current.clear();
    };
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) break;
        if ((line[0] == ' ' || line[0] == '\t') && !current.empty()) {
            current += line;
        } else {
            if (!current.empty()) flush();
            current = line;
        }
    }
    if (!current.empty()) flush();
    m.date = headers["date"];
    m.to = DecodeHeader(headers["to"]);
    m.subject = DecodeHeader(headers["subject"]);
    if (!with_body) return m;
    // The HTML alternative: the part after a "Content-Type: text/html" header, base64.
    std::stringstream rest;
    rest << in.rdbuf();
    const std::string body = rest.str();
    auto pos = body.find("Content-Type: text/html");
    if (pos == std::string::npos) return m;
    const auto start = body.find("\n\n", pos) != std::string::npos ? body.find("\n\n", pos) + 2
                                                                   : body.find("\r\n\r\n", pos) + 4;
    auto end = body.find("\n--", start);
    if (end == std::string::npos) end = body.size();
    const std::string part = body.substr(start, end - start);
    const auto headers_end = body.substr(pos, start - pos);
    m.html = headers_end.find("base64") != std::string::npos ? DecodeBase64(part) : part;
    return m;
}

// ---- The page ----

struct Rollup {
    std::string id, name, level;
    std::int64_t ledger = 0;
    std::optional<std::int64_t> redis;
    std::optional<std::int64_t> report;  // the latest report's months summed
    std::int64_t ledger_at_report = 0;   // the ledger over the same months, dated by its asOf
    bool agrees = false;                 // bfu reconcile found no difference for the unit
};

class Summary {
public:
    Summary(const SummaryOptions& o, std::ostream& out, std::ostream& err)
        : o_(o), out_(out), err_(err), dir_(o.out_file.parent_path()) {}

    int Write() {
        std::error_code ec;
        fs::create_directories(dir_, ec);
        ReadRun();
        if (!ReadTopics()) return 1;
        ReadRedis();
        ReadReports();
        const std::size_t mails = WriteMailbox();
        WriteStatusPage();
        const bool totals_ok = totals_ && totals_->Differences().empty();
        // Every unit at every level and month, as `bfu reconcile` checks it.
        const bool rollup_ok = !rollups_.empty() && reconcile_ok_;
        std::string body;
        body += Links(mails);
        body += TotalsSection();
        body += RollupSection();
        body += FiguresSection(mails);
        body += StatusSection();
        body += StoriesSection();
        body += ReportsSection();
        const std::string lead =
            "Sammanfattning av ett helt uppföljningsår som körts genom tjänsterna på den "
            "simulerade affärsklockan. Allt på sidan är läst från det körande systemet "
            "(Kafka, Redis, rapporterna och brevlådan), inte från generatorn. Skriven " +
            text::HtmlEscape(text::DateTime(core::WallClock().Now())) + ".";
        std::ofstream(o_.out_file, std::ios::binary) << Page(
            "Exempelkommun " + std::to_string(o_.year) + " – sammanfattning",
            "Exempelkommun " + std::to_string(o_.year) + ": budgetuppföljningens år", lead, body);
        if (o_.json) {
            json j{{"controlTotals", totals_ ? totals_->ToJson() : json()},
                   {"controlTotalsReconcile", totals_ok},
                   {"ledgerRedisReports", json::array()},
                   {"ledgerRedisReportsReconcile", rollup_ok},
                   {"mail", mails},
                   {"reports", reports_.size()},
                   {"page", o_.out_file.string()}};
            for (const auto& r : rollups_) {
                json x{{"unit", r.id}, {"ledgerOre", r.ledger}};
                if (r.redis) x["redisOre"] = *r.redis;
                if (r.report) {
                    x["reportOre"] = *r.report;
                    x["ledgerAtReportOre"] = r.ledger_at_report;
                }
                j["ledgerRedisReports"].push_back(x);
            }
            out_ << j.dump(2) << "\n";
        } else {
            out_ << "sammanfattning: " << o_.out_file.string() << "\n"
                 << "  kontrollsummor (in = godkända + avvisade + dubbletter): "
                 << (totals_ok ? "stämmer på öret" : "STÄMMER INTE") << "\n"
                 << "  huvudbok = Redis = rapporter: "
                 << (rollup_ok ? "stämmer på öret" : "STÄMMER INTE") << "\n"
                 << "  e-post i brevlådan: " << mails << ", rapporter: " << reports_.size() << "\n";
        }
        return totals_ok && rollup_ok ? 0 : 1;
    }

private:
    void ReadRun() {
        std::ifstream in(o_.run_file);
        if (!in) return;
        run_ = json::parse(in, nullptr, false);
        if (run_.is_discarded()) run_ = json();
    }

    bool ReadTopics() {
        Env env;
        reconcile::Options ro;
        ro.year = o_.year;
        ro.reports_dir = o_.reports_dir;
        auto rec = reconcile::Run(ro, env);
        if (!rec.ok()) {
            err_ << "bfu demo summary: " << rec.error().ToString() << "\n";
            return false;
        }
        org_ = rec->org;
        totals_ = rec->totals;
        lines_ = rec->lines;
        if (rec->report) report_ = rec->report;
        reconcile_ok_ = rec->Ok();
        reconcile_differences_ = rec->differences.size();
        // KF, the nämnder and the sektorer: the ledger's year, Redis's, the latest report's.
        std::set<std::string> differing;
        for (const auto& d : rec->differences) differing.insert(d.unit);
        auto add = [&](const contracts::OrgUnit& u) {
            Rollup r;
            r.id = u.id.value();
            r.name = u.name;
            r.level = std::string(text::LevelName(u.level));
            const auto& f = rec->units[r.id];
            r.ledger = f.LedgerYear();
            r.redis = f.redis;
            if (f.report) {
                std::int64_t sum = 0;
                for (auto v : *f.report) sum += v;
                r.report = sum;
                const int months = ReportMonths(rec->report->period);
                for (int m = 0; m < months; ++m) {
                    r.ledger_at_report += f.ledger_at_report[static_cast<std::size_t>(m)];
                }
            }
            r.agrees = differing.count(r.id) == 0;
            rollups_.push_back(std::move(r));
        };
        for (const auto level : {contracts::OrgLevel::kKf, contracts::OrgLevel::kNamnd,
                                 contracts::OrgLevel::kSektor}) {
            for (const auto& [id, u] : org_.units()) {
                if (u.level == level) add(u);
            }
        }
        return true;
    }

    void ReadRedis() {
        Env env;
        prefix_ = env.Get("BFU_REDIS_PREFIX", "bfu:");
        try {
            redis_ = RedisFromEnv(env);
        } catch (const std::exception& e) {
            err_ << "bfu demo summary: Redis: " << e.what() << "\n";
        }
    }

    std::map<std::string, std::string> Status(const std::string& id) {
        if (!redis_) return {};
        auto h = redis_->HGetAll(service::status_keys::Unit(prefix_, id));
        return h.ok() ? std::move(h).value() : std::map<std::string, std::string>{};
    }

    void ReadReports() {
        const fs::path manifest = o_.reports_dir / std::to_string(o_.year) / "rapporter.json";
        std::ifstream in(manifest);
        if (in) {
            json j = json::parse(in, nullptr, false);
            if (j.is_object() && j.contains("reports")) j = j["reports"];
            if (j.is_array()) {
                for (const auto& r : j) reports_.push_back(r);
            }
        }
    }

    std::size_t WriteMailbox() {
        std::vector<fs::path> files;
        std::error_code ec;
        for (const char* sub : {"new", "cur"}) {
            for (const auto& e : fs::directory_iterator(o_.mail_dir / sub, ec)) {
                if (e.is_regular_file(ec)) files.push_back(e.path());
            }
        }
        std::vector<Mail> mails;
        mails.reserve(files.size());
        for (const auto& f : files) mails.push_back(ReadMail(f, false));
        // Newest first by the Date header's order of arrival: the Maildir names start with the
        // delivery time.
        std::sort(mails.begin(), mails.end(), [](const Mail& a, const Mail& b) {
            return a.file.filename() > b.file.filename();
        });
        const fs::path box = dir_ / "mail";
        const fs::path html_dir = box / "html";
        fs::create_directories(html_dir, ec);
        std::string rows;
        const std::size_t rendered = std::min<std::size_t>(mails.size(), 400);
        for (std::size_t i = 0; i < mails.size(); ++i) {
            auto& m = mails[i];
            std::string link = Href(box, m.file);
            if (i < rendered) {
                Mail full = ReadMail(m.file, true);
                if (!full.html.empty()) {
                    const fs::path page = html_dir / (m.file.filename().string() + ".html");
                    std::ofstream(page, std::ios::binary) << full.html;
                    link = Href(box, page);
                }
            }
            rows += "<tr><td>" + text::HtmlEscape(m.date) + "</td><td>" + text::HtmlEscape(m.to) +
                    "</td><td><a href=\"" + link + "\">" +
                    text::HtmlEscape(m.subject.empty() ? "(utan ämne)" : m.subject) +
                    "</a></td></tr>\n";
        }
        const std::string body =
            "<section><h2>Brevlådan</h2><p>" + Int(static_cast<std::int64_t>(mails.size())) +
            " meddelanden som notifieraren skickat med SMTP till en riktig e-postserver, som lagt "
            "dem i en Maildir (<code>" +
            text::HtmlEscape(o_.mail_dir.string()) +
            "</code>: öppna den med ett e-postprogram, t.ex. <code>mutt -f " +
            text::HtmlEscape(o_.mail_dir.string()) + "</code>). De " + std::to_string(rendered) +
            " senaste visas här som webbsidor; övriga länkar till meddelandet som det kom "
            "fram.</p>\n<table><caption>Meddelanden, senaste först</caption><thead><tr><th "
            "scope=\"col\">Datum</th><th scope=\"col\">Till</th><th "
            "scope=\"col\">Ämne</th></tr></thead><tbody>\n" +
            rows + "</tbody></table></section>\n";
        std::ofstream(box / "index.html", std::ios::binary) << Page(
            "Brevlådan – Exempelkommun", "Brevlådan",
            "<a href=\"" + Href(box, o_.out_file) + "\">Tillbaka till sammanfattningen</a>", body);
        mail_index_ = box / "index.html";
        return mails.size();
    }

    void WriteStatusPage() {
        // Every unit in tree order from KF, as analysis holds it in Redis.
        std::map<std::string, std::vector<std::string>> children;
        std::string root;
        for (const auto& [id, u] : org_.units()) {
            if (u.parent) {
                children[u.parent->value()].push_back(id);
            } else {
                root = id;
            }
        }
        std::string rows;
        std::function<void(const std::string&, int)> walk = [&](const std::string& id, int depth) {
            auto h = Status(id);
            const auto& u = org_.units().at(id);
            std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
            rows += "<tr><th scope=\"row\" style=\"padding-left:" + std::to_string(depth) +
                    "rem\">" + text::HtmlEscape(u.name) + " <span class=\"liten\">" +
                    text::HtmlEscape(id) + "</span></th><td>" +
                    text::HtmlEscape(std::string(text::LevelName(u.level))) + "</td>";
            if (h.empty()) {
                rows += "<td colspan=\"6\">ingen status i Redis</td></tr>\n";
            } else {
                rows += "<td class=\"n\">" +
                        text::HtmlEscape(text::Kr(ToInt(h["outcome_to_date_ore"]))) +
                        "</td><td class=\"n\">" +
                        text::HtmlEscape(text::Kr(ToInt(h["budget_to_date_ore"]))) +
                        "</td><td class=\"n\">" +
                        text::HtmlEscape(text::SignedKr(ToInt(h["deviation_ore"]))) +
                        "</td><td class=\"n\">" +
                        text::HtmlEscape(text::PercentBp(ToInt(h["share_bp"]))) + "</td><td>" +
                        Light(h["light"]) + "</td><td>" +
                        text::HtmlEscape(text::PeriodText(h["through_period"])) + "</td></tr>\n";
            }
            auto it = children.find(id);
            if (it == children.end()) return;
            for (const auto& c : it->second) walk(c, depth + 1);
        };
        if (!root.empty()) walk(root, 0);
        const std::string body =
            "<section><h2>Varje enhets status</h2><p>Som analysis skrivit den till Redis "
            "(<code>bfu status ENHET</code> visar samma sak).</p>\n<table><caption>Status per "
            "enhet, hittills i år</caption><thead><tr><th scope=\"col\">Enhet</th><th "
            "scope=\"col\">Nivå</th><th scope=\"col\" class=\"n\">Utfall</th><th scope=\"col\" "
            "class=\"n\">Budget</th><th scope=\"col\" class=\"n\">Avvikelse</th><th scope=\"col\" "
            "class=\"n\">Andel</th><th scope=\"col\">Läge</th><th scope=\"col\">T.o.m.</th></tr>"
            "</thead><tbody>\n" +
            rows + "</tbody></table></section>\n";
        status_page_ = dir_ / "status.html";
        std::ofstream(status_page_, std::ios::binary) << Page(
            "Status i Redis – Exempelkommun", "Status i Redis",
            "<a href=\"" + Href(dir_, o_.out_file) + "\">Tillbaka till sammanfattningen</a>", body);
    }

    std::string Links(std::size_t mails) const {
        std::string s = "<nav aria-label=\"Genvägar\"><ul class=\"lankar\">";
        for (const auto& r : reports_) {
            if (r.value("kind", "") != "arsredovisning" || r.value("scope", "") != "KF") continue;
            for (const auto& f : r.value("files", json::array())) {
                if (f.value("format", "") == "html") {
                    s += "<li><a href=\"" + Href(dir_, f.value("path", "")) +
                         "\">Årsredovisningen för kommunen</a></li>";
                    break;
                }
            }
            break;
        }
        const fs::path index = o_.reports_dir / std::to_string(o_.year) / "index.html";
        std::error_code ec;
        if (fs::exists(index, ec)) {
            s += "<li><a href=\"" + Href(dir_, index) + "\">Alla rapporter</a></li>";
        }
        s += "<li><a href=\"" + Href(dir_, mail_index_) + "\">Brevlådan (" +
             Int(static_cast<std::int64_t>(mails)) + " e-post)</a></li>";
        s += "<li><a href=\"" + Href(dir_, status_page_) + "\">Status i Redis</a></li>";
        s += "<li><a href=\"#kontrollsummor\">Kontrollsummor</a></li>";
        s += "<li><a href=\"#berattelser\">Det som hände</a></li>";
        s += "</ul></nav>\n";
        return s;
    }

    std::string TotalsSection() const {
        std::string s =
            "<section id=\"kontrollsummor\"><h2>Kontrollsummor: inget förlorat, inget "
            "räknat två gånger</h2>\n";
        if (!totals_)
            return s + "<p class=\"fel\">Kontrollsummorna kunde inte läsas.</p></section>\n";
        s += "<p>Varje verifikation som kom in till ingest har ett beslut på "
             "<code>bfu.ingest.decisions</code>. För varje väg och källa ska <strong>in = godkända "
             "+ "
             "avvisade + dubbletter</strong>, i antal och i kronor, och det som ligger på "
             "<code>bfu.ledger.lines</code> och <code>bfu.ledger.rejected</code> ska stämma med "
             "besluten (samma uträkning som <code>bfu ingest totals</code>).</p>\n";
        s +=
            "<table><caption>Verifikationer per väg och källa</caption><thead><tr><th "
            "scope=\"col\">Väg</th><th scope=\"col\">Källa</th><th scope=\"col\" "
            "class=\"n\">In</th><th "
            "scope=\"col\" class=\"n\">Godkända</th><th scope=\"col\" class=\"n\">Avvisade</th><th "
            "scope=\"col\" class=\"n\">Dubbletter</th><th scope=\"col\" class=\"n\">In, kr</th><th "
            "scope=\"col\" class=\"n\">Rader på bfu.ledger.lines</th><th "
            "scope=\"col\">Stämmer</th></tr></thead><tbody>\n";
        for (const auto& [key, g] : totals_->Groups()) {
            const bool ok =
                g.in.vouchers == g.accepted.vouchers + g.rejected.vouchers + g.duplicate.vouchers &&
                g.in.ore == g.accepted.ore + g.rejected.ore + g.duplicate.ore &&
                g.on_lines.lines == g.accepted.lines && g.on_lines.ore == g.accepted.ore;
            s += "<tr><td>" + text::HtmlEscape(key.first) + "</td><td>" +
                 text::HtmlEscape(key.second) + "</td><td class=\"n\">" + Int(g.in.vouchers) +
                 "</td><td class=\"n\">" + Int(g.accepted.vouchers) + "</td><td class=\"n\">" +
                 Int(g.rejected.vouchers) + "</td><td class=\"n\">" + Int(g.duplicate.vouchers) +
                 "</td><td class=\"n\">" + text::HtmlEscape(text::Amount(g.in.ore)) +
                 "</td><td class=\"n\">" + Int(g.on_lines.lines) + "</td><td>" +
                 (ok ? "<span class=\"ok\">ja</span>" : "<span class=\"fel\">nej</span>") +
                 "</td></tr>\n";
        }
        s += "</tbody></table>\n";
        const auto diffs = totals_->Differences();
        if (diffs.empty()) {
            s += "<p class=\"ok\">Kontrollsummorna stämmer på öret.</p>";
        } else {
            s += "<p class=\"fel\">Kontrollsummorna stämmer inte:</p><ul>";
            for (std::size_t i = 0; i < diffs.size() && i < 50; ++i)
                s += "<li>" + text::HtmlEscape(diffs[i]) + "</li>";
            s += "</ul>";
        }
        return s + "</section>\n";
    }

    std::string RollupSection() const {
        const std::string report = report_ ? KindText(report_->kind) + " för " + report_->scope +
                                                 " (" + text::PeriodText(report_->period) +
                                                 ", per " + report_->as_of + ", <code>" +
                                                 text::HtmlEscape(report_->file) + "</code>)"
                                           : std::string();
        std::string s =
            "<section><h2>Huvudbok = analys = Redis = rapporter</h2>\n<p>Varje rad på "
            "<code>bfu.ledger.lines</code> summerad per enhet och månad (uppräknad genom "
            "organisationen som den såg ut varje månad), jämförd med analysens celler "
            "(<code>bfu.unit.aggregates</code>), enhetens status i Redis och den senaste "
            "rapporten" +
            (report.empty() ? std::string() : ", " + text::HtmlEscape(report)) +
            ", på öret; samma kontroll som <code>bfu reconcile</code>: " +
            (reconcile_ok_
                 ? std::string("<span class=\"ok\">0 skillnader</span>")
                 : "<span class=\"fel\">" + Int(static_cast<std::int64_t>(reconcile_differences_)) +
                       " skillnader</span>") +
            ". Tabellen visar årets driftutfall per nivå.</p>\n";
        s += "<table><caption>Årets driftutfall per nivå</caption><thead><tr><th "
             "scope=\"col\">Enhet</th><th scope=\"col\">Nivå</th><th scope=\"col\" "
             "class=\"n\">Huvudboken</th><th scope=\"col\" class=\"n\">Redis</th><th scope=\"col\" "
             "class=\"n\">Senaste rapporten</th><th "
             "scope=\"col\">Stämmer</th></tr></thead><tbody>\n";
        for (const auto& r : rollups_) {
            s += "<tr><th scope=\"row\">" + text::HtmlEscape(r.name) + " <span class=\"liten\">" +
                 text::HtmlEscape(r.id) + "</span></th><td>" + text::HtmlEscape(r.level) +
                 "</td><td class=\"n\">" + text::HtmlEscape(text::Amount(r.ledger)) +
                 "</td><td class=\"n\">" +
                 (r.redis ? text::HtmlEscape(text::Amount(*r.redis)) : "saknas") +
                 "</td><td class=\"n\">" +
                 (r.report ? text::HtmlEscape(text::Amount(*r.report)) : "–") + "</td><td>" +
                 (r.agrees ? "<span class=\"ok\">ja</span>" : "<span class=\"fel\">nej</span>") +
                 "</td></tr>\n";
        }
        s += "</tbody></table>\n";
        if (!report_) {
            s += "<p class=\"liten\">Ingen rapport finns ännu i rapportmappen; jämförelsen "
                 "görs mot huvudboken, analysens celler och Redis.</p>";
        }
        return s + "</section>\n";
    }

    std::string FiguresSection(std::size_t mails) const {
        std::vector<std::pair<std::string, std::string>> rows;
        if (totals_) {
            std::int64_t in = 0, accepted = 0, rejected = 0, duplicate = 0;
            for (const auto& [key, g] : totals_->Groups()) {
                in += g.in.vouchers;
                accepted += g.accepted.vouchers;
                rejected += g.rejected.vouchers;
                duplicate += g.duplicate.vouchers;
            }
            rows.push_back({"Verifikationer in (godkända, avvisade, dubbletter)",
                            Int(in) + " (" + Int(accepted) + ", " + Int(rejected) + ", " +
                                Int(duplicate) + ")"});
        }
        rows.push_back({"Rader på bfu.ledger.lines", Int(lines_)});
        auto from_run = [&](const char* key, const char* label) {
            if (run_.is_object() && run_.contains(key) && run_[key].is_number()) {
                rows.push_back({label, Int(run_[key].get<std::int64_t>())});
            }
        };
        from_run("deviationsOpened", "Avvikelser som öppnats");
        from_run("escalations", "Eskaleringar när ingen kvitterat i tid");
        from_run("acknowledged", "Kvitteringar av chefer");
        from_run("commands", "Kommandon som människor kört (bfu …)");
        if (run_.is_object() && run_.contains("vouchersSent")) {
            const auto& sent = run_["vouchersSent"];
            const std::int64_t kafka = sent.value("kafka", std::int64_t{0});
            const std::int64_t http = sent.value("http", std::int64_t{0});
            rows.push_back({"Verifikationer som systemen skickat (Kafka, HTTP)",
                            Int(kafka + http) + " (" + Int(kafka) + ", " + Int(http) + ")"});
        }
        if (auto n = ScrapeMetrics(o_.endpoints.notifier)) {
            // bfu_notifier_alerts_total{channel="email"} and the like, one row per channel.
            std::map<std::string, std::int64_t> by_channel;
            for (const auto& [key, v] : *n) {
                if (key.rfind("bfu_notifier_alerts_total{", 0) != 0) continue;
                const auto at = key.find("channel=\"");
                std::string channel = "övrigt";
                if (at != std::string::npos) {
                    const auto from = at + 9;
                    channel = key.substr(from, key.find('"', from) - from);
                }
                by_channel[channel] += static_cast<std::int64_t>(v);
            }
            for (const auto& [channel, v] : by_channel) {
                const std::string name = channel == "email"     ? "e-post"
                                         : channel == "webhook" ? "webhook"
                                         : channel == "zmq"     ? "ZeroMQ (bfu watch)"
                                                                : channel;
                rows.push_back({"Varningar skickade via " + name, Int(v)});
            }
        }
        rows.push_back({"E-post i brevlådan", Int(static_cast<std::int64_t>(mails))});
        rows.push_back({"Rapporter", Int(static_cast<std::int64_t>(reports_.size()))});
        if (run_.is_object() && run_.contains("seconds")) {
            rows.push_back({"Körtid för året", Int(run_["seconds"].get<std::int64_t>()) + " s"});
        }
        std::string s =
            "<section><h2>Året i siffror</h2><table><caption>Vad som hände i systemet"
            "</caption><thead><tr><th scope=\"col\">Vad</th><th scope=\"col\" "
            "class=\"n\">Antal</th></tr></thead><tbody>\n";
        for (const auto& [k, v] : rows) {
            s += "<tr><th scope=\"row\">" + text::HtmlEscape(k) + "</th><td class=\"n\">" + v +
                 "</td></tr>\n";
        }
        return s + "</tbody></table></section>\n";
    }

    std::string StatusSection() {
        std::string s =
            "<section><h2>Organisationen just nu</h2><table><caption>Kommunen, nämnderna och "
            "sektorerna i Redis</caption><thead><tr><th scope=\"col\">Enhet</th><th scope=\"col\" "
            "class=\"n\">Utfall i år</th><th scope=\"col\" class=\"n\">Årsbudget</th><th "
            "scope=\"col\" "
            "class=\"n\">Avvikelse hittills</th><th scope=\"col\">Läge</th><th scope=\"col\" "
            "class=\"n\">Öppna avvikelser</th></tr></thead><tbody>\n";
        for (const auto& r : rollups_) {
            auto h = Status(r.id);
            if (h.empty()) continue;
            const auto& open = h["open_deviations"];
            const auto n_open = open.empty() ? 0 : std::count(open.begin(), open.end(), ',') + 1;
            s += "<tr><th scope=\"row\">" + text::HtmlEscape(r.name) + "</th><td class=\"n\">" +
                 text::HtmlEscape(
                     text::Kr(ToInt(h["outcome_year_ore"].empty() ? h["outcome_to_date_ore"]
                                                                  : h["outcome_year_ore"]))) +
                 "</td><td class=\"n\">" +
                 text::HtmlEscape(text::Kr(ToInt(h["annual_budget_ore"]))) +
                 "</td><td class=\"n\">" +
                 text::HtmlEscape(text::SignedKr(ToInt(h["deviation_ore"]))) + " (" +
                 text::HtmlEscape(text::PercentBp(ToInt(h["share_bp"]))) + ")</td><td>" +
                 Light(h["light"]) + "</td><td class=\"n\">" + std::to_string(n_open) +
                 "</td></tr>\n";
        }
        return s + "</tbody></table><p><a href=\"" + Href(dir_, status_page_) +
               "\">Varje enhets status</a></p></section>\n";
    }

    std::string StoriesSection() {
        std::string s =
            "<section id=\"berattelser\"><h2>Det som hände</h2><p>Händelserna som "
            "planterats i året och hur det ser ut för enheterna nu (Redis).</p>\n";
        if (!run_.is_object() || !run_.contains("stories")) return s + "</section>\n";
        for (const auto& st : run_["stories"]) {
            s += "<h3>" + text::HtmlEscape(st.value("title", "")) + "</h3><p>" +
                 text::HtmlEscape(st.value("text", "")) + "</p>";
            const auto units = st.value("units", json::array());
            if (units.empty()) continue;
            s += "<table><caption>" + text::HtmlEscape(st.value("title", "")) +
                 ": enheterna</caption><thead><tr><th scope=\"col\">Enhet</th><th scope=\"col\" "
                 "class=\"n\">Avvikelse hittills</th><th scope=\"col\">Läge</th><th "
                 "scope=\"col\">Öppna avvikelser</th></tr></thead><tbody>\n";
            for (const auto& u : units) {
                const std::string id = u.get<std::string>();
                auto h = Status(id);
                if (h.empty()) continue;
                s += "<tr><th scope=\"row\">" + text::HtmlEscape(h["name"]) +
                     " <span class=\"liten\">" + text::HtmlEscape(id) +
                     "</span></th><td class=\"n\">" +
                     text::HtmlEscape(text::SignedKr(ToInt(h["deviation_ore"]))) + " (" +
                     text::HtmlEscape(text::PercentBp(ToInt(h["share_bp"]))) + ")</td><td>" +
                     Light(h["light"]) + "</td><td>" + text::HtmlEscape(h["open_deviations"]) +
                     "</td></tr>\n";
            }
            s += "</tbody></table>\n";
        }
        return s + "</section>\n";
    }

    std::string ReportsSection() const {
        std::string s = "<section id=\"rapporter\"><h2>Rapporter</h2>\n";
        if (reports_.empty()) {
            return s + "<p>Inga rapporter i <code>" +
                   text::HtmlEscape((o_.reports_dir / std::to_string(o_.year)).string()) +
                   "</code> ännu.</p></section>\n";
        }
        s +=
            "<table><caption>Årets rapporter, som rapporteringen gjort dem</caption><thead><tr><th "
            "scope=\"col\">Rapport</th><th scope=\"col\">Omfattning</th><th "
            "scope=\"col\">T.o.m.</th><th "
            "scope=\"col\">Per</th><th scope=\"col\">Filer</th></tr></thead><tbody>\n";
        std::vector<json> sorted = reports_;
        auto rank = [](const std::string& k) {
            if (k == "arsredovisning") return 0;
            if (k == "delarsrapport") return 1;
            if (k == "tertialrapport") return 2;
            if (k == "sektorssammanfattning") return 3;
            return 4;
        };
        std::stable_sort(sorted.begin(), sorted.end(), [&](const json& a, const json& b) {
            const int ra = rank(a.value("kind", "")), rb = rank(b.value("kind", ""));
            if (ra != rb) return ra < rb;
            return a.value("scope", "") < b.value("scope", "");
        });
        for (const auto& r : sorted) {
            std::string files;
            for (const auto& f : r.value("files", json::array())) {
                if (!files.empty()) files += " · ";
                files += "<a href=\"" + Href(dir_, f.value("path", "")) + "\">" +
                         text::HtmlEscape(f.value("format", "fil")) + "</a>";
            }
            const std::string kind = r.value("kind", "");
            const auto parsed = reporting::ParseKind(kind);
            const std::string title =
                r.value("title", parsed.ok() ? std::string(reporting::KindTitle(*parsed)) : kind);
            const std::string as_of = r.value("asOf", "");
            s += "<tr><td>" + text::HtmlEscape(title) + "</td><td>" +
                 text::HtmlEscape(r.value("scope", "")) + "</td><td>" +
                 text::HtmlEscape(text::PeriodText(r.value("period", ""))) + "</td><td>" +
                 text::HtmlEscape(text::DateText(as_of.substr(0, 10))) + "</td><td>" + files +
                 "</td></tr>\n";
        }
        return s + "</tbody></table></section>\n";
    }

    const SummaryOptions& o_;
    std::ostream& out_;
    std::ostream& err_;
    fs::path dir_;
    json run_;
    reconcile::OrgByMonth org_;
    std::optional<reconcile::ReportInfo> report_;
    bool reconcile_ok_ = false;
    std::size_t reconcile_differences_ = 0;
    std::optional<ingest::ControlTotals> totals_;
    std::int64_t lines_ = 0;
    std::vector<Rollup> rollups_;
    std::string prefix_;
    std::unique_ptr<redis::Pool> redis_;
    std::vector<json> reports_;
    fs::path mail_index_;
    fs::path status_page_;
};

}  // namespace

int WriteSummary(const SummaryOptions& options, std::ostream& out, std::ostream& err) {
    return Summary(options, out, err).Write();
}

}  // namespace bfu::cli::demo
