"""Independent interop client: Autobahn|Python (Debian python3-autobahn, the WebSocket engine of the Autobahn project,
whose protocol checks are strict: it fails the connection on any frame, close code or UTF-8 the server gets wrong).

usage: autobahn_client.py URL [--deflate]   (ws:// or wss://; certificates are not verified, the dev certificate is
self-signed). Prints one line per check and exits 0 only if every check passed. Besides echo, it sends raw frames with
Autobahn's own frame writer (the one its conformance suite uses) and checks the server's answer to each: echo, or the
close code RFC 6455 requires (1002 protocol error, 1007 invalid UTF-8). --deflate: RFC 7692 permessage-deflate with
the offers of the conformance suite's sections 12-13 (accepted ones must echo through compression in both
directions; an offer the server cannot honour must be declined, never accepted wrongly).
"""
import asyncio
import os
import ssl
import sys
from urllib.parse import urlparse

from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol
from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateResponse, PerMessageDeflateResponseAccept


class Client(WebSocketClientProtocol):
    def __init__(self):
        super().__init__()
        loop = asyncio.get_running_loop()
        self.opened = loop.create_future()
        self.closed = loop.create_future()
        self.pong = loop.create_future()
        self.messages = asyncio.Queue()

    def onOpen(self):
        self.opened.set_result(None)

    def onMessage(self, payload, isBinary):
        self.messages.put_nowait((payload, isBinary))

    def onPong(self, payload):
        if not self.pong.done():
            self.pong.set_result(payload)

    def onClose(self, wasClean, code, reason):
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"not opened: {reason}"))
        if not self.closed.done():
            self.closed.set_result((wasClean, self.remoteCloseCode, reason))

    async def echo(self, payload: bytes, is_binary: bool, fragment_size=None) -> None:
        self.sendMessage(payload, isBinary=is_binary, fragmentSize=fragment_size)
        received, received_binary = await asyncio.wait_for(self.messages.get(), 30)
        assert (received, received_binary) == (payload, is_binary), f"echo of {len(payload)} bytes (binary={is_binary})"


async def connect(url: str, **options) -> Client:
    parsed = urlparse(url)
    factory = WebSocketClientFactory(url)
    factory.protocol = Client
    # No size limits on our side; strict checks of everything the server sends stay on (the defaults). Autobahn's
    # own timeouts (5 s to open; 1 s for the closing handshake and for the server to drop TCP, after which it calls
    # the close unclean) are for live peers, not for a test machine that may be busy: generous ones here.
    factory.setProtocolOptions(maxFramePayloadSize=0, maxMessagePayloadSize=0, openHandshakeTimeout=30,
                               closeHandshakeTimeout=30, serverConnectionDropTimeout=30, **options)
    context = None
    if parsed.scheme == "wss":
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    loop = asyncio.get_running_loop()
    _, client = await loop.create_connection(factory, parsed.hostname, parsed.port, ssl=context,
                                             server_hostname=parsed.hostname if context else None)
    await asyncio.wait_for(client.opened, 10)
    return client


async def expect_close(client: Client, code: int, what: str) -> None:
    was_clean, received, reason = await asyncio.wait_for(client.closed, 15)
    assert received == code, f"{what}: expected close {code}, got {received} ({reason})"
    print(f"{what}: close {code} ok")


async def main(url: str) -> None:
    client = await connect(url)
    await client.echo("hello ✓ κόσμε".encode(), False)
    print("text echo ok")
    for size in (0, 125, 126, 65535, 65536, 1 << 20):
        await client.echo(os.urandom(size), True)
    print("binary echo ok (0 .. 1 MiB)")
    await client.echo(("fragmented ✓ " * 200).encode(), False, fragment_size=100)
    await client.echo(os.urandom(10000), True, fragment_size=1)
    print("fragmented echo ok")
    client.sendPing(b"autobahn")
    assert await asyncio.wait_for(client.pong, 10) == b"autobahn", "pong payload"
    print("ping/pong ok")
    client.sendClose(1000, "done")
    was_clean, code, _ = await asyncio.wait_for(client.closed, 10)
    assert was_clean and code == 1000, f"clean close 1000 (clean={was_clean}, code={code})"
    print("close 1000 ok")

    for name, send, code in VIOLATIONS:
        client = await connect(url, **({"maskClientFrames": False} if name == "unmasked client frame" else {}))
        send(client)
        await expect_close(client, code, name)

    for name, send, expected in ACCEPTED:
        client = await connect(url)
        send(client)
        received = await asyncio.wait_for(client.messages.get(), 10)
        assert received == expected, f"{name}: expected {expected!r}, got {received!r}"
        client.sendClose(1000)
        was_clean, code, _ = await asyncio.wait_for(client.closed, 10)
        assert was_clean and code == 1000, f"{name}: clean close afterwards"
        print(f"{name}: ok")


async def deflate(url: str) -> None:
    def accept(response):
        return PerMessageDeflateResponseAccept(response) if isinstance(response, PerMessageDeflateResponse) else None

    # (offer, accepted?) as sections 12-13 of the Autobahn suite make them. A server window below 15 bits cannot be
    # honoured (ActorWss's deflater always uses 32 KiB), so that offer must be declined.
    offers = [
        (PerMessageDeflateOffer(), True),
        (PerMessageDeflateOffer(accept_no_context_takeover=False, accept_max_window_bits=False), True),
        (PerMessageDeflateOffer(request_no_context_takeover=True), True),
        (PerMessageDeflateOffer(accept_max_window_bits=True, request_max_window_bits=15), True),
        (PerMessageDeflateOffer(request_max_window_bits=9), False),
    ]
    compressible = ("{\"room\":\"lobby\",\"text\":\"hello\"} " * 4000).encode()  # ASCII: any prefix is valid UTF-8
    utf8 = ("κόσμε ✓ " * 5000).encode()
    for offer, accepted in offers:
        client = await connect(url, perMessageCompressionOffers=[offer], perMessageCompressionAccept=accept)
        in_use = client.websocket_extensions_in_use
        assert bool(in_use) == accepted, f"{offer}: extensions in use {in_use}, expected accepted={accepted}"
        for size in (16, 64, 256, 1024, 4096, 8192, 16384, 32768, 65536, 131072):
            await client.echo(compressible[:size], False)
            await client.echo(os.urandom(size), True)
        await client.echo(utf8, False, fragment_size=1000)  # fragments split code points
        await client.echo(compressible, True, fragment_size=64)
        client.sendClose(1000, "done")
        was_clean, code, _ = await asyncio.wait_for(client.closed, 10)
        assert was_clean and code == 1000, f"clean close 1000 (clean={was_clean}, code={code})"
        print(f"{offer}: {'accepted ' + str(in_use) if accepted else 'declined'}, echo 16 B .. 128 KiB and fragmented ok")


TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 1, 2, 0, 8, 9, 10
KAPPA = "κόσμε".encode()  # RFC 6455 §8.1 text; split below in the middle of a code point

# (name, what the client sends, the close code the server must answer with)
VIOLATIONS = [
    ("unmasked client frame", lambda c: c.sendMessage(b"not masked", isBinary=True), 1002),
    ("invalid UTF-8 text", lambda c: c.sendMessage(b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited", isBinary=False), 1007),
    ("invalid UTF-8 in a later fragment", lambda c: (c.sendFrame(TEXT, KAPPA, fin=False), c.sendFrame(CONTINUATION, b"\xf4\x90\x80\x80", fin=True)), 1007),
    ("reserved data opcode 3", lambda c: c.sendFrame(3, b"x"), 1002),
    ("reserved control opcode 11", lambda c: c.sendFrame(11, b"x"), 1002),
    ("RSV1 without an extension", lambda c: c.sendFrame(TEXT, b"x", rsv=4), 1002),
    ("RSV3 on a ping", lambda c: c.sendFrame(PING, b"x", rsv=1), 1002),
    ("ping of 126 bytes", lambda c: c.sendFrame(PING, b"p" * 126), 1002),
    ("fragmented ping", lambda c: (c.sendFrame(PING, b"pi", fin=False), c.sendFrame(CONTINUATION, b"ng")), 1002),
    ("continuation without a message", lambda c: c.sendFrame(CONTINUATION, b"x"), 1002),
    ("new message inside a fragmented one", lambda c: (c.sendFrame(TEXT, b"a", fin=False), c.sendFrame(TEXT, b"b")), 1002),
    ("close with a 1-byte payload", lambda c: c.sendFrame(CLOSE, b"\x03"), 1002),
    ("close code 999", lambda c: c.sendFrame(CLOSE, (999).to_bytes(2, "big")), 1002),
    ("close code 1005 on the wire", lambda c: c.sendFrame(CLOSE, (1005).to_bytes(2, "big")), 1002),
    ("close code 1016 (unassigned)", lambda c: c.sendFrame(CLOSE, (1016).to_bytes(2, "big")), 1002),
    ("close code 5000", lambda c: c.sendFrame(CLOSE, (5000).to_bytes(2, "big")), 1002),
    ("close code 1000 with an invalid UTF-8 reason", lambda c: c.sendFrame(CLOSE, (1000).to_bytes(2, "big") + b"\xff"), 1002),
    ("close code 4999 (private use) is answered in kind", lambda c: c.sendFrame(CLOSE, (4999).to_bytes(2, "big") + b"bye"), 4999),
    ("close without a code is answered with 1000", lambda c: c.sendFrame(CLOSE, b""), 1000),
]

# (name, what the client sends, the (payload, is_binary) message it must get back)
ACCEPTED = [
    ("text split inside a code point", lambda c: (c.sendFrame(TEXT, KAPPA[:3], fin=False), c.sendFrame(CONTINUATION, KAPPA[3:])), (KAPPA, False)),
    ("ping between fragments", lambda c: (c.sendFrame(BINARY, b"frag", fin=False), c.sendFrame(PING, b"p"),
                                          c.sendFrame(CONTINUATION, b"ment")), (b"fragment", True)),
    ("unsolicited pong is ignored", lambda c: (c.sendFrame(PONG, b"unasked"), c.sendFrame(TEXT, b"after")), (b"after", False)),
    ("empty fragments", lambda c: (c.sendFrame(TEXT, b"", fin=False), c.sendFrame(CONTINUATION, b"", fin=False),
                                   c.sendFrame(CONTINUATION, b"")), (b"", False)),
    ("frame written one byte at a time", lambda c: c.sendFrame(BINARY, bytes(range(200)), chopsize=1), (bytes(range(200)), True)),
]


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(deflate(sys.argv[1]) if "--deflate" in sys.argv[2:] else main(sys.argv[1]), 90))
    print("ALL OK")
