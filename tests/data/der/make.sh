#!/bin/sh
# Regenerates the certificate fixtures of tests/test_der.c and
# tests/test_profile.c (not run by the tests: the outputs are committed, so
# the suite needs no openssl).  Each NAME.der is a self-signed certificate
# and NAME.serial the serial number as `openssl x509 -serial` prints it,
# which is what the parser must find; NAME.aki its authority key
# identifier, which apdu:jpki-auth keys on with the serial.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ec.key"
openssl genrsa -out "$tmp/rsa.key" 1024 2>/dev/null
openssl genrsa -out "$tmp/rsa2048.key" 2048 2>/dev/null

# cert NAME KEY SERIAL [extra req options]
cert() {
	name=$1 key=$2 serial=$3
	shift 3
	openssl req -x509 -new -key "$tmp/$key" -subj "/CN=cardtally $name" \
		-days 3650 -set_serial "$serial" -outform DER -out "$name.der" "$@"
	openssl x509 -inform DER -in "$name.der" -noout -serial >"$name.serial"
	openssl x509 -inform DER -in "$name.der" -noout \
		-ext authorityKeyIdentifier | sed -n 's/^ *//; 2p' | tr -d ':' \
		>"$name.aki"
}

cert ec-serial1 ec.key 1
cert ec-serial0 ec.key 0
# 0x80: the top bit is set, so DER adds a 0x00 sign octet.
cert ec-sign-byte ec.key 0x80
cert rsa-sign-byte rsa.key 0xC0FFEE00112233
# 20 octets, the longest RFC 5280 allows; one with the top bit set (21
# octets on the wire with its sign octet).
cert ec-serial20 ec.key 0x7F0102030405060708090A0B0C0D0E0F10111213
cert rsa-serial20-signed rsa.key 0x8F0102030405060708090A0B0C0D0E0F10111213
# A larger certificate: two-octet lengths (0x82) in both SEQUENCEs.
cert rsa2048-serial rsa2048.key 0x1234567890
# A version 1 certificate (no [0] version field), as old CAs issue them.
openssl req -new -key "$tmp/ec.key" -subj "/CN=cardtally v1" \
	-out "$tmp/v1.csr"
openssl x509 -req -in "$tmp/v1.csr" -key "$tmp/ec.key" -set_serial 4242 \
	-days 3650 -outform DER -out ec-v1.der 2>/dev/null
openssl x509 -inform DER -in ec-v1.der -noout -serial >ec-v1.serial

# Two generations of a user-authentication CA with the same name (as the
# 2015 and 2023 JPKI CAs have), each issuing a card certificate with the
# same 4-byte serial: apdu:jpki-auth must tell the two apart by the
# authority key identifier.  NAME.aki is the keyIdentifier as openssl
# prints it.
cat >"$tmp/leaf.ext" <<'EXT'
authorityKeyIdentifier=keyid:always
subjectKeyIdentifier=hash
keyUsage=critical,digitalSignature
EXT
for gen in 2015 2023; do
	openssl genrsa -out "$tmp/ca$gen.key" 2048 2>/dev/null
	openssl req -x509 -new -key "$tmp/ca$gen.key" -days 3650 \
		-subj "/C=JP/O=cardtally test/CN=cardtally test user authentication CA" \
		-out "$tmp/ca$gen.pem"
	openssl req -new -key "$tmp/rsa2048.key" -subj "/C=JP/CN=cardtally card" \
		-out "$tmp/leaf$gen.csr"
	openssl x509 -req -in "$tmp/leaf$gen.csr" -CA "$tmp/ca$gen.pem" \
		-CAkey "$tmp/ca$gen.key" -set_serial 0x1234ABCD -days 3650 \
		-extfile "$tmp/leaf.ext" -outform DER -out "jpki-ca$gen.der" \
		2>/dev/null
	openssl x509 -inform DER -in "jpki-ca$gen.der" -noout -serial \
		>"jpki-ca$gen.serial"
	openssl x509 -inform DER -in "jpki-ca$gen.der" -noout \
		-ext authorityKeyIdentifier | sed -n 's/^ *//; 2p' | tr -d ':' \
		>"jpki-ca$gen.aki"
done
