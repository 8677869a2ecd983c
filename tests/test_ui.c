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
	    cmocka_unit_test(japanese_from_the_build_tree),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
