#!/usr/bin/env bash
# Installs every Debian package the project builds, tests and runs with (what
# each is for: README.md, "Dependencies").
# Idempotent: packages already present are left alone; safe to run on every CI start.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  librocksdb-dev rocksdb-tools
  libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev catch2
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libzookeeper-mt-dev zookeeper
  libyaml-cpp-dev  # the playbook runner (ops/playbook)
  chromium  # a real headless browser, for the test of the playbook report (tests/)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
