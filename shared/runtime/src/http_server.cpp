#include "bfu/runtime/http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <system_error>

namespace bfu::runtime {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = 16 << 10;
// After the response, the peer gets this long to finish sending and close before we do; closing
// with unread input would reset the connection and could destroy the response in flight.
constexpr std::chrono::milliseconds kDrainTimeout{2000};

std::string Lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view TrimWs(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

void CloseFd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

}  // namespace

std::optional<std::string_view> HttpRequest::Header(std::string_view name) const {
    const auto lower = Lower(name);
    for (const auto& [k, v] : headers) {
        if (k == lower) return std::string_view(v);
    }
    return std::nullopt;
}

HttpResponse HttpResponse::Text(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

HttpResponse HttpResponse::Json(int status, std::string json_body) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/json";
    r.body = std::move(json_body);
    return r;
}

std::string_view ReasonPhrase(int status) noexcept {
    switch (status) {
        case 100:
            return "Continue";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 411:
            return "Length Required";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Content";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return "Unknown";
    }
}

struct HttpServer::Connection {
    enum class State { kHead, kBody, kWrite, kDrain };
    int fd = -1;
    State state = State::kHead;
    std::string in;
    std::string out;
    std::size_t out_off = 0;
    HttpRequest request;
    Route route;
    std::size_t content_length = 0;
    std::size_t body_seen = 0;
    std::unique_ptr<BodyReader> reader;
    SteadyClock::time_point deadline;
    bool closed = false;
};

HttpServer::HttpServer(HttpServerOptions options) : options_(std::move(options)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(std::string method, std::string path, HttpHandler handler) {
    std::lock_guard lock(routes_mu_);
    routes_[std::move(path)][std::move(method)] = Route{std::move(handler), nullptr, 0};
}

void HttpServer::HandleStreaming(std::string method, std::string path, StreamingHandler handler,
                                 std::size_t max_body_bytes) {
    std::lock_guard lock(routes_mu_);
    routes_[std::move(path)][std::move(method)] =
        Route{nullptr, std::move(handler), max_body_bytes};
}

HttpServer::Lookup HttpServer::FindRoute(const std::string& method, const std::string& path,
                                         Route& out, std::string& allow) const {
    std::lock_guard lock(routes_mu_);
    auto p = routes_.find(path);
    if (p == routes_.end()) return Lookup::kNoPath;
    auto m = p->second.find(method);
    if (m == p->second.end()) {
        for (const auto& [name, route] : p->second) {
            if (!allow.empty()) allow += ", ";
            allow += name;
        }
        return Lookup::kNoMethod;
    }
    out = m->second;
    return Lookup::kFound;
}

void HttpServer::Start() {
    if (thread_.joinable()) return;
    in_addr addr{};
    if (::inet_pton(AF_INET, options_.host.c_str(), &addr) != 1) {
        throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                                "http: host '" + options_.host + "' is not a numeric IPv4 address");
    }
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::system_error(errno, std::generic_category(), "http: socket");
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(options_.port);
    sa.sin_addr = addr;
    const std::string where = options_.host + ":" + std::to_string(options_.port);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
        ::listen(listen_fd_, 128) != 0) {
        const int err = errno;
        CloseFd(listen_fd_);
        throw std::system_error(err, std::generic_category(), "http: cannot listen on " + where);
    }
    socklen_t len = sizeof sa;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_.store(ntohs(sa.sin_port));
    if (::pipe2(wake_fds_, O_NONBLOCK | O_CLOEXEC) != 0) {
        const int err = errno;
        CloseFd(listen_fd_);
        throw std::system_error(err, std::generic_category(), "http: pipe");
    }
    stop_.store(false);
    thread_ = std::thread([this] { Loop(); });
}

void HttpServer::Stop() {
    if (!thread_.joinable()) return;
    stop_.store(true);
    const char b = 'x';
    [[maybe_unused]] auto n = ::write(wake_fds_[1], &b, 1);
    thread_.join();
    for (auto& c : connections_) CloseFd(c->fd);
    connections_.clear();
    CloseFd(listen_fd_);
    CloseFd(wake_fds_[0]);
    CloseFd(wake_fds_[1]);
}

void HttpServer::Loop() {
    std::vector<pollfd> fds;
    while (!stop_.load()) {
        fds.clear();
        fds.push_back({wake_fds_[0], POLLIN, 0});
        const bool accepting = connections_.size() < options_.max_connections;
        fds.push_back({accepting ? listen_fd_ : -1, POLLIN, 0});
        for (auto& c : connections_) {
            const short events = c->state == Connection::State::kWrite ? POLLOUT : POLLIN;
            fds.push_back({c->fd, events, 0});
        }
        // Wake at least every 200 ms to enforce idle and drain deadlines.
        const int rc = ::poll(fds.data(), fds.size(), 200);
        if (rc < 0 && errno != EINTR) break;
        if (stop_.load()) break;
        if (fds[1].revents & POLLIN) Accept();
        const auto now = SteadyClock::now();
        // Connections accepted just now are beyond fds; only the polled ones are examined.
        const std::size_t polled = fds.size() - 2;
        for (std::size_t i = 0; i < polled && i < connections_.size(); ++i) {
            auto& c = *connections_[i];
            const auto rev = fds[i + 2].revents;
            if (rev & (POLLIN | POLLHUP | POLLERR)) {
                if (c.state == Connection::State::kWrite) {
                    OnWritable(c);
                } else {
                    OnReadable(c);
                }
            } else if (rev & POLLOUT) {
                OnWritable(c);
            } else if (!c.closed && now >= c.deadline) {
                if (c.state == Connection::State::kHead || c.state == Connection::State::kBody) {
                    Finish(c, HttpResponse::Text(408, "request timeout\n"));
                } else {
                    c.closed = true;
                }
            }
        }
        for (auto& c : connections_) {
            if (c->closed) CloseFd(c->fd);
        }
        std::erase_if(connections_, [](const auto& c) { return c->closed; });
    }
}

void HttpServer::Accept() {
    while (connections_.size() < options_.max_connections) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;  // EAGAIN, or a transient error such as ECONNABORTED
        auto c = std::make_unique<Connection>();
        c->fd = fd;
        c->deadline = SteadyClock::now() + options_.idle_timeout;
        connections_.push_back(std::move(c));
    }
}

void HttpServer::OnReadable(Connection& c) {
    char buf[kReadChunk];
    const auto n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
        c.closed = true;
        return;
    }
    if (n == 0) {
        // The peer closed: nothing more can be answered (or, when draining, we are done).
        c.closed = true;
        return;
    }
    const std::string_view data(buf, static_cast<std::size_t>(n));
    switch (c.state) {
        case Connection::State::kDrain:
            return;
        case Connection::State::kBody:
            c.deadline = SteadyClock::now() + options_.idle_timeout;
            FeedBody(c, data);
            return;
        case Connection::State::kHead:
            c.deadline = SteadyClock::now() + options_.idle_timeout;
            c.in.append(data);
            if (ParseHead(c)) AfterHead(c);
            return;
        case Connection::State::kWrite:
            return;
    }
}

bool HttpServer::ParseHead(Connection& c) {
    const auto end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (c.in.size() > options_.max_header_bytes) {
            Finish(c, HttpResponse::Text(431, "request head too large\n"));
        }
        return false;
    }
    if (end > options_.max_header_bytes) {
        Finish(c, HttpResponse::Text(431, "request head too large\n"));
        return false;
    }
    std::string_view head(c.in.data(), end);
    auto& req = c.request;
    const auto line_end = head.find("\r\n");
    const auto line = head.substr(0, line_end);
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || sp1 == 0 ||
        sp2 == sp1 + 1 || line.find(' ', sp2 + 1) != std::string_view::npos) {
        Finish(c, HttpResponse::Text(400, "malformed request line\n"));
        return false;
    }
    req.method = std::string(line.substr(0, sp1));
    req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    req.version = std::string(line.substr(sp2 + 1));
    if (req.version.rfind("HTTP/1.", 0) != 0) {
        Finish(c, HttpResponse::Text(505, "only HTTP/1.x is served\n"));
        return false;
    }
    const auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    std::string_view rest =
        line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
    while (!rest.empty()) {
        const auto nl = rest.find("\r\n");
        const auto h = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 2);
        const auto colon = h.find(':');
        if (colon == std::string_view::npos || colon == 0 || h.front() == ' ' ||
            h.front() == '\t') {
            Finish(c, HttpResponse::Text(400, "malformed header line\n"));
            return false;
        }
        req.headers.emplace_back(Lower(h.substr(0, colon)),
                                 std::string(TrimWs(h.substr(colon + 1))));
    }
    c.in.erase(0, end + 4);
    return true;
}

void HttpServer::AfterHead(Connection& c) {
    auto& req = c.request;
    if (req.Header("transfer-encoding")) {
        Finish(c, HttpResponse::Text(411, "send the body with Content-Length\n"));
        return;
    }
    std::optional<std::size_t> length;
    for (const auto& [k, v] : req.headers) {
        if (k != "content-length") continue;
        std::size_t n = 0;
        auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() ||
            (length && *length != n)) {
            Finish(c, HttpResponse::Text(400, "malformed Content-Length\n"));
            return;
        }
        length = n;
    }
    std::string allow;
    switch (FindRoute(req.method, req.path, c.route, allow)) {
        case Lookup::kNoPath:
            Finish(c, HttpResponse::Text(404, "no route for " + req.path + "\n"));
            return;
        case Lookup::kNoMethod: {
            auto r = HttpResponse::Text(405, req.method + " is not allowed on " + req.path + "\n");
            r.headers.emplace_back("Allow", allow);
            Finish(c, std::move(r));
            return;
        }
        case Lookup::kFound:
            break;
    }
    const std::size_t limit =
        c.route.max_body_bytes != 0 ? c.route.max_body_bytes : options_.max_body_bytes;
    c.content_length = length.value_or(0);
    if (c.content_length > limit) {
        Finish(c, HttpResponse::Text(413, "body of " + std::to_string(c.content_length) +
                                              " bytes exceeds the limit of " +
                                              std::to_string(limit) + " bytes\n"));
        return;
    }
    if (c.route.streaming) {
        try {
            c.reader = c.route.streaming(req);
        } catch (const std::exception& e) {
            Finish(c, HttpResponse::Text(500, std::string("handler failed: ") + e.what() + "\n"));
            return;
        }
        if (!c.reader) {
            Finish(c, HttpResponse::Text(500, "handler gave no body reader\n"));
            return;
        }
    } else {
        req.body.reserve(c.content_length);
    }
    if (c.content_length > 0 && c.in.size() < c.content_length) {
        if (auto expect = req.Header("expect"); expect && Lower(*expect) == "100-continue") {
            // curl waits for this before sending a larger body; it is tiny, so a single send on
            // a fresh socket goes through (if not, the client sends the body after its timeout).
            static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            [[maybe_unused]] auto n =
                ::send(c.fd, kContinue.data(), kContinue.size(), MSG_NOSIGNAL);
        }
    }
    c.state = Connection::State::kBody;
    std::string pending = std::move(c.in);
    c.in.clear();
    FeedBody(c, pending);
}

void HttpServer::FeedBody(Connection& c, std::string_view data) {
    const std::size_t want = c.content_length - c.body_seen;
    data = data.substr(0, std::min(want, data.size()));
    c.body_seen += data.size();
    try {
        if (c.reader) {
            if (!data.empty()) {
                if (auto early = c.reader->OnData(data)) {
                    Finish(c, std::move(*early));
                    return;
                }
            }
            if (c.body_seen == c.content_length) Finish(c, c.reader->OnEnd());
            return;
        }
        c.request.body.append(data);
        if (c.body_seen == c.content_length) Finish(c, c.route.handler(c.request));
    } catch (const std::exception& e) {
        Finish(c, HttpResponse::Text(500, std::string("handler failed: ") + e.what() + "\n"));
    }
}

void HttpServer::Finish(Connection& c, HttpResponse response) {
    c.reader.reset();
    std::string& out = c.out;
    out = "HTTP/1.1 " + std::to_string(response.status) + " ";
    out += ReasonPhrase(response.status);
    out += "\r\nContent-Type: " + response.content_type;
    out += "\r\nContent-Length: " + std::to_string(response.body.size());
    out += "\r\nConnection: close\r\n";
    for (const auto& [k, v] : response.headers) out += k + ": " + v + "\r\n";
    out += "\r\n";
    out += response.body;
    c.out_off = 0;
    c.state = Connection::State::kWrite;
    c.deadline = SteadyClock::now() + options_.idle_timeout;
    OnWritable(c);
}

void HttpServer::OnWritable(Connection& c) {
    while (c.out_off < c.out.size()) {
        const auto n =
            ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if (errno == EINTR) continue;
            c.closed = true;
            return;
        }
        c.out_off += static_cast<std::size_t>(n);
    }
    ::shutdown(c.fd, SHUT_WR);
    c.state = Connection::State::kDrain;
    c.deadline = SteadyClock::now() + kDrainTimeout;
}

}  // namespace bfu::runtime
