# The image the shard and merge Jobs run: this repository with its dependencies, so a pod runs
# `npx vitest run suites/<scenario>` exactly as a laptop does. Build it from the repository root:
#   docker build -f deploy/kubernetes/runner.Dockerfile -t scaletest/runner:local .
# (A project that installs @scaletest/vitest builds its own the same way, from its own repo.)
ARG NODE_IMAGE=node:24-slim
FROM ${NODE_IMAGE}
WORKDIR /scaletest
COPY package.json package-lock.json .npmrc ./
COPY packages/mocks/package.json packages/mocks/
COPY packages/vitest-scaletest/package.json packages/vitest-scaletest/
RUN npm ci --no-audit --no-fund
COPY . .
ENV CI=true
USER 1000:1000
