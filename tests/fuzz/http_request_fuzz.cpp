// libFuzzer target for the HTTP server's own request parsing (bfu::runtime, http_server.hpp):
// the bytes are a request head as they come off the socket. The header lines are parsed as
// the server parses them (ParseHeaderLines), the body framing decided (ParseBodyFraming), and
// the request a handler would see is built the way the server builds it (target split into
// path and query) and queried (Header, Param: percent-decoding, form bodies). No socket: the
// request line itself is cpp-httplib's. Invariants: no crash, hang or undefined behaviour;
// names lower-case without whitespace; values trimmed; a refused framing has 400 or 501 and a
// reason, an accepted one not both a length and chunked.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bfu/runtime/http_server.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto head_end = bytes.find("\r\n\r\n");
    const std::string_view head =
        head_end == std::string_view::npos ? bytes : bytes.substr(0, head_end + 4);
    const std::string_view body =
        head_end == std::string_view::npos ? std::string_view{} : bytes.substr(head_end + 4);

    const bfu::runtime::RequestHeaders parsed = bfu::runtime::ParseHeaderLines(head);
    for (const auto& [name, value] : parsed.headers) {
        if (name.empty()) std::abort();
        for (const char c : name) {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':') std::abort();
            if (std::isupper(static_cast<unsigned char>(c)) != 0) std::abort();
        }
        if (!value.empty() && (value.front() == ' ' || value.front() == '\t' ||
                               value.back() == ' ' || value.back() == '\t')) {
            std::abort();
        }
    }
    const bfu::runtime::BodyFraming framing = bfu::runtime::ParseBodyFraming(parsed.headers);
    if (framing.status != 0) {
        if (framing.status != 400 && framing.status != 501) std::abort();
        if (framing.reason.empty() || framing.chunked || framing.content_length) std::abort();
    } else if (framing.chunked && framing.content_length) {
        std::abort();
    }

    // The request line: METHOD SP TARGET SP VERSION (httplib's; split here as it is).
    bfu::runtime::HttpRequest request;
    const std::string_view line = head.substr(0, head.find("\r\n"));
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 != std::string_view::npos) {
        request.method = std::string(line.substr(0, sp1));
        request.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
        request.version = std::string(line.substr(sp2 + 1));
    }
    const auto q = request.target.find('?');
    request.path = request.target.substr(0, q);
    if (q != std::string::npos) request.query = request.target.substr(q + 1);
    request.headers = parsed.headers;
    request.body = std::string(body);
    (void)request.Header("Content-Type");
    for (const char* name : {"dry_run", "year", "unit", ""}) {
        if (auto v = request.Param(name); v && v->size() > request.query.size() + body.size()) {
            std::abort();  // decoding never lengthens
        }
    }
    const std::string decoded = bfu::runtime::PercentDecode(request.target, true);
    if (decoded.size() > request.target.size()) std::abort();
    return 0;
}
