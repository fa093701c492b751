#pragma once
// The example municipality ("Exempelkommun") that ops/demo and the end-to-end tests use,
// generated deterministically for a year: an organisation from KF down to enheter with
// managers, e-mail addresses and mandates; a chart of accounts (Kommun-Bas classes); budgets
// per unit and account group with monthly profiles; and a month (January, plus February's rent
// so that January is complete) of ERP vouchers in which one unit, E211 Hemtjänst Centrum,
// overspends on personnel, plus one voucher with an unknown account and one sent twice, so
// that quality assurance has something to show.
//
// Pure: the same year gives the same data, byte for byte.
#include <string>
#include <vector>

#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"

namespace bfu::cli {

struct ExampleMunicipality {
    std::vector<contracts::OrgUnit> org;
    std::vector<contracts::Account> accounts;
    std::vector<contracts::Budget> budgets;
    std::vector<contracts::Voucher> vouchers;  // in the order the ERP sends them
};

[[nodiscard]] ExampleMunicipality MakeExampleMunicipality(int year);

// The unit that overspends, and the two vouchers quality assurance stops.
inline constexpr std::string_view kOverspendingUnit = "E211";
inline constexpr std::string_view kBadAccountVoucher = "V-9001";
inline constexpr std::string_view kDuplicatedVoucher = "V-1001";

}  // namespace bfu::cli
