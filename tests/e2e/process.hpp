#pragma once
// Test helpers for the end-to-end tier: start a built service binary as a child process with
// its own environment and log file, stop it with SIGTERM and collect its exit code; find a
// free loopback port; a minimal HTTP GET; where the built binaries are; a file's text.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
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
    std::string head;  // status line and headers
    std::string body;
};

// One HTTP/1.1 request on loopback, reading the answer until the server closes. A body is sent
// with Content-Length; the server may answer early (e.g. 413) and stop reading.
inline HttpResult HttpRequest(int port, const std::string& method, const std::string& path,
                              const std::string& body = {},
                              const std::vector<std::string>& headers = {}) {
    HttpResult r;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return r;
    }
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (method != "GET") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    for (const auto& h : headers) req += h + "\r\n";
    req += "\r\n" + body;
    std::size_t off = 0;
    while (off < req.size()) {
        const auto n = ::send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
    }
    std::string resp;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) resp.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    if (resp.size() > 12) r.status = std::atoi(resp.substr(9, 3).c_str());
    const auto split = resp.find("\r\n\r\n");
    if (split != std::string::npos) {
        r.head = resp.substr(0, split);
        r.body = resp.substr(split + 4);
    }
    return r;
}

inline HttpResult HttpGet(int port, const std::string& path) {
    return HttpRequest(port, "GET", path, {}, {"Connection: close"});
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
