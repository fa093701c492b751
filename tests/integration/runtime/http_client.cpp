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

namespace bfu::runtime::testing {

namespace {

RawResponse Parse(std::string raw) {
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

}  // namespace

RawResponse SendRaw(std::uint16_t port, const std::string& request, std::size_t piece) {
    RawResponse err;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        err.body = std::string("connect: ") + std::strerror(errno);
        ::close(fd);
        return err;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::size_t off = 0;
    while (off < request.size()) {
        const std::size_t len =
            piece > 0 ? std::min(piece, request.size() - off) : request.size() - off;
        const auto n = ::send(fd, request.data() + off, len, MSG_NOSIGNAL);
        // The server may answer (e.g. 413) and stop reading before the whole body is sent.
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
    }
    std::string raw;
    char buf[4096];
    while (true) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 10000) <= 0) break;  // a hung server fails the test, not the run
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        raw.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return Parse(std::move(raw));
}

RawResponse Get(std::uint16_t port, const std::string& path) {
    return SendRaw(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

RawResponse Post(std::uint16_t port, const std::string& path, const std::string& body) {
    return SendRaw(port, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                             std::to_string(body.size()) +
                             "\r\nContent-Type: application/json\r\n\r\n" + body);
}

}  // namespace bfu::runtime::testing
