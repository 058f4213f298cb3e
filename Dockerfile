# One image for every role: `earshot run ingest|enrich|sink|api|alerts` (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts off until the sources are here (`prepare` builds the web UI).
RUN npm install --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build:ui && npm prune --omit=dev --no-audit --no-fund
ENV NODE_ENV=production
USER node
EXPOSE 3000
ENTRYPOINT ["node", "bin/earshot.js"]
CMD ["run", "api"]
