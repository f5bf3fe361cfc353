#!/usr/bin/env python3
"""Re-verify a `zhurnal replay export` file with independent code.

Uses only the Python standard library (hashlib, json, base64, struct). For
every event line it checks, as docs/storage-format.md ("Export") describes:

  * positions are 1, 2, 3, ... with no gap;
  * prevHash equals the previous line's hash (32 zero bytes for position 1);
  * hash == SHA-256(prevHash || envelope), envelope being the base64 bytes;
  * the envelope (a Cap'n Proto EventEnvelope, decoded here by hand) holds
    the same position, stream, version, type, time, actor, command,
    correlation and causation ids and prevHash as the line's JSON fields;
  * the trailer line names the last position and hash.

Usage: verify_export.py FILE      (FILE "-" reads standard input)
Exit status: 0 verified; 1 the first bad line is named on stderr; 2 the file
cannot be read or is not an export.
"""

import base64
import binascii
import hashlib
import json
import struct
import sys

FORMAT = "zhurnal-export-1"


class Bad(Exception):
    """A damaged line: the message names the position."""


class Envelope:
    """A minimal reader of one Cap'n Proto message (flat, unpacked) whose root
    is an EventEnvelope (schema/envelope.capnp): 3 data words, 8 pointers."""

    def __init__(self, data):
        if len(data) < 8:
            raise ValueError("message shorter than its segment table")
        count = struct.unpack_from("<I", data, 0)[0] + 1
        if count > 512:
            raise ValueError("too many segments")
        table = 4 + 4 * count
        table += (8 - table % 8) % 8
        if len(data) < table:
            raise ValueError("truncated segment table")
        self.segments = []
        offset = table
        for i in range(count):
            words = struct.unpack_from("<I", data, 4 + 4 * i)[0]
            end = offset + 8 * words
            if end > len(data):
                raise ValueError("segment runs past the message")
            self.segments.append(data[offset:end])
            offset = end
        self.root = self._struct(0, 0)

    def _word(self, seg, index):
        s = self.segments[seg]
        if index < 0 or 8 * index + 8 > len(s):
            raise ValueError("pointer out of bounds")
        return struct.unpack_from("<Q", s, 8 * index)[0]

    def _follow(self, seg, index):
        """Resolves the pointer at (seg, index): returns (seg, target word,
        pointer word) with far pointers followed."""
        ptr = self._word(seg, index)
        if ptr & 3 != 2:
            offset = ptr & 0xFFFFFFFF
            offset = (offset >> 2) - (1 << 30) if offset & 0x80000000 else offset >> 2
            return seg, index + 1 + offset, ptr
        double = (ptr >> 2) & 1
        pad = (ptr >> 3) & 0x1FFFFFFF
        target_seg = ptr >> 32
        if target_seg >= len(self.segments):
            raise ValueError("far pointer to a missing segment")
        if not double:
            return self._follow(target_seg, pad)
        landing = self._word(target_seg, pad)
        tag = self._word(target_seg, pad + 1)
        content_seg = landing >> 32
        content_at = (landing >> 3) & 0x1FFFFFFF
        return content_seg, content_at, tag

    def _struct(self, seg, index):
        seg, at, ptr = self._follow(seg, index)
        if ptr == 0:
            raise ValueError("null root")
        if ptr & 3 != 0:
            raise ValueError("root is not a struct")
        data_words = (ptr >> 32) & 0xFFFF
        ptr_words = (ptr >> 48) & 0xFFFF
        return (seg, at, data_words, ptr_words)

    def uint(self, byte_offset, signed=False):
        seg, at, data_words, _ = self.root
        if byte_offset + 8 > 8 * data_words:
            return 0
        word = self._word(seg, at + byte_offset // 8)
        if signed and word >= 1 << 63:
            word -= 1 << 64
        return word

    def blob(self, pointer, text):
        seg, at, data_words, ptr_words = self.root
        if pointer >= ptr_words:
            return b""
        if self._word(seg, at + data_words + pointer) == 0:
            return b""
        seg, target, ptr = self._follow(seg, at + data_words + pointer)
        if ptr & 3 != 1 or (ptr >> 32) & 7 != 2:
            raise ValueError("not a byte list")
        count = ptr >> 35
        start = 8 * target
        s = self.segments[seg]
        if start < 0 or start + count > len(s):
            raise ValueError("byte list out of bounds")
        raw = s[start:start + count]
        if text:
            if not raw or raw[-1] != 0:
                raise ValueError("text without its NUL")
            raw = raw[:-1]
        return raw

    def text(self, pointer):
        return self.blob(pointer, True).decode("utf-8", errors="replace")


def unhex(value, what, position):
    try:
        raw = binascii.unhexlify(value)
    except (binascii.Error, TypeError):
        raise Bad("position %d: %s is not hexadecimal" % (position, what))
    if len(raw) != 32:
        raise Bad("position %d: %s is not 32 bytes" % (position, what))
    return raw


def check_event(obj, expect, prev):
    position = obj.get("position")
    if position != expect:
        raise Bad("position %d is missing (the next line says %r)" % (expect, position))
    prev_hash = unhex(obj.get("prevHash"), "prevHash", position)
    own_hash = unhex(obj.get("hash"), "hash", position)
    if prev_hash != prev:
        raise Bad("position %d: previous-hash link is broken" % position)
    try:
        envelope = base64.b64decode(obj.get("envelope", ""), validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise Bad("position %d: envelope is not base64" % position)
    if hashlib.sha256(prev + envelope).digest() != own_hash:
        raise Bad("position %d: hash does not match SHA-256(prevHash || envelope)" % position)
    try:
        env = Envelope(envelope)
        fields = {
            "position": env.uint(0),
            "streamId": env.text(0),
            "streamVersion": env.uint(8),
            "eventType": env.text(1),
            "recordedAtUs": env.uint(16, signed=True),
            "actor": env.text(2),
            "commandId": env.text(3),
            "correlationId": env.text(4),
            "causationId": env.text(5),
        }
        env_prev = env.blob(6, False)
    except (ValueError, struct.error, IndexError) as e:
        raise Bad("position %d: envelope does not decode: %s" % (position, e))
    for name, value in fields.items():
        if obj.get(name) != value:
            raise Bad("position %d: %s %r differs from the envelope's %r"
                      % (position, name, obj.get(name), value))
    if env_prev != prev:
        raise Bad("position %d: the envelope's prevHash differs" % position)
    return own_hash


def verify(lines):
    """Returns the number of events verified; raises Bad or ValueError."""
    header = None
    expect = 1
    prev = bytes(32)
    ended = False
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if ended:
            raise Bad("line %d follows the trailer" % number)
        try:
            obj = json.loads(line)
        except ValueError:
            raise Bad("position %d: line %d is not JSON" % (expect, number))
        if header is None:
            if not isinstance(obj, dict) or obj.get("format") != FORMAT:
                raise ValueError("not a %s file" % FORMAT)
            header = obj
            continue
        if not isinstance(obj, dict):
            raise Bad("position %d: line %d is not an object" % (expect, number))
        if obj.get("end") is True:
            if obj.get("events") != expect - 1:
                raise Bad("position %d: the trailer says %r events" % (expect, obj.get("events")))
            if obj.get("lastHash") != binascii.hexlify(prev).decode():
                raise Bad("position %d: the trailer's lastHash differs" % (expect - 1))
            ended = True
            continue
        prev = check_event(obj, expect, prev)
        expect += 1
    if header is None:
        raise ValueError("empty file")
    if not ended:
        raise Bad("position %d: the file ends without its trailer (truncated?)" % expect)
    return expect - 1


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        stream = sys.stdin if argv[1] == "-" else open(argv[1], encoding="utf-8")
        with stream:
            events = verify(stream)
    except Bad as e:
        print("BROKEN: %s" % e, file=sys.stderr)
        return 1
    except (OSError, ValueError) as e:
        print("cannot verify: %s" % e, file=sys.stderr)
        return 2
    print("ok: %d events, hash chain and envelopes verified" % events)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
