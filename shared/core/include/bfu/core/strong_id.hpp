#pragma once
// Strong identifier types (after Redpanda's named_type): a UnitId cannot be passed where an
// AccountNo is expected, although both are strings underneath.
#include <compare>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace bfu::core {

template <typename T, typename Tag>
class NamedType {
public:
    using value_type = T;
    NamedType() = default;
    explicit NamedType(T v) : value_(std::move(v)) {}
    [[nodiscard]] const T& value() const noexcept { return value_; }
    auto operator<=>(const NamedType&) const = default;
    bool operator==(const NamedType&) const = default;
    friend std::ostream& operator<<(std::ostream& os, const NamedType& id) {
        return os << id.value_;
    }

private:
    T value_{};
};

struct UnitIdTag {};
struct AccountNoTag {};
struct DeviationIdTag {};
struct VoucherIdTag {};
struct SourceIdTag {};
struct MeasureIdTag {};

using UnitId = NamedType<std::string, UnitIdTag>;            // cost centre / org node id
using AccountNo = NamedType<std::string, AccountNoTag>;      // ledger account, e.g. "5011"
using DeviationId = NamedType<std::string, DeviationIdTag>;  // stable per (unit, kind, year)
using VoucherId = NamedType<std::string, VoucherIdTag>;      // the ERP's voucher number
using SourceId = NamedType<std::string, SourceIdTag>;        // which ERP / file sent it
using MeasureId = NamedType<std::string, MeasureIdTag>;

}  // namespace bfu::core

template <typename T, typename Tag>
struct std::hash<bfu::core::NamedType<T, Tag>> {
    size_t operator()(const bfu::core::NamedType<T, Tag>& id) const noexcept {
        return std::hash<T>{}(id.value());
    }
};
