#pragma once
// Answers by link, served by the notifier over HTTP (links.hpp makes the links):
//   GET  /svar?t=TOKEN   a Swedish page showing the deviation and a form for the link's action
//                        (Kvittera, Kommentera, Lägg till åtgärd). A GET never changes
//                        anything: mail scanners and link previews open links by themselves.
//   POST /svar           the form (t = the token, kommentar / vad, vem, effekt, fran): sends the
//                        same command the CLI sends over ZeroMQ — deviation.ack to analysis
//                        (the deviation's owner), comment.add and measure.propose to casework
//                        (the decide stage's owner) — with the identity taken from the token
//                        and the command id "link:<alert>:<action>", so a token used twice acts
//                        once.
// An expired, altered or used token gets a clear Swedish page (410, 403, 200 "redan
// använd") and changes nothing.
//
// Thread-safety: handlers may run on several HTTP worker threads at once; the ZeroMQ client
// is guarded by a mutex.
#include <memory>
#include <mutex>
#include <string>

#include "bfu/notifier/links.hpp"
#include "bfu/runtime/app.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/text/templates.hpp"
#include "bfu/zmq/zmq.hpp"

namespace bfu::notifier {

class AnswerPages {
public:
    AnswerPages(std::shared_ptr<const LinkSigner> signer,
                std::shared_ptr<const text::Templates> templates, std::string analysis_endpoint,
                std::string casework_endpoint, std::shared_ptr<service::MasterFeed> master,
                service::DeviationTable* deviations, runtime::Context& ctx);

    // Registers GET and POST /svar on ctx.http().
    void Register();

    [[nodiscard]] runtime::HttpResponse Get(const runtime::HttpRequest& request);
    [[nodiscard]] runtime::HttpResponse Post(const runtime::HttpRequest& request);

private:
    [[nodiscard]] runtime::HttpResponse Page(int status, const nlohmann::json& data) const;
    [[nodiscard]] nlohmann::json DeviationOf(const LinkClaims& claims) const;

    std::shared_ptr<const LinkSigner> signer_;
    std::shared_ptr<const text::Templates> templates_;
    std::shared_ptr<service::MasterFeed> master_;
    service::DeviationTable* deviations_;
    runtime::Context& ctx_;
    std::mutex zmq_mu_;
    ::zmq::context_t zctx_{1};
    std::unique_ptr<zmq::JsonClient> analysis_;
    std::unique_ptr<zmq::JsonClient> casework_;
};

}  // namespace bfu::notifier
