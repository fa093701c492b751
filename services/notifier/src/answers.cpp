#include "bfu/notifier/answers.hpp"

#include <openssl/sha.h>

#include "bfu/domain/calendar.hpp"
#include "bfu/notifier/message.hpp"

namespace bfu::notifier {

namespace {

using nlohmann::json;

std::string Title(LinkAction a) {
    switch (a) {
        case LinkAction::kAcknowledge:
            return "Kvittera avvikelse";
        case LinkAction::kComment:
            return "Kommentera avvikelse";
        case LinkAction::kMeasure:
            return "Lägg till åtgärd";
    }
    return "Avvikelse";
}

std::string Done(LinkAction a) {
    switch (a) {
        case LinkAction::kAcknowledge:
            return "Tack! Avvikelsen är kvitterad.";
        case LinkAction::kComment:
            return "Tack! Din kommentar är sparad.";
        case LinkAction::kMeasure:
            return "Tack! Åtgärden är tillagd.";
    }
    return "Tack!";
}

// The reason a command was refused, in Swedish.
std::string Refusal(const core::Error& e) {
    switch (e.code) {
        case core::Errc::kPermissionDenied:
            return "Du har inte behörighet att göra detta för den här enheten. Inget har ändrats.";
        case core::Errc::kFailedPrecondition:
            return "Avvikelsen är redan avslutad. Inget har ändrats.";
        case core::Errc::kNotFound:
            return "Avvikelsen finns inte (längre). Inget har ändrats.";
        case core::Errc::kInvalidArgument:
            return "Uppgifterna kunde inte tas emot: kontrollera fälten och försök igen. Inget "
                   "har ändrats.";
        case core::Errc::kUnavailable:
        case core::Errc::kTimeout:
            return "Tjänsten svarar inte just nu. Försök igen om en stund; inget har ändrats.";
        default:
            return "Något gick fel. Inget har ändrats.";
    }
}

std::string MeasureId(const std::string& command_id) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(command_id.data()), command_id.size(), d);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "m-";
    for (int i = 0; i < 8; ++i) {
        out += kHex[d[i] >> 4];
        out += kHex[d[i] & 15];
    }
    return out;
}

}  // namespace

AnswerPages::AnswerPages(std::shared_ptr<const LinkSigner> signer,
                         std::shared_ptr<const text::Templates> templates,
                         std::string analysis_endpoint, std::string casework_endpoint,
                         std::shared_ptr<service::MasterFeed> master,
                         service::DeviationTable* deviations, runtime::Context& ctx)
    : signer_(std::move(signer)),
      templates_(std::move(templates)),
      master_(std::move(master)),
      deviations_(deviations),
      ctx_(ctx) {
    zmq::ClientOptions o;
    o.timeout = std::chrono::milliseconds(3000);
    o.attempts = 2;
    analysis_ = std::make_unique<zmq::JsonClient>(zctx_, std::move(analysis_endpoint), o);
    casework_ = std::make_unique<zmq::JsonClient>(zctx_, std::move(casework_endpoint), o);
}

void AnswerPages::Register() {
    ctx_.http().Handle("GET", "/svar", [this](const runtime::HttpRequest& r) { return Get(r); });
    ctx_.http().Handle("POST", "/svar", [this](const runtime::HttpRequest& r) { return Post(r); });
}

runtime::HttpResponse AnswerPages::Page(int status, const json& data) const {
    runtime::HttpResponse r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    auto html = templates_->Render("svar.html", data);
    r.body = html.ok() ? *html
                       : "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>"
                         "Fel</title></head><body><h1>Sidan kunde inte visas</h1></body></html>";
    r.headers = {{"Cache-Control", "no-store"},
                 {"Referrer-Policy", "no-referrer"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Content-Security-Policy",
                  "default-src 'none'; style-src 'unsafe-inline'; "
                  "form-action 'self'"}};
    return r;
}

json AnswerPages::DeviationOf(const LinkClaims& c) const {
    if (deviations_ == nullptr) return nullptr;
    auto r = deviations_->Find(c.deviation_id);
    if (!r) return nullptr;
    const auto md = master_ ? master_->Latest() : nullptr;
    contracts::Person who{c.name, "", c.email};
    return DeviationData(r->latest, md.get(), who, Role::kResponsible, Links{})["avvikelse"];
}

runtime::HttpResponse AnswerPages::Get(const runtime::HttpRequest& request) {
    const auto token = request.Param("t");
    if (!token) {
        return Page(400, {{"titel", "Länken är ofullständig"},
                          {"meddelande",
                           "Länken saknar sin nyckel. Använd länken i meddelandet "
                           "som den är."}});
    }
    auto claims = signer_->Verify(*token, ctx_.clock().Now());
    if (!claims.ok()) {
        const bool expired = claims.error().code == core::Errc::kFailedPrecondition;
        return Page(expired ? 410 : 403,
                    {{"titel", expired ? "Länken har gått ut" : "Länken är inte giltig"},
                     {"meddelande",
                      expired ? "Länken har gått ut. Använd länken i ett nyare meddelande eller "
                                "kommandot bfu. Inget har ändrats."
                              : "Länken är inte giltig: den är ändrad eller ofullständig. Inget "
                                "har ändrats."}});
    }
    json form{{"atgard_url", "/svar"},
              {"token", *token},
              {"person", claims->name + " (" + claims->email + ")"},
              {"kvittera", claims->action == LinkAction::kAcknowledge},
              {"kommentera", claims->action == LinkAction::kComment},
              {"atgard", claims->action == LinkAction::kMeasure}};
    return Page(200, {{"titel", Title(claims->action)},
                      {"avvikelse", DeviationOf(*claims)},
                      {"formular", form}});
}

runtime::HttpResponse AnswerPages::Post(const runtime::HttpRequest& request) {
    const auto token = request.Param("t");
    if (!token) {
        return Page(400, {{"titel", "Länken är ofullständig"},
                          {"meddelande", "Formuläret saknar sin nyckel. Inget har ändrats."}});
    }
    auto claims = signer_->Verify(*token, ctx_.clock().Now());
    if (!claims.ok()) {
        const bool expired = claims.error().code == core::Errc::kFailedPrecondition;
        return Page(expired ? 410 : 403,
                    {{"titel", expired ? "Länken har gått ut" : "Länken är inte giltig"},
                     {"meddelande", expired ? "Länken har gått ut. Inget har ändrats."
                                            : "Länken är inte giltig: den är ändrad eller "
                                              "ofullständig. Inget har ändrats."}});
    }
    const LinkClaims& c = *claims;
    json cmd{{"deviation", c.deviation_id}, {"by", c.email}, {"commandId", c.CommandId()}};
    auto field = [&](const char* name) { return request.Param(name).value_or(""); };
    switch (c.action) {
        case LinkAction::kAcknowledge:
            cmd["op"] = "deviation.ack";
            if (!field("kommentar").empty()) cmd["comment"] = field("kommentar");
            break;
        case LinkAction::kComment:
            cmd["op"] = "comment.add";
            cmd["text"] = field("kommentar");
            break;
        case LinkAction::kMeasure: {
            cmd["op"] = "measure.propose";
            cmd["text"] = field("vad");
            if (!field("vem").empty()) cmd["who"] = field("vem");
            // People write "−25 000" with a real minus: Money::Parse reads it.
            cmd["effectSekPerMonth"] = field("effekt");
            const std::string from = field("fran");
            auto p = domain::Period::Parse(from);
            if (!p.ok()) {
                return Page(400, {{"titel", Title(c.action)},
                                  {"meddelande",
                                   "Ange månaden som ÅÅÅÅ-MM, t.ex. 2026-05. Inget "
                                   "har ändrats."}});
            }
            cmd["from"] = p->ToString();
            cmd["measure"] = MeasureId(c.CommandId());
            break;
        }
    }
    core::Result<json> reply = core::Error(core::Errc::kUnavailable, "service", "not sent");
    {
        std::lock_guard lock(zmq_mu_);
        reply = (c.action == LinkAction::kAcknowledge ? analysis_ : casework_)->Call(cmd);
    }
    json data{{"titel", Title(c.action)}, {"avvikelse", DeviationOf(c)}};
    if (!reply.ok()) {
        ctx_.logger().Info(
            "answer by link refused",
            {{"deviation", c.deviation_id}, {"by", c.email}, {"error", reply.error().ToString()}});
        data["meddelande"] = Refusal(reply.error());
        const int status = reply.error().code == core::Errc::kPermissionDenied ? 403
                           : reply.error().code == core::Errc::kUnavailable ||
                                   reply.error().code == core::Errc::kTimeout
                               ? 503
                               : 409;
        return Page(status, data);
    }
    const bool applied = reply->value("applied", true);
    ctx_.logger().Info(
        "answer by link",
        {{"deviation", c.deviation_id}, {"by", c.email}, {"op", cmd["op"]}, {"applied", applied}});
    data["meddelande"] =
        applied ? Done(c.action) : "Länken har redan använts. Inget har ändrats den här gången.";
    return Page(200, data);
}

}  // namespace bfu::notifier
