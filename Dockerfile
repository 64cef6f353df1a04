# syntax=docker/dockerfile:1
#
# negotiator: one Node 20 process (`negotiator serve`), SQLite on the /data volume, HTTP on PORT.
#
#   docker build -t negotiator .
#   docker run -d --name negotiator --env-file .env -v negotiator-data:/data \
#     -p 127.0.0.1:8080:8080 --stop-timeout 30 negotiator
#
# Two stages: `build` compiles TypeScript and better-sqlite3's native addon with the full Debian
# toolchain; `runtime` is the slim image with only what the service reads at run time. The runtime
# files belong to root and cannot be written by the service's user, which owns only /data.
# test/integration/dockerfile.test.ts checks this file and container-rehearsal.test.ts replays its
# COPY lines and its build command to start the service from exactly these files.

FROM node:20-bookworm AS build
WORKDIR /app
# node:20-bookworm already has python3, make and g++ for node-gyp, should better-sqlite3 find no
# prebuilt binary. Scripts are skipped because the package's own `prepare` would compile before
# the sources are here; better-sqlite3 is the one dependency whose install script is needed.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
  && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY machines ./machines
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
# tini is PID 1: it forwards SIGTERM to node (which then stops gracefully) and reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --gid 10001 negotiator \
  && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin negotiator \
  && mkdir -p /data \
  && chown 10001:10001 /data \
  && chmod 0750 /data \
  && printf '#!/bin/sh\nexec node /app/dist/src/cli/main.js "$@"\n' > /usr/local/bin/negotiator \
  && chmod 0755 /usr/local/bin/negotiator
WORKDIR /app
ENV NODE_ENV=production \
  PORT=8080 \
  DATABASE_PATH=/data/negotiator.db
# What the service reads at run time: the compiled code, its production dependencies, package.json
# (how src/paths.ts finds the project root, and the release version), and the folders resolved
# from that root: migrations/, config/ (CONFIG_DIR) and knowledge-base/ (KNOWLEDGE_BASE_DIR).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY config ./config
COPY knowledge-base ./knowledge-base
# The database, its WAL files, backups and credential files (GMAIL_CREDENTIALS_FILE,
# GOOGLE_SERVICE_ACCOUNT_FILE) live here: mount a named volume so they outlive the container.
VOLUME /data
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
# Liveness only (/ready also checks the database and the workers): node itself, no curl in the
# image. Docker never kills a container for failing it; it is marked unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --start-interval=2s --retries=3 \
  CMD ["node","-e","fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini","--"]
CMD ["node","--import","./dist/src/instrument.js","dist/src/cli/main.js","serve"]
