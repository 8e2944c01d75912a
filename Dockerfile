# community-gateway: multi-stage build on Debian (bookworm) with Node 20.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# npm install, not npm ci: see the README (the lockfile lists only the Linux builds of optional packages).
RUN npm install --omit=dev --no-audit --no-fund

# The dashboards are built with Vite (a dev dependency) in a stage of their own.
FROM node:20-bookworm-slim AS web
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json ./
COPY src/web ./src/web
RUN npm run build:web

FROM node:20-bookworm-slim
# ffmpeg for video, espeak-ng for text-to-speech, fonts-noto-cjk for Chinese text.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg espeak-ng fonts-noto-cjk tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production FFMPEG_PATH=/usr/bin/ffmpeg
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY --from=web /app/src/web/dist ./src/web/dist
COPY devices ./devices
COPY simulators ./simulators
COPY config ./config
RUN mkdir -p /var/lib/community-gateway /etc/community-gateway && chown node:node /var/lib/community-gateway && chmod 0700 /var/lib/community-gateway
VOLUME ["/var/lib/community-gateway"]
# In a container the gateway listens on every interface; its data lives in the volume.
ENV GATEWAY__HTTP__HOST=0.0.0.0 GATEWAY__MQTT__EMBEDDED__HOST=0.0.0.0 GATEWAY__STORAGE__DATADIR=/var/lib/community-gateway
# HTTP/HTTPS (one port), MQTT, MQTT over TLS (mqtt.embedded.tlsPort).
EXPOSE 8080 1883 8883
# Never root: the image's unprivileged `node` user (uid 1000).
USER node
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "bin/community-gateway.js", "healthcheck", "--config", "/etc/community-gateway/config.yaml"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/community-gateway.js"]
CMD ["start", "--config", "/etc/community-gateway/config.yaml"]
