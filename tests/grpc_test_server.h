// An in-process gRPC server on a free loopback port, for the client tests'
// fake nameservers and tablets.
#pragma once

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>

namespace kv::test {

// Serves service; *endpoint is where ("127.0.0.1:<port>"). Fails the test when it cannot listen.
inline std::unique_ptr<grpc::Server> ServeOnLoopback(grpc::Service* service, std::string* endpoint) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service);
  auto server = builder.BuildAndStart();
  REQUIRE(server);
  *endpoint = "127.0.0.1:" + std::to_string(port);
  return server;
}

}  // namespace kv::test
