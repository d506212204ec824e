# syntax=docker/dockerfile:1
#
# Sift container image: `docker build -t sift .`, then e.g.
#   docker run --rm -e SIFT_KAFKA_BROKERS=kafka:9092 -e SIFT_ES_URL=http://es:9200 sift          # sift run
#   docker run --rm -e SIFT_KAFKA_BROKERS=kafka:9092 sift generate --count 1000 --rate 100
#   docker run --rm -v "$PWD/my-rules:/app/rules-user:ro" -e SIFT_RULES_DIR=/app/rules-user … sift   # your rules
# docker-compose.yml builds this same file for the `sift` and `generator` services.
#
# Two stages so the image carries neither TypeScript, vitest, eslint nor the
# sources: the build stage compiles, the runtime stage gets dist/, the
# shipped detection rules and the production dependencies only.

# Node 24 LTS, the version Sift targets (package.json engines, Makefile).
# bookworm-slim rather than alpine: kafkajs, the ES client and pino are pure JS,
# but glibc keeps DNS and TLS behaviour identical to the Debian hosts we test on.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------- build ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# Lockfile first, so the dependency layer is cached until package*.json change.
# --ignore-scripts: package.json's `prepare` runs tsc, and the sources are not
# copied yet; no dependency needs an install script (none has one in the lock).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

# tsconfig.build.json compiles src/ and benchmarks/ into dist/ (the same build
# as `npm run build`, so a type error fails the image build too).
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY benchmarks ./benchmarks
RUN npx tsc -p tsconfig.build.json

# -------------------------------------------------------------- runtime ----
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# Production dependencies only; --ignore-scripts again because `prepare` (tsc)
# is a dev-time step and tsc is not installed here.
# They include the GeoIP/ASN databases enrichment opens at start
# (@ip-location-db/*, about 200 MB unpacked; docs/enrichment.md).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# dist/src only: dist/benchmarks is compiled (so the image build type-checks
# exactly what `npm run build` does) but not needed to run Sift.
COPY --from=build /app/dist/src ./dist/src
COPY bin ./bin
# Not used by `sift run`, but packageRoot() (src/shared/paths.ts) finds the
# package root as the folder holding package.json *and* scripts/, and
# `sift --version` / `sift --help` read package.json through it.
COPY scripts ./scripts
# The detection rules shipped with Sift: rules.dir (SIFT_RULES_DIR) defaults to
# <package root>/rules, so without this copy `sift run` loads 0 rules, logs
# "cannot read: ENOENT" and indexes without ever alerting. A folder of your own
# can be mounted and named with SIFT_RULES_DIR instead (docker-compose.yml).
# test/integration/image-tree.test.ts rebuilds this stage's tree from these
# COPY lines and runs `sift run` in it.
COPY rules ./rules

# Container defaults. The telemetry server binds 127.0.0.1 by default, which
# in a container is unreachable through a published port: listen on all
# interfaces. JSON logs are what `docker logs` collectors expect.
ENV SIFT_HTTP_HOST=0.0.0.0 \
    SIFT_HTTP_PORT=9464 \
    SIFT_LOG_FORMAT=json

# The official image's unprivileged user (uid 1000); nothing here needs root,
# and the app files stay root-owned so the process cannot rewrite its own code.
USER node

# /metrics (Prometheus), /healthz and /readyz.
EXPOSE 9464

# Liveness, not readiness: /healthz reports whether the pipeline is alive;
# /readyz (Kafka + ES reachable) is for orchestrators that route traffic.
# The slim image has no curl or wget, so node itself does the request. It
# follows SIFT_HTTP_PORT if that is overridden. `sift generate` serves no HTTP:
# docker-compose.yml disables this check for that service.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SIFT_HTTP_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Exec form, no shell in between: SIGTERM from `docker stop` reaches node,
# and `sift run` drains in-flight batches and commits offsets before exiting
# (within pipeline.shutdown_timeout_ms, 30 s by default: give the container a
# longer stop timeout). As PID 1, node ignores signals it has no handler for
# (`sift generate` has none): run with `--init` (compose: `init: true`).
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["run"]
