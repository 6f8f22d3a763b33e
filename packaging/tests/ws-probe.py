#!/usr/bin/env python3
"""A minimal WebSocket client (RFC 6455, standard library only) for scripts/test-packages.

Usage: ws-probe.py URL ORIGIN MESSAGE...

Opens URL (ws://host:port/path) with the given Origin header, sends each MESSAGE as a text
frame, prints each text answer on its own line, then closes with code 1000. Exits 1 when the
handshake is refused or no answer arrives within 15 seconds.
"""

import base64
import os
import socket
import struct
import sys
import urllib.parse


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("connection closed")
        data += chunk
    return data


def send_frame(sock, opcode, payload):
    header = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        header += bytes([0x80 | n])
    elif n < 65536:
        header += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        header += bytes([0x80 | 127]) + struct.pack("!Q", n)
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    sock.sendall(header + mask + masked)


def recv_frame(sock):
    b0, b1 = recv_exact(sock, 2)
    opcode = b0 & 0x0F
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", recv_exact(sock, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", recv_exact(sock, 8))[0]
    return opcode, recv_exact(sock, n)


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    url = urllib.parse.urlparse(sys.argv[1])
    origin = sys.argv[2]
    sock = socket.create_connection((url.hostname, url.port or 80), timeout=15)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {url.path or '/'} HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    sock.sendall(request.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        if not chunk:
            break
        head += chunk
    status = head.split(b"\r\n", 1)[0].decode(errors="replace")
    if " 101 " not in status + " ":
        print(f"handshake refused: {status}", file=sys.stderr)
        return 1
    for message in sys.argv[3:]:
        send_frame(sock, 0x1, message.encode())
        while True:
            opcode, payload = recv_frame(sock)
            if opcode == 0x9:  # ping: answer it
                send_frame(sock, 0xA, payload)
                continue
            if opcode == 0x8:
                print("closed by the server", file=sys.stderr)
                return 1
            if opcode == 0x1:
                print(payload.decode())
                break
    send_frame(sock, 0x8, struct.pack("!H", 1000))
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
