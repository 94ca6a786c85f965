# syntax=docker/dockerfile:1
# Image for the worker and the API (same code, different command):
#   worker (default):  node dist/workers/main.js
#   API:               node dist/api/main.js     (docker-compose.yml sets this for the `api` service)
# Configuration comes from environment variables only (see docker-compose.yml).

# ---- build: compile TypeScript and the better-sqlite3 native addon -----------------------------
FROM node:20-bookworm-slim AS build

RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# The project is developed with npm 11 (package.json "allowScripts" is an npm 11 setting).
RUN npm install -g npm@11.19.1

# Build better-sqlite3 from source against this image's own Node headers: no prebuilt-binary or
# header downloads at build time (the official image ships the headers under /usr/local).
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: no compilers, runs as the unprivileged `node` user ------------------------------
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    TZ=UTC

WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config ./config
# The pages' templates and our two static files are read from the tree at run time (web/nunjucks.ts).
COPY --from=build /app/web/views ./web/views
COPY --from=build /app/web/static ./web/static
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
CMD ["node", "dist/workers/main.js"]
