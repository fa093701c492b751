#include "bfu/notifier/channels.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

#include "bfu/http/client.hpp"

namespace bfu::notifier {

namespace {

void GlobalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
    const std::string* data;
    std::size_t pos = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t n, void* user) {
    auto* up = static_cast<Upload*>(user);
    const std::size_t room = size * n;
    const std::size_t left = up->data->size() - up->pos;
    const std::size_t take = std::min(room, left);
    std::memcpy(buffer, up->data->data() + up->pos, take);
    up->pos += take;
    return take;
}

core::Error CurlError(CURLcode code, long response, const std::string& url) {
    const std::string what = url + ": " + curl_easy_strerror(code) +
                             (response != 0 ? " (SMTP " + std::to_string(response) + ")" : "");
    switch (code) {
        case CURLE_OPERATION_TIMEDOUT:
            return core::Error(core::Errc::kTimeout, "smtp", what);
        case CURLE_LOGIN_DENIED:
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
            return core::Error(core::Errc::kConfig, "smtp", what);
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_GOT_NOTHING:
            return core::Error(core::Errc::kUnavailable, "smtp", what);
        default:
            break;
    }
    // A permanent SMTP refusal (5xx) of the recipient or the message will not change.
    if (response >= 500 && response < 600) {
        return core::Error(core::Errc::kInvalidArgument, "smtp", what);
    }
    return core::Error(core::Errc::kUnavailable, "smtp", what);
}

}  // namespace

SmtpSender::SmtpSender(SmtpOptions options) : options_(std::move(options)) { GlobalInit(); }

SmtpSender::~SmtpSender() {
    if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

core::Status SmtpSender::Send(std::string_view to, const std::string& message) {
    if (curl_ == nullptr) curl_ = curl_easy_init();
    if (curl_ == nullptr) return core::Error(core::Errc::kUnavailable, "smtp", "curl_easy_init");
    // Reset keeps the handle's connection cache: the next message reuses the connection.
    CURL* curl = static_cast<CURL*>(curl_);
    curl_easy_reset(curl);
    const std::string from = "<" + options_.from_address + ">";
    const std::string rcpt = "<" + std::string(to) + ">";
    curl_slist* recipients = curl_slist_append(nullptr, rcpt.c_str());
    Upload up{&message};
    curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    // STARTTLS whenever the server offers it; smtps:// is TLS from the start.
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<std::int64_t>(options_.timeout.count(), 5000)));
    if (!options_.user.empty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, options_.user.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
    }
    if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
    const CURLcode rc = curl_easy_perform(curl);
    long response = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
    curl_slist_free_all(recipients);
    if (rc != CURLE_OK) return CurlError(rc, response, options_.url);
    return core::Ok();
}

std::string WebhookSignature(std::string_view secret, std::string_view body) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), out, &len);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex = "sha256=";
    for (unsigned int i = 0; i < len; ++i) {
        hex += kHex[out[i] >> 4];
        hex += kHex[out[i] & 15];
    }
    return hex;
}

WebhookSender::WebhookSender(WebhookOptions options) : options_(std::move(options)) {}

core::Status WebhookSender::Send(const contracts::Webhook& webhook, std::string_view alert_id,
                                 const std::string& body) const {
    const std::string env = webhook.secret_env.value_or(options_.default_secret_env);
    const char* secret = std::getenv(env.c_str());
    if (secret == nullptr || *secret == '\0') {
        return core::Error(core::Errc::kConfig, "webhook",
                           "no signing key: set the environment variable " + env);
    }
    http::ClientOptions copts;
    copts.ca_file = options_.ca_file;
    const http::Client client(copts);
    const http::Headers headers{{"X-Bfu-Signature", WebhookSignature(secret, body)},
                                {"X-Bfu-Alert-Id", std::string(alert_id)}};
    auto r = client.Post(webhook.url, body, "application/json; charset=utf-8", headers,
                         options_.timeout);
    if (!r.ok()) return std::move(r).error();
    if (r->status >= 200 && r->status < 300) return core::Ok();
    const std::string what = webhook.url + " answered " + std::to_string(r->status);
    if (r->status == 429 || r->status >= 500 || r->status == 408) {
        return core::Error(core::Errc::kUnavailable, "webhook", what);
    }
    return core::Error(core::Errc::kInvalidArgument, "webhook", what);
}

}  // namespace bfu::notifier
