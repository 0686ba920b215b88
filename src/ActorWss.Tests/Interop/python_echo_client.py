"""Independent interop client: Python `websockets` (Debian python3-websockets) against an ActorWss echo server.

usage: python_echo_client.py URL [--deflate]   (ws:// or wss://; certificates are not verified, the dev certificate is
self-signed). --deflate: offer permessage-deflate (RFC 7692, the library's default offer), require the server to
accept it, and echo compressible and incompressible messages through it.
Prints one line per check and exits 0 only if every check passed.
"""
import asyncio
import os
import ssl
import sys

import websockets


def client_context(url: str):
    if not url.startswith("wss://"):
        return None
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def deflate(url: str) -> None:
    async with websockets.connect(url, ssl=client_context(url), max_size=None, compression="deflate") as ws:
        extensions = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        assert extensions.startswith("permessage-deflate"), f"permessage-deflate not accepted: {extensions!r}"
        print(f"negotiated: {extensions}")
        for message in ("short ✓", "compressible ✓ " * 20000, os.urandom(100000), b"\0" * (1 << 20)):
            await ws.send(message)
            assert await ws.recv() == message, f"compressed echo of {len(message)}"
        await ws.send(["frag", "ment", "ed ✓" * 500])
        assert await ws.recv() == "fragment" + "ed ✓" * 500, "fragmented compressed echo"
        print("compressed echo ok (text, random and zero bytes, fragmented)")
        await ws.close(1000, "done")
        assert ws.close_code == 1000, f"close code {ws.close_code}"
        print("close 1000 ok")


async def main(url: str) -> None:
    context = client_context(url)
    async with websockets.connect(url, ssl=context, max_size=None, compression=None) as ws:
        await ws.send("hello ✓ κόσμε")
        assert await ws.recv() == "hello ✓ κόσμε", "text echo"
        print("text echo ok")

        for size in (0, 125, 126, 65535, 65536, 1 << 20):
            payload = os.urandom(size)
            await ws.send(payload)
            assert await ws.recv() == payload, f"binary echo of {size} bytes"
        print("binary echo ok (0 .. 1 MiB)")

        await ws.send(["frag", "ment", "ed ✓"])  # one message in three frames
        assert await ws.recv() == "fragmented ✓", "fragmented echo"
        print("fragmented echo ok")

        pong = await ws.ping(b"interop")
        await asyncio.wait_for(pong, 10)
        print("ping/pong ok")

        await ws.close(1000, "done")
        assert ws.close_code == 1000, f"close code {ws.close_code}"
        print("close 1000 ok")


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(deflate(sys.argv[1]) if "--deflate" in sys.argv[2:] else main(sys.argv[1]), 60))
    print("ALL OK")
