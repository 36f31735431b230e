// Test support for https://: a throwaway CA and server certificates made with
// the openssl CLI, and a python3 HTTPS server on 127.0.0.1 (the ssl module).
//
// TestCertificates(dir) writes dir/ca.pem (the CA to trust), dir/server.pem
// and dir/server.key (for localhost and IP 127.0.0.1, signed by that CA) and
// dir/wrong.pem and dir/wrong.key (signed by the same CA for other.example).
//
// PythonHttpsServer serves on 127.0.0.1 (a free port) in one of two modes:
// - canned: every request (keep-alive) gets `status` with the request body
//   echoed back; with an empty certificate it speaks plain HTTP;
// - forward: TLS terminated, the bytes forwarded to 127.0.0.1:<port> (put in
//   front of `tend serve`, which speaks plain HTTP).
// Failures throw std::runtime_error.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace tend::testing {

inline void run_or_throw(const std::string& command) {
  if (std::system(("(" + command + ") >/dev/null 2>&1").c_str()) != 0) {
    throw std::runtime_error("failed: " + command);
  }
}

struct TestCertificates {
  std::string ca, server_cert, server_key, wrong_cert, wrong_key;

  explicit TestCertificates(const std::string& dir)
      : ca(dir + "/ca.pem"),
        server_cert(dir + "/server.pem"),
        server_key(dir + "/server.key"),
        wrong_cert(dir + "/wrong.pem"),
        wrong_key(dir + "/wrong.key") {
    std::string cnf = dir + "/openssl.cnf";
    std::ofstream(cnf)
        << "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = Tend Test CA\n"
           "[v3_ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n"
           "subjectKeyIdentifier = hash\n"
           "[v3_server]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n"
           "extendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost,IP:127.0.0.1\n"
           "[v3_wrong]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n"
           "extendedKeyUsage = serverAuth\nsubjectAltName = DNS:other.example\n";
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    run_or_throw("openssl req -x509 -new" + ec + " -keyout " + dir + "/ca.key -out " + ca +
                 " -days 2 -config " + cnf + " -extensions v3_ca");
    for (auto [name, ext] : {std::pair{"server", "v3_server"}, std::pair{"wrong", "v3_wrong"}}) {
      std::string base = dir + "/" + name;
      run_or_throw("openssl req -new" + ec + " -keyout " + base + ".key -out " + base +
                   ".csr -subj /CN=" + name + " -config " + cnf);
      run_or_throw("openssl x509 -req -in " + base + ".csr -CA " + ca + " -CAkey " + dir +
                   "/ca.key -CAcreateserial -out " + base + ".pem -days 2 -extfile " + cnf + " -extensions " +
                   ext);
    }
  }
};

inline constexpr const char* kPythonHttpsServer = R"PY(
import select, socket, ssl, sys, threading
cert, key, mode, arg = sys.argv[1:5]
context = None
if cert:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
print(listener.getsockname()[1], flush=True)

def canned(c):
    data = b""
    while True:
        while b"\r\n\r\n" not in data:
            chunk = c.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, data = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(data) < length:
            chunk = c.recv(65536)
            if not chunk:
                return
            data += chunk
        body, data = data[:length], data[length:]
        c.sendall(b"HTTP/1.1 %d Canned\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                  % (int(arg), len(body)) + body)

def forward(c):
    upstream = socket.create_connection(("127.0.0.1", int(arg)))
    try:
        while True:
            ready = [c] if context and c.pending() else select.select([c, upstream], [], [])[0]
            for a, b in ((c, upstream), (upstream, c)):
                if a in ready:
                    data = a.recv(65536)
                    if not data:
                        return
                    b.sendall(data)
    finally:
        upstream.close()

def serve(raw):
    try:
        c = context.wrap_socket(raw, server_side=True) if context else raw
        (canned if mode == "canned" else forward)(c)
    except Exception:
        pass
    finally:
        raw.close()

while True:
    raw, _ = listener.accept()
    threading.Thread(target=serve, args=(raw,), daemon=True).start()
)PY";

class PythonHttpsServer {
 public:
  // mode "canned" (arg: the status) or "forward" (arg: the upstream port).
  PythonHttpsServer(const std::string& cert, const std::string& key, const std::string& mode,
                    const std::string& arg) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      ::execlp("python3", "python3", "-c", kPythonHttpsServer, cert.c_str(), key.c_str(), mode.c_str(),
               arg.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    char ch;
    pollfd p{out[0], POLLIN, 0};
    while (::poll(&p, 1, 10000) > 0 && ::read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
    ::close(out[0]);
    port_ = std::atoi(line.c_str());
    if (port_ <= 0) {
      stop();
      throw std::runtime_error(
          "the python3 HTTPS server did not start (python3 with the ssl module is needed)");
    }
  }
  ~PythonHttpsServer() { stop(); }
  PythonHttpsServer(const PythonHttpsServer&) = delete;
  PythonHttpsServer& operator=(const PythonHttpsServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& host = "127.0.0.1", const std::string& scheme = "https") const {
    return scheme + "://" + host + ":" + std::to_string(port_);
  }

 private:
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace tend::testing
