/*
 * The help texts (see help.h).  The command table gives each command's
 * name, usage line, one-line description and option names; this file adds
 * what each option does and the headings the commands are grouped under,
 * and lays it all out within 80 columns.  tests/cli/help.t checks that
 * every option of every command has its words here, and tests/cli/man.t
 * that the man page documents the same commands and options.
 */
#include "help.h"

#include <string.h>

#include "../lang/lang.h"

#define WIDTH 80
/* Where a command's description begins in a list of commands. */
#define NAME_COL 27
/* Where an option's description begins in a command's help. */
#define OPT_COL 27

/* What an option does: "command/option" for one command's option, plain
 * "option" for the same option wherever it appears. */
static const struct {
	const char *key, *text;
} option_texts[] = {
    /* The options every command takes (main.c parses them). */
    /* %s: CT_DEFAULT_DB (option_words) */
    {"db", N_("the ledger (else $CARDTALLY_DB, else %s)")},
    {"as", N_("the acting staff member, who types their PIN")},
    {"pin-fd", N_("read the acting person's PIN from file descriptor N "
		  "instead of the terminal")},
    {"witness", N_("the second person of a two-person step, authenticated "
		   "in the same command")},
    {"witness-pin-fd", N_("read the witness's PIN from file descriptor N")},
    {"json", N_("output JSON instead of text: one document (scan and "
		  "receive: one object a line, as they go)")},
    {"help", N_("this help")},
    /* Options of several commands. */
    {"reader", N_("the reader: sim:FILE, sim:-, kbd:[DEVICE], pcsc:[PREFIX] "
		  "or nfc:[CONNSTRING]")},
    {"profile", N_("the card identity profile (uid or apdu:NAME; default: "
		   "the configuration file's, else apdu:seizo)")},
    {"format", N_("text (default) or pdf (A4, for paper: needs --output or "
		  "a stdout that is not a terminal)")},
    {"output", N_("the file a PDF is written to (default: stdout)")},
    {"apply", N_("make the proposal the plan (a manager, --as); without it "
		 "nothing changes")},
    /* One command's options. */
    {"init/manager", N_("staff code of the ledger's first manager")},
    {"init/name", N_("the first manager's name")},
    {"staff add/name", N_("the new person's name")},
    {"staff add/role", N_("manager, staff or parttime")},
    {"staff add/new-pin-fd", N_("read the new person's PIN from file "
				"descriptor N instead of the terminal")},
    {"staff pin/new-pin-fd", N_("read your new PIN from file descriptor N "
				"instead of asking twice at the terminal")},
    {"staff reset-pin/new-pin-fd", N_("read the person's new PIN from file "
				      "descriptor N instead of the terminal")},
    {"staff role/role", N_("the person's new role: manager, staff or "
			   "parttime")},
    {"import/encoding", N_("the file's encoding (default auto: UTF-8 with or "
			   "without a BOM, or CP932)")},
    {"import/dry-run", N_("validate and count only: nothing changes")},
    {"import/full", N_("the file is the whole stock: list the ledger's cards "
		       "it leaves out")},
    {"count start/kind", N_("full, partial (needs --ranges) or countonly")},
    {"count start/ranges", N_("the ranges to count, comma-separated (default "
			      "for a full count: every location holding "
			      "cards)")},
    {"count start/assign",
     N_("who counts a range, comma-separated R=STAFF "
	"pairs; the rotation planner picks for the rest")},
    {"count total/session", N_("the open count-only check")},
    {"count total/range", N_("the range whose cards were counted")},
    {"count total/cards", N_("the number of cards counted by hand")},
    {"count total/reader", N_("count the cards with a reader instead (each "
			      "card once; serials are not matched)")},
    {"count resolve/card", N_("the discrepancies to resolve: management IDs or "
			      "serials, comma-separated")},
    {"count resolve/reason", N_("found_elsewhere, data_error, recounted or "
				"lost")},
    {"count resolve/note", N_("what happened, kept with the resolution")},
    {"count recount/range", N_("the range to count again")},
    {"count recount/assign", N_("who recounts it: nobody who counted it in "
				"this count")},
    {"scan/session", N_("the count, tally or disposal batch (D<n>) to read "
			"into")},
    {"scan/range", N_("the range being counted (a count only)")},
    {"scan undo/session", N_("the count or tally of the read")},
    {"scan undo/reason", N_("why the read is taken back (kept in the audit "
			    "log)")},
    {"plan assign/count", N_("the open count whose unassigned ranges are "
			     "planned")},
    {"plan cycle/months", N_("the cycle's length in months, 1-12")},
    {"plan cycle/start", N_("the cycle's first month (default: this month)")},
    {"report record-book/month", N_("the month whose counts are listed")},
    {"report record-book/format", N_("text (default), csv (for Excel), "
				     "json or pdf (A4, with the 12-month "
				     "trend)")},
    {"dispose due/format", N_("text (default), or json: the --json array "
			      "inside an object, {\"due\":[...]}")},
    {"dispose list/format", N_("text (default), json (the --json array "
			       "inside an object, {\"batches\":[...]}) or "
			       "pdf (A4, for paper: needs --output or a "
			       "stdout that is not a terminal)")},
    {"dispose list/batch", N_("only this batch (D1)")},

    {"dispose list/month", N_("only the batches begun or closed that month "
			      "(YYYY-MM)")},
    {"report record-book/encoding", N_("utf-8 (default; csv with a byte "
				       "order mark) or cp932")},
    {"report incident/count", N_("the count whose missing cards are listed")},
    {"report daily/date", N_("the day to report (default: today)")},
    {"audit verify/anchor", N_("a hash printed earlier (report daily, audit "
			       "verify): the log must still hold it")},
    {"audit verify/expect-rows", N_("the entry the anchor belongs to; an "
				    "older, shorter log is truncated")},
    {"audit show/last", N_("only the newest N entries")},
    {"note add/text", N_("what happened")},
    {"note add/card", N_("the card it concerns, by management ID")},
    {"receive/tray", N_("the tray received: its cards awaiting enrolment, in "
			"list order")},
    {"receive/card", N_("the delivery slip's management ID: the next chip "
			"read is bound to it")},
    {"dispose close/method", N_("shred (default) or contractor")},
    {"dispose close/certificate", N_("the contractor's certificate of "
				     "destruction (required with "
				     "contractor)")},
    {"training course add/name", N_("the course's name")},
    {"training course add/required-for", N_("cards: nobody works with cards "
					    "without a valid record of it")},
    {"training course add/valid-days", N_("how many days a record stays valid "
					  "(default: for ever)")},
    {"training record/staff", N_("who attended, comma-separated staff codes")},
    {"training record/date", N_("the day of the session (not in the future)")},
    {"training list/staff", N_("one person's records and the state of each "
			       "required course")},
    {"key holder add/order", N_("1 the primary key holder, 2 the deputy, ...")},
    {"key open/purpose", N_("why the safe is opened")},
    {"asset add/name", N_("the terminal's name")},
    {"asset add/tag", N_("the serial of the terminal's tag, read like a card")},
    {"asset add/location", N_("the terminal's home location")},
    {"checkout/for", N_("the day the cards are for (default: today)")},
    {"move/to", N_("the location they go to (it must exist)")},
    {"tally close/note", N_("what happened (required when something is "
			    "missing)")},
    {"tui/reader", N_("the reader of the screens that read cards (without "
		      "it: typed or wedged numbers only)")},
    {"tui/lang", N_("ja or en (default: from the locale)")},
    {"restore/force", N_("restore a backup older than the ledger, or of "
			 "another history (with --reason)")},
    {"restore/reason", N_("why a forced restore is done (recorded in the "
			  "restored ledger's audit log)")},
    {"sync/hub", N_("the hub's libpq connection string (default: the "
		    "configuration's hub)")},
    {"sync/ward", N_("this ward's code at the hub (default: the "
		     "configuration's ward_code)")},
    {"sync/batch", N_("at most N audit entries a batch (1-500, default 500)")},
    {"hub migrate/hub", N_("the hub's libpq connection string (default: the "
			   "configuration's hub)")},
    {"hub migrate/pg-lib", N_("where the hub's server finds cardtally's "
			      "PostgreSQL functions (default: "
			      "$CARDTALLY_PG_LIB, else the installed one)")},
    {"hub enrol/hub", N_("the hub's libpq connection string (default: the "
			 "configuration's hub)")},
    {"hub enrol/name", N_("the ward's name, for the report")},
    {"hub report/hub", N_("the hub's libpq connection string (default: the "
			  "configuration's hub)")},
    {"hub report/silent-days", N_("a ward without a sync for more than N "
				  "days is silent (default 7)")},
    {"hub report/month", N_("the month whose record books are reported "
			    "(default: this month)")},
    {"hub report/ward", N_("only the ward with this code")},
    {"hub report/format", N_("text (default), csv (for Excel), json, or pdf "
			     "(to print and stamp)")},
    {"hub report/output", N_("the file the PDF is written to (default: "
			     "stdout, when it is not a terminal)")},
};

/* The headings of `cardtally --help`: each lists the commands of its nouns
 * (a command's first word), noun by noun, in table order within a noun. */
static const struct {
	const char *title;
	const char *nouns[8];
} sections[] = {
    {N_("the ledger and its people"),
     {"init", "staff", "training", "import", "receive"}},
    {N_("counting"), {"count", "scan", "reconcile", "plan"}},
    {N_("the window and the safe"),
     {"checkout", "return", "issue", "move", "asset", "tally", "key"}},
    {N_("disposal"), {"dispose"}},
    {N_("reports and records"), {"status", "report", "audit", "note"}},
    {N_("the box"), {"readers", "tui", "demo"}},
    {N_("backups"), {"backup", "restore"}},
    {N_("the city-wide hub"), {"sync", "hub"}},
};

/* The common options, in the order help prints them, and the word of the
 * usage line that says a command takes each (NULL: every command). */
static const struct {
	const char *name, *arg, *in_usage;
} common_options[] = {
    {"as", "CODE", "--as"},
    {"pin-fd", "N", "--pin-fd"},
    {"witness", "CODE", "--witness"},
    {"witness-pin-fd", "N", "--witness-pin-fd"},
    {"json", NULL, "--json"},
    {"db", "PATH", NULL},
    {"help", NULL, NULL},
};

const char *help_option_text(const char *cmd, const char *opt)
{
	size_t n = strlen(cmd);
	const char *plain = NULL;

	for (size_t i = 0; i < sizeof(option_texts) / sizeof(option_texts[0]);
	     i++) {
		const char *k = option_texts[i].key;

		if (strncmp(k, cmd, n) == 0 && k[n] == '/' &&
		    strcmp(k + n + 1, opt) == 0)
			return option_texts[i].text;
		if (strcmp(k, opt) == 0)
			plain = option_texts[i].text;
	}
	return plain;
}

/* An option's words in the language of the messages, the default ledger
 * in place of the %s of --db's. */
static const char *option_words(const char *text)
{
	static char buf[512];
	const char *t = _(text), *s = strstr(t, "%s");

	if (!s)
		return t;
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(s - t), t, CT_DEFAULT_DB,
		 s + 2);
	return buf;
}

/* The display columns of the UTF-8 character at p (its length in *len):
 * 2 for a wide (East Asian) one, as cols_width counts. */
static int char_cols(const char *p, size_t *len)
{
	unsigned char c = (unsigned char)*p;
	char one[8];

	*len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	for (size_t i = 1; i < *len; i++)
		if (((unsigned char)p[i] & 0xc0) != 0x80) {
			*len = 1;
			break;
		}
	memcpy(one, p, *len);
	one[*len] = '\0';
	return cols_width(one);
}

/* Japanese text has no spaces: a line may break before or after a wide
 * character, except before a closing mark and after an opening one. */
static int no_break_before(const char *p)
{
	static const char *const closing[] = {"、", "。", "）", "」",
					      "，", "：", "・", "ー"};

	for (size_t i = 0; i < sizeof(closing) / sizeof(closing[0]); i++)
		if (strncmp(p, closing[i], strlen(closing[i])) == 0)
			return 1;
	return 0;
}

static int no_break_after(const char *p, size_t len)
{
	return (len == 3 && strncmp(p, "（", len) == 0) ||
	       (len == 3 && strncmp(p, "「", len) == 0);
}

/*
 * Prints text from column col (where the cursor is) and wraps it within
 * WIDTH display columns, each further line indented by indent; ends the
 * line.  Lines break at spaces, and between wide characters (Japanese);
 * a word longer than a line goes on a line of its own.
 */
static void wrap(FILE *f, int col, int indent, const char *text)
{
	const char *p = text;
	int first = 1;

	while (*p) {
		/* The next unit that must not be broken: from p to q. */
		const char *q = p;
		int cols = 0, prev_wide = 0;
		size_t prev_len = 0;

		while (*q && *q != ' ') {
			size_t len;
			int w = char_cols(q, &len);

			if (q > p &&
			    ((w == 2 && !no_break_before(q)) ||
			     (prev_wide && w != 2 && !no_break_before(q))) &&
			    !no_break_after(q - prev_len, prev_len))
				break;
			prev_wide = w == 2;
			prev_len = len;
			cols += w;
			q += len;
		}
		/* After a wide unit, the next one follows without a space
		 * unless the text has one. */
		if (!first && col + (*(p - 1) == ' ') + cols > WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
			first = 1;
		}
		if (!first && *(p - 1) == ' ') {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, (size_t)(q - p), f);
		col += cols;
		first = 0;
		p = q;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

void help_usage(FILE *f, const struct cmd_entry *e)
{
	char head[256];
	int col;

	snprintf(head, sizeof(head), _("usage: cardtally %s"), e->name);
	fputs(head, f);
	col = cols_width(head);

	if (!e->usage || !*e->usage) {
		fputc('\n', f);
		return;
	}
	fputc(' ', f);
	wrap(f, col + 1, 8, e->usage);
}

/* Prints "  NAME  description" with the description wrapped. */
static void command_line(FILE *f, const struct cmd_entry *e)
{
	int col = fprintf(f, "  %s", e->name);

	if (col + 2 > NAME_COL) {
		fprintf(f, "\n%*s", NAME_COL, "");
		col = NAME_COL;
	}
	fprintf(f, "%*s", NAME_COL - col, "");
	wrap(f, NAME_COL, NAME_COL, _(e->help));
}

/* The length of the first word of a command's name. */
static size_t noun_len(const char *name)
{
	const char *sp = strchr(name, ' ');

	return sp ? (size_t)(sp - name) : strlen(name);
}

static int has_noun(const struct cmd_entry *e, const char *noun)
{
	return noun_len(e->name) == strlen(noun) &&
	       strncmp(e->name, noun, strlen(noun)) == 0;
}

/* Whether noun is one of a section's. */
static int noun_in_sections(const char *name)
{
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
		for (int k = 0; k < 8 && sections[s].nouns[k]; k++)
			if (noun_len(name) == strlen(sections[s].nouns[k]) &&
			    strncmp(name, sections[s].nouns[k],
				    noun_len(name)) == 0)
				return 1;
	return 0;
}

static void common_lines(FILE *f)
{
	for (size_t i = 0;
	     i < sizeof(common_options) / sizeof(common_options[0]); i++) {
		const char *arg = common_options[i].arg;
		int col = fprintf(f, "  --%s%s%s", common_options[i].name,
				  arg ? " " : "", arg ? arg : "");

		fprintf(f, "%*s", OPT_COL - col, "");
		wrap(
		    f, OPT_COL, OPT_COL,
		    option_words(help_option_text("", common_options[i].name)));
	}
}

void help_overview(FILE *f, const struct cmd_entry *const *cmds)
{
	int others = 0;

	fputs(_("cardtally: counts stored ID cards against the stock ledger\n\n"
		"usage: cardtally COMMAND [OPTIONS]\n"
		"       cardtally NOUN          the commands of a noun, e.g. "
		"'cardtally count'\n"
		"       cardtally COMMAND --help\n"),
	      f);
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
		fprintf(f, "\n%s:\n", _(sections[s].title));
		for (int k = 0; k < 8 && sections[s].nouns[k]; k++)
			for (int i = 0; cmds[i]; i++)
				if (has_noun(cmds[i], sections[s].nouns[k]))
					command_line(f, cmds[i]);
	}
	/* A command whose noun has no heading yet is still listed. */
	for (int i = 0; cmds[i]; i++) {
		if (noun_in_sections(cmds[i]->name))
			continue;
		if (!others++)
			fputs(_("\nother commands:\n"), f);
		command_line(f, cmds[i]);
	}
	fputs(_("\noptions of every command:\n"), f);
	common_lines(f);
	fputs(_("\n'cardtally COMMAND --help' describes one command; "
		"cardtally(1) and\ncardtally.conf(5) are the full "
		"reference.\n"),
	      f);
}

/* Whether the `words` words at argv are the first words of name and name
 * goes on after them. */
static int begins_with_words(const char *name, int words, char **argv)
{
	const char *p = name;

	for (int w = 0; w < words; w++) {
		size_t n = strlen(argv[w]);

		if (n == 0 || strncmp(p, argv[w], n) != 0 || p[n] != ' ')
			return 0;
		p += n + 1;
	}
	return 1;
}

int help_noun_words(const struct cmd_entry *const *cmds, int argc, char **argv)
{
	int best = 0;

	for (int words = 1; words <= argc && words <= 3; words++) {
		int found = 0;

		if (argv[words - 1][0] == '-')
			break;
		for (int i = 0; cmds[i] && !found; i++)
			found = begins_with_words(cmds[i]->name, words, argv);
		if (!found)
			break;
		best = words;
	}
	return best;
}

void help_noun(FILE *f, const struct cmd_entry *const *cmds, int words,
	       char **argv)
{
	char noun[128] = "";
	size_t n = 0;

	for (int w = 0; w < words && n < sizeof(noun); w++)
		n += (size_t)snprintf(noun + n, sizeof(noun) - n, "%s%s",
				      w ? " " : "", argv[w]);
	fprintf(f, _("usage: cardtally %s COMMAND [OPTIONS]\n\n"), noun);
	for (int i = 0; cmds[i]; i++)
		if (begins_with_words(cmds[i]->name, words, argv))
			command_line(f, cmds[i]);
	fprintf(f,
		_("\n'cardtally %s COMMAND --help' describes one of them.\n"),
		noun);
}

/* Whether word occurs in usage as an option of its own ("--range" in
 * "[--range R]", not in "--ranges"); its position, or NULL. */
static const char *usage_find(const char *usage, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(usage, word); p; p = strstr(p + 1, word)) {
		char after = p[n];

		if (after == '\0' || after == ' ' || after == ']' ||
		    after == ')' || after == ';' || after == ',')
			return p;
	}
	return NULL;
}

/*
 * The placeholder the usage line gives option --opt ("full|partial" of
 * "--kind full|partial"): copied to out, "" for a flag (nothing follows
 * it, or another option does), "VALUE" when the usage does not name it.
 */
static void placeholder(const char *usage, const char *opt, int flag, char *out,
			size_t cap)
{
	char word[64];
	const char *p, *arg, *end;
	size_t len, open = 0, close = 0;

	out[0] = '\0';
	if (flag)
		return;
	snprintf(word, sizeof(word), "--%s", opt);
	p = usage ? usage_find(usage, word) : NULL;
	if (!p || p[strlen(word)] != ' ') {
		snprintf(out, cap, "VALUE");
		return;
	}
	arg = p + strlen(word) + 1;
	end = strchr(arg, ' ');
	len = end ? (size_t)(end - arg) : strlen(arg);
	if (len == 0 || arg[0] == '-' || arg[0] == '[' || arg[0] == '(' ||
	    arg[0] == '|') {
		snprintf(out, cap, "VALUE");
		return;
	}
	/* Drop the brackets that close around the option, keep its own
	 * ("MGMT_ID|SERIAL[,...]"). */
	for (size_t i = 0; i < len; i++) {
		open += arg[i] == '[' || arg[i] == '(';
		close += arg[i] == ']' || arg[i] == ')';
	}
	while (len > 0 && close > open &&
	       (arg[len - 1] == ']' || arg[len - 1] == ')')) {
		len--;
		close--;
	}
	snprintf(out, cap, "%.*s", (int)len, arg);
}

static void option_line(FILE *f, const char *cmd, const char *name,
			const char *arg)
{
	const char *text = help_option_text(cmd, name);

	if (text)
		text = option_words(text);
	int col = fprintf(f, "  --%s%s%s", name, *arg ? " " : "", arg);

	if (col + 2 > OPT_COL) {
		fprintf(f, "\n%*s", OPT_COL, "");
		col = OPT_COL;
	}
	fprintf(f, "%*s", OPT_COL - col, "");
	/* An option nobody described still shows; help.t fails on it. */
	wrap(f, OPT_COL, OPT_COL, text ? text : "?");
}

/* Calls fn for every option e takes, own first, then the common ones its
 * usage names, then --db and --help; flag says whether it takes no
 * value. */
static void each_option(const struct cmd_entry *e,
			void (*fn)(void *ctx, const char *name, int flag),
			void *ctx)
{
	char name[64];

	for (int i = 0; e->options && e->options[i]; i++) {
		const char *o = e->options[i];
		size_t n = strlen(o);
		int flag = n > 0 && o[n - 1] == '!';

		snprintf(name, sizeof(name), "%.*s", (int)(n - (size_t)flag),
			 o);
		fn(ctx, name, flag);
	}
	for (size_t i = 0;
	     i < sizeof(common_options) / sizeof(common_options[0]); i++) {
		const char *w = common_options[i].in_usage;

		if (w && !(e->usage && usage_find(e->usage, w)))
			continue;
		fn(ctx, common_options[i].name, !common_options[i].arg);
	}
}

struct print_ctx {
	FILE *f;
	const struct cmd_entry *e;
};

static void print_option(void *ctx, const char *name, int flag)
{
	struct print_ctx *p = ctx;
	char arg[64];

	for (size_t i = 0;
	     i < sizeof(common_options) / sizeof(common_options[0]); i++)
		if (strcmp(common_options[i].name, name) == 0) {
			const char *a = common_options[i].arg;

			option_line(p->f, p->e->name, name, a ? a : "");
			return;
		}
	placeholder(p->e->usage, name, flag, arg, sizeof(arg));
	option_line(p->f, p->e->name, name, arg);
}

void help_command(FILE *f, const struct cmd_entry *const *cmds,
		  const struct cmd_entry *e)
{
	struct print_ctx p = {f, e};
	int related = 0;

	help_usage(f, e);
	fputc('\n', f);
	wrap(f, 0, 0, _(e->help));
	fputs(_("\noptions:\n"), f);
	each_option(e, print_option, &p);
	for (int i = 0; cmds[i]; i++) {
		size_t n = strlen(e->name);

		if (strncmp(cmds[i]->name, e->name, n) != 0 ||
		    cmds[i]->name[n] != ' ')
			continue;
		if (!related++)
			fputs(_("\nrelated commands:\n"), f);
		command_line(f, cmds[i]);
	}
	fputs(_("\ncardtally(1) describes it in full.\n"), f);
}

struct table_ctx {
	FILE *f;
};

static void table_option(void *ctx, const char *name, int flag)
{
	struct table_ctx *t = ctx;

	(void)flag;
	if (strcmp(name, "db") == 0 || strcmp(name, "help") == 0)
		return;
	fprintf(t->f, " --%s", name);
}

void help_table(FILE *f, const struct cmd_entry *const *cmds)
{
	struct table_ctx t = {f};

	for (int i = 0; cmds[i]; i++) {
		fprintf(f, "%s\t", cmds[i]->name);
		each_option(cmds[i], table_option, &t);
		fputc('\n', f);
	}
}

void help_steps(FILE *f, const struct cmd_entry *const *cmds)
{
	for (int i = 0; cmds[i]; i++) {
		const struct cmd_entry *e = cmds[i];
		const struct wf_step *st = e->step;

		fprintf(f, "%s\t", e->name);
		if (st)
			fprintf(f, "step\t%s\t%s%s%s\t%s\n", st->name,
				st->needs & WF_PERMIT ? "permit," : "",
				st->needs & WF_TRAINING ? "training," : "",
				st->needs & WF_WITNESS ? "witness," : "",
				recon_action_name(st->action));
		else if (e->session)
			fputs("session\n", f);
		else if (e->needs_db)
			fputs("reads\n", f);
		else
			fputs("no-ledger\n", f);
	}
}
