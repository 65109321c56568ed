#!/bin/sh
# Installs Microsoft's SARIF validator (npm @microsoft/sarif-multitool, pinned
# by .ci/sarif/package-lock.json) for tests/cli_sarif.rs.
set -eu
cd "$(dirname "$0")/sarif"
npm ci --no-audit --no-fund
# The package marks its binary executable in a postinstall script, which npm
# may skip when install scripts are not allowed.
chmod u+x node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null || true
