/*
 * `cardtally demo`: the appliance's main job on built-in data, for a
 * newcomer.  It builds a fresh ledger in a temporary directory from the demo
 * stock list (data/demo/stock.csv: about 5,000 cards in 50 trays over two
 * safes), replays last month's count of three trays, then sweeps every tray
 * through the simulated reader with each tray assigned to one person, and
 * prints the report.  The sweep has the faults a real count finds: three
 * cards missing, one in the wrong tray, one unknown card, one card the
 * ledger says was issued, a card read twice and a reader unplugged
 * mid-tray.  Everything goes through the same code as the real commands.
 */
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/clock.h"
#include "../../data/import.h"
#include "../../reconcile/rules.h"
#include "report.h"

/* The demo's faults, chosen from data/demo/stock.csv. */
static const char *const demo_missing[] = {"M001234", "M002345", "M004321"};
#define DEMO_MISPLACED	  "M000777"	   /* home SAFE1/S2/T08 */
#define DEMO_MISPLACED_IN "SAFE1/S2/T09"   /* where it turns up */
#define DEMO_ISSUED	  "M005001"	   /* issued, yet lies in its tray */
#define DEMO_UNKNOWN	  "04A1B2C3D4E5F6" /* no such card in the ledger */
#define DEMO_UNKNOWN_IN	  "SAFE2/S3/B22"
#define DEMO_REPEAT_IN	  "SAFE1/S1/T02" /* first card read twice */
#define DEMO_UNPLUG_IN	  "SAFE2/S1/B05" /* reader pulled out mid-tray */

#define DEMO_DAY (24 * 3600)
#define DEMO_PIN "1234" /* everybody's: the demo says so */

struct demo_person {
	const char *code, *name;
	enum staff_role role;
};

static const struct demo_person people[] = {
    {"M01", "佐藤 (Sato)", ROLE_MANAGER},
    {"S02", "鈴木 (Suzuki)", ROLE_STAFF},
    {"S03", "高橋 (Takahashi)", ROLE_STAFF},
    {"P04", "田中 (Tanaka)", ROLE_PARTTIME},
};

/*
 * Where the demo stock list is: $CARDTALLY_DATADIR; else relative to the
 * program, so that the source tree (./cardtally, build/cardtally) and any
 * installed PREFIX (PREFIX/bin -> PREFIX/share/cardtally) work without a
 * rebuild; else the PREFIX compiled in.
 */
static int find_stock(char *out, size_t len)
{
	static const char *const beside_exe[] = {
	    "data/demo/stock.csv",
	    "../data/demo/stock.csv",
	    "../share/cardtally/stock.csv",
	};
	const char *env = getenv("CARDTALLY_DATADIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(out, len, "%s/stock.csv", env);
		return access(out, R_OK);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash = n > 0 ? memrchr(exe, '/', (size_t)n) : NULL;
	if (slash) {
		*slash = '\0';
		for (size_t i = 0; i < 3; i++)
			if (snprintf(out, len, "%s/%s", exe, beside_exe[i]) <
				(int)len &&
			    access(out, R_OK) == 0)
				return 0;
	}
	snprintf(out, len, "%s/stock.csv", CT_DATADIR);
	return access(out, R_OK);
}

static int read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		return -1;
	}
	*buf = malloc((size_t)n + 1);
	if (!*buf || fread(*buf, 1, (size_t)n, f) != (size_t)n) {
		free(*buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	*len = (size_t)n;
	return 0;
}

/* Whether buf[i..i+10) is a date field of the list: YYYY-MM-DD between
 * commas or at a line's end. */
static int date_field_at(const char *buf, size_t len, size_t i, int32_t *d)
{
	return i > 0 && buf[i - 1] == ',' && i + 10 <= len &&
	       (i + 10 == len || strchr(",\r\n", buf[i + 10])) &&
	       buf[i + 4] == '-' && buf[i + 7] == '-' &&
	       date_parse(buf + i, 10, d) == 0;
}

/*
 * The stock list's dates are those of the day it was made; the demo moves
 * them all by the same number of days, so that the newest is the day
 * before `today` (the import's): the list then reads as this month's, and
 * the import, which refuses a date after its day, takes it whenever the
 * demo runs.  In place: a date keeps its 10 bytes.
 */
static void dates_as_of(char *buf, size_t len, int32_t today)
{
	int32_t newest = DATE_NONE, d, shift;

	for (size_t i = 1; i + 10 <= len; i++)
		if (date_field_at(buf, len, i, &d) && d > newest)
			newest = d;
	if (newest == DATE_NONE)
		return;
	shift = today - 1 - newest;
	for (size_t i = 1; i + 10 <= len; i++)
		if (date_field_at(buf, len, i, &d)) {
			char out[11];

			date_format(d + shift, out);
			memcpy(buf + i, out, 10);
			i += 9;
		}
}

static int is_missing(const char *mgmt)
{
	for (size_t i = 0; i < sizeof(demo_missing) / sizeof(*demo_missing);
	     i++)
		if (strcmp(mgmt, demo_missing[i]) == 0)
			return 1;
	return 0;
}

/*
 * Writes the sim script for one tray: every card in storage there, one at a
 * time, except the demo's faults.  `faults` is 0 for last month's count.
 */
static int write_script(struct ledger *l, const char *path, const char *range,
			int faults)
{
	char(*serials)[SERIAL_BUF];
	struct card_rec c;
	size_t n;
	FILE *f;

	if (ledger_range_serials(l, range, &serials, &n) < 0)
		return -1;
	f = fopen(path, "w");
	if (!f) {
		free(serials);
		return -1;
	}
	fprintf(f, "# tray %s: %zu cards in the ledger\n", range, n);
	for (size_t i = 0; i < n; i++) {
		if (ledger_card_by_serial(l, serials[i], &c) < 0)
			continue;
		if (faults && (is_missing(c.mgmt_id) ||
			       strcmp(c.mgmt_id, DEMO_MISPLACED) == 0))
			continue;
		fprintf(f, "card %s\nremove\n", serials[i]);
		if (faults && i == 0 && strcmp(range, DEMO_REPEAT_IN) == 0)
			fprintf(f,
				"# read again by mistake\ncard %s\n"
				"remove\n",
				serials[i]);
		if (faults && i == n / 2 && strcmp(range, DEMO_UNPLUG_IN) == 0)
			fputs("# the USB cable is pulled, then put back\n"
			      "unplug\nwait 200\nreplug\n",
			      f);
	}
	free(serials);
	if (faults && strcmp(range, DEMO_MISPLACED_IN) == 0 &&
	    ledger_card_by_mgmt(l, DEMO_MISPLACED, &c) == 0)
		fprintf(f, "# a card from the next tray\ncard %s\nremove\n",
			c.serial);
	if (faults && ledger_card_by_mgmt(l, DEMO_ISSUED, &c) == 0 &&
	    strcmp(range, c.location) == 0)
		fprintf(f,
			"# handed out last month, yet here\ncard %s\n"
			"remove\n",
			c.serial);
	if (faults && strcmp(range, DEMO_UNKNOWN_IN) == 0)
		fprintf(f, "# a card nobody knows\ncard %s\nremove\n",
			DEMO_UNKNOWN);
	return fclose(f);
}

/*
 * The office set up as its manager would, through the workflows: the
 * ledger made with its first manager, the other three added by them, the
 * stock list imported by them.  *l is the open ledger (also after a
 * failure, when it opened); 0, or an exit code after saying why.
 */
static int demo_setup(const char *db, const char *stock, struct ledger **l,
		      struct staff_rec *staff)
{
	struct import_result res = {0};
	struct wf_err e;
	char err[512], *buf;
	size_t len;
	int rc;

	if (wf_init(db, people[0].code, people[0].name, DEMO_PIN, cli_now(),
		    &e) != 0)
		return cli_fail(&e);
	if (ledger_open(db, l, err, sizeof(err)) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", err);
	if (ledger_staff_get(*l, people[0].code, &staff[0]) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(*l));
	for (size_t i = 1; i < 4; i++) {
		if (wf_staff_add(*l, &staff[0], people[i].code, people[i].name,
				 people[i].role, DEMO_PIN, NULL, NULL,
				 cli_now(), &e) != 0)
			return cli_fail(&e);
		if (ledger_staff_get(*l, people[i].code, &staff[i]) < 0)
			return cli_error(EXIT_SOFTWARE, "%s",
					 ledger_errmsg(*l));
	}
	if (read_file(stock, &buf, &len) < 0)
		return cli_error(EXIT_SOFTWARE, "cannot read %s: %s", stock,
				 strerror(errno));
	dates_as_of(buf, len, wf_today(cli_now()));
	rc = wf_import(*l, &staff[0], stock, buf, len, IMPORT_ENC_AUTO, 0,
		       cli_now(), &res, &e);
	free(buf);
	if (rc) {
		import_result_free(&res);
		return cli_fail(&e);
	}
	printf(_("1. Imported the stock list %s\n   %ld rows: %ld cards "
	       "added (%s)\n"),
	       stock, res.rows, res.added,
	       res.detected == IMPORT_ENC_CP932 ? "CP932" : "UTF-8");
	import_result_free(&res);
	return 0;
}

static int demo_scan(struct ledger *l, const char *dir, int64_t session,
		     const char *range, const struct staff_rec *who, int faults,
		     struct wf_scan_totals *t)
{
	char script[PATH_MAX], spec[PATH_MAX + 8];
	struct wf_scan_args a = {0};
	struct scan_print out = {.out = stdout};
	int opened;

	snprintf(script, sizeof(script), "%s/%s-%s.sim", dir,
		 faults ? "sweep" : "lastmonth", range);
	for (char *p = script + strlen(dir) + 1; *p; p++)
		if (*p == '/')
			*p = '_';
	if (write_script(l, script, range, faults) != 0)
		return cli_error(EXIT_SOFTWARE, "cannot write %s", script);
	snprintf(spec, sizeof(spec), "sim:%s", script);
	a.session_id = session;
	a.range = range;
	a.reader = spec;
	a.actor = who;
	a.clock = cli_now;
	out.verbosity = faults ? SCAN_ALERTS_ONLY : SCAN_QUIET;
	return scan_run(l, &a, &out, t, &opened);
}

/*
 * Opens (open 1) or closes the safe as the procedure wants for a count:
 * the counter opens it, approved by the manager, so that the reads are not
 * flagged as handled while the safe was recorded closed.  0, or an exit
 * code after saying why.
 */
static int demo_safe(struct ledger *l, const struct staff_rec *staff, int open)
{
	struct key_opening_rec o;
	struct wf_key_opened opened;
	struct wf_err e;
	int rc;

	/* Through the workflows, as people would. */
	if (open)
		rc = wf_key_open(l, &staff[1], staff[0].code, DEMO_PIN,
				 "count of the trays", cli_now(),
				 &recon_default_key_rules, &opened, &e);
	else
		rc = wf_key_close(l, &staff[1], cli_now(),
				  &recon_default_key_rules, &o, &e);
	return rc ? cli_fail(&e) : 0;
}

/* Last month's count of the trays where cards will go missing, so the
 * report can say when and where they were last seen (R10). */
static int demo_last_month(struct ledger *l, const char *dir,
			   const struct staff_rec *staff, int64_t now)
{
	const char *trays[] = {"SAFE2/S1/B03", "SAFE2/S2/B14", "SAFE2/S4/B34"};
	const char *to[] = {staff[1].code, staff[1].code, staff[1].code};
	struct wf_count_start_args a = {.kind = SESSION_PARTIAL,
					.ranges = trays,
					.nranges = 3,
					.assign_range = trays,
					.assign_staff = to,
					.nassign = 3};
	struct wf_count_started started;
	struct wf_count_closed closed;
	struct wf_scan_totals t;
	struct wf_err e;
	int64_t id;
	int rc;

	/* The replay's entries carry last month's time: the clock is pinned
	 * there for the replay only, by this call (nothing outside the
	 * program can move the clock). */
	ct_clock_pin(now - 30 * DEMO_DAY);
	rc = wf_count_start(l, &staff[0], &a, cli_now(), &started, &e);
	if (rc) {
		ct_clock_unpin();
		return cli_fail(&e);
	}
	id = started.id;
	wf_count_started_free(&started);
	rc = demo_safe(l, staff, 1);
	for (int i = 0; rc == 0 && i < 3; i++)
		rc = demo_scan(l, dir, id, trays[i], &staff[1], 0, &t);
	if (rc == 0)
		rc = demo_safe(l, staff, 0);
	/* Closed by its counter, the manager signing as witness. */
	if (rc == 0 &&
	    wf_count_close(l, &staff[1], id, staff[0].code, DEMO_PIN,
			   cli_now(), &recon_default_rules, &closed, &e) != 0)
		rc = cli_fail(&e);
	ct_clock_unpin();
	if (rc)
		return rc; /* said why */
	printf(_("2. Replayed last month's partial count (session %lld): "
	       "3 trays counted by %s\n"),
	       (long long)id, staff[1].code);
	return 0;
}

/* The monthly full count opened by the manager: every tray of SAFE1 to
 * staff[1], of SAFE2 to staff[2].  0 and *out, or an exit code after
 * saying why. */
static int demo_full_count(struct ledger *l, const struct staff_rec *staff,
			   int64_t now, struct wf_count_started *out)
{
	struct wf_count_start_args a = {.kind = SESSION_FULL};
	char(*paths)[LOCATION_MAX + 1] = NULL;
	const char **range = NULL, **to = NULL;
	struct wf_err e;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (ledger_all_ranges(l, &paths, &n) < 0)
		return cli_error(EXIT_SOFTWARE, "%s", ledger_errmsg(l));
	range = calloc(n ? n : 1, sizeof(*range));
	to = calloc(n ? n : 1, sizeof(*to));
	if (!range || !to) {
		rc = cli_error(EXIT_SOFTWARE, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		range[i] = paths[i];
		to[i] = strncmp(paths[i], "SAFE1/", 6) == 0 ? staff[1].code
							    : staff[2].code;
	}
	a.assign_range = range;
	a.assign_staff = to;
	a.nassign = n;
	rc = wf_count_start(l, &staff[0], &a, now, out, &e);
	if (rc)
		rc = cli_fail(&e);
out:
	free(range);
	free(to);
	free(paths);
	return rc;
}

static int exec_demo(struct cli *c, struct ledger *unused)
{
	char dir[PATH_MAX], db[PATH_MAX + 16], stock[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	struct staff_rec staff[4];
	struct wf_count_started full = {0};
	struct wf_scan_totals t, sum = {0};
	struct ledger *l = NULL;
	char reps[48], alerts[48];
	int64_t now = cli_now();
	int rc;

	(void)unused;
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (find_stock(stock, sizeof(stock)) != 0)
		return cli_error(EXIT_SOFTWARE,
				 "demo stock list not found (looked next to "
				 "the program and in %s; set "
				 "CARDTALLY_DATADIR)",
				 CT_DATADIR);
	if (snprintf(dir, sizeof(dir), "%s/cardtally-demo-XXXXXX",
		     tmp && *tmp ? tmp : "/tmp") >= (int)sizeof(dir))
		return cli_error(EXIT_USAGE, "TMPDIR is too long");
	if (!mkdtemp(dir))
		return cli_error(EXIT_SOFTWARE, "cannot make a directory: %s",
				 strerror(errno));
	snprintf(db, sizeof(db), "%s/ledger.db", dir);
	printf(_("cardtally demo: a ward office's monthly count, start to end\n"
	       "ledger: %s (staff PINs are %s)\n\n"),
	       db, DEMO_PIN);
	/* The people and the stock list were there before last month's
	 * count: the ledger's entries follow one another in time. */
	ct_clock_pin(now - 31 * DEMO_DAY);
	rc = demo_setup(db, stock, &l, staff);
	ct_clock_unpin();
	if (rc == 0)
		rc = demo_last_month(l, dir, staff, now);
	if (rc == 0)
		rc = demo_full_count(l, staff, now, &full);
	if (rc == 0)
		rc = demo_safe(l, staff, 1);
	if (rc)
		goto out; /* said why */
	printf(_("3. Full count (session %lld) of %zu trays: SAFE1 assigned to "
	       "%s, SAFE2 to %s\n   Sweeping tray by tray with the simulated "
	       "reader; only alerts are shown:\n"),
	       (long long)full.id, full.plan.n, staff[1].code, staff[2].code);
	for (size_t i = 0; i < full.plan.n; i++) {
		const struct plan_line *r = &full.plan.v[i];
		const struct staff_rec *who =
		    strcmp(r->staff, staff[1].code) == 0 ? &staff[1]
							 : &staff[2];

		rc = demo_scan(l, dir, full.id, r->range, who, 1, &t);
		if (rc)
			goto out;
		sum.accepted += t.accepted;
		sum.repeats += t.repeats;
		sum.alerts += t.alerts;
	}
	rc = demo_safe(l, staff, 0);
	if (rc)
		goto out; /* demo_safe said why */
	scan_totals_words(&sum, reps, alerts);
	printf(_("   %ld accepted, %s, %s\n\n4. The report "
		 "(%s reconcile %lld --db %s):\n\n"),
	       sum.accepted, reps, alerts, c->prog, (long long)full.id, db);
	fflush(stdout);
	rc = reconcile_session(l, full.id, 0, stdout);
	if (rc == EXIT_FOUND) {
		printf(_("\nThe sim scripts of each tray are in %s.\n"
		       "Try: %s reconcile %lld --json --db %s\n"
		       "     %s audit verify --db %s\n"),
		       dir, c->prog, (long long)full.id, db, c->prog, db);
		rc = EXIT_OK; /* finding the faults is the demo working */
	}
out:
	wf_count_started_free(&full);
	ledger_close(l);
	return rc;
}

const struct cmd_entry cmd_demo_entry = {
    .name = "demo",
    .usage = "",
    .help = N_("count a demo ward's 5,000 cards with the simulated reader"),
    .options = NULL,
    .needs_db = 0,
    .exec = exec_demo,
};
