#pragma once
// Exempelkommun as a whole year: the deterministic generator behind `bfu demo generate --size`
// and `bfu demo run` (ops/demo).
//
// Generate(size, year) builds the municipality: the organisation KF -> KS -> förvaltning and
// KF -> nämnder -> sektorer -> verksamheter -> enheter, each unit with its manager, mandate and
// (nämnder) secretary and registered mailbox; a Kommun-Bas chart of accounts (the classes of
// the default chart, groups intakter, personal, material, lokaler, energi, ovrigt and the
// balance-sheet accounts vouchers balance on); budgets per enhet and account group with
// realistic monthly profiles (holiday pay and summer substitutes in July in 24-hour care, the
// school year's summer dip, heating in winter); goals per enhet. VouchersOf(month) gives the
// month's ERP vouchers (payroll per enhet, supplier invoices, fee billing, rent, energy,
// depreciation), HrOf(month) the HR figures (sjukfrånvaro, övertid, årsarbetare),
// GoalOutcomesOf(tertial) the goal outcomes; Script() the managers acting, each as the bfu
// command line they run at a business time.
//
//   size     nämnder  sektorer  verksamheter  enheter  ledger lines a year
//   small    3        3         8             ~25      ~0.1 million
//   medium   5        6         ~40           ~400     ~2 million   (about 100 000 inhabitants)
//   large    7        9         ~75           ~1 200   ~6 million
//
// Planted stories (Stories() names their units): overtime in hemtjänst from March, one school
// under budget all year (a good example), energy costs in a cold February, an unbudgeted
// shortfall in building-permit fees from March, a reorganisation on 1 September (Fritidsgårdar
// moves from kultur och fritid to socialtjänsten), external placements over budget in
// socialtjänsten from May; and quality assurance: vouchers on an unknown account or cost
// centre and an unbalanced one (each corrected and sent again), and batches the ERP sends twice.
//
// Pure and deterministic: the same size and year give the same data, byte for byte, on every
// machine (splitmix64, integer arithmetic; the few doubles are HR figures rounded to one or two
// decimals). Thread-safety: a Municipality is immutable after Generate; its const methods may
// be called from several threads.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/domain/calendar.hpp"

namespace bfu::generator {

enum class Size { kSmall, kMedium, kLarge };
// "small", "medium", "large" (also "liten", "mellan", "stor"); nullopt otherwise.
[[nodiscard]] std::optional<Size> ParseSize(std::string_view text);
[[nodiscard]] std::string_view ToString(Size size) noexcept;

// The ERP systems the vouchers come from (the voucher's `source`).
inline constexpr std::string_view kErpSource = "exempel-erp";      // supplier invoices, fees …
inline constexpr std::string_view kPayrollSource = "exempel-lon";  // payroll
inline constexpr std::string_view kEhandelSource = "exempel-ehandel";  // sent over HTTP
inline constexpr std::string_view kDomain = "exempelkommun.se";

// How a voucher reaches ingest.
enum class Way { kKafka, kHttp };

struct DayVouchers {
    domain::Date date;
    // The vouchers the ERP sends that day (Kafka), and those the e-commerce system posts over
    // HTTP, each in sending order. A voucher may appear twice (a batch sent again): ingest
    // takes the second for a duplicate.
    std::vector<contracts::Voucher> kafka;
    std::vector<contracts::Voucher> http;
};

// One thing a person does, at a business time: a bfu command line (the arguments after
// `bfu`), with who and what in Swedish for the progress log and the summary page.
struct Action {
    core::TimePoint at;
    std::string actor;        // "Maja Öberg, enhetschef"
    std::string story;        // a Story key, or "" for routine work
    std::string description;  // Swedish: "kvitterar avvikelsen i Hemtjänst Centrum"
    std::vector<std::string> command;
    bool operator==(const Action&) const = default;
};

// Data the year needs besides vouchers and the people's commands, published by the systems
// that own it (the HR system, the goal follow-up, the organisation register): written to a
// file and imported with `bfu import KIND FILE` at its business time.
struct Feed {
    core::TimePoint at;
    std::string kind;  // "hr", "goal-outcomes", "org"
    std::string file;  // the file name in the data folder, e.g. "hr-2026-03.json"
    std::string description;
    bool operator==(const Feed&) const = default;
};

struct Story {
    std::string key;    // "hemtjanst-overtid", "skola-gott-exempel", ...
    std::string title;  // Swedish
    std::string text;   // Swedish: what happens, when, and what the managers do
    std::vector<std::string> units;
};

// Counts of what Generate made, for the summary and the tests.
struct Totals {
    std::size_t units = 0;
    std::size_t namnder = 0;
    std::size_t sektorer = 0;
    std::size_t verksamheter = 0;
    std::size_t enheter = 0;
    std::size_t employees = 0;
    std::int64_t inhabitants = 0;
};

class Municipality {
public:
    ~Municipality();
    Municipality(Municipality&&) noexcept;
    Municipality& operator=(Municipality&&) noexcept;

    [[nodiscard]] int year() const noexcept;
    [[nodiscard]] Size size() const noexcept;
    [[nodiscard]] std::string_view name() const noexcept;  // "Exempelkommun"
    [[nodiscard]] Totals totals() const;

    // Master data as published on 1 January (validFrom = the first day of the year).
    [[nodiscard]] const std::vector<contracts::OrgUnit>& org() const;
    // The records the reorganisation publishes (the moved units with their new parent,
    // validFrom and history), and the business time they are published.
    [[nodiscard]] const std::vector<contracts::OrgUnit>& reorganisation() const;
    [[nodiscard]] const std::vector<contracts::Account>& accounts() const;
    [[nodiscard]] const std::vector<contracts::Budget>& budgets() const;
    [[nodiscard]] const std::vector<contracts::Goal>& goals() const;
    [[nodiscard]] const std::vector<Story>& stories() const;

    // The manager of a unit (as of 1 January) and the unit's name; nullopt for an unknown id.
    [[nodiscard]] const contracts::OrgUnit* Unit(std::string_view id) const;

    // The month's vouchers (month 1..12 of the year), day by day in date order, with the
    // quality-assurance stories (a rejected voucher and its correction, a batch sent twice).
    // Generated afresh on each call from the month's own seed.
    [[nodiscard]] std::vector<DayVouchers> VouchersOf(int month) const;
    // The month's HR figures per enhet (the HR system's export).
    [[nodiscard]] std::vector<contracts::HrFigure> HrOf(int month) const;
    // Goal outcomes of every goal for a tertial's last month (4, 8 or 12).
    [[nodiscard]] std::vector<contracts::GoalOutcome> GoalOutcomesOf(int month) const;

    // The managers acting, sorted by time: acknowledgements, comments, measures, forecast
    // submissions, the action plan and the nämnd's decisions.
    [[nodiscard]] const std::vector<Action>& Script() const;
    // The HR, goal-outcome and organisation feeds, sorted by time.
    [[nodiscard]] const std::vector<Feed>& Feeds() const;
    // The content of a feed's file (a JSON array of the records), by its file name.
    [[nodiscard]] std::string FeedFile(const Feed& feed) const;
    // Files the script's commands name as "@<file>" (a budget revision decision's budget):
    // name -> content. The driver writes them to its data folder and passes their path.
    [[nodiscard]] const std::map<std::string, std::string>& Files() const;

    // The unit's planned full-year net cost in öre (what its manager would forecast knowing
    // the year's stories), for forecast submissions.
    [[nodiscard]] std::int64_t PlannedYearOre(std::string_view unit) const;

    struct Impl;

private:
    friend Municipality Generate(Size size, int year);
    explicit Municipality(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

[[nodiscard]] Municipality Generate(Size size, int year);

// A voucher as the ERP sends it: the same bytes as contracts::Voucher::ToJson().dump(), written
// straight to text (the driver sends hundreds of thousands).
[[nodiscard]] std::string VoucherJson(const contracts::Voucher& voucher);

// Business time: a Swedish local date and time.
[[nodiscard]] core::TimePoint At(domain::Date date, int hour, int minute);

}  // namespace bfu::generator
