# Airbyte source connector image for jira-source, following Airbyte's conventions for connector images:
# the connector runs as its entrypoint (`docker run IMAGE spec`, `check --config /secrets/config.json`, ...),
# AIRBYTE_ENTRYPOINT names the same command, and the io.airbyte.* labels name the image and its version.
#
#   docker build -t airbyte/source-jira:0.1.0 .
#
# Stage 1 builds and packs exactly what `npm pack` publishes (package.json "files"), with production
# dependencies only; stage 2 is a slim Node 20 runtime that runs it as the unprivileged `node` user.
# BASE_IMAGE is any Node 20 Debian image with npm and a `node` user (scripts/build-image.sh makes one
# where the public registry cannot be reached).
ARG BASE_IMAGE=node:20-slim
FROM ${BASE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm pack --pack-destination /tmp >/dev/null \
 && mkdir /app && tar -xzf /tmp/jira-source-*.tgz -C /app --strip-components=1 \
 && cp package-lock.json /app/ \
 && cd /app && npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${BASE_IMAGE}
ENV NODE_ENV=production
WORKDIR /airbyte
COPY --from=build /app /airbyte
# The node flags are the ones on the bin's shebang line (a test keeps them the same).
ENV AIRBYTE_ENTRYPOINT="node --max-semi-space-size=8 /airbyte/bin/source-jira.js"
ENTRYPOINT ["node", "--max-semi-space-size=8", "/airbyte/bin/source-jira.js"]
LABEL io.airbyte.name=airbyte/source-jira
LABEL io.airbyte.version=0.1.0
USER node
