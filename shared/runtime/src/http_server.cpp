#include "bfu/runtime/http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

namespace bfu::runtime {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// After an answer, the peer gets this long to finish sending and close before we do; closing
// with unread input would reset the connection and could destroy the answer in flight.
constexpr milliseconds kDrainTimeout{2000};
// cpp-httplib listens with a backlog of 5; a burst of connections deserves more.
constexpr int kListenBacklog = 128;
constexpr std::size_t kReadBuffer = 16 << 10;

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

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && Lower(s.substr(0, prefix.size())) == prefix;
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// poll(2) on one descriptor; > 0 ready, 0 timed out, < 0 failed.
int PollOne(int fd, short events, milliseconds timeout) {
    pollfd p{fd, events, 0};
    const auto ms = static_cast<int>(
        std::clamp<milliseconds::rep>(timeout.count(), 0, std::numeric_limits<int>::max()));
    while (true) {
        const int rc = ::poll(&p, 1, ms);
        if (rc < 0 && errno == EINTR) continue;
        return rc;
    }
}

// A whole answer with "Connection: close", for refusals written outside cpp-httplib.
std::string PlainAnswer(int status, std::string_view body) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
    out += ReasonPhrase(status);
    out += "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += "\r\nConnection: close\r\n\r\n";
    out += body;
    return out;
}

// Sends what fits at once, never blocking (a refusal to a connection we are about to close).
void SendNow(int fd, std::string_view data) {
    [[maybe_unused]] const auto n =
        ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

void Address(const sockaddr_storage& addr, std::string& ip, int& port) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
        sockaddr_in a{};
        std::memcpy(&a, &addr, sizeof a);
        ::inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
        port = ntohs(a.sin_port);
    } else if (addr.ss_family == AF_INET6) {
        sockaddr_in6 a{};
        std::memcpy(&a, &addr, sizeof a);
        ::inet_ntop(AF_INET6, &a.sin6_addr, buf, sizeof buf);
        port = ntohs(a.sin6_port);
    }
    ip = buf;
}

// One request's view of its connection, for cpp-httplib: reads through a buffer, holding the
// head to its deadline and size limit, and keeps a copy of the head so that it is checked line
// by line and its headers are handed on in arrival order (httplib ignores a malformed header
// line and sorts headers by name). Used by one worker thread at a time.
class ConnStream final : public httplib::Stream {
public:
    using Headers = std::vector<std::pair<std::string, std::string>>;

    ConnStream(int fd, const HttpServerOptions& options)
        : fd_(fd), options_(options), head_deadline_(Clock::now() + options.header_timeout) {}

    bool is_readable() const override {
        return off_ < len_ || PollOne(fd_, POLLIN, options_.read_timeout) > 0;
    }
    bool is_writable() const override { return PollOne(fd_, POLLOUT, options_.write_timeout) > 0; }

    ssize_t read(char* ptr, size_t size) override {
        if (refusal_ != 0) return -1;
        if (off_ == len_ && !Fill()) return refusal_ != 0 || timed_out_ || failed_ ? -1 : 0;
        const std::size_t n = std::min(size, len_ - off_);
        if (!head_done_) {
            if (head_.size() + n > options_.max_header_bytes) {
                refusal_ = 431;
                return -1;
            }
            head_.append(buf_.data() + off_, n);
        }
        std::memcpy(ptr, buf_.data() + off_, n);
        off_ += n;
        return static_cast<ssize_t>(n);
    }

    ssize_t write(const char* ptr, size_t size) override {
        // httplib's own answer to a head we refused is dropped: Serve sends the refusal.
        if (refusal_ != 0) return static_cast<ssize_t>(size);
        while (true) {
            if (PollOne(fd_, POLLOUT, options_.write_timeout) <= 0) return -1;
            const auto n = ::send(fd_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n >= 0) return n;
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -1;
        }
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
            Address(addr, ip, port);
        }
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
            Address(addr, ip, port);
        }
    }
    socket_t socket() const override { return fd_; }

    // httplib has parsed the head (its setup_request hook): check our copy and keep its
    // headers; from here on reads belong to the body.
    void EndOfHead() {
        head_done_ = true;
        auto parsed = ParseHeaderLines(head_);
        headers_ = std::move(parsed.headers);
        malformed_ = parsed.malformed;
        head_.clear();
        head_.shrink_to_fit();
    }

    // 408 (the head stalled) or 431 (the head is too large); 0 when the head came whole.
    [[nodiscard]] int refusal() const noexcept { return refusal_; }
    [[nodiscard]] bool head_malformed() const noexcept { return malformed_; }
    // A wait for the body ran out (read_timeout).
    [[nodiscard]] bool timed_out() const noexcept { return timed_out_; }
    // Bytes read from the socket that no request has taken (a pipelined request).
    [[nodiscard]] bool buffered() const noexcept { return off_ < len_; }
    [[nodiscard]] const Headers& headers() const noexcept { return headers_; }

    void SendRefusal() {
        const auto answer = PlainAnswer(
            refusal_, refusal_ == 408 ? "request timeout\n" : "request head too large\n");
        std::size_t off = 0;
        while (off < answer.size() && PollOne(fd_, POLLOUT, options_.write_timeout) > 0) {
            const auto n =
                ::send(fd_, answer.data() + off, answer.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return;
            if (n > 0) off += static_cast<std::size_t>(n);
        }
    }

private:
    // Refills the buffer; false at the end of the stream, on a timeout or an error.
    bool Fill() {
        while (true) {
            milliseconds wait = options_.read_timeout;
            if (!head_done_) {
                const auto left =
                    std::chrono::duration_cast<milliseconds>(head_deadline_ - Clock::now());
                wait = std::min(wait, std::max(left, milliseconds{0}));
            }
            const int ready = PollOne(fd_, POLLIN, wait);
            if (ready == 0) {
                if (head_done_) {
                    timed_out_ = true;
                } else {
                    refusal_ = 408;
                }
                return false;
            }
            if (ready < 0) {
                failed_ = true;
                return false;
            }
            const auto n = ::recv(fd_, buf_.data(), buf_.size(), MSG_DONTWAIT);
            if (n > 0) {
                off_ = 0;
                len_ = static_cast<std::size_t>(n);
                return true;
            }
            if (n == 0) return false;
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            failed_ = true;
            return false;
        }
    }

    int fd_;
    const HttpServerOptions& options_;
    Clock::time_point head_deadline_;
    bool head_done_ = false;
    int refusal_ = 0;
    bool malformed_ = false;
    bool timed_out_ = false;
    bool failed_ = false;
    std::string head_;
    Headers headers_;
    std::array<char, kReadBuffer> buf_{};
    std::size_t off_ = 0;
    std::size_t len_ = 0;
};

// The request a worker is serving, for the handlers httplib calls on the same thread.
struct Exchange {
    ConnStream* stream = nullptr;
    bool must_close = false;  // a body may be left unread: no further request on this one
};
thread_local Exchange* tl_exchange = nullptr;

// httplib's accept loop hands each new connection to this queue; it runs the hand-off at once
// on the accepting thread (Impl::Adopt only parks the connection), so accepting never waits
// for a worker.
class InlineQueue final : public httplib::TaskQueue {
public:
    void enqueue(std::function<void()> fn) override { fn(); }
    void shutdown() override {}
};

std::optional<std::string> FindParam(std::string_view text, std::string_view name) {
    while (!text.empty()) {
        const auto amp = text.find('&');
        const auto pair = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        if (PercentDecode(pair.substr(0, eq), true) != name) continue;
        return eq == std::string_view::npos ? std::string()
                                            : PercentDecode(pair.substr(eq + 1), true);
    }
    return std::nullopt;
}

}  // namespace

std::string PercentDecode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '%' && i + 2 < s.size()) {
            const int hi = HexValue(s[i + 1]);
            const int lo = HexValue(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(plus_is_space && c == '+' ? ' ' : c);
    }
    return out;
}

RequestHeaders ParseHeaderLines(std::string_view head) {
    RequestHeaders out;
    const auto first = head.find("\r\n");
    std::string_view rest =
        first == std::string_view::npos ? std::string_view{} : head.substr(first + 2);
    while (!rest.empty()) {
        const auto eol = rest.find("\r\n");
        if (eol == std::string_view::npos) {
            out.malformed = true;
            break;
        }
        const auto line = rest.substr(0, eol);
        rest.remove_prefix(eol + 2);
        if (line.empty()) break;
        const auto colon = line.find(':');
        // No name, whitespace in or before the name (also an obsolete folded line), a bare
        // LF inside: refused, as RFC 9112 allows, rather than guessed at.
        if (colon == std::string_view::npos || colon == 0 ||
            line.find_first_of(" \t\r\n") < colon || line.find('\n') != std::string_view::npos) {
            out.malformed = true;
            continue;
        }
        out.headers.emplace_back(Lower(line.substr(0, colon)),
                                 std::string(TrimWs(line.substr(colon + 1))));
    }
    return out;
}

BodyFraming ParseBodyFraming(const std::vector<std::pair<std::string, std::string>>& headers) {
    BodyFraming out;
    const auto refuse = [&out](int status, std::string reason) {
        out = BodyFraming{};
        out.status = status;
        out.reason = std::move(reason);
        return out;
    };
    for (const auto& [k, v] : headers) {
        if (k == "transfer-encoding") {
            if (out.chunked || Lower(v) != "chunked") {
                return refuse(501, "only the chunked transfer coding is accepted\n");
            }
            out.chunked = true;
        } else if (k == "content-length") {
            std::size_t n = 0;
            auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() ||
                (out.content_length && *out.content_length != n)) {
                return refuse(400, "malformed Content-Length\n");
            }
            out.content_length = n;
        }
    }
    if (out.chunked && out.content_length) {
        return refuse(400, "send Content-Length or Transfer-Encoding, not both\n");
    }
    return out;
}

std::optional<std::string_view> HttpRequest::Header(std::string_view name) const {
    const auto lower = Lower(name);
    for (const auto& [k, v] : headers) {
        if (k == lower) return std::string_view(v);
    }
    return std::nullopt;
}

std::optional<std::string> HttpRequest::Param(std::string_view name) const {
    if (auto v = FindParam(query, name)) return v;
    const auto type = Header("content-type");
    if (type && StartsWithNoCase(*type, "application/x-www-form-urlencoded")) {
        return FindParam(body, name);
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
        case 501:
            return "Not Implemented";
        case 503:
            return "Service Unavailable";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return "Unknown";
    }
}

// ---------------------------------------------------------------------------------------------
// The server

// Owned by HttpServer: the routes, httplib's server (Engine) with its accepting thread, the
// watcher thread and the worker pool. Start and Stop run on the owner's thread; routes may be
// added from any thread (routes_mu_); the connection bookkeeping is shared by the accepting
// thread, the watcher and the workers (mu_).
class HttpServer::Impl {
public:
    Impl(const HttpServerOptions& options, std::atomic<std::uint16_t>& port)
        : options_(options), port_(port) {}
    ~Impl() { Stop(); }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    struct Route {
        HttpHandler handler;
        StreamingHandler streaming;
        std::size_t max_body_bytes = 0;
        std::shared_ptr<std::mutex> steps;  // streaming routes: one step at a time
    };

    void AddExact(std::string method, std::string path, Route route) {
        std::lock_guard lock(routes_mu_);
        exact_[std::move(path)][std::move(method)] = std::move(route);
    }

    void AddPrefix(std::string method, std::string prefix, Route route) {
        std::lock_guard lock(routes_mu_);
        auto it = std::find_if(prefixes_.begin(), prefixes_.end(),
                               [&](const auto& p) { return p.first == prefix; });
        if (it == prefixes_.end()) {
            prefixes_.emplace_back(std::move(prefix), Methods{});
            it = std::prev(prefixes_.end());
        }
        it->second[std::move(method)] = std::move(route);
        // Longest first, so the most specific prefix is tried first.
        std::stable_sort(prefixes_.begin(), prefixes_.end(), [](const auto& a, const auto& b) {
            return a.first.size() > b.first.size();
        });
    }

    void Start();
    void Stop();

private:
    using Methods = std::map<std::string, Route>;
    enum class Lookup { kFound, kNoPath, kNoMethod };
    enum class Wait { kFirst, kKeepAlive, kDrain };
    // A connection waiting on the watcher: for its first bytes, for its next request, or for
    // the peer to close after the last answer.
    struct Parked {
        int fd = -1;
        Clock::time_point deadline;
        Wait wait = Wait::kFirst;
        std::size_t served = 0;
    };
    // What a request will be served by, once its head passed the checks.
    struct Plan {
        Route route;
        std::size_t limit = 0;
        bool has_body = false;
    };

    // cpp-httplib's server, with its connection handling replaced by ours: it parses and routes
    // each request (process_request) on the stream we give it.
    class Engine final : public httplib::Server {
    public:
        explicit Engine(Impl& impl) : impl_(impl) {}
        bool ServeOne(httplib::Stream& stream, bool close_connection, bool& connection_closed,
                      const std::function<void(httplib::Request&)>& setup) {
            return process_request(stream, close_connection, connection_closed, setup);
        }
        [[nodiscard]] int listen_fd() const { return svr_sock_; }

    private:
        bool process_and_close_socket(socket_t sock) override {
            impl_.Adopt(sock);
            return true;
        }
        Impl& impl_;
    };

    void Configure(Engine& engine);
    void Adopt(int fd);
    void Watch();
    void Serve(Parked p) noexcept;
    void Close(int fd);
    void Wake();
    [[nodiscard]] bool Discard(int fd);

    void Answer(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader* reader);
    int Expect(const httplib::Request& req, httplib::Response& res);
    std::optional<HttpResponse> Check(const httplib::Request& req, Exchange& ex, Plan& plan);
    HttpResponse Buffered(const Plan& plan, HttpRequest& request,
                          const httplib::ContentReader* reader, Exchange& ex);
    HttpResponse Streaming(const Plan& plan, const HttpRequest& request,
                           const httplib::ContentReader* reader, Exchange& ex);
    Lookup FindRoute(const std::string& method, const std::string& path, Route& out,
                     std::string& allow) const;

    const HttpServerOptions& options_;
    std::atomic<std::uint16_t>& port_;

    mutable std::mutex routes_mu_;
    std::map<std::string, Methods> exact_;                   // path -> method -> route
    std::vector<std::pair<std::string, Methods>> prefixes_;  // longest prefix first

    std::unique_ptr<Engine> engine_;
    std::unique_ptr<httplib::ThreadPool> pool_;
    std::thread listener_;
    std::atomic<bool> listener_done_{false};
    std::thread watcher_;
    int wake_fd_ = -1;
    std::atomic<std::size_t> open_{0};  // connections accepted and not closed

    std::mutex mu_;  // guards what follows
    bool stopping_ = false;
    std::vector<Parked> incoming_;  // for the watcher to take
    std::set<int> active_;          // being served by a worker
};

void HttpServer::Impl::Start() {
    if (listener_.joinable()) return;
    in_addr addr{};
    if (::inet_pton(AF_INET, options_.host.c_str(), &addr) != 1) {
        throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                                "http: host '" + options_.host + "' is not a numeric IPv4 address");
    }
    const std::string where = options_.host + ":" + std::to_string(options_.port);
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "http: eventfd");
    auto engine = std::make_unique<Engine>(*this);
    Configure(*engine);
    errno = 0;
    int bound = -1;
    if (options_.port == 0) {
        bound = engine->bind_to_any_port(options_.host);
    } else if (engine->bind_to_port(options_.host, options_.port)) {
        bound = options_.port;
    }
    if (bound <= 0) {
        const int err = errno != 0 ? errno : EADDRNOTAVAIL;
        ::close(wake_fd_);
        wake_fd_ = -1;
        throw std::system_error(err, std::generic_category(), "http: cannot listen on " + where);
    }
    ::listen(engine->listen_fd(), kListenBacklog);
    port_.store(static_cast<std::uint16_t>(bound));
    {
        std::lock_guard lock(mu_);
        stopping_ = false;
    }
    pool_ = std::make_unique<httplib::ThreadPool>(std::max<std::size_t>(1, options_.threads));
    engine_ = std::move(engine);
    watcher_ = std::thread([this] { Watch(); });
    listener_done_.store(false);
    listener_ = std::thread([this] {
        engine_->listen_after_bind();
        listener_done_.store(true);
    });
    // httplib's stop() only acts once its accept loop runs.
    while (!engine_->is_running() && !listener_done_.load()) {
        std::this_thread::sleep_for(milliseconds(1));
    }
}

void HttpServer::Impl::Stop() {
    if (!listener_.joinable()) return;
    engine_->stop();
    listener_.join();
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        // Workers blocked on these sockets return at once; the descriptors are closed by them.
        for (const int fd : active_) ::shutdown(fd, SHUT_RDWR);
    }
    Wake();
    watcher_.join();
    pool_->shutdown();  // runs what is queued (each closes its connection) and joins
    pool_.reset();
    engine_.reset();
    ::close(wake_fd_);
    wake_fd_ = -1;
}

void HttpServer::Impl::Configure(Engine& engine) {
    engine.new_task_queue = [] { return new InlineQueue; };
    // Only for the Keep-Alive header httplib writes; the connections are ours (Serve).
    engine.set_keep_alive_max_count(std::max<std::size_t>(1, options_.keep_alive_max_requests));
    engine.set_keep_alive_timeout(
        std::chrono::duration_cast<std::chrono::seconds>(options_.keep_alive_timeout).count());
    // httplib's default sets SO_REUSEPORT, which would let a second server bind the same port.
    engine.set_socket_options([](socket_t sock) {
        int one = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    });
    // Every path goes to Answer, which routes by our own table.
    const std::string any = R"([\s\S]*)";
    auto plain = [this](const httplib::Request& req, httplib::Response& res) {
        Answer(req, res, nullptr);
    };
    auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader) { Answer(req, res, &reader); };
    engine.Get(any, plain);
    engine.Options(any, plain);
    engine.Post(any, with_body);
    engine.Put(any, with_body);
    engine.Patch(any, with_body);
    engine.Delete(any, with_body);
    engine.set_expect_100_continue_handler(
        [this](const httplib::Request& req, httplib::Response& res) { return Expect(req, res); });
    // httplib's own refusals (a request line it cannot parse, a URI over 8 KiB) get a text.
    engine.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (res.body.empty()) {
            res.set_content(
                std::to_string(res.status) + " " + std::string(ReasonPhrase(res.status)) + "\n",
                "text/plain; charset=utf-8");
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Connections

void HttpServer::Impl::Adopt(int fd) {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    {
        std::lock_guard lock(mu_);
        if (stopping_) {
            ::close(fd);
            return;
        }
        if (open_.load() < options_.max_connections) {
            open_.fetch_add(1);
            incoming_.push_back({fd, Clock::now() + options_.idle_timeout, Wait::kFirst, 0});
            Wake();
            return;
        }
    }
    SendNow(fd, PlainAnswer(503, "too many connections\n"));
    ::close(fd);
}

void HttpServer::Impl::Close(int fd) {
    ::close(fd);
    open_.fetch_sub(1);
}

void HttpServer::Impl::Wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
}

bool HttpServer::Impl::Discard(int fd) {
    std::array<char, 4096> buf{};
    while (true) {
        const auto n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
        if (n > 0) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
        return false;  // the peer closed, or the connection failed
    }
}

// The watcher thread: every connection that is not being served waits here, in one poll(2).
void HttpServer::Impl::Watch() {
    std::vector<Parked> parked;
    std::vector<Parked> still;
    std::vector<pollfd> fds;
    while (true) {
        {
            std::lock_guard lock(mu_);
            if (stopping_) break;
            parked.insert(parked.end(), incoming_.begin(), incoming_.end());
            incoming_.clear();
        }
        auto now = Clock::now();
        milliseconds timeout{1000};
        fds.clear();
        fds.push_back({wake_fd_, POLLIN, 0});
        for (const auto& p : parked) {
            fds.push_back({p.fd, POLLIN, 0});
            const auto left = std::chrono::ceil<milliseconds>(p.deadline - now);
            timeout = std::clamp(left, milliseconds{0}, timeout);
        }
        if (::poll(fds.data(), fds.size(), static_cast<int>(timeout.count())) < 0 &&
            errno != EINTR) {
            std::this_thread::sleep_for(milliseconds(10));  // EMFILE or the like: not a spin
        }
        if ((fds[0].revents & POLLIN) != 0) {
            std::uint64_t count = 0;
            [[maybe_unused]] const auto n = ::read(wake_fd_, &count, sizeof count);
        }
        now = Clock::now();
        still.clear();
        for (std::size_t i = 0; i < parked.size(); ++i) {
            const auto& p = parked[i];
            if (fds[i + 1].revents != 0) {
                if (p.wait == Wait::kDrain) {
                    if (Discard(p.fd) && now < p.deadline) {
                        still.push_back(p);
                    } else {
                        Close(p.fd);
                    }
                } else {
                    pool_->enqueue([this, p] { Serve(p); });
                }
            } else if (now >= p.deadline) {
                // Nothing was sent on it: a 408 and a close cannot reset anything unread.
                if (p.wait == Wait::kFirst) SendNow(p.fd, PlainAnswer(408, "request timeout\n"));
                Close(p.fd);
            } else {
                still.push_back(p);
            }
        }
        parked.swap(still);
    }
    for (const auto& p : parked) Close(p.fd);
    std::lock_guard lock(mu_);
    for (const auto& p : incoming_) Close(p.fd);
    incoming_.clear();
}

// On a worker: one request on a connection that has bytes to read.
void HttpServer::Impl::Serve(Parked p) noexcept {
    {
        std::lock_guard lock(mu_);
        if (stopping_) {
            Close(p.fd);
            return;
        }
        active_.insert(p.fd);
    }
    bool keep = false;
    try {
        ConnStream stream(p.fd, options_);
        Exchange ex{&stream, false};
        tl_exchange = &ex;
        const bool last =
            p.served + 1 >= std::max<std::size_t>(1, options_.keep_alive_max_requests);
        bool closed = false;
        const bool ok = engine_->ServeOne(stream, last, closed,
                                          [&stream](httplib::Request&) { stream.EndOfHead(); });
        tl_exchange = nullptr;
        if (stream.refusal() != 0) {
            stream.SendRefusal();
        } else {
            keep = ok && !closed && !last && !ex.must_close && !stream.buffered();
        }
    } catch (...) {
        tl_exchange = nullptr;
        keep = false;
    }
    std::lock_guard lock(mu_);
    active_.erase(p.fd);
    if (stopping_) {
        Close(p.fd);
        return;
    }
    if (keep) {
        incoming_.push_back(
            {p.fd, Clock::now() + options_.keep_alive_timeout, Wait::kKeepAlive, p.served + 1});
    } else {
        // Our FIN goes after the answer; what the peer still sends is read and dropped until it
        // closes, so our close cannot reset the connection under the answer.
        ::shutdown(p.fd, SHUT_WR);
        incoming_.push_back({p.fd, Clock::now() + kDrainTimeout, Wait::kDrain, 0});
    }
    Wake();
}

// ---------------------------------------------------------------------------------------------
// Requests

HttpServer::Impl::Lookup HttpServer::Impl::FindRoute(const std::string& method,
                                                     const std::string& path, Route& out,
                                                     std::string& allow) const {
    std::lock_guard lock(routes_mu_);
    std::vector<const Methods*> candidates;
    if (auto e = exact_.find(path); e != exact_.end()) candidates.push_back(&e->second);
    for (const auto& [prefix, methods] : prefixes_) {
        if (path.compare(0, prefix.size(), prefix) == 0) candidates.push_back(&methods);
    }
    if (candidates.empty()) return Lookup::kNoPath;
    for (const auto* methods : candidates) {
        auto m = methods->find(method);
        if (m == methods->end() && method == "HEAD") m = methods->find("GET");
        if (m != methods->end()) {
            out = m->second;
            return Lookup::kFound;
        }
    }
    std::set<std::string> names;
    for (const auto* methods : candidates) {
        for (const auto& [name, route] : *methods) names.insert(name);
    }
    for (const auto& name : names) {
        if (!allow.empty()) allow += ", ";
        allow += name;
    }
    return Lookup::kNoMethod;
}

// The checks made once the head is in, before any of the body is read: a refusal, or the plan.
std::optional<HttpResponse> HttpServer::Impl::Check(const httplib::Request& req, Exchange& ex,
                                                    Plan& plan) {
    if (ex.stream->head_malformed()) return HttpResponse::Text(400, "malformed header line\n");
    const BodyFraming framing = ParseBodyFraming(ex.stream->headers());
    if (framing.status != 0) return HttpResponse::Text(framing.status, framing.reason);
    const std::optional<std::size_t> length = framing.content_length;
    const bool chunked = framing.chunked;
    const std::string path = req.target.substr(0, req.target.find('?'));
    std::string allow;
    switch (FindRoute(req.method, path, plan.route, allow)) {
        case Lookup::kNoPath:
            return HttpResponse::Text(404, "no route for " + path + "\n");
        case Lookup::kNoMethod: {
            auto r = HttpResponse::Text(405, req.method + " is not allowed on " + path + "\n");
            r.headers.emplace_back("Allow", allow);
            return r;
        }
        case Lookup::kFound:
            break;
    }
    plan.limit =
        plan.route.max_body_bytes != 0 ? plan.route.max_body_bytes : options_.max_body_bytes;
    if (length && *length > plan.limit) {
        return HttpResponse::Text(413, "body of " + std::to_string(*length) +
                                           " bytes exceeds the limit of " +
                                           std::to_string(plan.limit) + " bytes\n");
    }
    plan.has_body = chunked || length.value_or(0) > 0;
    if (plan.has_body && req.is_multipart_form_data()) {
        return HttpResponse::Text(415, "multipart/form-data bodies are not accepted\n");
    }
    return std::nullopt;
}

int HttpServer::Impl::Expect(const httplib::Request& req, httplib::Response& res) {
    Exchange* ex = tl_exchange;
    if (ex == nullptr) return 100;
    Plan plan;
    if (auto refusal = Check(req, *ex, plan)) {
        // Answered instead of "100 Continue": the client need not send the body.
        ex->must_close = true;
        res.status = refusal->status;
        for (const auto& [k, v] : refusal->headers) res.set_header(k, v);
        res.set_content(refusal->body, refusal->content_type);
        return refusal->status;
    }
    return 100;
}

void HttpServer::Impl::Answer(const httplib::Request& req, httplib::Response& res,
                              const httplib::ContentReader* reader) {
    Exchange fallback;
    Exchange* ex = tl_exchange != nullptr ? tl_exchange : &fallback;
    HttpResponse out;
    Plan plan;
    if (auto refusal = Check(req, *ex, plan)) {
        ex->must_close = true;
        out = std::move(*refusal);
    } else {
        HttpRequest request;
        request.method = req.method;
        request.target = req.target;
        const auto q = request.target.find('?');
        request.path = request.target.substr(0, q);
        if (q != std::string::npos) request.query = request.target.substr(q + 1);
        request.version = req.version;
        request.headers = ex->stream->headers();
        // httplib reads no body for GET and OPTIONS; one that was sent is left unread.
        if (reader == nullptr && plan.has_body) ex->must_close = true;
        out = plan.route.streaming ? Streaming(plan, request, reader, *ex)
                                   : Buffered(plan, request, reader, *ex);
    }
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k, v);
    res.set_content(out.body, out.content_type);
}

HttpResponse HttpServer::Impl::Buffered(const Plan& plan, HttpRequest& request,
                                        const httplib::ContentReader* reader, Exchange& ex) {
    if (reader != nullptr && plan.has_body) {
        bool over = false;
        bool read = false;
        try {
            read = (*reader)([&](const char* data, std::size_t n) {
                if (request.body.size() + n > plan.limit) {
                    over = true;
                    return false;
                }
                request.body.append(data, n);
                return true;
            });
        } catch (const std::exception&) {
            read = false;
        }
        if (over) {
            ex.must_close = true;
            return HttpResponse::Text(
                413, "body exceeds the limit of " + std::to_string(plan.limit) + " bytes\n");
        }
        if (!read) {
            ex.must_close = true;
            return ex.stream->timed_out() ? HttpResponse::Text(408, "request timeout\n")
                                          : HttpResponse::Text(400, "the body could not be read\n");
        }
    }
    try {
        return plan.route.handler(request);
    } catch (const std::exception& e) {
        return HttpResponse::Text(500, std::string("handler failed: ") + e.what() + "\n");
    } catch (...) {
        return HttpResponse::Text(500, "handler failed\n");
    }
}

HttpResponse HttpServer::Impl::Streaming(const Plan& plan, const HttpRequest& request,
                                         const httplib::ContentReader* reader, Exchange& ex) {
    std::mutex& steps = *plan.route.steps;
    auto failed = [](const char* what) {
        return HttpResponse::Text(500, std::string("handler failed: ") + what + "\n");
    };
    std::unique_ptr<BodyReader> body;
    try {
        std::lock_guard step(steps);
        body = plan.route.streaming(request);
    } catch (const std::exception& e) {
        ex.must_close = true;
        return failed(e.what());
    } catch (...) {
        ex.must_close = true;
        return failed("unknown exception");
    }
    if (!body) {
        ex.must_close = true;
        return HttpResponse::Text(500, "handler gave no body reader\n");
    }
    std::optional<HttpResponse> answer;
    if (reader != nullptr && plan.has_body) {
        bool over = false;
        bool read = false;
        std::size_t seen = 0;
        try {
            read = (*reader)([&](const char* data, std::size_t n) {
                seen += n;
                if (seen > plan.limit) {
                    over = true;
                    return false;
                }
                std::lock_guard step(steps);
                try {
                    answer = body->OnData(std::string_view(data, n));
                } catch (const std::exception& e) {
                    answer = failed(e.what());
                } catch (...) {
                    answer = failed("unknown exception");
                }
                return !answer.has_value();
            });
        } catch (...) {
            read = false;
        }
        if (over) {
            answer = HttpResponse::Text(
                413, "body exceeds the limit of " + std::to_string(plan.limit) + " bytes\n");
        } else if (!read && !answer) {
            // The client went away or stalled: the reader is destroyed without OnEnd.
            answer = ex.stream->timed_out()
                         ? HttpResponse::Text(408, "request timeout\n")
                         : HttpResponse::Text(400, "the body could not be read\n");
        }
        if (answer) ex.must_close = true;  // the rest of the body is not read
    }
    std::lock_guard step(steps);
    if (!answer) {
        try {
            answer = body->OnEnd();
        } catch (const std::exception& e) {
            answer = failed(e.what());
        } catch (...) {
            answer = failed("unknown exception");
        }
    }
    body.reset();
    return std::move(*answer);
}

// ---------------------------------------------------------------------------------------------
// HttpServer

HttpServer::HttpServer(HttpServerOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(options_, port_)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(std::string method, std::string path, HttpHandler handler) {
    impl_->AddExact(std::move(method), std::move(path), Impl::Route{std::move(handler), {}, 0, {}});
}

void HttpServer::HandleStreaming(std::string method, std::string path, StreamingHandler handler,
                                 std::size_t max_body_bytes) {
    impl_->AddExact(
        std::move(method), std::move(path),
        Impl::Route{{}, std::move(handler), max_body_bytes, std::make_shared<std::mutex>()});
}

void HttpServer::HandlePrefix(std::string method, std::string prefix, HttpHandler handler) {
    impl_->AddPrefix(std::move(method), std::move(prefix),
                     Impl::Route{std::move(handler), {}, 0, {}});
}

void HttpServer::Start() { impl_->Start(); }

void HttpServer::Stop() { impl_->Stop(); }

}  // namespace bfu::runtime
