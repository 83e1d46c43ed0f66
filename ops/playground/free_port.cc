#include "ops/playground/free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "common/file.h"

namespace kv::ops {
namespace {

Result<int> KernelPick() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Status::FromErrno("socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return Status::FromErrno("bind 127.0.0.1:0", errno);
  }
  socklen_t len = sizeof addr;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return Status::FromErrno("getsockname", errno);
  }
  return static_cast<int>(ntohs(addr.sin_port));
}

}  // namespace

Result<int> PickFreePort(std::set<int>* taken) {
  // The kernel may hand a just-released port out again; ask until it differs.
  for (int attempt = 0; attempt < 100; ++attempt) {
    KV_ASSIGN_OR_RETURN(int port, KernelPick());
    if (taken->insert(port).second) return port;
  }
  return Status::IOError("no free loopback port found in 100 tries");
}

}  // namespace kv::ops
