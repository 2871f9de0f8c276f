"""MongoDB wire protocol framing: OP_MSG both ways, legacy OP_QUERY in and OP_REPLY out."""
import struct

import bson

from mongod_standin.storage import CODEC

OP_REPLY = 1
OP_QUERY = 2004
OP_COMPRESSED = 2012
OP_MSG = 2013

_HEADER = struct.Struct("<iiii")
CHECKSUM_PRESENT = 1
MORE_TO_COME = 1 << 1
MAX_MESSAGE_SIZE = 48000000


class ProtocolError(Exception):
    """The peer sent something that is not a well-formed message; the connection is closed."""


class Message:
    def __init__(self, request_id, opcode, body, flags=0, collection=None):
        self.request_id = request_id
        self.opcode = opcode
        self.body = body
        self.flags = flags
        self.collection = collection  # OP_QUERY only: "db.$cmd"

    @property
    def expects_reply(self):
        return not (self.opcode == OP_MSG and self.flags & MORE_TO_COME)


def read_message(sock):
    """The next message from the socket, or None when the peer closed the connection."""
    header = _read_exactly(sock, _HEADER.size)
    if header is None:
        return None
    length, request_id, response_to, opcode = _HEADER.unpack(header)
    if length < _HEADER.size or length > MAX_MESSAGE_SIZE:
        raise ProtocolError("message length %d out of range" % length)
    payload = _read_exactly(sock, length - _HEADER.size)
    if payload is None:
        return None
    if opcode == OP_MSG:
        return _parse_op_msg(request_id, payload)
    if opcode == OP_QUERY:
        return _parse_op_query(request_id, payload)
    raise ProtocolError("unsupported opcode %d" % opcode)


def _read_exactly(sock, size):
    chunks, remaining = [], size
    while remaining:
        chunk = sock.recv(remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _parse_op_msg(request_id, payload):
    flags = struct.unpack_from("<I", payload)[0]
    end = len(payload) - (4 if flags & CHECKSUM_PRESENT else 0)
    position, body, sequences = 4, None, {}
    while position < end:
        kind = payload[position]
        position += 1
        if kind == 0:
            size = struct.unpack_from("<i", payload, position)[0]
            body = bson.decode(payload[position:position + size], CODEC)
        elif kind == 1:
            size = struct.unpack_from("<i", payload, position)[0]
            name_end = payload.index(b"\x00", position + 4)
            name = payload[position + 4:name_end].decode("utf-8")
            sequences[name] = bson.decode_all(payload[name_end + 1:position + size], CODEC)
        else:
            raise ProtocolError("unknown OP_MSG section kind %d" % kind)
        position += size
    if body is None:
        raise ProtocolError("OP_MSG without a body section")
    body.update(sequences)
    return Message(request_id, OP_MSG, body, flags)


def _parse_op_query(request_id, payload):
    name_end = payload.index(b"\x00", 4)
    collection = payload[4:name_end].decode("utf-8")
    position = name_end + 1 + 8  # numberToSkip, numberToReturn
    size = struct.unpack_from("<i", payload, position)[0]
    query = bson.decode(payload[position:position + size], CODEC)
    if "$query" in query:  # drivers wrap the command when they add a read preference
        query = query["$query"]
    return Message(request_id, OP_QUERY, query, collection=collection)


def encode_reply(request, reply_id, document):
    """The reply to `request` in the format it was asked in."""
    encoded = bson.encode(document, codec_options=CODEC)
    if request.opcode == OP_QUERY:
        payload = struct.pack("<iqii", 0, 0, 0, 1) + encoded
        opcode = OP_REPLY
    else:
        payload = struct.pack("<IB", 0, 0) + encoded
        opcode = OP_MSG
    return _HEADER.pack(_HEADER.size + len(payload), reply_id, request.request_id, opcode) + payload
