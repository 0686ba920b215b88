"""Independent interop client: Python `websockets` (Debian python3-websockets) against an ActorWss echo server.

usage: python_echo_client.py URL    (ws:// or wss://; certificates are not verified, the dev certificate is self-signed)
Prints one line per check and exits 0 only if every check passed.
"""
import asyncio
import os
import ssl
import sys

import websockets


async def main(url: str) -> None:
    context = None
    if url.startswith("wss://"):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
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
    asyncio.run(asyncio.wait_for(main(sys.argv[1]), 60))
    print("ALL OK")
