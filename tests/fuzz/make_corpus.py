#!/usr/bin/env python3
"""Regenerates the seed corpus of the fuzz targets (tests/fuzz/corpus/) from
the certificate fixtures in tests/data/der/.  The corpus is committed; this
script only documents where the seeds came from.  Files named by a 40-digit
hash were added from fuzzing runs (libFuzzer -merge=1: inputs that reach new
code) and are kept as they are, as is any crash-* input the fuzzer found.

corpus/der/       certificates, some truncations, hand-made malformed headers
corpus/mynumber/  card conversations for fuzz_mynumber.c: responses, each one
                  length octet then that many bytes
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, "..", "data", "der")
der_dir = os.path.join(here, "corpus", "der")
mn_dir = os.path.join(here, "corpus", "mynumber")
OK = b"\x90\x00"


def write(d, name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def frame(resp):
    assert len(resp) < 256
    return bytes([len(resp)]) + resp


def main():
    os.makedirs(der_dir, exist_ok=True)
    os.makedirs(mn_dir, exist_ok=True)
    certs = sorted(f[:-4] for f in os.listdir(fixtures) if f.endswith(".der"))
    for name in certs:
        with open(os.path.join(fixtures, name + ".der"), "rb") as f:
            der = f.read()
        write(der_dir, name, der)
        write(der_dir, name + "-cut12", der[:12])
        write(der_dir, name + "-cut64", der[:64])
        # The profile's happy path: two SELECTs, one read of 64 bytes.
        write(mn_dir, name, frame(OK) + frame(OK) + frame(der[:64] + OK))
    with open(os.path.join(fixtures, "rsa2048-serial.der"), "rb") as f:
        der = f.read()
    # Wrong Le, then the retry; short reads; an application missing; an
    # overlong read; a truncated status word.
    write(mn_dir, "wrong-le", frame(OK) + frame(OK) + frame(b"\x6c\x20") +
          frame(der[:32] + OK))
    write(mn_dir, "short-reads", frame(OK) + frame(OK) +
          b"".join(frame(der[i:i + 7] + OK) for i in range(0, 21, 7)))
    write(mn_dir, "no-app", frame(b"\x6a\x82"))
    write(mn_dir, "no-ef", frame(OK) + frame(b"\x6a\x82"))
    write(mn_dir, "overlong", frame(OK) + frame(OK) + frame(der[:65] + OK))
    write(mn_dir, "one-byte", frame(OK) + frame(b"\x90"))
    for name, data in {
        "long-form": bytes.fromhex("30840101000030830100000201 09".replace(" ", "")),
        "indefinite": bytes.fromhex("3080308002010100 00".replace(" ", "")),
        "five-octets": bytes.fromhex("3085010000000030 00".replace(" ", "")),
        "v1": bytes.fromhex("308190308180020107"),
        "version-junk": bytes.fromhex("30123010a004020102000201 01".replace(" ", "")),
    }.items():
        write(der_dir, name, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
