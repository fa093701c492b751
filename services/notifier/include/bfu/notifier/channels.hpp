#pragma once
// The channels an alert leaves by, each against a real server:
//   SmtpSender    e-mail with libcurl: smtp:// (STARTTLS when the server offers it) or smtps://,
//                 user and password from the environment only (BFU_NOTIFIER_SMTP_USER,
//                 BFU_NOTIFIER_SMTP_PASSWORD), a CA file for verification.
//   WebhookSender an HTTP(S) POST of JSON signed with HMAC-SHA256 over the body
//                 (header X-Bfu-Signature: sha256=<hex>, and X-Bfu-Alert-Id), key from the
//                 environment variable the webhook names (default BFU_NOTIFIER_WEBHOOK_SECRET).
// Both return Ok when the server accepted the message, kUnavailable/kTimeout when it may be
// tried again (server away, busy, 5xx, 429), kInvalidArgument when it never will (a 4xx, a
// refused recipient).
//
// Thread-safety: a sender may be used by one thread at a time; make one per worker.
#include <chrono>
#include <string>
#include <string_view>

#include "bfu/contracts/common.hpp"
#include "bfu/core/result.hpp"

namespace bfu::notifier {

struct SmtpOptions {
    std::string url;  // smtp://host:port or smtps://host:port
    std::string from_address;
    std::string user;  // empty: no authentication
    std::string password;
    std::string ca_file;  // empty: the system's
    std::chrono::milliseconds timeout{10000};
};

class SmtpSender {
public:
    explicit SmtpSender(SmtpOptions options);
    ~SmtpSender();
    SmtpSender(const SmtpSender&) = delete;
    SmtpSender& operator=(const SmtpSender&) = delete;
    // Sends the RFC 5322 `message` to `to` (one envelope recipient). The connection to the
    // server is kept between messages (one curl handle per sender), so a burst of alerts pays
    // the connection and any TLS handshake once.
    [[nodiscard]] core::Status Send(std::string_view to, const std::string& message);

private:
    SmtpOptions options_;
    void* curl_ = nullptr;  // CURL*, made on first use
};

struct WebhookOptions {
    std::chrono::milliseconds timeout{5000};
    std::string ca_file;
    std::string default_secret_env = "BFU_NOTIFIER_WEBHOOK_SECRET";
};

class WebhookSender {
public:
    explicit WebhookSender(WebhookOptions options);
    [[nodiscard]] core::Status Send(const contracts::Webhook& webhook, std::string_view alert_id,
                                    const std::string& body) const;

private:
    WebhookOptions options_;
};

// "sha256=<hex of HMAC-SHA256(secret, body)>".
[[nodiscard]] std::string WebhookSignature(std::string_view secret, std::string_view body);

}  // namespace bfu::notifier
