#!/usr/bin/env python3
"""Regenerates the seed corpus of the fuzz targets (tests/fuzz/corpus/) from
the certificate fixtures in tests/data/der/.  The corpus is committed; this
script only documents where the seeds came from.  Files named by a 40-digit
hash were added from fuzzing runs (libFuzzer -merge=1: inputs that reach new
code) and are kept as they are, as is any crash-* input the fuzzer found.

corpus/der/       certificates, some truncations, hand-made malformed headers
corpus/mynumber/  card conversations for fuzz_mynumber.c: responses, each one
                  length octet then that many bytes
corpus/import/    stock lists for fuzz_import.c: good ones in UTF-8 and CP932,
                  and each kind of damage issue 13 found (two encodings in one
                  file, half-width katakana, look-alike paths, Excel dates,
                  cut off, CR line ends, UTF-16/32, state changes, --full)
corpus/sim/       sim reader scripts for fuzz_sim.c: every command, bad lines
corpus/config/    configuration files for fuzz_config.c: every key, bad values
corpus/cli/       command lines for fuzz_cli.c, arguments separated by NUL
corpus/reader/    what readers hand over, for fuzz_reader.c: libnfc targets
                  (a modulation byte, then the decoded target as laid out on
                  x86-64: type A with 4, 7 and 10-byte UIDs and a UID length
                  beyond the buffer, type B, FeliCa), PC/SC ATRs of storage,
                  type A/B and FeliCa cards, GET DATA answers good and bad
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, "..", "data", "der")
der_dir = os.path.join(here, "corpus", "der")
mn_dir = os.path.join(here, "corpus", "mynumber")
imp_dir = os.path.join(here, "corpus", "import")
HDR = b"mgmt_id,serial,location,received"
KINKO_U8 = "金庫".encode("utf-8")
KINKO_SJ = "金庫".encode("cp932")


def import_seeds():
    """Stock lists; the fuzz target picks the encoding by the size (size
    % 4: 1 utf-8, 2 cp932, else auto)."""
    rows = b"".join(b"M%d,04A10000%02d,SAFE1/S1/T0%d,2024-04-01\n" % (i, i, i % 3)
                    for i in range(1, 6))
    seeds = {
        "good-utf8": HDR + b"\n" + rows,
        "good-crlf": (HDR + b"\n" + rows).replace(b"\n", b"\r\n"),
        "good-all-columns": b"mgmt_id,serial,location,received,notice_sent,"
        b"reminder_sent,status\nA001,04A0000001,SAFE1/S1/T01,2024-04-01,"
        b"2024-04-05,,\nA003,04A0000003," + KINKO_U8 + "/棚1".encode() +
        b",2024-04-02,,,deceased\nB001,0B01,S9,2024-04-01,,,issued\n",
        "cp932": b"location,received,serial,mgmt_id\r\n" + KINKO_SJ +
        b"/T01,2024-06-01,04D0000001,J001\r\n" + KINKO_SJ +
        "\\棚/A".encode("cp932") + b",2024-06-01,04D0000002,J002\r\n",
        "bom": b"\xef\xbb\xbf" + HDR + b"\n" + b"B1,0B1," + KINKO_U8 + b",2024-05-01\n",
        "mixed-utf8-cp932": HDR + b"\nE1,0E1," + KINKO_U8 + b",2024-06-01\nE2,0E2,"
        + KINKO_SJ + b",2024-06-01\n",
        "mixed-cp932-utf8": HDR + b"\nE1,0E1," + KINKO_SJ + b",2024-06-01\nE2,0E2,"
        + KINKO_U8 + b",2024-06-01\n",
        "hankaku": HDR + b"\nK1,0C1," + "ﾊｺ/ﾏｽ1".encode("cp932") + b",2024-06-01\n",
        "either": HDR + b"\nK1,0C1,Caf\xc3\xa9,2024-06-01\n",
        "utf8-kinko": HDR + b"\nE1,0E1," + KINKO_U8 + b",2024-06-01\n",
        "lookalikes": HDR + ("\nL1,0D1,金庫〜1/棚−1,2024-06-01\nL2,0D2,金\u200b庫¥2/棚　2,"
                       "2024-06-01\nL3,0D3,ＳＡＦＥ１／ｶﾞ,2024-06-01\nL4,0D4,金庫\u202e1,"
                       "2024-06-01\nL5,0D5,金庫，1,2024-06-01\n").encode(),
        "excel-dates": HDR + b",notice_sent\nD1,0D1,S1,2024/4/1,2024/04/05\n"
        b"D2,0D2,S1,4/1/2024,\nD3,0D3,S1,24/4/1,2024/2/30\nD4,0D4,S1,2024/4/1 0:00,\n",
        "cut-quoted": HDR + b"\nC1,0C1,S1,2024-06-01\nC2,\"04A1B2",
        "cut-row": HDR + b"\nC1,0C1,S1,2024-06-01\nC2,04A1B2",
        "mac-cr": (HDR + b"\n" + rows).replace(b"\n", b"\r"),
        "utf16le": (HDR.decode() + "\n").encode("utf-16-le"),
        "utf16-bom": (HDR.decode() + "\n").encode("utf-16"),
        "utf32": (HDR.decode() + "\n").encode("utf-32"),
        "utf32be": (HDR.decode() + "\n").encode("utf-32-be"),
        "nul": b"\0" * 64,
        "quoted": HDR + b"\n\"Q1\",\"0F1\",\"SAFE \"\"A\"\"/S1\",\"2024-01-01\"\n"
        b"\"Q,2\",0F2,S1,2024-01-01\n\"Q3\nQ\",0F3,S1,2024-01-01\n\"Q4\"x,0F4,S1,2024-01-01\n",
        "blank-lines": HDR + b"\nX1,0E1,S1,2024-01-01\n\n,,,\nX2,0E2,S1,2024-01-01\n\n\r\n",
        "state-steps": b"mgmt_id,serial,location,received,status\n"
        b"A001,04A0000001,SAFE1/S1/T01,2024-04-01,disposed\n"
        b"A002,04A0000002,SAFE1/S1/T01,2024-04-01,stored\n"
        b"A003,04A0000003,S1,2024-04-02,lost\nA004,04A0000004,S1,2024-04-02,stored\n",
        "ledger-conflicts": HDR + b"\nX001,04A0000001,S1,2024-01-01\n"
        b"A002,04E0000009,S1,2024-04-01\nT1,04e0000099,S1,2024-01-01\n",
        "duplicates": HDR + b"\nX1,0E1,S1,2024-01-01\nX1,0E2,S1,2024-01-01\n"
        b"X3,0e1,S1,2024-01-01\n",
        "header-problems": b"mgmt_id,serial,serial,colour,\nX1,01,02,red,\n",
        "empty": b"",
    }
    for name, data in seeds.items():
        write(imp_dir, name, data)
OK = b"\x90\x00"


def sim_seeds():
    """Scripts of the sim reader (cardtally(1) READERS)."""
    d = os.path.join(here, "corpus", "sim")
    os.makedirs(d, exist_ok=True)
    for name, data in {
        "every-command": b"# a comment\ncard 04A0000001\nremove\n"
        b"two 04A0000001 04A0000002\nunplug\nreplug\nremove\n"
        b"card 04a0000003 # trailing\n\t \nend\ncard zz\n",
        "replug-with-card": b"card 0102\nunplug\ncard 0304\nreplug\nend\n",
        "unplugged-twice": b"unplug\nunplug\nremove\nreplug\nreplug\n",
        "wait": b"card 01\nwait 0\ncard 02\nwait 5\ncard 03\n",
        "no-newline": b"card 0A0B",
        "crlf": b"card 0A0B\r\nremove\r\nend\r\n",
        "bad-serial": b"card 04A0000001\ncard 04G0\n",
        "odd-serial": b"card 123\n",
        "long-serial": b"card " + b"ab" * 33 + b"\n",
        "max-serial": b"card " + b"ab" * 32 + b"\n",
        "two-same": b"two 0101 0101\n",
        "missing-arg": b"wait\n",
        "extra-arg": b"remove now\n",
        "bad-wait": b"wait 3600001\nwait -1\n",
        "unknown": b"cardd 01\n\x1b[2Jcard 01\n",
        "binary": bytes(range(256)),
        "long-line": b"#" + b"x" * 5000 + b"\ncard 01\n",
        "empty": b"",
    }.items():
        write(d, name, data)


def config_seeds():
    """Configuration files (scanner/workflow/config.h)."""
    d = os.path.join(here, "corpus", "config")
    os.makedirs(d, exist_ok=True)
    for name, data in {
        "every-key": b"# cardtally.conf\nprofile = uid\n"
        b"disposal_reminder_days = 90\nkey_open_limit_minutes = 30\n"
        b"office_hours = 08:30-17:15\nidle_logout_seconds = 120\n",
        "apdu-profile": b"profile = apdu:jpki-auth\n",
        "crlf-tabs": b"\tprofile\t=\tuid\t\r\n\r\n",
        "bounds": b"disposal_reminder_days = 3650\nkey_open_limit_minutes=1\n"
        b"idle_logout_seconds=86400\noffice_hours=00:00-23:59\n",
        "no-equals": b"profile uid\n",
        "unknown-key": b"colour = blue\n",
        "bad-number": b"disposal_reminder_days = 9O\n",
        "overflow": b"key_open_limit_minutes = 99999999999999999999999\n",
        "hours-backwards": b"office_hours = 17:15-08:30\n",
        "hours-junk": b"office_hours = 8:30-17:15\noffice_hours = 24:00-25:00\n",
        "unknown-profile": b"profile = apdu:nothing\n",
        "control-value": b"profile = \x1b]0;owned\x07\n",
        "control-key": b"\x1b[2J = 1\n",
        "long-comment": b"# " + b"x" * 1100 + b" profile = apdu:nothing\n",
        "long-line": b"profile = " + b"u" * 2000 + b"\n",
        "nul": b"profile = uid\x00junk\n",
        "empty": b"",
    }.items():
        write(d, name, data)


def cli_seeds():
    """Command lines, the arguments separated by NUL (fuzz_cli.c)."""
    d = os.path.join(here, "corpus", "cli")
    os.makedirs(d, exist_ok=True)
    for name, args in {
        "import": ["import", "--db", "x.db", "--as", "M01", "--pin-fd", "3",
                   "--dry-run", "stock.csv"],
        "import-eq": ["import", "--db=x.db", "--encoding=cp932", "--full",
                      "stock.csv"],
        "count-start": ["count", "start", "--as", "M01", "--witness", "S01",
                        "--witness-pin-fd", "4", "--json", "SAFE1"],
        "training": ["training", "course", "add", "--help"],
        "noun": ["count"],
        "noun-help": ["training", "--help"],
        "noun-unknown": ["count", "frobnicate"],
        "unknown": ["frobnicate", "--x"],
        "twice": ["import", "--encoding", "cp932", "--encoding=utf-8", "f"],
        "flag-value": ["import", "--full=yes", "f"],
        "json-value": ["status", "--json=1"],
        "missing-value": ["status", "--db"],
        "bad-fd": ["status", "--pin-fd", "1024"],
        "dashdash": ["scan", "--", "--db", "-"],
        "long-option": ["status", "--" + "d" * 60 + "=x"],
        "empty-name": ["status", "--=x", "--", ""],
        "control": ["status", "--[2J", "]0;x"],
    }.items():
        write(d, name, "\0".join(args).encode())


def reader_seeds():
    """The first byte picks the libnfc modulation (% 4: A, B, FeliCa,
    other); the rest is the nfc_target_info as libnfc lays it out, and is
    also taken as an ATR and as a GET DATA response."""
    import struct
    d = os.path.join(here, "corpus", "reader")
    os.makedirs(d, exist_ok=True)

    def type_a(uid, sak=0x20, claimed=None):
        n = len(uid) if claimed is None else claimed
        # abtAtqa[2], btSak, padding to size_t, szUidLen, abtUid[10]
        return (b"\x00" + b"\x00\x04" + bytes([sak]) + b"\0" * 5 +
                struct.pack("<Q", n) + uid.ljust(10, b"\0") + b"\0" * 8)

    seeds = {
        "nfc-a-4": type_a(bytes.fromhex("A1B2C3D4"), sak=0x08),
        "nfc-a-4-random": type_a(bytes.fromhex("08B2C3D4"), sak=0x08),
        "nfc-a-7": type_a(bytes.fromhex("04A1B2C3D4E5F6")),
        "nfc-a-10": type_a(bytes.fromhex("04A1B2C3D4E5F6A7B8C9")),
        "nfc-a-claims-11": type_a(bytes.fromhex("04A1B2C3D4E5F6A7B8C9"),
                                  claimed=11),
        "nfc-a-claims-0": type_a(b"", claimed=0),
        "nfc-a-claims-huge": type_a(b"\x04", claimed=2**63),
        # abtPupi[4], abtApplicationData[4], abtProtocolInfo[3], CID
        "nfc-b": b"\x01" + bytes.fromhex("1A2B3C4D000000008181E1") + b"\0",
        # szLen, btResCode, abtId[8], abtPad[8], abtSysCode[2]
        "nfc-felica": b"\x02" + struct.pack("<Q", 18) + b"\x01" +
        bytes.fromhex("012E4CD3A1B2C3D4") + b"\0" * 8 + b"\x88\xb4",
        "nfc-jewel": b"\x03" + b"\x0c\x00\xb2\xc3\xd4\xe5",
        "atr-storage-a": bytes.fromhex("3B8F8001804F0CA000000306030001000000006A"),
        "atr-storage-felica": bytes.fromhex(
            "3B8F8001804F0CA0000003061100 3B000000 0042".replace(" ", "")),
        "atr-type-b": bytes.fromhex("3B888001000000000000000009"),
        "atr-type-a-ats": bytes.fromhex("3B8A80010031C173C840000090009000"),
        "atr-cut": bytes.fromhex("3B8F8001804F0C"),
        "uid-4": bytes.fromhex("A1B2C3D49000"),
        "uid-7": bytes.fromhex("04A1B2C3D4E5F69000"),
        "uid-felica": bytes.fromhex("012E4CD3A1B2C3D49000"),
        "uid-refused": bytes.fromhex("6A81"),
        "uid-status-only": bytes.fromhex("9000"),
        "uid-33": bytes(range(1, 34)) + b"\x90\x00",
        "uid-32": bytes(range(1, 33)) + b"\x90\x00",
        "one-byte": b"\x00",
    }
    for name, data in seeds.items():
        write(d, name, data)


def write(d, name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def frame(resp):
    assert len(resp) < 256
    return bytes([len(resp)]) + resp


def main():
    os.makedirs(der_dir, exist_ok=True)
    os.makedirs(mn_dir, exist_ok=True)
    os.makedirs(imp_dir, exist_ok=True)
    import_seeds()
    sim_seeds()
    config_seeds()
    cli_seeds()
    reader_seeds()
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
