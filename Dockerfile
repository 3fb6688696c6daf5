# syntax=docker/dockerfile:1
# planbot: a static binary (cgo + C++ for gojieba, linked statically against glibc and
# libstdc++) on distroless/static, run as a non-root user.
#
# Build on glibc (Debian): gojieba's C++ is reported to crash on musl/Alpine.
FROM golang:1.26-bookworm AS build
# go.mod needs Go 1.27.3 (fixes in net/http, crypto/tls, crypto/x509); the go
# command fetches that toolchain through the module proxy, as on CI.
ENV GOTOOLCHAIN=go1.27.3
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The build is scripts/build-release.sh itself, so its flags cannot drift; go test
# runs the same script outside Docker and checks the result (release_test.go).
RUN ./scripts/build-release.sh /out/planbot

# distroless/static: no shell, no libc; CA certificates and /etc/passwd with the
# nonroot user (uid 65532). The plan and the jieba dictionaries are embedded;
# the dictionaries are written once to $XDG_CACHE_HOME at start.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/planbot /usr/local/bin/planbot
ENV XDG_CACHE_HOME=/tmp \
    PLANBOT_LISTEN=0.0.0.0:8080
USER nonroot:nonroot
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/planbot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/planbot"]
CMD ["serve"]
