#!/usr/bin/env bash
# Every test, from a fresh clone: system packages, npm packages, then the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
npm ci --no-audit --no-fund
npm test
