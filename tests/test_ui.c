/*
 * The TUI's model without a terminal: display-column arithmetic for
 * Japanese text, the scan screen's counters and alert list, the frame's
 * header, and the menu built from the permission matrix and the training
 * gate.  Strings are the English msgids (no catalog is bound here), except
 * in the test that switches to Japanese through the build tree's catalog.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../scanner/cli.h"
#include "../scanner/ui.h"

/* main.c's usage message: this binary has its own main, and no command
 * runs here, so it only has to exist for the linker. */
int cli_usage(const struct cli *c, const char *fmt, ...)
{
	(void)c;
	(void)fmt;
	return 2;
}

static int setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	return 0;
}

/* ---- columns ---- */

static void width_counts_wide_characters_twice(void **state)
{
	(void)state;
	assert_int_equal(ui_width("abc"), 3);
	assert_int_equal(ui_width("棚卸し"), 6);
	assert_int_equal(ui_width("A棚1"), 4);
	assert_int_equal(ui_width(""), 0);
	/* A stray byte is one column, not a crash or a skipped rest. */
	assert_int_equal(ui_width("a\xff"
				  "b"),
			 3);
}

static void fit_cuts_by_columns_never_mid_character(void **state)
{
	char out[64];

	(void)state;
	/* Fits: unchanged, padded to the width. */
	assert_int_equal(ui_fit(out, sizeof(out), "読取り", 8, 1), 8);
	assert_string_equal(out, "読取り  ");
	/* Too long: cut with '~' in the last column. */
	assert_int_equal(ui_fit(out, sizeof(out), "読取り機", 7, 0), 7);
	assert_string_equal(out, "読取り~");
	/* A wide character that would straddle the edge is left out and
	 * the row still has exactly the width. */
	assert_int_equal(ui_fit(out, sizeof(out), "読取り機", 6, 1), 6);
	assert_string_equal(out, "読取~ ");
	assert_int_equal(ui_width(out), 6);
	/* ASCII is cut like before. */
	ui_fit(out, sizeof(out), "abcdef", 4, 0);
	assert_string_equal(out, "abc~");
	ui_fit_right(out, sizeof(out), "残り", 6);
	assert_string_equal(out, "  残り");
}

static void fit_respects_the_buffer(void **state)
{
	char out[8];

	(void)state;
	/* 7 bytes of room: two 3-byte characters, never half a third. */
	ui_fit(out, sizeof(out), "棚卸し棚卸し", 80, 0);
	assert_true(strlen(out) < sizeof(out));
	assert_int_equal(ui_width(out) <= 80, 1);
	assert_int_equal(strncmp(out, "棚卸", 6), 0);
}

/* Every row of the frame is at most 80 columns once the painter cuts it,
 * and a Japanese name in the header never pushes the role off the row. */
static void header_keeps_name_and_role_at_80_columns(void **state)
{
	struct ui_screen bare = {.name = "bare",
				 .title = "棚卸しの状況を表示する長い長い長い"
					  "長い長い長い長い長い画面名"};
	struct ui u;
	struct ui_view v;

	(void)state;
	memset(&u, 0, sizeof(u));
	u.logged_in = 1;
	u.trained = 1;
	snprintf(u.who.code, sizeof(u.who.code), "M01");
	snprintf(u.who.name, sizeof(u.who.name), "山田 花子");
	u.who.role = ROLE_MANAGER;
	/* A screen with a title far too long for the row. */
	u.screen = &bare;
	ui_frame(&u, &v, 80, 24);
	assert_true(v.nlines >= 3);
	assert_non_null(strstr(v.line[0].text, "M01 山田 花子 (manager)"));
	assert_true(ui_width(v.line[0].text) <= 79);
	assert_int_equal(v.line[0].attr, UI_A_HEADER);
	/* Message and key help are the last two lines, at the bottom. */
	assert_int_equal(v.nlines, 24);
}

/* ---- the scan screen ---- */

static void counters_follow_reads(void **state)
{
	struct ui_scan_model m;
	struct ui_view v;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.expected = 5;
	snprintf(m.range, sizeof(m.range), "SAFE1/T01");
	ui_scan_note_read(&m, RECON_ACCEPTED, WHY_NONE, "A101", "04A101",
			  "SAFE1/T01", "stored", 1);
	ui_scan_note_read(&m, RECON_ACCEPTED, WHY_NONE, "A102", "04A102",
			  "SAFE1/T01", "stored", 1);
	/* A repeat of a card of the range is not seen twice. */
	ui_scan_note_read(&m, RECON_REPEAT, WHY_NONE, "A101", "04A101",
			  "SAFE1/T01", "stored", 1);
	/* Due for disposal but in its tray: an alert, and it is here. */
	ui_scan_note_read(&m, RECON_ALERT, WHY_DISPOSAL_DUE, "A103", "04A103",
			  "SAFE1/T01", "moved", 1);
	/* Another tray's card: not one of this range's. */
	ui_scan_note_read(&m, RECON_ALERT, WHY_MISPLACED, "A201", "04A201",
			  "SAFE1/T02", "stored", 0);
	assert_int_equal(m.seen, 3);
	assert_int_equal(m.accepted, 2);
	assert_int_equal(m.repeats, 1);
	assert_int_equal(m.alerts, 2);
	ui_view_clear(&v, 80, 24);
	ui_scan_render(&m, 80, &v);
	assert_true(ui_view_find(&v, "Expected: 5") >= 0);
	assert_true(ui_view_find(&v, "Seen: 3") >= 0);
	assert_true(ui_view_find(&v, "Remaining: 2") >= 0);
	assert_true(ui_view_find(&v, "3/5") >= 0);
	assert_true(ui_view_find(&v, "SAFE1/T01") >= 0);
	assert_true(ui_view_find(&v, "Last card: [>] A201 04A201") >= 0);
	for (int i = 0; i < v.nlines; i++)
		assert_true(ui_width(v.line[i].text) <= 80);
}

static void alerts_newest_first_each_with_its_symbol(void **state)
{
	struct ui_scan_model m;
	struct ui_view v;
	int unknown, misplaced, nis, due, repeat;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.expected = 3;
	ui_scan_note_read(&m, RECON_ALERT, WHY_UNKNOWN, "", "04FFFF", "", "",
			  0);
	ui_scan_note_read(&m, RECON_ALERT, WHY_MISPLACED, "A201", "04A201",
			  "SAFE1/T02", "stored", 0);
	ui_scan_note_read(&m, RECON_ALERT, WHY_NOT_IN_STOCK, "A105", "04A105",
			  "SAFE1/T01", "issued", 1);
	ui_scan_note_read(&m, RECON_ALERT, WHY_DISPOSAL_DUE, "A103", "04A103",
			  "SAFE1/T01", "moved", 1);
	ui_scan_note_read(&m, RECON_REPEAT, WHY_NONE, "A103", "04A103",
			  "SAFE1/T01", "moved", 1);
	ui_view_clear(&v, 80, 24);
	ui_scan_render(&m, 80, &v);
	unknown = ui_view_find(&v, "[?] -            04FFFF");
	misplaced = ui_view_find(&v, "[>] A201");
	nis = ui_view_find(&v, "[X] A105");
	due = ui_view_find(&v, "[D] A103");
	repeat = ui_view_find(&v, "[=] A103");
	assert_true(unknown > 0 && misplaced > 0 && nis > 0 && due > 0 &&
		    repeat > 0);
	/* Newest first. */
	assert_true(repeat < due && due < nis && nis < misplaced &&
		    misplaced < unknown);
	/* What the text says, not only the symbol. */
	assert_non_null(strstr(v.line[misplaced].text, "SAFE1/T02"));
	assert_non_null(strstr(v.line[nis].text, "issued"));
	/* Colour differs too: repeat and alert are not alike. */
	assert_int_equal(v.line[repeat].attr, UI_A_REPEAT);
	assert_int_equal(v.line[unknown].attr, UI_A_ALERT);
	/* The symbols are distinct. */
	for (int a = 0; a < UI_ALERT_KINDS; a++)
		for (int b = a + 1; b < UI_ALERT_KINDS; b++)
			assert_string_not_equal(ui_alert_symbol(a),
						ui_alert_symbol(b));
}

static void alert_list_keeps_the_newest(void **state)
{
	struct ui_scan_model m;
	char serial[16];

	(void)state;
	memset(&m, 0, sizeof(m));
	for (int i = 0; i < UI_ALERTS_MAX + 5; i++) {
		snprintf(serial, sizeof(serial), "04FF%04d", i);
		ui_scan_note_read(&m, RECON_ALERT, WHY_UNKNOWN, "", serial, "",
				  "", 0);
	}
	assert_int_equal(m.nalerts, UI_ALERTS_MAX);
	assert_int_equal(m.alerts, UI_ALERTS_MAX + 5);
	snprintf(serial, sizeof(serial), "04FF%04d", UI_ALERTS_MAX + 4);
	assert_string_equal(m.alert[m.nalerts - 1].serial, serial);
	assert_string_equal(m.alert[0].serial, "04FF0005");
}

static void reader_lost_is_a_banner(void **state)
{
	struct ui_scan_model m;
	struct ui_view v;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.expected = 4;
	m.seen = 1;
	m.reader_lost = 1;
	snprintf(m.range, sizeof(m.range), "SAFE1/T01");
	ui_view_clear(&v, 80, 24);
	ui_scan_render(&m, 80, &v);
	assert_int_equal(v.banner, 1);
	assert_true(ui_view_find(&v, "READER LOST") >= 0);
	assert_true(ui_view_find(&v, "1 of 4 seen in SAFE1/T01") >= 0);
	m.reader_lost = 0;
	m.reader_back = 1;
	m.has_reader = 1;
	ui_view_clear(&v, 80, 24);
	ui_scan_render(&m, 80, &v);
	assert_int_equal(v.banner, 0);
	assert_true(ui_view_find(&v, "Reader is back") >= 0);
}

static void big_numbers_and_bar(void **state)
{
	char rows[3][64] = {"", "", ""}, bar[32];

	(void)state;
	ui_big_number(10, rows);
	assert_string_equal(rows[0], "     _  ");
	assert_string_equal(rows[1], "  | | | ");
	assert_string_equal(rows[2], "  | |_| ");
	ui_progress_bar(bar, sizeof(bar), 3, 4, 10);
	assert_string_equal(bar, "[######..]");
	ui_progress_bar(bar, sizeof(bar), 9, 4, 6);
	assert_string_equal(bar, "[####]");
	ui_progress_bar(bar, sizeof(bar), 0, 0, 6);
	assert_string_equal(bar, "[....]");
}

/* ---- the menu ---- */

static int menu_has(const struct ui_screen **items, size_t n,
		    const struct ui_screen *s)
{
	for (size_t i = 0; i < n; i++)
		if (items[i] == s)
			return 1;
	return 0;
}

static void menu_follows_role_and_training(void **state)
{
	const struct ui_screen *items[UI_MENU_MAX];
	size_t n;
	/* A screen for managers only, gated like `dispose` is. */
	struct ui_screen dispose = {.name = "dispose",
				    .title = "Disposal",
				    .in_menu = 1,
				    .gated = 1,
				    .action = ACT_DISPOSE,
				    .touches_cards = 1};

	(void)state;
	n = ui_menu_items(ROLE_PARTTIME, 1, items, UI_MENU_MAX);
	assert_true(menu_has(items, n, &ui_scan_screen));
	assert_true(menu_has(items, n, &ui_status_screen));
	assert_false(menu_has(items, n, &ui_login_screen));
	/* Untrained: nothing that touches cards; status stays. */
	n = ui_menu_items(ROLE_MANAGER, 0, items, UI_MENU_MAX);
	assert_false(menu_has(items, n, &ui_scan_screen));
	assert_true(menu_has(items, n, &ui_status_screen));
	/* The permission matrix decides, as for the commands. */
	assert_true(ui_screen_allowed(&dispose, ROLE_MANAGER, 1));
	assert_true(ui_screen_allowed(&dispose, ROLE_STAFF, 1));
	assert_false(ui_screen_allowed(&dispose, ROLE_PARTTIME, 1));
	assert_false(ui_screen_allowed(&dispose, ROLE_MANAGER, 0));
	/* Every screen in the table that the menu lists is allowed by the
	 * matrix for that role. */
	for (int r = 0; r < ROLE_COUNT; r++) {
		n = ui_menu_items((enum staff_role)r, 1, items, UI_MENU_MAX);
		for (size_t i = 0; i < n; i++) {
			const char *rule;

			if (items[i]->gated)
				assert_int_equal(
				    recon_permit((enum staff_role)r,
						 items[i]->action, &rule),
				    0);
		}
	}
}

/* ---- the counting programme's screens ---- */

static int attr_of(const struct ui_view *v, const char *needle)
{
	int i = ui_view_find(v, needle);

	return i < 0 ? -1 : (int)v->line[i].attr;
}

static void count_start_shows_the_plans_selection(void **state)
{
	struct ui_cs_range r[6] = {
	    {"SAFE1/T01", 2 /* PLAN_DUE_NOW */, 1},
	    {"SAFE1/T02", 1 /* PLAN_DUE_LATER */, 0},
	    {"SAFE1/T03", 3 /* PLAN_DUE_OVERDUE */, 1},
	    {"SAFE1/T04", -1, 0},
	    {"SAFE1/T05", -1, 0},
	    {"SAFE1/T06", -1, 0},
	};
	struct ui_count_start_model m;
	struct ui_view v;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.step = UI_CS_RANGES;
	m.kind = 1;
	m.r = r;
	m.nr = 6;
	m.sel = 1;
	m.have_plan = 1;
	ui_view_clear(&v, 80, 24);
	ui_count_start_render(&m, &v);
	assert_true(ui_view_find(&v, "[x] SAFE1/T01") >= 0);
	assert_true(ui_view_find(&v, "due this month") ==
		    ui_view_find(&v, "[x] SAFE1/T01"));
	assert_true(ui_view_find(&v, "[ ] SAFE1/T02") >= 0);
	assert_int_equal(attr_of(&v, "[ ] SAFE1/T02"), UI_A_SELECTED);
	assert_int_equal(attr_of(&v, "SAFE1/T03"), UI_A_ALERT);
	assert_true(ui_view_find(&v, "OVERDUE") >= 0);
	assert_true(ui_view_find(&v, "Selected: 2 / 6") >= 0);
	/* A short terminal: the window follows the cursor. */
	m.sel = 5;
	ui_view_clear(&v, 80, 12);
	ui_count_start_render(&m, &v);
	assert_true(ui_view_find(&v, "SAFE1/T06") >= 0);
	assert_int_equal(ui_view_find(&v, "SAFE1/T01"), -1);
}

static void count_start_proposal_says_who_and_why(void **state)
{
	struct ui_cs_assign a[3] = {
	    {"SAFE1/T01", "S02", 1, 0, ""},
	    {"SAFE1/T02", "M01", 0, 0, ""},
	    {"SAFE1/T03", "", 0, 0, "every trained person counted it"},
	};
	struct ui_count_start_model m;
	struct ui_view v;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.step = UI_CS_PLAN;
	m.a = a;
	m.na = 3;
	m.asel = 1;
	ui_view_clear(&v, 80, 24);
	ui_count_start_render(&m, &v);
	assert_true(ui_view_find(&v, "S02      (changed by hand)") >= 0);
	assert_true(ui_view_find(&v, "M01      (planner)") >= 0);
	assert_int_equal(attr_of(&v, "(planner)"), UI_A_SELECTED);
	assert_true(ui_view_find(&v, "! nobody: every trained person") >= 0);
	assert_int_equal(attr_of(&v, "! nobody"), UI_A_ALERT);
	assert_int_equal(v.cursor_line, -1);
	m.step = UI_CS_CHANGE;
	strcpy(m.typed, "S0");
	ui_view_clear(&v, 80, 24);
	ui_count_start_render(&m, &v);
	assert_int_equal(ui_view_find(&v, "New assignee of SAFE1/T02: S0"),
			 v.cursor_line);
}

static void count_overview_shows_resolution_state(void **state)
{
	struct ui_cv_range r[2] = {{"SAFE1/T01", "S02", 3, 2},
				   {"SAFE1/T02", "", 1, 1}};
	struct disc_item_view d[2];
	struct ui_count_model m;
	struct ui_view v;

	(void)state;
	memset(&m, 0, sizeof(m));
	memset(d, 0, sizeof(d));
	d[0].kind = DISC_MISSING;
	strcpy(d[0].card, "A103");
	strcpy(d[0].where, "SAFE1/T01");
	d[1].kind = DISC_MISPLACED;
	strcpy(d[1].card, "A201");
	strcpy(d[1].where, "SAFE1/T02>SAFE1/T01");
	d[1].resolved = 1;
	strcpy(d[1].reason, "found_elsewhere");
	strcpy(d[1].by, "M01");
	m.id = 3;
	m.kind = SESSION_PARTIAL;
	m.r = r;
	m.nr = 2;
	m.d = d;
	m.nd = 2;
	m.unresolved = 1;
	m.focus = 1;
	ui_view_clear(&v, 80, 24);
	ui_count_render(&m, &v);
	assert_true(ui_view_find(&v, "Count 3 (partial)") >= 0);
	assert_true(ui_view_find(&v, "S02              3      2") >= 0);
	assert_int_equal(attr_of(&v, "SAFE1/T01                  S02"),
			 UI_A_ALERT);
	assert_true(ui_view_find(&v, "anyone") >= 0);
	assert_true(ui_view_find(&v, "Discrepancies: 2, 1 without") >= 0);
	assert_true(ui_view_find(&v, "A103") == ui_view_find(&v, "! OPEN"));
	assert_int_equal(attr_of(&v, "! OPEN"), UI_A_SELECTED);
	assert_true(ui_view_find(&v, "resolved found_elsewhere M01") >= 0);
	assert_int_equal(attr_of(&v, "resolved found_elsewhere"), UI_A_OK);
	/* Resolving: only the reasons the screen was given are offered. */
	m.mode = UI_CV_REASON;
	m.reason[0] = REASON_FOUND_ELSEWHERE;
	m.reason[1] = REASON_LOST;
	m.nreason = 2;
	ui_view_clear(&v, 80, 24);
	ui_count_render(&m, &v);
	assert_true(ui_view_find(&v, "1  found elsewhere") >= 0);
	assert_true(ui_view_find(&v, "2  lost (an incident)") >= 0);
	assert_int_equal(ui_view_find(&v, "recounted"), -1);
	assert_int_equal(ui_view_find(&v, "data error"), -1);
	for (int i = 0; i < v.nlines; i++)
		assert_true(ui_width(v.line[i].text) <= 80);
	/* The witness's PIN never shows. */
	m.mode = UI_CV_WITNESS;
	strcpy(m.w.code, "M05");
	strcpy(m.w.pin, "5555");
	m.w.field = 1;
	ui_view_clear(&v, 80, 24);
	ui_count_render(&m, &v);
	assert_true(ui_view_find(&v, "****") >= 0);
	assert_int_equal(ui_view_find(&v, "5555"), -1);
	assert_int_equal(ui_view_find(&v, "****"), v.cursor_line);
	/* A count-only check has totals, not cards. */
	m.mode = UI_CV_BROWSE;
	m.kind = SESSION_COUNTONLY;
	m.offrange = 1;
	ui_view_clear(&v, 80, 24);
	ui_count_render(&m, &v);
	assert_true(ui_view_find(&v, "Ranges whose total is off: 1") >= 0);
	assert_int_equal(ui_view_find(&v, "A103"), -1);
}

static void witness_form_keys(void **state)
{
	struct ui_witness w;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(ui_witness_key(&w, 'M'), UI_W_HANDLED);
	assert_int_equal(ui_witness_key(&w, '0'), UI_W_HANDLED);
	/* A code holds no blanks; the PIN only digits. */
	assert_int_equal(ui_witness_key(&w, ' '), UI_W_HANDLED);
	assert_string_equal(w.code, "M0");
	assert_int_equal(ui_witness_key(&w, UI_KEY_ENTER), UI_W_HANDLED);
	assert_int_equal(w.field, 1);
	/* Enter on an empty PIN is not a try. */
	assert_int_equal(ui_witness_key(&w, UI_KEY_ENTER), UI_W_HANDLED);
	ui_witness_key(&w, '1');
	ui_witness_key(&w, 'x');
	ui_witness_key(&w, '2');
	assert_string_equal(w.pin, "12");
	assert_int_equal(ui_witness_key(&w, UI_KEY_F10), UI_W_NOT_MINE);
	assert_int_equal(ui_witness_key(&w, UI_KEY_ENTER), UI_W_DONE);
	assert_int_equal(ui_witness_key(&w, UI_KEY_ESC), UI_W_CANCEL);
	assert_string_equal(w.pin, "");
	assert_string_equal(w.code, "");
}

static void disposal_reads_look_different(void **state)
{
	struct ui_dispose_model m;
	struct ui_view v;
	const char *sym[5];
	int a, b, c;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.mode = UI_DS_SCAN;
	m.batch = 7;
	m.in_batch = 1;
	for (int k = 0; k < 5; k++) {
		m.read[k].kind = k;
		snprintf(m.read[k].mgmt_id, sizeof(m.read[k].mgmt_id), "D10%d",
			 k);
		snprintf(m.read[k].serial, sizeof(m.read[k].serial), "04D10%d",
			 k);
		sym[k] = ui_dispose_symbol(k);
		for (int j = 0; j < k; j++)
			assert_string_not_equal(sym[j], sym[k]);
	}
	strcpy(m.read[0].detail, "reminder");
	strcpy(m.read[2].detail, "stored");
	m.nread = 5;
	ui_view_clear(&v, 80, 24);
	ui_dispose_render(&m, &v);
	assert_true(ui_view_find(&v, "Disposal D7") >= 0);
	assert_true(ui_view_find(&v, "In the batch: 1") >= 0);
	a = ui_view_find(&v, "[+] D100");
	b = ui_view_find(&v, "[=] D101");
	c = ui_view_find(&v, "[X] D102");
	assert_true(a >= 0 && b >= 0 && c >= 0);
	/* Newest first. */
	assert_true(c < b && b < a);
	assert_int_equal(v.line[a].attr, UI_A_OK);
	assert_int_equal(v.line[b].attr, UI_A_REPEAT);
	assert_int_equal(v.line[c].attr, UI_A_ALERT);
	assert_true(ui_view_find(&v, "into the batch (reminder)") == a);
	assert_true(ui_view_find(&v, "not due, put it back (stored)") == c);
	assert_true(ui_view_find(&v, "[?] D104") >= 0);
	for (int i = 0; i < v.nlines; i++)
		assert_true(ui_width(v.line[i].text) <= 80);
	m.mode = UI_DS_CERT;
	m.method = 1;
	ui_view_clear(&v, 80, 24);
	ui_dispose_render(&m, &v);
	assert_true(ui_view_find(&v, "Certificate reference (required)") >= 0);
}

static void text_view_fits_and_scrolls(void **state)
{
	const char buf[] = "a,b\r\n"
			   "棚卸し記録簿 棚卸し記録簿 棚卸し記録簿 棚卸し\n"
			   "3\n4\n5\n6\n7\n8\n9\n10";
	struct ui_text t;
	struct ui_view v;

	(void)state;
	assert_int_equal(ui_text_load(&t, buf, strlen(buf)), 0);
	assert_int_equal(t.n, 10);
	assert_string_equal(t.line[0], "a,b");
	ui_view_clear(&v, 20, 24);
	ui_text_render(&t, 5, &v);
	assert_int_equal(v.nlines, 5);
	for (int i = 0; i < v.nlines; i++)
		assert_true(ui_width(v.line[i].text) <= 19);
	/* A wide character at the edge is left out whole. */
	assert_string_equal(v.line[1].text, "棚卸し記録簿 棚卸~");
	assert_true(ui_view_find(&v, "lines 1-4 of 10") == 4);
	assert_int_equal(ui_text_key(&t, UI_KEY_END, 5), 1);
	assert_int_equal(t.top, 6);
	ui_view_clear(&v, 20, 24);
	ui_text_render(&t, 5, &v);
	assert_string_equal(v.line[3].text, "10");
	assert_int_equal(ui_view_find(&v, "more below"), -1);
	ui_text_key(&t, UI_KEY_PGDN, 5);
	assert_int_equal(t.top, 6);
	ui_text_key(&t, UI_KEY_HOME, 5);
	ui_text_key(&t, UI_KEY_UP, 5);
	assert_int_equal(t.top, 0);
	/* Shifting right by columns, never half a character: 3 columns
	 * into "棚卸" the whole 卸 goes. */
	t.left = 3;
	ui_view_clear(&v, 20, 24);
	ui_text_render(&t, 5, &v);
	assert_true(strncmp(v.line[1].text, "し記録簿", strlen("し記録簿")) ==
		    0);
	assert_int_equal(ui_text_key(&t, 'z', 5), 0);
	ui_text_free(&t);
	assert_int_equal(t.n, 0);
}

/* ---- language ---- */

static void japanese_from_the_build_tree(void **state)
{
	const char *dir = getenv("CARDTALLY_LOCALEDIR");
	struct ui_scan_model m;
	struct ui_view v;

	(void)state;
	if (!dir || !*dir)
		skip(); /* run through tests/run, which sets it */
	setenv("CARDTALLY_LOCALEDIR", dir, 1);
	assert_int_equal(ui_i18n_init("ja"), 0);
	assert_string_equal(ui_i18n_lang(), "ja");
	assert_string_equal(_("Log in"), "ログイン");
	memset(&m, 0, sizeof(m));
	m.expected = 12;
	ui_view_clear(&v, 80, 24);
	ui_scan_render(&m, 80, &v);
	assert_true(ui_view_find(&v, "予定: 12") >= 0);
	for (int i = 0; i < v.nlines; i++)
		assert_true(ui_width(v.line[i].text) <= 80);
	ui_i18n_set("en");
	assert_string_equal(_("Log in"), "Log in");
	assert_int_equal(ui_i18n_init("fr"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(width_counts_wide_characters_twice),
	    cmocka_unit_test(fit_cuts_by_columns_never_mid_character),
	    cmocka_unit_test(fit_respects_the_buffer),
	    cmocka_unit_test(header_keeps_name_and_role_at_80_columns),
	    cmocka_unit_test(counters_follow_reads),
	    cmocka_unit_test(alerts_newest_first_each_with_its_symbol),
	    cmocka_unit_test(alert_list_keeps_the_newest),
	    cmocka_unit_test(reader_lost_is_a_banner),
	    cmocka_unit_test(big_numbers_and_bar),
	    cmocka_unit_test(menu_follows_role_and_training),
	    cmocka_unit_test(count_start_shows_the_plans_selection),
	    cmocka_unit_test(count_start_proposal_says_who_and_why),
	    cmocka_unit_test(count_overview_shows_resolution_state),
	    cmocka_unit_test(witness_form_keys),
	    cmocka_unit_test(disposal_reads_look_different),
	    cmocka_unit_test(text_view_fits_and_scrolls),
	    cmocka_unit_test(japanese_from_the_build_tree),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
