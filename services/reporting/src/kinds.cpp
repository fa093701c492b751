#include "bfu/reporting/kinds.hpp"

#include <cstdio>

#include "bfu/domain/workdays.hpp"

namespace bfu::reporting {

std::string_view KindId(Kind kind) noexcept {
    switch (kind) {
        case Kind::kTertial:
            return "tertialrapport";
        case Kind::kDelar:
            return "delarsrapport";
        case Kind::kArsredovisning:
            return "arsredovisning";
        case Kind::kSektorssammanfattning:
            return "sektorssammanfattning";
        case Kind::kDialogunderlag:
            return "dialogunderlag";
        case Kind::kLopande:
            return "lopande";
    }
    return "lopande";
}

std::string_view KindTitle(Kind kind) noexcept {
    switch (kind) {
        case Kind::kTertial:
            return "Tertialrapport";
        case Kind::kDelar:
            return "Delårsrapport";
        case Kind::kArsredovisning:
            return "Årsredovisning";
        case Kind::kSektorssammanfattning:
            return "Sektorssammanfattning";
        case Kind::kDialogunderlag:
            return "Dialogunderlag";
        case Kind::kLopande:
            return "Löpande uppföljning";
    }
    return "Löpande uppföljning";
}

core::Result<Kind> ParseKind(std::string_view text) {
    for (Kind k : {Kind::kTertial, Kind::kDelar, Kind::kArsredovisning,
                   Kind::kSektorssammanfattning, Kind::kDialogunderlag, Kind::kLopande}) {
        if (text == KindId(k)) return k;
    }
    if (text == "delårsrapport") return Kind::kDelar;
    if (text == "årsredovisning") return Kind::kArsredovisning;
    return core::Error(core::Errc::kInvalidArgument, "kind",
                       "okänd rapport '" + std::string(text) +
                           "': tertialrapport, delarsrapport, arsredovisning, "
                           "sektorssammanfattning eller dialogunderlag");
}

std::optional<contracts::ReportKind> ToContract(Kind kind) noexcept {
    switch (kind) {
        case Kind::kTertial:
            return contracts::ReportKind::kTertial;
        case Kind::kDelar:
            return contracts::ReportKind::kDelar;
        case Kind::kArsredovisning:
            return contracts::ReportKind::kArsredovisning;
        case Kind::kSektorssammanfattning:
            return contracts::ReportKind::kSectorSummary;
        case Kind::kDialogunderlag:
            return contracts::ReportKind::kDialogue;
        case Kind::kLopande:
            return std::nullopt;
    }
    return std::nullopt;
}

std::optional<Kind> FromContract(contracts::ReportKind kind) noexcept {
    switch (kind) {
        case contracts::ReportKind::kTertial:
            return Kind::kTertial;
        case contracts::ReportKind::kDelar:
            return Kind::kDelar;
        case contracts::ReportKind::kArsredovisning:
            return Kind::kArsredovisning;
        case contracts::ReportKind::kSectorSummary:
            return Kind::kSektorssammanfattning;
        case contracts::ReportKind::kDialogue:
            return Kind::kDialogunderlag;
    }
    return std::nullopt;
}

std::string PeriodArg(domain::Period period) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", period.year(), period.month());
    return buf;
}

std::string ReportId(const ReportRequest& r) {
    return std::string(KindId(r.kind)) + "." + r.scope + "." + PeriodArg(r.period) + "." +
           r.as_of.ToString();
}

std::string FileStem(const ReportRequest& r) {
    return std::string(KindId(r.kind)) + "-" + r.scope + "-" + PeriodArg(r.period) + "-" +
           r.as_of.ToString();
}

int DialogueStep(domain::Level level) noexcept {
    switch (level) {
        case domain::Level::kEnhet:
            return 1;
        case domain::Level::kVerksamhet:
            return 2;
        case domain::Level::kSektor:
            return 4;
        default:
            return 0;
    }
}

core::Status CheckKindFits(Kind kind, domain::Period period, domain::Level level) {
    const std::string arg = PeriodArg(period);
    const std::string year = std::to_string(period.year());
    auto wrong = [&](const std::string& what) {
        return core::Error(core::Errc::kInvalidArgument, "period", what);
    };
    switch (kind) {
        case Kind::kTertial:
            if (period.month() != 4) {
                return wrong("en tertialrapport avser januari–april: --period " + year + "-04");
            }
            break;
        case Kind::kDelar:
            if (period.month() != 8) {
                return wrong("en delårsrapport avser januari–augusti: --period " + year + "-08");
            }
            break;
        case Kind::kArsredovisning:
            if (period.month() != 12) {
                return wrong("en årsredovisning avser hela året: --period " + year + "-12");
            }
            break;
        case Kind::kSektorssammanfattning:
            if (period.month() % 2 != 0) {
                return wrong(
                    "en sektorssammanfattning görs efter en prognosomgång (februari, "
                    "april, juni, augusti, oktober, december), inte för " +
                    arg);
            }
            break;
        case Kind::kDialogunderlag:
            if (period.month() != 4 && period.month() != 8) {
                return wrong("dialogunderlag görs vid tertial och delår: --period " + year +
                             "-04 eller " + year + "-08");
            }
            if (DialogueStep(level) == 0) {
                return core::Error(core::Errc::kInvalidArgument, "scope",
                                   "dialogunderlag görs för en enhet (steg 1), en verksamhet "
                                   "(steg 2–3) eller en sektor (steg 4), inte för en " +
                                       std::string(domain::ToString(level)));
            }
            break;
        case Kind::kLopande:
            break;
    }
    return core::Ok();
}

core::TimePoint CutoffOf(domain::Date as_of) { return domain::FromStockholm(as_of, 24, 0); }

std::string CutoffText(domain::Date as_of) {
    const auto last = CutoffOf(as_of) - std::chrono::seconds(1);
    return domain::ToRfc3339(domain::ToStockholm(last));
}

}  // namespace bfu::reporting
