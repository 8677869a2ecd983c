# English words left on a Japanese screen, by the rule of tests/cli/tui_ja.t:
# a word is a run of ASCII letters in a token without a digit (a token with
# a digit is a card, a code, a range or a key such as F2); single letters
# (keys such as q) and the key names are allowed.  Source it after tmux.sh.

JA_KEYS=" Enter Esc Tab Space BS Backspace Del Up Down Left Right PgUp PgDn
Home End Ctrl ID PIN "

# english_words: prints the English words of the text on stdin, one line.
english_words() {
	local rest tok w words=""
	rest=$(cat)
	while [[ $rest =~ [A-Za-z0-9_./-]+ ]]; do
		tok=${BASH_REMATCH[0]}
		rest=${rest#*"$tok"}
		[[ $tok == *[0-9]* ]] && continue
		for w in ${tok//[^A-Za-z]/ }; do
			[ "${#w}" -gt 1 ] || continue
			case "$JA_KEYS" in *[[:space:]]"$w"[[:space:]]*) continue ;; esac
			words="$words $w"
		done
	done
	printf '%s\n' "${words# }"
}

# no_english SESSION NAME [NAME-WORD]: a test that the screen's body and
# message line (every row but the header and the key help, which offers
# "English") hold no English word; NAME-WORD, a word of a person's name as
# the ledger spells it ("Person" of "Person S02"), is no message.
no_english() {
	local words
	words=$(screen "$1" | sed '1d;$d' | sed "s/${3:-@@}//g" | english_words)
	if [ -z "$words" ]; then
		ok 0 "$2"
	else
		ok 1 "$2"
		diag "English words: $words; the screen:"
		screen "$1" | sed 's/^/#   | /'
	fi
}
