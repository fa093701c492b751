#pragma once
// Real peers for the notifier's channels in tests:
//   SmtpServer      Debian's aiosmtpd (python3-aiosmtpd) run as a child process on a loopback
//                   port with its Mailbox handler, which stores every accepted message in a
//                   Maildir (new/); Stop() and Start() again on the same port simulate an
//                   outage. /usr/bin/python3 is Debian's interpreter (a python3 earlier on PATH,
//                   e.g. pyenv's, lacks the Debian package).
//   ReadMaildir     every message in the Maildir, parsed: headers (unfolded, RFC 2047 words in
//                   Subject decoded), the envelope recipient aiosmtpd adds (X-RcptTo), and the
//                   text/plain and text/html parts decoded from base64.
//   WebhookReceiver an HTTP server (cpp-httplib) in the test process recording every POST.
// Header-only.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bfu/contracts/formats.hpp"
#include "e2e/process.hpp"

namespace bfu::testing {

struct MailMessage {
    std::string file;
    std::map<std::string, std::string> headers;  // lower-case names, unfolded values
    std::string subject;                         // decoded
    std::string text;                            // the text/plain part, decoded
    std::string html;                            // the text/html part, decoded ("" if none)
    std::string raw;

    [[nodiscard]] std::string Header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
    [[nodiscard]] std::string To() const { return Header("x-rcptto"); }
    [[nodiscard]] std::string MessageId() const { return Header("message-id"); }
};

namespace mail_detail {

inline std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// "=?UTF-8?B?...?=" words (several, folded) back to their text; anything else as it is.
inline std::string DecodeWords(const std::string& value) {
    std::string out;
    std::size_t pos = 0;
    while (pos < value.size()) {
        const auto start = value.find("=?", pos);
        if (start == std::string::npos) {
            out += value.substr(pos);
            break;
        }
        std::string between = value.substr(pos, start - pos);
        // Whitespace between two encoded words is dropped (RFC 2047 section 6.2).
        if (between.find_first_not_of(" \t") != std::string::npos || out.empty()) out += between;
        const auto q1 = value.find('?', start + 2);
        const auto q2 = q1 == std::string::npos ? q1 : value.find('?', q1 + 1);
        const auto end = q2 == std::string::npos ? q2 : value.find("?=", q2 + 1);
        if (end == std::string::npos) {
            out += value.substr(start);
            break;
        }
        const std::string enc = Lower(value.substr(q1 + 1, q2 - q1 - 1));
        const std::string data = value.substr(q2 + 1, end - q2 - 1);
        if (enc == "b") {
            out += contracts::Base64Decode(data).value_or("<bad base64>");
        } else {
            out += data;
        }
        pos = end + 2;
    }
    return out;
}

// Splits "headers\r\n\r\nbody" into unfolded headers and the body.
inline std::pair<std::map<std::string, std::string>, std::string> SplitHead(const std::string& m) {
    std::map<std::string, std::string> headers;
    auto sep = m.find("\r\n\r\n");
    std::size_t skip = 4;
    if (sep == std::string::npos) {
        sep = m.find("\n\n");
        skip = 2;
    }
    const std::string head = m.substr(0, sep);
    const std::string body = sep == std::string::npos ? std::string() : m.substr(sep + skip);
    std::string name, value;
    auto flush = [&] {
        if (!name.empty()) headers[Lower(name)] = value;
        name.clear();
        value.clear();
    };
    std::size_t pos = 0;
    while (pos <= head.size()) {
        auto nl = head.find('\n', pos);
        std::string line = head.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            value += line.substr(1);
        } else if (!line.empty()) {
            flush();
            const auto colon = line.find(':');
            name = line.substr(0, colon);
            value = colon == std::string::npos ? "" : line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        }
        if (nl == std::string::npos) break;
        pos = nl + 1;
    }
    flush();
    return {headers, body};
}

inline std::string DecodeBody(const std::map<std::string, std::string>& headers,
                              const std::string& body) {
    auto it = headers.find("content-transfer-encoding");
    if (it != headers.end() && Lower(it->second) == "base64") {
        std::string clean;
        for (char c : body) {
            if (c != '\r' && c != '\n' && c != ' ') clean += c;
        }
        return contracts::Base64Decode(clean).value_or("<bad base64>");
    }
    return body;
}

}  // namespace mail_detail

inline MailMessage ParseMail(const std::string& raw) {
    MailMessage m;
    m.raw = raw;
    auto [headers, body] = mail_detail::SplitHead(raw);
    m.headers = headers;
    m.subject = mail_detail::DecodeWords(m.Header("subject"));
    const std::string type = m.Header("content-type");
    const auto b = type.find("boundary=\"");
    if (b == std::string::npos) {
        m.text = mail_detail::DecodeBody(headers, body);
        return m;
    }
    const auto e = type.find('"', b + 10);
    const std::string boundary = "--" + type.substr(b + 10, e - b - 10);
    std::size_t pos = body.find(boundary);
    while (pos != std::string::npos) {
        pos += boundary.size();
        if (body.compare(pos, 2, "--") == 0) break;
        const auto next = body.find(boundary, pos);
        const std::string part =
            body.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        auto [ph, pb] = mail_detail::SplitHead(part.substr(part.find_first_not_of("\r\n")));
        const std::string ptype = mail_detail::Lower(ph["content-type"]);
        if (ptype.rfind("text/plain", 0) == 0) m.text = mail_detail::DecodeBody(ph, pb);
        if (ptype.rfind("text/html", 0) == 0) m.html = mail_detail::DecodeBody(ph, pb);
        pos = next;
    }
    return m;
}

// Every message in the Maildir (new/ and cur/), oldest file name first.
inline std::vector<MailMessage> ReadMaildir(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    for (const char* sub : {"new", "cur"}) {
        std::error_code ec;
        for (std::filesystem::directory_iterator it(dir / sub, ec), end; !ec && it != end;
             it.increment(ec)) {
            files.push_back(it->path());
        }
    }
    std::sort(files.begin(), files.end());
    std::vector<MailMessage> out;
    for (const auto& f : files) {
        auto m = ParseMail(Slurp(f));
        m.file = f.string();
        out.push_back(std::move(m));
    }
    return out;
}

class SmtpServer {
public:
    SmtpServer(std::filesystem::path maildir, std::filesystem::path log)
        : maildir_(std::move(maildir)), log_(std::move(log)), port_(FreePort()) {}
    ~SmtpServer() { Stop(); }

    // Starts the server and waits until it accepts connections; false if it did not.
    bool Start() {
        // A Maildir: tmp/ (being written), new/ (delivered), cur/ (seen).
        for (const char* sub : {"tmp", "new", "cur"}) {
            std::filesystem::create_directories(maildir_ / sub);
        }
        process_ = std::make_unique<ChildProcess>(
            "/usr/bin/python3", std::map<std::string, std::string>{}, log_.string(),
            std::vector<std::string>{"-m", "aiosmtpd", "-n", "-l",
                                     "127.0.0.1:" + std::to_string(port_), "-c",
                                     "aiosmtpd.handlers.Mailbox", maildir_.string()});
        return Eventually([&] { return Listening(); }, std::chrono::seconds(20));
    }
    void Stop() {
        if (process_) process_->Terminate(std::chrono::seconds(5));
        process_.reset();
    }
    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
    [[nodiscard]] std::vector<MailMessage> Messages() const { return ReadMaildir(maildir_); }
    // The messages whose envelope recipient is `email`.
    [[nodiscard]] std::vector<MailMessage> To(const std::string& email) const {
        std::vector<MailMessage> out;
        for (auto& m : Messages()) {
            if (mail_detail::Lower(m.To()) == mail_detail::Lower(email)) out.push_back(m);
        }
        return out;
    }

private:
    bool Listening() const {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) return false;
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port_));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        ::close(fd);
        return ok;
    }

    std::filesystem::path maildir_;
    std::filesystem::path log_;
    int port_;
    std::unique_ptr<ChildProcess> process_;
};

struct WebhookCall {
    std::string path;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
};

class WebhookReceiver {
public:
    // Answers every POST with `status` (settable) and records it.
    WebhookReceiver() : port_(FreePort()) {
        server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
            WebhookCall c;
            c.path = req.path;
            c.body = req.body;
            for (const auto& [k, v] : req.headers) c.headers[mail_detail::Lower(k)] = v;
            std::lock_guard lock(mu_);
            calls_.push_back(std::move(c));
            res.status = status_;
            res.set_content("{}", "application/json");
        });
        // Bound before the constructor returns, so the first POST never finds the port closed.
        bound_ = server_.bind_to_port("127.0.0.1", port_);
        thread_ = std::thread([this] { server_.listen_after_bind(); });
    }
    ~WebhookReceiver() {
        server_.stop();
        if (thread_.joinable()) thread_.join();
    }
    [[nodiscard]] bool bound() const { return bound_; }
    [[nodiscard]] std::string url(const std::string& path = "/hook") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    [[nodiscard]] std::vector<WebhookCall> Calls() const {
        std::lock_guard lock(mu_);
        return calls_;
    }
    void SetStatus(int status) {
        std::lock_guard lock(mu_);
        status_ = status;
    }

private:
    int port_;
    bool bound_ = false;
    httplib::Server server_;
    mutable std::mutex mu_;
    std::vector<WebhookCall> calls_;
    int status_ = 200;
    std::thread thread_;
};

}  // namespace bfu::testing
