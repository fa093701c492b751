#include "bfu/http/client.hpp"

#include <httplib.h>

#include <cctype>
#include <charconv>
#include <exception>
#include <fstream>
#include <memory>

namespace bfu::http {

namespace {

using core::Errc;
using core::Error;

bool SameNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

std::string HostPort(const Url& u) {
    const bool v6 = u.host.find(':') != std::string::npos;
    return (v6 ? "[" + u.host + "]" : u.host) + ":" + std::to_string(u.port);
}

Error Failure(httplib::Error error, bool timed_out, const Url& u, std::string_view url,
              std::chrono::milliseconds timeout) {
    const std::string where = HostPort(u);
    const std::string within = " within " + std::to_string(timeout.count()) + " ms";
    switch (error) {
        case httplib::Error::ConnectionTimeout:
            return {Errc::kTimeout, "no connection to " + where + within};
        case httplib::Error::Read:
        case httplib::Error::Write:
            if (timed_out) return {Errc::kTimeout, "no answer from " + where + within};
            return {Errc::kUnavailable,
                    "the connection to " + where + " failed (" + httplib::to_string(error) + ")"};
        case httplib::Error::Connection:
            return {Errc::kUnavailable, "cannot connect to " + where};
        case httplib::Error::SSLConnection:
            return {Errc::kUnavailable, "TLS handshake with " + where + " failed"};
        case httplib::Error::SSLServerVerification:
            return {Errc::kUnavailable,
                    "the certificate of " + where + " was not verified (check ca_file)"};
        case httplib::Error::SSLLoadingCerts:
            return {Errc::kInvalidArgument, "ca_file",
                    "the CA certificates cannot be loaded for " + std::string(url)};
        default:
            return {Errc::kUnavailable,
                    std::string(url) + ": request failed (" + httplib::to_string(error) + ")"};
    }
}

}  // namespace

std::optional<std::string_view> Response::Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (SameNoCase(k, name)) return std::string_view(v);
    }
    return std::nullopt;
}

core::Result<Url> ParseUrl(std::string_view url) {
    auto bad = [url](std::string_view why) {
        return Error(Errc::kInvalidArgument, "url",
                     "'" + std::string(url) + "' " + std::string(why));
    };
    for (const char c : url) {
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
            return bad("contains a space or a control character (percent-encode it)");
        }
    }
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) return bad("is not an http:// or https:// URL");
    Url u;
    const auto scheme = url.substr(0, sep);
    if (SameNoCase(scheme, "http")) {
        u.port = 80;
    } else if (SameNoCase(scheme, "https")) {
        u.tls = true;
        u.port = 443;
    } else {
        return bad("has the scheme '" + std::string(scheme) + "': use http or https");
    }
    auto rest = url.substr(sep + 3);
    rest = rest.substr(0, rest.find('#'));
    const auto end = rest.find_first_of("/?");
    const auto authority = rest.substr(0, end);
    if (end == std::string_view::npos) {
        u.target = "/";
    } else {
        u.target = rest[end] == '?' ? "/" : "";
        // Sent as written (the caller encodes), except bytes beyond ASCII, which HTTP forbids.
        for (const char c : rest.substr(end)) {
            const auto b = static_cast<unsigned char>(c);
            if (b < 0x80) {
                u.target.push_back(c);
                continue;
            }
            static constexpr char kHex[] = "0123456789ABCDEF";
            u.target += {'%', kHex[b >> 4U], kHex[b & 0xFU]};
        }
    }
    if (authority.find('@') != std::string_view::npos) {
        return bad("carries user information: send credentials in a header");
    }
    std::string_view host;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return bad("has an unclosed '[' in its host");
        host = authority.substr(1, close - 1);
        port = authority.substr(close + 1);
    } else {
        const auto colon = authority.find(':');
        if (colon != std::string_view::npos && authority.rfind(':') != colon) {
            return bad("has an IPv6 address without brackets");
        }
        host = authority.substr(0, colon);
        port = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
    }
    if (host.empty()) return bad("names no host");
    u.host = std::string(host);
    if (!port.empty()) {
        unsigned value = 0;
        const auto digits = port.substr(1);
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (port.front() != ':' || digits.empty() || ec != std::errc() ||
            ptr != digits.data() + digits.size() || value == 0 || value > 65535) {
            return bad("has a bad port (1-65535)");
        }
        u.port = static_cast<std::uint16_t>(value);
    }
    return u;
}

Client::Client(ClientOptions options) : options_(std::move(options)) {}

core::Result<Response> Client::Get(std::string_view url, const Headers& headers,
                                   std::chrono::milliseconds timeout) const {
    return Send("GET", url, {}, {}, headers, timeout);
}

core::Result<Response> Client::Post(std::string_view url, std::string_view body,
                                    std::string_view content_type, const Headers& headers,
                                    std::chrono::milliseconds timeout) const {
    return Send("POST", url, body, content_type, headers, timeout);
}

core::Result<Response> Client::Send(std::string_view method, std::string_view url,
                                    std::string_view body, std::string_view content_type,
                                    const Headers& headers,
                                    std::chrono::milliseconds timeout) const {
    auto u = ParseUrl(url);
    if (!u.ok()) return std::move(u).error();
    if (u->tls && !options_.ca_file.empty() && !std::ifstream(options_.ca_file).good()) {
        return Error(
            Errc::kInvalidArgument, "ca_file",
            "'" + options_.ca_file + "' cannot be read: name a PEM file of CA certificates");
    }
    try {
        std::unique_ptr<httplib::ClientImpl> client;
        if (u->tls) {
            auto tls = std::make_unique<httplib::SSLClient>(u->host, u->port);
            if (!options_.ca_file.empty()) tls->set_ca_cert_path(options_.ca_file);
            tls->enable_server_certificate_verification(options_.verify_tls);
            client = std::move(tls);
        } else {
            client = std::make_unique<httplib::ClientImpl>(u->host, u->port);
        }
        if (!client->is_valid()) {
            return Error(Errc::kInternal, "the HTTP client for " + std::string(url) +
                                              " could not be set up (OpenSSL)");
        }
        client->set_connection_timeout(timeout);
        client->set_read_timeout(timeout);
        client->set_write_timeout(timeout);
        client->set_keep_alive(false);
        client->set_follow_location(false);
        client->set_url_encode(false);  // ParseUrl has made the target safe to send as it is
        std::string type(content_type);
        httplib::Headers sent;
        for (const auto& [k, v] : headers) {
            if (SameNoCase(k, "content-type")) {
                if (type.empty()) type = v;
                continue;
            }
            sent.emplace(k, v);
        }
        const auto start = std::chrono::steady_clock::now();
        auto result = method == "GET"
                          ? client->Get(u->target, sent)
                          : client->Post(u->target, sent, body.data(), body.size(), type);
        if (!result) {
            const bool timed_out = std::chrono::steady_clock::now() - start >= timeout;
            return Failure(result.error(), timed_out, *u, url, timeout);
        }
        Response out;
        out.status = result->status;
        out.reason = result->reason;
        out.body = std::move(result->body);
        for (const auto& [k, v] : result->headers) out.headers.emplace_back(k, v);
        return out;
    } catch (const std::exception& e) {
        return Error(Errc::kInternal, std::string(url) + ": " + e.what());
    }
}

}  // namespace bfu::http
