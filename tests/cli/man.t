#!/usr/bin/env bash
# The manual pages (man/) against the program: cardtally(1) documents every
# command of the command table (`cardtally help --commands`) under COMMANDS
# and nothing else there, every option a command takes in its subsection,
# every exit code of cli.h and every variable the program reads with
# getenv; its permission table is doc/operations.md's (which test_recon
# holds to the code); cardtally.conf(5) documents exactly the keys that
# scanner/workflow/config.c reads.  Both are valid roff within 80
# columns, and `make install-man` (part of `make install`) installs them.
# Every citation of a document in the tree resolves inside it.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$TESTS/.." && pwd)
MAN1=$SRC/man/cardtally.1
MAN5=$SRC/man/cardtally.conf.5

# plain FILE: the roff source with the escapes this check needs undone:
# \- is -, font changes and quotes of macro arguments are dropped.
plain() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(em/--/g' "$1"
}
# section FILE TITLE: the lines of section .SH TITLE, up to the next .SH.
section() {
	plain "$1" | awk -v t="$2" '/^\.SH / { s = $0; sub(/^\.SH "?/, "", s);
		sub(/"$/, "", s); on = (s == t); next } on'
}

ct help --commands
is "$RC" 0 "help --commands: exit 0"
TABLE=$OUT

# ---- commands and their options ----------------------------------------------

COMMANDS=$(section "$MAN1" COMMANDS)
documented=$(printf '%s\n' "$COMMANDS" | sed -n 's/^\.SS "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' |
	sort)
table=$(printf '%s\n' "$TABLE" | cut -f1 | sort)
ok "$([ "$(printf '%s\n' "$table" | wc -l)" -ge 40 ]; echo $?)" \
	"the command table was read ($(printf '%s\n' "$table" | wc -l) commands)"
is "$(comm -23 <(echo "$table") <(echo "$documented") | tr '\n' ' ')" "" \
	"cardtally.1: every command of the table has its subsection"
is "$(comm -13 <(echo "$table") <(echo "$documented") | tr '\n' ' ')" "" \
	"cardtally.1: every subsection under COMMANDS is a command"
is "$(printf '%s\n' "$documented" | uniq -d | tr '\n' ' ')" "" \
	"cardtally.1: each command once"

# Every option of every command in its own subsection.
missing=""
while IFS=$'\t' read -r name opts; do
	body=$(printf '%s\n' "$COMMANDS" | awk -v n="$name" '
		/^\.SS / { s = $0; sub(/^\.SS "?/, "", s); sub(/"$/, "", s);
			on = (s == n); next } on')
	for o in $opts; do
		printf '%s\n' "$body" | grep -Eq -- "$o([^a-z-]|\$)" ||
			missing="$missing $name:$o"
	done
	# A command's subsection starts with its synopsis.
	printf '%s\n' "$body" | grep -m1 -v '^\.\\"' | grep -q "^\.B cardtally $name" ||
		missing="$missing $name:synopsis"
done <<<"$TABLE"
is "$missing" "" "cardtally.1: every option of a command in its subsection"

# ---- exit codes, environment -------------------------------------------------

codes=$(sed -n 's/^[[:space:]]*EXIT_[A-Z]* = \([0-9]*\),.*/\1/p' \
	"$SRC/scanner/cli/cli.h" | sort -n)
ok "$([ "$(echo "$codes" | wc -l)" -ge 7 ]; echo $?)" \
	"cli.h's exit codes were read ($(echo $codes))"
is "$(section "$MAN1" "EXIT STATUS" | sed -n 's/^\.B \([0-9]*\)$/\1/p' |
	sort -n | tr '\n' ' ')" "$(echo $codes) " \
	"cardtally.1: EXIT STATUS lists exactly cli.h's exit codes"

ENV=$(section "$MAN1" ENVIRONMENT)
vars=$(grep -rhoE 'getenv\("[A-Z_]+"\)' "$SRC"/common "$SRC"/data \
	"$SRC"/drivers "$SRC"/reconcile "$SRC"/scanner |
	sed -E 's/getenv\("(.*)"\)/\1/' | sort -u)
ok "$([ "$(echo "$vars" | wc -l)" -ge 6 ]; echo $?)" \
	"the variables the program reads were found ($(echo $vars))"
undoc=""
for v in $vars; do
	printf '%s\n' "$ENV" | grep -q "$v" || undoc="$undoc $v"
done
is "$undoc" "" "cardtally.1: ENVIRONMENT names every variable read"
# The i18n module reads the locale variables through a table.
for v in LC_ALL LC_MESSAGES LANG LANGUAGE CARDTALLY_CONF; do
	like "$ENV" "$v" "cardtally.1: ENVIRONMENT names $v"
done

# ---- the permission table is doc/operations.md's -----------------------------

man_perm=$(section "$MAN1" "WHO MAY DO WHAT" | awk -F'\t' '
	/^\.TS/ { t = 1; next } /^\.TE/ { t = 0 } t && NF == 5 && $2 != "rule" {
		print $2 "|" $3 "|" $4 "|" $5 }' | sort)
doc_perm=$(awk '/^## / { on = /^## Who may do what/ } on && /^\|/' \
	"$SRC/doc/operations.md" | python3 -c '
import sys
for line in sys.stdin:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 5 and cells[1].startswith("`"):
        print("|".join([cells[1].strip("`")] + cells[2:]))' | sort)
ok "$([ "$(echo "$doc_perm" | wc -l)" -ge 20 ]; echo $?)" \
	"doc/operations.md's permission table was read"
is_text "$man_perm" "$doc_perm" \
	"cardtally.1: WHO MAY DO WHAT is the table of doc/operations.md"

# ---- cardtally.conf(5) -------------------------------------------------------

keys=$(grep -oE 'strcmp\(key, "[a-z_]+"\)' "$SRC/scanner/workflow/config.c" |
	sed -E 's/.*"(.*)".*/\1/' | sort)
ok "$([ "$(echo "$keys" | wc -l)" -ge 5 ]; echo $?)" \
	"config.c's keys were read ($(echo $keys))"
conf_keys=$(section "$MAN5" KEYS | sed -n 's/^\.BI "\([a-z_]*\) = ".*/\1/p' |
	sort)
is "$(echo $conf_keys)" "$(echo $keys)" \
	"cardtally.conf.5: KEYS documents exactly the keys config.c reads"
example=$(section "$MAN5" EXAMPLE | grep -E '^[a-z_]+ = ' | cut -d' ' -f1 |
	sort)
is "$(echo $example)" "$(echo $keys)" \
	"cardtally.conf.5: the example sets every key"
# The example is a configuration the program takes.
section "$MAN5" EXAMPLE | sed -n '/^\.EX/,/^\.EE/p' | sed '1d;$d' \
	>"$WORK/example.conf"
CARDTALLY_CONF=$WORK/example.conf ct readers
is "$RC" 0 "cardtally.conf.5: the example is a valid configuration"
printf 'colour = blue\n' >"$WORK/bad.conf"
new_ledger || { echo "Bail out! cannot create the test ledger"; exit 1; }
CARDTALLY_CONF=$WORK/bad.conf ct dispose due
is "$RC" 65 "an unknown key is refused (so KEYS is the whole list)"
like "$ERR" "bad.conf:1: colour: unknown setting" \
	"an unknown key: named with file and line"

# ---- valid roff, within 80 columns -------------------------------------------

if command -v groff >/dev/null; then
	for m in "$MAN1" "$MAN5"; do
		is "$(groff -t -man -Tutf8 -ww -z "$m" 2>&1)" "" \
			"$(basename "$m"): groff -ww finds nothing to warn about"
		wide=$(groff -t -man -Tutf8 -rLL=78n "$m" 2>/dev/null |
			sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g' |
			python3 -c 'import sys
print(sum(1 for l in sys.stdin if len(l.rstrip("\n")) > 80))')
		is "$wide" 0 "$(basename "$m"): rendered within 80 columns"
	done
else
	echo "ok $((_n += 1)) # SKIP groff is not installed"
	echo "ok $((_n += 1)) # SKIP groff is not installed"
	echo "ok $((_n += 1)) # SKIP groff is not installed"
	echo "ok $((_n += 1)) # SKIP groff is not installed"
fi

# ---- every reference resolves inside the repository -------------------------

# The documents code and docs cite are in doc/ and man/: no citation of the
# project workspace's interface, design or requirements files outside the
# repository (the pattern is split so that this file does not match it),
# and every
# `doc/X.md "Heading"` or `cardtally(1) "SECTION"` names a heading that is
# there.
refs=$(cd "$SRC" && python3 -c '
import os, re
skip = {".git", "build", "build-asan", "build-fuzz", "work", "corpus", "po"}
heads = {}
for f in os.listdir("doc"):
    if f.endswith(".md"):
        heads[f] = [l.lstrip("#").strip() for l in open("doc/" + f)
                    if l.startswith("#")]
man = {}
for f, key in (("man/cardtally.1", "cardtally(1)"),
               ("man/cardtally.conf.5", "cardtally.conf(5)")):
    man[key] = [l.split(None, 1)[1].strip().strip("\"") for l in open(f)
                if l.startswith((".SH ", ".SS "))]
old = re.compile(r"(INTERFACE|DESIGN|REQUIREMENTS)\.md|\.\./sha" r"red/")
md = re.compile(r"((?:doc/)?([a-z]+)\.md),? \(?\"([^\"]+)\"")
mp = re.compile(r"(cardtally(?:\(1\)|\.conf\(5\))),? \(?\"([^\"]+)\"")
n = 0
for root, dirs, files in os.walk("."):
    dirs[:] = [d for d in dirs if d not in skip]
    for f in files:
        path = os.path.join(root, f)[2:]
        if path == "tests/cli/man.t":
            continue
        try:
            text = open(path, encoding="utf-8").read()
        except (UnicodeDecodeError, OSError):
            continue
        for m in old.finditer(text):
            print("%s: cites %s" % (path, m.group(0)))
        for m in md.finditer(text):
            name = m.group(2) + ".md"
            if name == "README.md":
                continue
            n += 1
            if name not in heads:
                print("%s: no doc/%s" % (path, name))
            elif not any(h.startswith(m.group(3)) for h in heads[name]):
                print("%s: doc/%s has no heading \"%s\"" %
                      (path, name, m.group(3)))
        for m in mp.finditer(text):
            n += 1
            if m.group(2) not in man[m.group(1)]:
                print("%s: %s has no section \"%s\"" %
                      (path, m.group(1), m.group(2)))
print("checked %d" % n)')
like "$refs" "^checked [0-9]{2,}" "references: the citations were found"
is "$(printf '%s\n' "$refs" | grep -v '^checked ')" "" \
	"references: every one resolves inside the repository"

# ---- make install-man --------------------------------------------------------

if command -v make >/dev/null; then
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$SRC" install-man \
		DESTDIR="$WORK/root" PREFIX=/usr >"$WORK/make.out" 2>&1
	is "$?" 0 "make install-man DESTDIR=... PREFIX=/usr: exit 0"
	for f in man1/cardtally.1 man5/cardtally.conf.5; do
		dst=$WORK/root/usr/share/man/$f
		is "$(stat -c %a "$dst" 2>/dev/null)" 644 \
			"installed: /usr/share/man/$f (0644)"
		ok "$(cmp -s "$dst" "$SRC/man/$(basename "$f")"; echo $?)" \
			"/usr/share/man/$f is the page in man/"
	done
	is "$(find "$WORK/root" -type f | wc -l)" 2 "nothing else installed"
	# `make install` runs install-man (dry run: nothing is built).
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -C "$SRC" install \
		DESTDIR="$WORK/dry" PREFIX=/usr >"$WORK/make-n.out" 2>&1
	like "$(cat "$WORK/make-n.out")" \
		"install -m 644 man/cardtally.1 $WORK/dry/usr/share/man/man1/" \
		"make install installs the man pages"
else
	echo "1..$_n"
	echo "# SKIP make is not installed: installation not checked"
	exit 0
fi

done_testing
