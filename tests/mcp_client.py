"""Drives `tm mcp` with the reference Python MCP client (the `mcp` package).

Usage: mcp_client.py TM_BINARY PROJECT_DIR. Prints one line per check and
exits non-zero on the first failure.
"""
import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def is_error(result):
    # The field is `isError` on the wire; newer packages name it `is_error`.
    return bool(getattr(result, "is_error", None) or getattr(result, "isError", None))


def text_of(result):
    return "".join(getattr(c, "text", "") for c in result.content)


async def main(tm, project):
    params = StdioServerParameters(command=tm, args=["mcp", "-C", project])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = {t.name for t in (await session.list_tools()).tools}
            for name in ["list_models", "get_model", "findings", "coverage_gaps",
                         "code_facts", "draft_candidates", "add_threat", "add_mitigation",
                         "add_question"]:
                assert name in tools, f"missing tool {name}: {tools}"
            print("tools:", ",".join(sorted(tools)))

            models = json.loads(text_of(await session.call_tool("list_models", {})))
            assert [m["id"] for m in models] == ["shop"], models

            findings = json.loads(text_of(await session.call_tool("findings", {})))
            codes = {f["rule"] for f in findings}
            assert "TM102" in codes, codes
            print("findings:", ",".join(sorted(codes)))

            before = open(f"{project}/models/shop.yaml").read()
            candidates = await session.call_tool("draft_candidates", {"model": "shop"})
            assert not is_error(candidates), text_of(candidates)
            assert "# fired by: TL-" in text_of(candidates), text_of(candidates)
            assert "drafted: true" in text_of(candidates), text_of(candidates)
            assert open(f"{project}/models/shop.yaml").read() == before, "candidates wrote"
            print("candidates:", text_of(candidates).count("library: TL-"))

            added = await session.call_tool("add_threat", {
                "model": "shop", "id": "T-2", "target": "web", "stride": ["tampering"],
                "title": "Forged: \"cart\" totals", "likelihood": "medium",
                "impact": "high", "severity": "high"})
            assert not is_error(added), text_of(added)
            print("added:", text_of(added))

            refused = await session.call_tool("add_threat", {
                "model": "shop", "id": "T-3", "target": "web", "stride": ["spoofing"],
                "title": "Accepted risk", "likelihood": "low", "impact": "low",
                "severity": "low", "status": "accepted",
                "acceptance": {"by": "bot", "at": "2026-01-01", "rationale": "fine"}})
            assert is_error(refused), text_of(refused)
            assert "refused" in text_of(refused), text_of(refused)
            print("refused:", text_of(refused))

            bad = await session.call_tool("add_question", {
                "model": "shop", "id": "Q-1", "about": "nowhere", "text": "Who calls this?"})
            assert is_error(bad), text_of(bad)
            print("not written:", text_of(bad))

            model = json.loads(text_of(await session.call_tool(
                "get_model", {"model": "shop", "format": "json"})))
            t2 = [t for t in model["threats"] if t["id"] == "T-2"]
            assert t2 and t2[0]["drafted"] is True and t2[0]["status"] == "open", model["threats"]
            assert not [t for t in model["threats"] if t["id"] == "T-3"]
    print("ok")


asyncio.run(main(sys.argv[1], sys.argv[2]))
