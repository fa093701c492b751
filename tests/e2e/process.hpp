#pragma once
// Test helpers for the end-to-end tier: start a built service binary as a child process with
// its own environment and log file, stop it with SIGTERM and collect its exit code; find a
// free loopback port; HTTP on loopback (through bfu::http, so a target including this links
// bfu::http, as bfu::test_support does); where the built binaries are; a file's text.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bfu/http/client.hpp"
#include "support/ports.hpp"

extern char** environ;

namespace bfu::testing {

// The build's top folder (CTest sets BFU_BINARY_DIR); service binaries are under services/.
inline std::string BinaryDir() {
    const char* d = std::getenv("BFU_BINARY_DIR");
    return d != nullptr ? d : ".";
}

// The whole text of a file ("" when it cannot be read), e.g. a service's log for a message.
inline std::string Slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The last `lines` lines of a text file (all of it when shorter).
inline std::string Tail(const std::filesystem::path& path, std::size_t lines) {
    const std::string all = Slurp(path);
    std::size_t pos = all.size();
    if (pos > 0 && all[pos - 1] == '\n') --pos;
    for (std::size_t n = 0; n < lines && pos > 0; ++n) {
        const auto nl = all.rfind('\n', pos - 1);
        if (nl == std::string::npos) return all;
        pos = nl;
    }
    return all.substr(pos == 0 ? 0 : pos + 1);
}

class ChildProcess {
public:
    // Starts `path` with the current environment plus `env`; stdout and stderr go to `log`.
    ChildProcess(const std::string& path, const std::map<std::string, std::string>& env,
                 const std::string& log, std::vector<std::string> args = {})
        : log_(log) {
        std::vector<std::string> vars;
        for (char** e = environ; *e != nullptr; ++e) {
            std::string v(*e);
            const auto eq = v.find('=');
            if (eq != std::string::npos && env.count(v.substr(0, eq)) != 0) continue;
            vars.push_back(std::move(v));
        }
        for (const auto& [k, v] : env) vars.push_back(k + "=" + v);
        pid_ = ::fork();
        if (pid_ == 0) {
            FILE* f = std::fopen(log.c_str(), "w");
            if (f != nullptr) {
                ::dup2(::fileno(f), 1);
                ::dup2(::fileno(f), 2);
            }
            std::vector<char*> envp;
            for (auto& v : vars) envp.push_back(v.data());
            envp.push_back(nullptr);
            std::string p = path;
            std::vector<char*> argv{p.data()};
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execve(path.c_str(), argv.data(), envp.data());
            std::_Exit(127);
        }
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }

    [[nodiscard]] bool started() const { return pid_ > 0; }
    [[nodiscard]] const std::string& log() const { return log_; }

    // True while the process runs.
    bool Running() {
        if (exited_ || pid_ <= 0) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            exited_ = true;
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return false;
        }
        return true;
    }

    // SIGTERM, then waits up to `timeout`; the exit code, or nullopt if it had to be killed.
    std::optional<int> Terminate(std::chrono::milliseconds timeout) {
        if (!Running()) return exit_code_;
        ::kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (!Running()) return exit_code_;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        exited_ = true;
        return std::nullopt;
    }

private:
    std::string log_;
    pid_t pid_ = -1;
    bool exited_ = false;
    std::optional<int> exit_code_;
};

struct HttpResult {
    int status = 0;    // 0 when nothing answered
    std::string head;  // status line and headers ("Name: value", as the server spelled them)
    std::string body;
};

// One HTTP/1.1 request to 127.0.0.1:port (GET or POST; a POST sends its body with
// Content-Length), `headers` as "Name: value" lines. The server may answer early (e.g. 413).
inline HttpResult HttpRequest(int port, const std::string& method, const std::string& path,
                              const std::string& body = {},
                              const std::vector<std::string>& headers = {}) {
    http::Headers sent;
    for (const auto& h : headers) {
        const auto colon = h.find(':');
        const auto value =
            h.find_first_not_of(' ', colon == std::string::npos ? h.size() : colon + 1);
        sent.emplace_back(h.substr(0, colon), value == std::string::npos ? "" : h.substr(value));
    }
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
    // Generous: ingest commits a request's transaction (up to 30 s) before it answers.
    constexpr std::chrono::seconds kTimeout{60};
    http::Client client;
    core::Result<http::Response> r =
        core::Error(core::Errc::kInvalidArgument, "only GET and POST are sent");
    if (method == "GET") {
        r = client.Get(url, sent, kTimeout);
    } else if (method == "POST") {
        r = client.Post(url, body, "", sent, kTimeout);
    }
    HttpResult out;
    if (!r.ok()) return out;
    out.status = r->status;
    out.head = "HTTP/1.1 " + std::to_string(r->status) + " " + r->reason;
    for (const auto& [k, v] : r->headers) out.head += "\r\n" + k + ": " + v;
    out.body = std::move(r->body);
    return out;
}

inline HttpResult HttpGet(int port, const std::string& path) {
    return HttpRequest(port, "GET", path);
}

// Polls `pred` until true or `timeout`; true if it became true.
template <typename Pred>
bool Eventually(Pred pred, std::chrono::milliseconds timeout,
                std::chrono::milliseconds step = std::chrono::milliseconds(100)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(step);
    }
    return pred();
}

}  // namespace bfu::testing
