#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "bfu/http/client.hpp"

namespace bfu::runtime::testing {

namespace {

std::string Url(std::uint16_t port, const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(port) + path;
}

RawResponse From(core::Result<http::Response> r) {
    RawResponse out;
    if (!r.ok()) {
        out.body = r.error().ToString();
        return out;
    }
    out.status = r->status;
    out.body = std::move(r->body);
    for (auto& [k, v] : r->headers) {
        std::string name = k;
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = v;
    }
    return out;
}

}  // namespace

RawResponse ParseRaw(std::string raw) {
    RawResponse r;
    r.raw = raw;
    // Skip interim 1xx responses (100 Continue).
    while (raw.rfind("HTTP/1.1 1", 0) == 0) {
        const auto end = raw.find("\r\n\r\n");
        if (end == std::string::npos) break;
        raw.erase(0, end + 4);
    }
    const auto head_end = raw.find("\r\n\r\n");
    if (raw.size() < 12 || head_end == std::string::npos) return r;
    r.status = std::stoi(raw.substr(9, 3));
    std::size_t pos = raw.find("\r\n") + 2;
    while (pos < head_end) {
        const auto nl = raw.find("\r\n", pos);
        const auto line = raw.substr(pos, nl - pos);
        const auto colon = line.find(':');
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers[name] = value;
        pos = nl + 2;
    }
    r.body = raw.substr(head_end + 4);
    return r;
}

int Connect(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool SendAll(int fd, std::string_view data, std::size_t piece) {
    std::size_t off = 0;
    while (off < data.size()) {
        const std::size_t len = piece > 0 ? std::min(piece, data.size() - off) : data.size() - off;
        const auto n = ::send(fd, data.data() + off, len, MSG_NOSIGNAL);
        if (n <= 0) return false;
        off += static_cast<std::size_t>(n);
    }
    return true;
}

std::string ReadUntilClosed(int fd, std::chrono::milliseconds quiet) {
    std::string raw;
    char buf[4096];
    while (true) {
        pollfd p{fd, POLLIN, 0};
        // A hung server fails the test, not the run.
        if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) break;
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        raw.append(buf, static_cast<std::size_t>(n));
    }
    return raw;
}

RawResponse ReadOne(int fd, std::chrono::milliseconds quiet) {
    std::string raw;
    char buf[4096];
    while (true) {
        const auto head_end = raw.find("\r\n\r\n");
        if (head_end != std::string::npos) {
            auto r = ParseRaw(raw);
            const auto length = r.headers.find("content-length");
            if (length != r.headers.end() && r.body.size() >= std::stoul(length->second)) {
                return r;
            }
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) break;
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        raw.append(buf, static_cast<std::size_t>(n));
    }
    return ParseRaw(std::move(raw));
}

RawResponse SendRaw(std::uint16_t port, const std::string& request, std::size_t piece) {
    const int fd = Connect(port);
    if (fd < 0) {
        RawResponse err;
        err.body = std::string("connect: ") + std::strerror(errno);
        return err;
    }
    // The server may answer (e.g. 413) and stop reading before the whole request is sent.
    SendAll(fd, request, piece);
    auto raw = ReadUntilClosed(fd);
    ::close(fd);
    return ParseRaw(std::move(raw));
}

RawResponse Get(std::uint16_t port, const std::string& path) {
    return From(http::Client().Get(Url(port, path)));
}

RawResponse Post(std::uint16_t port, const std::string& path, const std::string& body) {
    return From(http::Client().Post(Url(port, path), body, "application/json"));
}

}  // namespace bfu::runtime::testing
