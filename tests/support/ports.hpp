#pragma once
// Loopback TCP ports for servers a test or benchmark is about to start (a service's HTTP port,
// a ZeroMQ endpoint, a private redis-server).
//
//   const int port = bfu::testing::FreePort();
//
// Binding port 0 and closing again is not enough: the kernel hands that port out again to the
// next bind(0) or outgoing connection, often before the server that was meant to have it binds
// (two services of one e2e run once got the same HTTP port that way, and the test talked to the
// wrong one). So FreePort takes ports below the kernel's ephemeral range (where neither
// bind(0) nor a client connection ever lands), never returns the same port twice in one
// process, starts at a place that depends on the process id (two processes rarely walk the
// same ports) and checks that the port can be bound right now.
//
// Header-only, no GoogleTest, thread-safe; throws std::runtime_error when no port is left.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>

namespace bfu::testing {

namespace detail {

inline constexpr int kFirstTestPort = 10000;

// The first port of the kernel's ephemeral range (32768 unless configured otherwise).
inline int EphemeralRangeStart() {
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    int lo = 0;
    int hi = 0;
    if (in >> lo >> hi && lo > kFirstTestPort + 1000) return lo;
    return 32768;
}

// True if a listening socket could take 127.0.0.1:port now.
inline bool CanBind(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    ::close(fd);
    return ok;
}

}  // namespace detail

inline int FreePort() {
    static std::mutex mu;
    static int next = -1;
    static const int end = detail::EphemeralRangeStart();
    const int span = end - detail::kFirstTestPort;
    std::lock_guard lock(mu);
    if (next < 0) {
        const auto spread = static_cast<unsigned>(::getpid()) * 2654435761U;  // Knuth's hash
        next = detail::kFirstTestPort + static_cast<int>(spread % static_cast<unsigned>(span));
    }
    for (int tried = 0; tried < span; ++tried) {
        const int port = next;
        next = next + 1 < end ? next + 1 : detail::kFirstTestPort;
        if (detail::CanBind(port)) return port;
    }
    throw std::runtime_error("no free loopback port below " + std::to_string(end));
}

}  // namespace bfu::testing
