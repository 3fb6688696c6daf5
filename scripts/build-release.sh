#!/usr/bin/env bash
# Builds the release binary the way the Dockerfile does: cgo on, glibc and
# libstdc++ linked statically, so the binary runs on an image with no libc
# (distroless/static) or any Linux host. Usage: build-release.sh OUTPUT
set -euo pipefail
out=${1:?usage: build-release.sh OUTPUT}
cd "$(dirname "$0")/.."
# go.mod asks for Go 1.27.3 (earlier standard libraries have known
# vulnerabilities in net/http, crypto/tls and crypto/x509); the go command
# fetches that toolchain through the module proxy.
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
CGO_ENABLED=1 go build -trimpath -tags netgo,osusergo \
  -ldflags "-s -w -linkmode external -extldflags '-static'" \
  -o "$out" .
