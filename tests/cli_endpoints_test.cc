// Endpoints on command lines (cli/endpoints.h): one set of rules for every
// program, and the CLI11 checks built on them.
#include <catch2/catch.hpp>

#include "cli/endpoints.h"

using namespace kv;
using namespace kv::cli;

TEST_CASE("endpoint lists are HOST:PORT separated by commas and empty parts are skipped", "[cli]") {
  auto one = ParseEndpointList("127.0.0.1:7000", "nameserver");
  REQUIRE(one.ok());
  CHECK(*one == std::vector<std::string>{"127.0.0.1:7000"});
  auto two = ParseEndpointList("a:1,b:65535,", "nameserver");
  REQUIRE(two.ok());
  CHECK(*two == std::vector<std::string>{"a:1", "b:65535"});
  for (const char* bad : {"", ",", "nohost", ":7000", "h:", "h:0", "h:65536", "h:12x", "h:-1", "a:1,nohost"}) {
    INFO(bad);
    CHECK(ParseEndpointList(bad, "nameserver").status().IsInvalidArgument());
  }
  CHECK_THAT(ParseEndpointList("a:1,nohost", "nameserver").status().message(),
             Catch::StartsWith("bad nameserver endpoint 'nohost'"));
  CHECK(ParseEndpointList(",", "nameserver").status().message() == "no nameserver endpoint in ','");
}

TEST_CASE("an endpoint's error says what it is for and port 0 is only for a server to listen on", "[cli]") {
  CHECK(CheckEndpoint("127.0.0.1:9921", "tablet").ok());
  const Status bad = CheckEndpoint("127.0.0.1", "tablet");
  CHECK(bad.IsInvalidArgument());
  CHECK_THAT(bad.message(), Catch::StartsWith("bad tablet endpoint '127.0.0.1'"));
  CHECK(CheckEndpoint("127.0.0.1:0", "tablet").IsInvalidArgument());
  CHECK(CheckEndpoint("127.0.0.1:0", "tablet", PortZero::kAllowed).ok());
  CHECK(CheckEndpoint("127.0.0.1:65536", "tablet", PortZero::kAllowed).IsInvalidArgument());
}

TEST_CASE("the CLI11 checks refuse a bad endpoint at parse time and name the flag", "[cli]") {
  CLI::App app("test", "test");
  std::string listen, nameservers;
  app.add_option("--endpoint", listen)->check(EndpointValidator("tablet", PortZero::kAllowed));
  app.add_option("--ns", nameservers)->check(EndpointListValidator("nameserver"));
  app.parse("--endpoint h:0 --ns a:2,", /*program_name_included=*/false);
  CHECK(listen == "h:0");
  CHECK(nameservers == "a:2,");
  try {
    app.parse("--ns a:1,nohost", /*program_name_included=*/false);
    FAIL("a bad list was accepted");
  } catch (const CLI::ValidationError& e) {
    CHECK_THAT(e.what(), Catch::StartsWith("--ns: bad nameserver endpoint 'nohost'"));
  }
}
