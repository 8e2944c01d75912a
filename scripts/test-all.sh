#!/usr/bin/env bash
# Every test, from a fresh clone: system packages, npm packages, then the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
# `npm install`, not `npm ci`: the registry these machines reach holds only the Linux builds of
# some packages' platform-specific optional dependencies (rollup's), so the lockfile cannot list the
# others and `npm ci` refuses it as out of sync. `npm install` honours the lockfile's versions.
npm install --no-audit --no-fund
npm test
