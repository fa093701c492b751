#include "bfu/text/templates.hpp"

#include <fstream>
#include <kainjow/mustache.hpp>
#include <sstream>

namespace bfu::text {

namespace {

namespace mu = kainjow::mustache;

constexpr std::string_view kSuffix = ".mustache";

bool IsHtml(std::string_view name) {
    constexpr std::string_view kHtml = ".html";
    return name.size() >= kHtml.size() && name.substr(name.size() - kHtml.size()) == kHtml;
}

mu::data ToData(const nlohmann::json& j) {
    switch (j.type()) {
        case nlohmann::json::value_t::object: {
            mu::data d{mu::data::type::object};
            for (const auto& [k, v] : j.items()) d.set(k, ToData(v));
            return d;
        }
        case nlohmann::json::value_t::array: {
            mu::data d{mu::data::type::list};
            for (const auto& v : j) d.push_back(ToData(v));
            return d;
        }
        case nlohmann::json::value_t::string:
            return mu::data{j.get<std::string>()};
        case nlohmann::json::value_t::boolean:
            return mu::data{j.get<bool>()};
        case nlohmann::json::value_t::null:
        case nlohmann::json::value_t::discarded:
            return mu::data{false};
        default:
            return mu::data{j.dump()};
    }
}

// The data, with every template of the set reachable as a partial ({{> name}}).
class SetContext final : public mu::basic_context<std::string> {
public:
    SetContext(const mu::data* data, const std::map<std::string, mu::data, std::less<>>* partials)
        : partials_(partials) {
        items_.push_back(data);
    }
    void push(const mu::data* data) override { items_.insert(items_.begin(), data); }
    void pop() override { items_.erase(items_.begin()); }
    const mu::data* get(const std::string& name) const override {
        if (name == ".") return items_.front();
        const bool dotted = name.find('.') != std::string::npos;
        for (const auto* item : items_) {
            if (!dotted) {
                if (const auto* v = item->get(name)) return v;
                continue;
            }
            const mu::data* v = item;
            std::size_t start = 0;
            while (v != nullptr && start <= name.size()) {
                const std::size_t dot = name.find('.', start);
                const std::string part =
                    name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
                v = v->get(part);
                if (dot == std::string::npos) break;
                start = dot + 1;
            }
            if (v != nullptr) return v;
        }
        return nullptr;
    }
    const mu::data* get_partial(const std::string& name) const override {
        auto it = partials_->find(name);
        return it == partials_->end() ? nullptr : &it->second;
    }

private:
    std::vector<const mu::data*> items_;
    const std::map<std::string, mu::data, std::less<>>* partials_;
};

std::string NoEscape(const std::string& s) { return s; }

core::Result<std::string> Compile(std::string_view name, const std::string& text,
                                  const std::string& origin) {
    mu::mustache tmpl{text};
    if (!tmpl.is_valid()) {
        return core::Error(core::Errc::kInvalidArgument, std::string(name),
                           origin + ": the template does not compile: " + tmpl.error_message());
    }
    return text;
}

}  // namespace

core::Result<Templates> Templates::Load(std::span<const TemplateFile> defaults,
                                        const std::filesystem::path& dir) {
    Templates t;
    for (const auto& f : defaults) {
        auto ok = Compile(f.name, std::string(f.text), "default template " + std::string(f.name));
        if (!ok.ok()) return std::move(ok).error();
        t.entries_[std::string(f.name)] = Entry{std::string(f.text), "default"};
    }
    if (dir.empty()) return t;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        return core::Error(core::Errc::kInvalidArgument, "templates_dir",
                           dir.string() + " is not a folder of templates");
    }
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto file = it->path().filename().string();
        if (file.size() <= kSuffix.size() || file.substr(file.size() - kSuffix.size()) != kSuffix) {
            continue;
        }
        const std::string name = file.substr(0, file.size() - kSuffix.size());
        std::ifstream in(it->path(), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in.good() && !in.eof()) {
            return core::Error(core::Errc::kInvalidArgument, name,
                               it->path().string() + ": cannot be read");
        }
        auto ok = Compile(name, text.str(), it->path().string());
        if (!ok.ok()) return std::move(ok).error();
        t.entries_[name] = Entry{text.str(), it->path().string()};
    }
    if (ec) {
        return core::Error(core::Errc::kInvalidArgument, "templates_dir",
                           dir.string() + ": " + ec.message());
    }
    return t;
}

core::Result<std::string> Templates::Render(std::string_view name,
                                            const nlohmann::json& data) const {
    auto it = entries_.find(name);
    if (it == entries_.end()) {
        return core::Error(core::Errc::kNotFound, std::string(name),
                           "no template named '" + std::string(name) + "'");
    }
    mu::mustache tmpl{it->second.text};
    if (!IsHtml(name)) tmpl.set_custom_escape(NoEscape);
    std::map<std::string, mu::data, std::less<>> partials;
    for (const auto& [n, e] : entries_) partials.emplace(n, mu::data{e.text});
    const mu::data d = ToData(data);
    SetContext ctx(&d, &partials);
    std::string out = tmpl.render(ctx);
    if (!tmpl.is_valid()) {
        return core::Error(core::Errc::kInvalidArgument, std::string(name),
                           it->second.origin + ": " + tmpl.error_message());
    }
    return out;
}

bool Templates::Has(std::string_view name) const { return entries_.find(name) != entries_.end(); }

std::vector<std::string> Templates::Names() const {
    std::vector<std::string> out;
    for (const auto& [n, e] : entries_) out.push_back(n);
    return out;
}

const std::string* Templates::Source(std::string_view name) const {
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second.text;
}

std::string Templates::Origin(std::string_view name) const {
    auto it = entries_.find(name);
    return it == entries_.end() ? std::string() : it->second.origin;
}

core::Result<std::vector<std::filesystem::path>> ExportTemplates(
    std::span<const TemplateFile> defaults, const std::filesystem::path& dir, bool overwrite) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        return core::Error(core::Errc::kInvalidArgument, "dir",
                           "cannot create " + dir.string() + ": " + ec.message());
    }
    std::vector<std::filesystem::path> written;
    for (const auto& f : defaults) {
        const auto path = dir / (std::string(f.name) + std::string(kSuffix));
        if (!overwrite && std::filesystem::exists(path, ec)) continue;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << f.text;
        if (!out.good()) {
            return core::Error(core::Errc::kInvalidArgument, "dir",
                               "cannot write " + path.string());
        }
        written.push_back(path);
    }
    return written;
}

}  // namespace bfu::text
