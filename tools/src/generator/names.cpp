// Swedish names for Exempelkommun: places, preschools and people, chosen deterministically.
#include <algorithm>
#include <array>

#include "model.hpp"

namespace bfu::generator {

namespace {

constexpr std::array<std::string_view, 32> kPrefixes = {
    "Björk", "Ek",   "Lind",  "Sjö",    "Tall", "Gran",   "Kvarn", "Sten", "Ros",  "Sol",  "Furu",
    "Löv",   "Häll", "Skog",  "Strand", "Kyrk", "Vall",   "Åker",  "Käll", "Frid", "Lugn", "Hammar",
    "Bäck",  "Sand", "Ljung", "Berg",   "Ny",   "Hassel", "Alm",   "Rönn", "Vide", "Lönn",
};

struct Suffix {
    std::string_view place;
    std::string_view compound;
};
constexpr std::array<Suffix, 18> kSuffixes = {{
    {"hagen", "hags"},
    {"backen", "backs"},
    {"vik", "viks"},
    {"by", "by"},
    {"lund", "lunds"},
    {"dal", "dals"},
    {"berga", "berga"},
    {"åsen", "ås"},
    {"mon", "mo"},
    {"ängen", "ängs"},
    {"näs", "näs"},
    {"holmen", "holms"},
    {"torp", "torps"},
    {"ryd", "ryds"},
    {"fors", "fors"},
    {"heden", "heds"},
    {"sund", "sunds"},
    {"gärde", "gärdes"},
}};

const std::vector<std::string_view> kPreschools = {
    "Solrosen",    "Blåklinten",   "Vitsippan",   "Prästkragen",  "Maskrosen",    "Smörblomman",
    "Lingonet",    "Blåbäret",     "Ekorren",     "Igelkotten",   "Tussilagon",   "Humlan",
    "Nyckelpigan", "Trollsländan", "Myrstacken",  "Fjärilen",     "Regnbågen",    "Stjärnan",
    "Månskenet",   "Solgläntan",   "Kastanjen",   "Ekollonet",    "Björkdungen",  "Lindblomman",
    "Rönnbäret",   "Kotten",       "Lönnlövet",   "Vitmossan",    "Skogsgläntan", "Ängsbacken",
    "Sjöstjärnan", "Snäckan",      "Bäverhyddan", "Räven",        "Ugglan",       "Svalan",
    "Tranan",      "Lärkan",       "Vallmon",     "Klövern",      "Hallonet",     "Smultronet",
    "Vildrosen",   "Pärlugglan",   "Näckrosen",   "Stenkulla",    "Backsippan",   "Lupinen",
    "Sälgen",      "Ängsmyran",    "Gullvivan",   "Blåsippan",    "Kantarellen",  "Vitfjärilen",
    "Grodan",      "Krokusen",     "Tulpanen",    "Nypon",        "Sjöboden",     "Båthuset",
    "Sagoträdet",  "Pilträdet",    "Kottebo",     "Ekbacken",     "Gläntan",      "Tallkotten",
    "Hjortronet",  "Odlingen",     "Gungan",      "Kojan",        "Lekstugan",    "Mullvaden",
    "Harkranken",  "Hästhoven",    "Dunungen",    "Vattenliljan", "Sparven",      "Fågelboet",
    "Ängsviolen",  "Kungsljuset",
};

constexpr std::array<std::string_view, 64> kFirstNames = {
    "Anna",   "Erik",    "Maria",   "Lars",     "Karin",  "Anders", "Eva",     "Johan",
    "Sara",   "Per",     "Lena",    "Nils",     "Ida",    "Olof",   "Maja",    "Emil",
    "Greta",  "Axel",    "Tove",    "Johanna",  "Sofia",  "Magnus", "Linnea",  "Oskar",
    "Elin",   "Henrik",  "Åsa",     "Björn",    "Ulla",   "Gustav", "Frida",   "Mats",
    "Helena", "Fredrik", "Cecilia", "Jonas",    "Malin",  "Mikael", "Camilla", "Stefan",
    "Hanna",  "Daniel",  "Therese", "Peter",    "Emma",   "Martin", "Ingrid",  "Kristoffer",
    "Amira",  "Ahmed",   "Leila",   "Mohammed", "Zeynep", "Ali",    "Nadia",   "Milan",
    "Jelena", "Dragan",  "Aino",    "Pekka",    "Ebba",   "Viktor", "Agnes",   "Hugo",
};

constexpr std::array<std::string_view, 64> kLastNames = {
    "Ek",         "Berg",     "Lind",      "Holm",      "Sjö",       "Dahl",      "Nord",
    "Ås",         "Strand",   "Björk",     "Hed",       "Gran",      "Falk",      "Lund",
    "Ström",      "Öberg",    "Åkesson",   "Wik",       "Andersson", "Johansson", "Karlsson",
    "Nilsson",    "Eriksson", "Larsson",   "Olsson",    "Persson",   "Svensson",  "Gustafsson",
    "Pettersson", "Jonsson",  "Jansson",   "Hansson",   "Bengtsson", "Lindqvist", "Lindberg",
    "Axelsson",   "Lundgren", "Söderberg", "Hedlund",   "Sandberg",  "Forsberg",  "Engström",
    "Sjöberg",    "Wallin",   "Ekström",   "Lindström", "Nyström",   "Håkansson", "Sundberg",
    "Mattsson",   "Hassan",   "Ali",       "Yilmaz",    "Nguyen",    "Kovač",     "Petrović",
    "Virtanen",   "Korhonen", "Åström",    "Blom",      "Norén",     "Wahlberg",  "Fransson",
    "Mårtensson",
};

}  // namespace

std::vector<PlaceName> PlaceNames(std::uint64_t seed, std::size_t n) {
    std::vector<PlaceName> all;
    for (const auto& p : kPrefixes) {
        for (const auto& s : kSuffixes) {
            all.push_back(
                {std::string(p) + std::string(s.place), std::string(p) + std::string(s.compound)});
        }
    }
    // A fixed shuffle for the seed (Fisher-Yates with our own numbers).
    Random r(seed);
    for (std::size_t i = all.size(); i > 1; --i) {
        const auto j = static_cast<std::size_t>(r.Between(0, static_cast<std::int64_t>(i) - 1));
        std::swap(all[i - 1], all[j]);
    }
    // Distinct first parts first: "Björkhagen" and "Björkvik" both read as Björk-; spread them.
    std::vector<PlaceName> out;
    std::vector<PlaceName> later;
    std::vector<std::string> prefixes_used;
    for (auto& p : all) {
        const std::string first = p.place.substr(0, 3);
        if (std::find(prefixes_used.begin(), prefixes_used.end(), first) == prefixes_used.end()) {
            prefixes_used.push_back(first);
            out.push_back(std::move(p));
        } else {
            later.push_back(std::move(p));
        }
    }
    for (auto& p : later) out.push_back(std::move(p));
    if (out.size() > n) out.resize(n);
    return out;
}

const std::vector<std::string_view>& PreschoolNames() { return kPreschools; }

std::string AsciiLogin(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c < 0x80) {
            if (c == ' ') {
                out += '.';
            } else if (c != '-') {
                out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            }
            continue;
        }
        // Two-byte UTF-8 letters of Swedish and its neighbours.
        if (i + 1 < name.size()) {
            const std::string_view two = name.substr(i, 2);
            ++i;
            if (two == "å" || two == "ä" || two == "Å" || two == "Ä") {
                out += 'a';
            } else if (two == "ö" || two == "Ö" || two == "ø") {
                out += 'o';
            } else if (two == "é" || two == "è") {
                out += 'e';
            } else if (two == "č" || two == "ć") {
                out += 'c';
            } else if (two == "ü") {
                out += 'u';
            }
        }
    }
    return out;
}

People::Person People::Next() {
    for (int attempt = 0;; ++attempt) {
        const auto f = kFirstNames[static_cast<std::size_t>(
            random_.Between(0, static_cast<std::int64_t>(kFirstNames.size()) - 1))];
        const auto l = kLastNames[static_cast<std::size_t>(
            random_.Between(0, static_cast<std::int64_t>(kLastNames.size()) - 1))];
        std::string name = std::string(f) + " " + std::string(l);
        std::string login = AsciiLogin(name);
        if (attempt > 40) {
            // Many people: a number tells the namesakes apart, as in a real address book.
            login += std::to_string(used_.size());
        }
        if (std::find(used_.begin(), used_.end(), login) != used_.end()) continue;
        used_.push_back(login);
        return {std::move(name), std::move(login)};
    }
}

}  // namespace bfu::generator
