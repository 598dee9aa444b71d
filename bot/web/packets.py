"""Malformed socket.io traffic stops here, before python-engineio/python-socketio parse it.

Those libraries answer bad input without crashing, but each bad packet costs a logged
traceback (a RecursionError on deeply nested JSON, a UnicodeDecodeError on a body that is
not UTF-8, "Too many packets in payload"), and a client that posts a server-only packet
type ("0", "2", "6") leaves its request hanging. The guard refuses, with a 400 or by
dropping the packet with one line at INFO:
- polling POST bodies that are not UTF-8, have more packets than engine.io takes, or hold
  packet types a client does not send over polling (only 1 close, 3 pong, 4 message);
- socket.io packets that are binary, of a type a client does not send, nested deeper
  than MAX_JSON_DEPTH or not decodable;
- events named like the server's own (python-socketio 5.9 hands a client's
  `42["connect"]` to the connect handler; later versions refuse reserved names).
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import response
from socketio import AsyncServer
from socketio.packet import Packet

logger = logging.getLogger(__name__)

MAX_PACKETS_PER_POST = 16  # engine.io's own limit (Payload.max_decode_packets)
MAX_JSON_DEPTH = 32  # the widget sends depth 3
CLIENT_POLLING_TYPES = "134"  # engine.io: close, pong, message
CLIENT_SOCKETIO_TYPES = "0123"  # socket.io: connect, disconnect, event, ack
RECORD_SEPARATOR = "\x1e"


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when brackets outside strings nest deeper than `limit` (one linear scan)."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def polling_body_problem(body: bytes) -> str | None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    packets = text.split(RECORD_SEPARATOR)
    if len(packets) > MAX_PACKETS_PER_POST:
        return "too many packets"
    if any(not packet or packet[0] not in CLIENT_POLLING_TYPES for packet in packets):
        return "a packet type clients do not send"
    return None


def socketio_packet_problem(data: Any) -> str | None:
    if not isinstance(data, str):
        return "binary"
    if not data or data[0] not in CLIENT_SOCKETIO_TYPES:
        return "a packet type clients do not send"
    if json_too_deep(data):
        return "nested too deep"
    try:  # the parse socket.io is about to do, without its logged traceback on failure
        Packet(encoded_packet=data)
    except Exception:  # noqa: BLE001 - any decoding error means the same: not a packet
        return "malformed"
    return None


def guard(sio: AsyncServer) -> None:
    """Put the checks in front of `sio` (call before the server is attached to the app)."""
    eio = sio.eio
    handle_request = eio.handle_request

    async def checked_request(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method == "POST":
            problem = polling_body_problem(request.body or b"")
            if problem:
                logger.info("webchat: refused a polling request (%s)", problem)
                return response.json({"error": "bad request"}, status=400)
        return await handle_request(request, *args, **kwargs)

    eio.handle_request = checked_request  # engineio's sanic driver routes to this attribute

    handle_message = sio._handle_eio_message

    async def checked_message(eio_sid: str, data: Any) -> None:
        if eio_sid not in sio._binary_packet:  # (binary packets never start: see below)
            problem = socketio_packet_problem(data)
            if problem:
                logger.info("webchat: dropped a socket.io packet (%s)", problem)
                return
        await handle_message(eio_sid, data)

    eio.on("message", checked_message)

    handle_event = sio._handle_event

    async def checked_event(eio_sid: str, namespace: str, id: Any, data: Any) -> None:
        name = data[0] if isinstance(data, list) and data else None
        if not isinstance(name, str) or name in sio.reserved_events:
            logger.info("webchat: dropped a socket.io event without a usable name")
            return
        await handle_event(eio_sid, namespace, id, data)

    sio._handle_event = checked_event  # type: ignore[method-assign]
