# helhed: the worker + portal/API + metrics binary (workers) and the
# operators' CLI (starter) in one small image.
#
#   docker build -t helhed .
#   docker run --rm -e OPERATOR_TOKEN=... -e PAYLOAD_KEY=... helhed
#   docker compose exec worker starter plan show
#
# Plain Dockerfile syntax (no BuildKit-only features) so the classic builder
# used by docker-compose 1.29 builds it too.

# ---- build -----------------------------------------------------------------
# Keep this tag equal to the `go` line of go.mod (deploy/deploy_test.go checks).
FROM golang:1.26.8-bookworm AS build

WORKDIR /src
ENV CGO_ENABLED=0 \
    GOTOOLCHAIN=local \
    GOFLAGS=-trimpath

# Dependencies first, so source edits do not refetch modules.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
# -tags production leaves the embedded Temporal server, its UI and miniredis
# (the -dev stack) out of the binary.
RUN go build -tags production -ldflags="-s -w" -o /out/workers ./workers \
 && go build -ldflags="-s -w" -o /out/starter ./starter

# ---- runtime ---------------------------------------------------------------
FROM debian:bookworm-slim

# ca-certificates: Statbank API and SMTP over TLS; tzdata: Europe/Copenhagen
# (the binaries also embed time/tzdata); curl: the compose healthcheck;
# chromium and fonts (with æøå): the annual report's HTML → PDF, as under
# -dev (CHROMIUM_PATH defaults to /usr/bin/chromium; it runs headless
# without a sandbox, as the container user cannot create one).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata curl \
        chromium fonts-dejavu-core fonts-liberation \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 helhed \
 && useradd --system --uid 10001 --gid helhed --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin helhed \
 && mkdir -p /data \
 && chown helhed:helhed /data

COPY --from=build /out/workers /out/starter /usr/local/bin/

# In a container the listeners must bind every interface; DATA_DIR is the
# volume (outbox .eml files when SMTP_URL is unset, imports, local state).
ENV DATA_DIR=/data \
    HTTP_ADDR=0.0.0.0:8080 \
    METRICS_ADDR=0.0.0.0:9464 \
    TZ=Europe/Copenhagen

USER 10001:10001
WORKDIR /data
VOLUME ["/data"]

# 8080: portal, operator API, /healthz. 9464: Prometheus /metrics.
EXPOSE 8080 9464

ENTRYPOINT ["/usr/local/bin/workers"]
