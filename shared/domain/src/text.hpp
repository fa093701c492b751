#pragma once
// Small text helpers private to the domain library.
#include <string>
#include <string_view>

namespace bfu::domain::internal {

// "'text'" followed by rest, appended piecewise. Building it as
// "'" + std::string(text) + "'..." makes g++ 12 -O3 report a false -Wrestrict
// (GCC bug 105329), which warnings-as-errors turns into a build failure.
inline std::string Quoted(std::string_view text, std::string_view rest) {
    std::string out;
    out.reserve(text.size() + rest.size() + 2);
    out += '\'';
    out += text;
    out += '\'';
    out += rest;
    return out;
}

}  // namespace bfu::domain::internal
