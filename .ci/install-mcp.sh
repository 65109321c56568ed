#!/bin/sh
# The MCP test (tests/mcp.rs) drives `tm mcp` with the reference Python MCP
# client, installed from PyPI into a venv under target/ (never system-wide).
set -eu
cd "$(dirname "$0")/.."
venv=target/mcp-venv
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import mcp" 2>/dev/null; then
    exit 0
fi
python3 -m venv "$venv" || { apt-get update && apt-get install -y python3-venv && python3 -m venv "$venv"; }
"$venv/bin/pip" install --quiet mcp
