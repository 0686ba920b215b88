"""The three-node compose cluster, checked from the host with python3-websockets (Debian):
a chat line said on node 1 (ws://127.0.0.1:9091) reaches nodes 2 and 3, presence lists the members of all three,
the balancer (9090/9443) serves, and after `kill_command` stops node 3 the other two keep serving and its member
leaves the list. Exits non-zero naming what failed."""
import asyncio, json, ssl, subprocess, sys, time

import websockets

NODES = {1: "ws://127.0.0.1:9091", 2: "ws://127.0.0.1:9092", 3: "ws://127.0.0.1:9093"}


def chat(node, name, members=False):
    return websockets.connect(f"{NODES[node]}/chat?room=smoke&name={name}" + ("&members=on" if members else ""),
                              open_timeout=10, close_timeout=5)


async def next_where(socket, predicate, timeout):
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        message = json.loads(await asyncio.wait_for(socket.recv(), remaining))
        if predicate(message):
            return message


async def members(socket, expected, timeout=45):
    try:
        await next_where(socket, lambda m: m.get("members") == expected, timeout)
    except TimeoutError:
        sys.exit(f"the member list never became {expected}")
    print(f"members: {expected}")


async def crossing(sender, receivers, label):
    """Probes until a line from sender reaches every receiver (subscriptions cross nodes by gossip)."""
    for probe in range(60):
        text = f"{label} {probe}"
        await sender.send(text)
        try:
            for receiver in receivers:
                await next_where(receiver, lambda m: m.get("text") == text, 1)
            print(f"'{text}' crossed to {len(receivers)} other node(s)")
            return
        except TimeoutError:
            continue
    sys.exit(f"'{label}' lines never crossed nodes")


async def balancer_echo():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the nodes' development certificates
    for url, tls in (("ws://127.0.0.1:9090/", None), ("wss://127.0.0.1:9443/", context)):
        async with websockets.connect(url, ssl=tls, open_timeout=10) as socket:
            await socket.send("through the balancer")
            if await asyncio.wait_for(socket.recv(), 10) != "through the balancer":
                sys.exit(f"{url}: wrong echo")
            print(f"{url}: echo through the balancer")


async def main(kill_command):
    await balancer_echo()
    async with chat(1, "ann", members=True) as ann, chat(2, "bo") as bo, chat(3, "cy") as cy:
        await members(ann, ["ann", "bo", "cy"])
        await crossing(ann, [bo, cy], "from node 1")
        await crossing(cy, [ann, bo], "from node 3")
        print("stopping node 3:", kill_command)
        subprocess.run(kill_command, shell=True, check=True, timeout=60)
        await members(ann, ["ann", "bo"], timeout=60)
        await crossing(bo, [ann], "after the loss")
    await balancer_echo()
    print("cluster check passed")


asyncio.run(main(sys.argv[1]))
