#!/usr/bin/env bash
# A year of a generated ward (2,000-odd cards, 24 trays, six people; cards
# received, issued and stolen along the way) replayed month by month through
# the command line, and the record book, the rotation rule, the cycle's
# coverage and the loss windows checked against what the generator knows to
# be true.  The generator and its checks: tests/tools/ward_year.py.
. "$(dirname "$0")/lib.sh"
WORK=$WORK python3 "$TESTS/tools/ward_year.py"
