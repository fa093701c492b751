#pragma once
// A small deterministic municipality for property tests: the same seed gives the same
// organisation, reorganisations, budgets and ledger lines, on every machine. The big example
// municipality is `bfu demo generate`; this one is sized for tests (a few dozen units) and has
// only plain values, so the domain tests and the service tests can each build their own types
// from it.
//
// Shape: KF -> KS -> förvaltning FORV; KF -> nämnder N1..Nn, each with one or two sektorer;
// each sektor two or three verksamheter and, now and then, an enhet of its own; each
// verksamhet two to four enheter. Some enheter move to another verksamhet during the year
// (on the first of a month, or mid-month: such a move counts from the next month). Budgets
// per enhet and account group (personal, material, lokaler costs; intakter revenue, negative);
// lines per enhet, group and month around a twelfth of the budget. Optionally a few lines on
// verksamheter themselves (own postings beside their children).
//
// Header-only, no dependency beyond the standard library.
#include <cstdint>
#include <string>
#include <vector>

namespace bfu::testing {

struct GenUnit {
    std::string id;
    std::string parent;  // empty for KF
    std::string level;   // "KF", "KS", "förvaltning", "nämnd", "sektor", "verksamhet", "enhet"
    std::string name;
    std::int64_t mandate_ore = 0;
};

struct GenMove {
    std::string unit;
    std::string from_parent;
    std::string to_parent;
    int month = 9;  // effective in this month of the year...
    int day = 1;    // ...on this day (a day after the 1st counts from the next month)
};

struct GenBudget {
    std::string unit;
    std::string group;
    std::int64_t annual_ore = 0;
};

struct GenLine {
    std::string unit;
    std::string group;
    std::string account;
    int month = 1;  // 1..12 of the year
    std::int64_t ore = 0;
};

struct GeneratedMunicipality {
    int year = 2026;
    std::vector<GenUnit> units;  // parents before children
    std::vector<GenMove> moves;
    std::vector<GenBudget> budgets;
    std::vector<GenLine> lines;
};

struct GenOptions {
    int namnder = 3;
    int moves = 3;
    bool own_postings_on_verksamheter = false;
};

// splitmix64: small, fast, and the same everywhere.
class GenRandom {
public:
    explicit GenRandom(std::uint64_t seed) : state_(seed) {}
    std::uint64_t Next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // lo..hi inclusive.
    std::int64_t Between(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(Next() % static_cast<std::uint64_t>(hi - lo + 1));
    }

private:
    std::uint64_t state_;
};

inline const char* GenAccountOf(const std::string& group) {
    if (group == "personal") return "5011";
    if (group == "material") return "4010";
    if (group == "lokaler") return "6110";
    return "3510";  // intakter
}

inline GeneratedMunicipality GenerateMunicipality(std::uint64_t seed, int year,
                                                  GenOptions options = {}) {
    GenRandom rnd(seed);
    GeneratedMunicipality m;
    m.year = year;
    m.units.push_back({"KF", "", "KF", "Kommunfullmäktige", 0});
    m.units.push_back({"KS", "KF", "KS", "Kommunstyrelsen", 0});
    m.units.push_back({"FORV", "KS", "förvaltning", "Förvaltningen", 5'000'000'00});
    std::vector<std::string> verksamheter;
    std::vector<std::string> enheter;
    std::vector<std::string> enhet_parent;
    for (int n = 1; n <= options.namnder; ++n) {
        const std::string nid = "N" + std::to_string(n);
        m.units.push_back({nid, "KF", "nämnd", "Nämnd " + std::to_string(n), 0});
        const int sektorer = static_cast<int>(rnd.Between(1, 2));
        for (int s = 1; s <= sektorer; ++s) {
            const std::string sid = nid + "S" + std::to_string(s);
            m.units.push_back({sid, nid, "sektor", "Sektor " + sid, 1'000'000'00});
            const int vs = static_cast<int>(rnd.Between(2, 3));
            for (int v = 1; v <= vs; ++v) {
                const std::string vid = sid + "V" + std::to_string(v);
                m.units.push_back({vid, sid, "verksamhet", "Verksamhet " + vid, 300'000'00});
                verksamheter.push_back(vid);
                const int es = static_cast<int>(rnd.Between(2, 4));
                for (int e = 1; e <= es; ++e) {
                    const std::string eid = vid + "E" + std::to_string(e);
                    m.units.push_back({eid, vid, "enhet", "Enhet " + eid, 100'000'00});
                    enheter.push_back(eid);
                    enhet_parent.push_back(vid);
                }
            }
            if (rnd.Between(0, 2) == 0) {
                const std::string eid = sid + "E";
                m.units.push_back({eid, sid, "enhet", "Enhet " + eid, 50'000'00});
                enheter.push_back(eid);
                enhet_parent.push_back(sid);
            }
        }
    }
    // Moves: an enhet under a verksamhet to another verksamhet; each enhet moves at most once.
    std::vector<bool> moved(enheter.size(), false);
    for (int i = 0; i < options.moves && verksamheter.size() > 1; ++i) {
        for (int attempt = 0; attempt < 20; ++attempt) {
            const auto e = static_cast<std::size_t>(
                rnd.Between(0, static_cast<std::int64_t>(enheter.size()) - 1));
            const auto v = static_cast<std::size_t>(
                rnd.Between(0, static_cast<std::int64_t>(verksamheter.size()) - 1));
            if (moved[e] || verksamheter[v] == enhet_parent[e]) continue;
            moved[e] = true;
            GenMove mv;
            mv.unit = enheter[e];
            mv.from_parent = enhet_parent[e];
            mv.to_parent = verksamheter[v];
            mv.month = i == 0 ? 9 : static_cast<int>(rnd.Between(2, 11));
            mv.day = i == 0 ? 1 : (rnd.Between(0, 1) == 0 ? 1 : 15);
            m.moves.push_back(mv);
            break;
        }
    }
    const char* groups[] = {"personal", "material", "lokaler", "intakter"};
    for (const auto& e : enheter) {
        for (const char* g : groups) {
            const std::string group = g;
            // Annual amounts divisible by 12 öre keep the monthly budget exact.
            std::int64_t annual = rnd.Between(20'000, 400'000) * 12 * 100;
            if (group == "intakter") annual = -annual / 4 / 12 * 12;
            m.budgets.push_back({e, group, annual});
            for (int month = 1; month <= 12; ++month) {
                const std::int64_t base = annual / 12;
                const std::int64_t spread = (base < 0 ? -base : base) / 5 + 1;
                m.lines.push_back(
                    {e, group, GenAccountOf(group), month, base + rnd.Between(-spread, spread)});
            }
        }
    }
    if (options.own_postings_on_verksamheter) {
        for (const auto& v : verksamheter) {
            for (int month = 1; month <= 12; ++month) {
                if (rnd.Between(0, 2) != 0) continue;
                m.lines.push_back({v, "material", "4010", month, rnd.Between(1'000, 50'000) * 100});
            }
        }
    }
    return m;
}

}  // namespace bfu::testing
