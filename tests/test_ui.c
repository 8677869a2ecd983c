/*
 * The TUI's model without a terminal: display-column arithmetic for
 * Japanese text, the scan screen's counters and alert list, the frame's
 * header, the menu built from the permission matrix and the training
 * gate, and the one form for a second person on the same screen (its
 * refusals checked against a scratch ledger).  Strings are the English msgids
 * (no catalog is bound here), except in the test that switches to Japanese
 * through the build tree's catalog.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../scanner/cli/cli.h"
#include "../scanner/tui/ui.h"
#include "tmpdir.h"

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
	assert_int_equal(cols_width("abc"), 3);
	assert_int_equal(cols_width("棚卸し"), 6);
	assert_int_equal(cols_width("A棚1"), 4);
	assert_int_equal(cols_width(""), 0);
	/* A stray byte is painted as \xFF (text_escape): four columns,
	 * not a crash or a skipped rest. */
	assert_int_equal(cols_width("a\xff"
				    "b"),
			 6);
}

/* Text from a file, a card or a person is painted escaped (issue 13), and
 * laid out by the columns of what is painted: ESC as \x1B, a C1 or bidi
 * control as \u{NNNN}, a backslash as \\. */
static void width_is_that_of_the_escaped_text(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(cols_width("a\x1b[2J"), 1 + 4 + 3);
	assert_int_equal(cols_width("a\xc2\x9b"), 1 + 8);
	assert_int_equal(cols_width("\xe2\x80\xae棚"), 8 + 2);
	assert_int_equal(cols_width("\x7f"), 4);
	assert_int_equal(cols_width("\n\t"), 8);
	assert_int_equal(cols_width("a\\b"), 4);
	/* A cut never leaves half of an escape: the ESC goes whole. */
	assert_int_equal(cols_fit(out, sizeof(out),
				  "ab\x1b"
				  "cd",
				  5, 0),
			 3);
	assert_string_equal(out, "ab~");
	assert_int_equal(cols_fit(out, sizeof(out),
				  "ab\x1b"
				  "cd",
				  8, 0),
			 8);
	assert_string_equal(out, "ab\x1b"
				 "cd");
	/* The rest after the columns of an escape. */
	assert_string_equal(cols_skip("\xc2\x9b"
				      "xy",
				      8),
			    "xy");
}

static void fit_cuts_by_columns_never_mid_character(void **state)
{
	char out[64];

	(void)state;
	/* Fits: unchanged, padded to the width. */
	assert_int_equal(cols_fit(out, sizeof(out), "読取り", 8, 1), 8);
	assert_string_equal(out, "読取り  ");
	/* Too long: cut with '~' in the last column. */
	assert_int_equal(cols_fit(out, sizeof(out), "読取り機", 7, 0), 7);
	assert_string_equal(out, "読取り~");
	/* A wide character that would straddle the edge is left out and
	 * the row still has exactly the width. */
	assert_int_equal(cols_fit(out, sizeof(out), "読取り機", 6, 1), 6);
	assert_string_equal(out, "読取~ ");
	assert_int_equal(cols_width(out), 6);
	/* ASCII is cut like before. */
	cols_fit(out, sizeof(out), "abcdef", 4, 0);
	assert_string_equal(out, "abc~");
	ui_fit_right(out, sizeof(out), "残り", 6);
	assert_string_equal(out, "  残り");
}

static void fit_respects_the_buffer(void **state)
{
	char out[8];

	(void)state;
	/* 7 bytes of room: two 3-byte characters, never half a third. */
	cols_fit(out, sizeof(out), "棚卸し棚卸し", 80, 0);
	assert_true(strlen(out) < sizeof(out));
	assert_int_equal(cols_width(out) <= 80, 1);
	assert_int_equal(strncmp(out, "棚卸", 6), 0);
}

/* Every row of the frame is at most 80 columns once the painter cuts it,
 * and a Japanese name in the header never pushes the role off the row. */
/* A message longer than the message line's buffer (a reader's Japanese
 * message inside the screen's words) is cut on a whole character. */
static void long_message_cut_on_whole_character(void **state)
{
	struct ui u;
	char big[2000];
	size_t n = 0, len;

	(void)state;
	memset(&u, 0, sizeof(u));
	/* "x" then three-byte characters: whatever the buffer's size, one of
	 * them straddles its end unless the cut is done right. */
	big[n++] = 'x';
	while (n + 3 < sizeof(big)) {
		memcpy(big + n, "読", 3);
		n += 3;
	}
	big[n] = '\0';
	ui_message(&u, UI_A_NORMAL, "%s", big);
	len = strlen(u.msg);
	assert_true(len > 0 && len < sizeof(u.msg));
	assert_int_equal((len - 1) % 3, 0);
	assert_memory_equal(u.msg + len - 3, "読", 3);
	/* A short one is kept whole. */
	ui_message(&u, UI_A_NORMAL, "%s", "読取り機がありません");
	assert_string_equal(u.msg, "読取り機がありません");
}

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
	assert_true(cols_width(v.line[0].text) <= 79);
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
		assert_true(cols_width(v.line[i].text) <= 80);
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
	m.reader.lost = 1;
	snprintf(m.range, sizeof(m.range), "SAFE1/T01");
	ui_view_clear(&v, 80, 24);
	ui_scan_render(&m, 80, &v);
	assert_int_equal(v.banner, 1);
	assert_true(ui_view_find(&v, "READER LOST") >= 0);
	assert_true(ui_view_find(&v, "1 of 4 seen in SAFE1/T01") >= 0);
	m.reader.lost = 0;
	m.reader.back = 1;
	m.reader.has_reader = 1;
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
	/* A screen gated by its step, as `dispose` is. */
	struct ui_screen dispose = {.name = "dispose",
				    .title = "Disposal",
				    .in_menu = 1,
				    .step = &wf_step_dispose_start};

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

			if (items[i]->step &&
			    (items[i]->step->needs & WF_PERMIT))
				assert_int_equal(
				    recon_permit((enum staff_role)r,
						 items[i]->step->action, &rule),
				    0);
		}
	}
}

/* ---- the lookup, custody, tally and key screens ---- */

static void assert_narrow(const struct ui_view *v, int cols)
{
	for (int i = 0; i < v->nlines; i++)
		assert_true(cols_width(v->line[i].text) <= cols);
}

static void fields_take_only_what_they_hold(void **state)
{
	char buf[8] = "";

	(void)state;
	assert_int_equal(ui_field_key(buf, sizeof(buf), UI_FIELD_HEX, 'g'), 0);
	assert_int_equal(ui_field_key(buf, sizeof(buf), UI_FIELD_HEX, 'a'), 1);
	assert_int_equal(ui_field_key(buf, sizeof(buf), UI_FIELD_DIGITS, 'x'),
			 0);
	assert_int_equal(ui_field_key(buf, sizeof(buf), UI_FIELD_ID, ' '), 0);
	assert_int_equal(ui_field_key(buf, sizeof(buf), UI_FIELD_ID, 'Z'), 1);
	assert_string_equal(buf, "aZ");
	/* Text takes Japanese; Backspace removes a whole character. */
	assert_int_equal(ui_field_key(buf, sizeof(buf), UI_FIELD_TEXT, 0x68da),
			 1);
	assert_string_equal(buf, "aZ棚");
	ui_field_key(buf, sizeof(buf), UI_FIELD_TEXT, UI_KEY_BACKSPACE);
	assert_string_equal(buf, "aZ");
	/* Never past the buffer: 7 bytes of room. */
	for (int i = 0; i < 20; i++)
		ui_field_key(buf, sizeof(buf), UI_FIELD_DIGITS, '1');
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
}

static void lookup_shows_record_and_history_newest_first(void **state)
{
	struct ui_lookup_model *m = calloc(1, sizeof(*m));
	struct card_event e = {.what = "",
			       .detail = "",
			       .session_kind = "",
			       .where = "SAFE1/T01",
			       .by = "S02"};
	struct ui_view v;
	int out, read, back, res;

	(void)state;
	assert_non_null(m);
	m->state = 1;
	snprintf(m->card.mgmt_id, sizeof(m->card.mgmt_id), "A101");
	snprintf(m->card.serial, sizeof(m->card.serial), "04A101");
	snprintf(m->card.location, sizeof(m->card.location), "SAFE1/T01");
	m->card.status = CARD_STORED;
	m->card.received = 20000;
	m->card.notice_sent = DATE_NONE;
	m->card.reminder_sent = 20100;
	m->due = DUE_REMINDER;
	m->due_since = 20130;
	e.at = 1000;
	e.kind = CARD_EV_CUSTODY;
	e.what = "checkout";
	e.detail = "2025-06-10";
	ui_lookup_add_event(m, &e);
	e.at = 2000;
	e.kind = CARD_EV_READ;
	e.what = "accepted";
	e.detail = "";
	e.session = 3;
	e.session_kind = "tally";
	e.where = "";
	ui_lookup_add_event(m, &e);
	e.at = 3000;
	e.kind = CARD_EV_CUSTODY;
	e.what = "return";
	e.where = "SAFE1/T01";
	e.session = 0;
	ui_lookup_add_event(m, &e);
	e.at = 4000;
	e.kind = CARD_EV_RESOLUTION;
	e.what = "found_elsewhere";
	e.detail = "misplaced";
	e.session = 7;
	e.by = "M01";
	ui_lookup_add_event(m, &e);
	assert_int_equal(m->nhist, 4);
	ui_view_clear(&v, 80, 24);
	ui_lookup_render(m, 80, 24, &v);
	assert_true(ui_view_find(&v, "A101  04A101  in storage") >= 0);
	assert_true(ui_view_find(&v, "Home: SAFE1/T01") >= 0);
	assert_true(ui_view_find(&v, "Notice -") >= 0);
	/* Due: said, with its own symbol, not only its colour. */
	int due = ui_view_find(&v, "[D] Due for disposal");
	assert_true(due >= 0);
	assert_int_equal(v.line[due].attr, UI_A_ALERT);
	out = ui_view_find(&v,
			   "Checked out  by S02  SAFE1/T01  (for 2025-06-10)");
	read = ui_view_find(&v, "Read in tally 3  by S02: accepted");
	back = ui_view_find(&v, "Returned  by S02");
	res = ui_view_find(&v, "Resolved in count 7  by M01: misplaced, "
			       "found_elsewhere");
	assert_true(out > 0 && read > 0 && back > 0 && res > 0);
	assert_true(res < back && back < read && read < out);
	assert_narrow(&v, 80);
	/* A card nobody knows. */
	m->state = 2;
	snprintf(m->asked, sizeof(m->asked), "04FFFF");
	ui_view_clear(&v, 80, 24);
	ui_lookup_render(m, 80, 24, &v);
	assert_true(ui_view_find(&v, "No card with this number or management "
				     "ID: 04FFFF") >= 0);
	assert_true(ui_view_find(&v, "History") < 0);
	free(m);
}

static void lookup_keeps_the_newest_history(void **state)
{
	struct ui_lookup_model *m = calloc(1, sizeof(*m));
	struct card_event e = {.kind = CARD_EV_READ,
			       .what = "accepted",
			       .detail = "",
			       .session_kind = "full",
			       .where = "SAFE1/T01",
			       .by = "S02"};

	(void)state;
	assert_non_null(m);
	for (int i = 0; i < UI_HISTORY_MAX + 3; i++) {
		e.at = 1000 + i;
		e.session = i + 1;
		ui_lookup_add_event(m, &e);
	}
	assert_int_equal(m->nhist, UI_HISTORY_MAX);
	assert_int_equal(m->more, 1);
	assert_int_equal(m->hist[0].session, 4);
	assert_int_equal(m->hist[m->nhist - 1].session, UI_HISTORY_MAX + 3);
	free(m);
}

static void custody_lists_recorded_and_refused(void **state)
{
	struct ui_custody_model *m = calloc(1, sizeof(*m));
	struct wf_moved_item ok1;
	struct wf_err e;
	char why[UI_LINE_BYTES];
	struct ui_view v;
	int a, b, c;

	(void)state;
	assert_non_null(m);
	m->kind = CUSTODY_CHECKOUT;
	snprintf(m->for_day, sizeof(m->for_day), "2025-06-10");
	memset(&ok1, 0, sizeof(ok1));
	snprintf(ok1.name, sizeof(ok1.name), "A101");
	ok1.from = CARD_STORED;
	ok1.to = CARD_CHECKED_OUT;
	ui_custody_note(m, "A101", &ok1, 1, NULL);
	/* Refusals as the workflow gives them, in the screen's words. */
	wf_fail(&e, WF_E_CHECKOUT_RULE, "card", "A105", "issued",
		"only a card in storage can be checked out");
	ui_wf_text(&e, why, sizeof(why));
	ui_custody_note(m, "A105", NULL, 0, why);
	wf_fail(&e, WF_E_CUSTODY_UNKNOWN, "ZZ9");
	ui_wf_text(&e, why, sizeof(why));
	ui_custody_note(m, "ZZ9", NULL, 0, why);
	assert_int_equal(m->done, 1);
	assert_int_equal(m->refused, 2);
	assert_int_equal(m->flagged, 1);
	ui_view_clear(&v, 80, 24);
	ui_custody_render(m, 80, &v);
	assert_true(ui_view_find(&v, "2025-06-10") >= 0);
	a = ui_view_find(&v, "[OK] A101  in storage -> checked out  ! flagged");
	b = ui_view_find(&v, "[!!] Refused: Card A105 (issued) cannot be "
			     "checked out: only a card");
	c = ui_view_find(&v, "No card or terminal ZZ9");
	assert_true(a > 0 && b > 0 && c > 0);
	/* Newest first, and a refusal looks like one. */
	assert_true(c < b && b < a);
	assert_int_equal(v.line[b].attr, UI_A_ALERT);
	assert_int_equal(v.line[a].attr, UI_A_OK);
	assert_true(ui_view_find(&v, "Safe recorded closed") >= 0);
	assert_true(ui_view_find(&v, "Recorded: 1   Refused: 2") >= 0);
	assert_narrow(&v, 80);
	/* Not a checkout: no date field. */
	m->kind = CUSTODY_RETURN;
	ui_view_clear(&v, 80, 24);
	ui_custody_render(m, 80, &v);
	assert_true(ui_view_find(&v, "For the day") < 0);
	free(m);
}

static void tally_lists_what_is_out_and_masks_the_witness_pin(void **state)
{
	struct ui_tally_model *m = calloc(1, sizeof(*m));
	struct tally_row r = {.name = "A101",
			      .status = CARD_CHECKED_OUT,
			      .location = "SAFE1/T01",
			      .checked_out_by = "S02",
			      .for_date = DATE_NONE,
			      .read_back = 1};
	struct ui_view v;

	(void)state;
	assert_non_null(m);
	m->id = 4;
	/* As wf_tally_missing leaves it: A101 read back, A103 issued
	 * meanwhile, and the two still out passed to the list. */
	m->t.expected = 4;
	m->t.by_state[TALLY_RETURNED] = 1;
	m->t.by_state[TALLY_ISSUED] = 1;
	m->t.by_state[TALLY_MISSING] = 2;
	r.name = "A102";
	r.read_back = 0;
	ui_tally_add_row(m, &r); /* missing */
	r.name = "T1";
	r.is_asset = 1;
	r.checked_out_by = "";
	ui_tally_add_row(m, &r); /* a terminal missing */
	assert_int_equal(m->nout, 2);
	ui_tally_note_read(m, RECON_ACCEPTED, WHY_NONE, "A101", "04A101");
	ui_tally_note_read(m, RECON_ALERT, WHY_UNKNOWN, "", "04FFFF");
	assert_int_equal(m->accepted, 1);
	assert_int_equal(m->alerts, 1);
	assert_int_equal(m->last_kind, UI_ALERT_UNKNOWN);
	m->closing = 1;
	m->form.has_note = 1;
	snprintf(m->form.code, sizeof(m->form.code), "M01");
	snprintf(m->form.pin, sizeof(m->form.pin), "1111");
	ui_view_clear(&v, 80, 24);
	ui_tally_render(m, 80, 24, &v);
	assert_true(ui_view_find(&v, "Tally 4") >= 0);
	assert_true(ui_view_find(&v, "missing 2") >= 0);
	assert_true(ui_view_find(&v, "Still out (2)") >= 0);
	assert_true(ui_view_find(&v, "card A102  out by S02") >= 0);
	assert_true(ui_view_find(&v, "terminal T1  out by ?") >= 0);
	assert_true(ui_view_find(&v, "A101  out by") < 0);
	assert_true(ui_view_find(&v, "[?] - 04FFFF") >= 0);
	assert_true(ui_view_find(&v, "M01") >= 0);
	assert_true(ui_view_find(&v, "****") >= 0);
	assert_true(ui_view_find(&v, "1111") < 0);
	assert_narrow(&v, 80);
	free(m);
}

static void key_shows_state_and_flags(void **state)
{
	struct ui_key_model m;
	struct ui_view v;

	(void)state;
	memset(&m, 0, sizeof(m));
	ui_view_clear(&v, 80, 24);
	ui_key_render(&m, 80, &v);
	assert_true(ui_view_find(&v, "Safe: closed") >= 0);
	assert_true(ui_view_find(&v, "o open the safe") >= 0);
	m.open = 1;
	m.cur.opened_at = 1750000000;
	snprintf(m.cur.opened_by, sizeof(m.cur.opened_by), "S02");
	snprintf(m.cur.approved_by, sizeof(m.cur.approved_by), "M01");
	snprintf(m.cur.purpose, sizeof(m.cur.purpose), "checkout");
	m.flags = KEY_FLAG_LONG | KEY_FLAG_OFF_HOURS;
	ui_view_clear(&v, 80, 24);
	ui_key_render(&m, 80, &v);
	int open = ui_view_find(&v, "Safe: OPEN since");
	assert_true(open >= 0);
	assert_non_null(strstr(v.line[open].text, "S02"));
	assert_non_null(strstr(v.line[open].text, "approved by M01"));
	assert_int_equal(v.line[open].attr, UI_A_ALERT);
	assert_true(ui_view_find(&v, "! flagged: open too long, outside "
				     "office hours") >= 0);
	assert_true(ui_view_find(&v, "c close the safe") >= 0);
	assert_narrow(&v, 80);
}

static void new_screens_follow_the_matrix(void **state)
{
	const struct ui_screen *items[UI_MENU_MAX];
	size_t n;

	(void)state;
	n = ui_menu_items(ROLE_PARTTIME, 1, items, UI_MENU_MAX);
	/* R11: part-timers do not move stock; they look up, scan returns
	 * into a tally and see the safe. */
	assert_false(menu_has(items, n, &ui_custody_screen));
	assert_true(menu_has(items, n, &ui_lookup_screen));
	assert_true(menu_has(items, n, &ui_tally_screen));
	assert_true(menu_has(items, n, &ui_key_screen));
	n = ui_menu_items(ROLE_STAFF, 1, items, UI_MENU_MAX);
	assert_true(menu_has(items, n, &ui_custody_screen));
	/* Untrained: what touches cards goes; the read-only screens stay. */
	n = ui_menu_items(ROLE_MANAGER, 0, items, UI_MENU_MAX);
	assert_false(menu_has(items, n, &ui_custody_screen));
	assert_false(menu_has(items, n, &ui_tally_screen));
	assert_true(menu_has(items, n, &ui_lookup_screen));
	assert_true(menu_has(items, n, &ui_key_screen));
}

/* ---- language ---- */

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
	    {.range = "SAFE1/T01", .staff = "S02", .manual = 1},
	    {.range = "SAFE1/T02", .staff = "M01"},
	    {.range = "SAFE1/T03", .have_why = 1},
	};
	struct ui_count_start_model m;
	struct ui_view v;

	(void)state;
	/* The reason as data, worded when drawn. */
	a[2].why.older = 4;
	a[2].why.newer = 7;
	a[2].why.nrot = 1;
	strcpy(a[2].why.rot[0], "M01");
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
	assert_true(ui_view_find(&v, "! nobody: M01 counted it in each of its "
				     "last") >= 0);
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
	assert_true(ui_view_find(&v, "resolved found elsewhere M01") >= 0);
	assert_int_equal(attr_of(&v, "resolved found elsewhere"), UI_A_OK);
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
		assert_true(cols_width(v.line[i].text) <= 80);
	/* The witness's PIN never shows. */
	m.mode = UI_CV_WITNESS;
	strcpy(m.form.code, "M05");
	strcpy(m.form.pin, "5555");
	m.form.field = 1;
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

/* An open count: the missing cards of a range nothing was read in come
 * last, in their order; nothing else moves and nothing is dropped. */
static void count_unread_range_last(void **state)
{
	struct ui_cv_range r[3] = {{.path = "S/T01", .expected = 2, .seen = 0},
				   {.path = "S/T02", .expected = 3, .seen = 2},
				   {.path = "S/T03", .expected = 0, .seen = 0}};
	static const struct {
		enum recon_disc kind;
		const char *id, *loc;
		int resolved;
	} in[] = {
	    {DISC_MISSING, "A1", "S/T01", 0},	/* unread range: last */
	    {DISC_MISSING, "B1", "S/T02", 0},	/* started: stays */
	    {DISC_MISSING, "A2", "S/T01", 1},	/* resolved: stays */
	    {DISC_MISPLACED, "C1", "S/T01", 0}, /* not missing: stays */
	    {DISC_MISSING, "A3", "S/T01", 0},	/* unread range: last */
	};
	static const char *const want[] = {"B1", "A2", "C1", "A1", "A3"};
	struct disc_item v[5];
	struct disc_list dl = {.v = v, .n = 5, .unresolved = 4};
	struct ui_count_model m;

	(void)state;
	memset(&m, 0, sizeof(m));
	memset(v, 0, sizeof(v));
	for (size_t i = 0; i < 5; i++) {
		v[i].kind = in[i].kind;
		strcpy(v[i].mgmt_id, in[i].id);
		strcpy(v[i].location, in[i].loc);
		v[i].resolved = in[i].resolved;
	}
	m.r = r;
	m.nr = 3;
	ui_count_not_read_last(&m, &dl);
	assert_int_equal(m.notstarted, 1); /* S/T03 expects nothing */
	assert_int_equal(m.notstarted_cards, 2);
	assert_int_equal(dl.n, 5);
	assert_int_equal(dl.unresolved, 4);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(v[i].mgmt_id, want[i]);
	/* Every range read: nothing moves. */
	r[0].seen = 1;
	memset(&m, 0, sizeof(m));
	m.r = r;
	m.nr = 3;
	ui_count_not_read_last(&m, &dl);
	assert_int_equal(m.notstarted + m.notstarted_cards, 0);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(v[i].mgmt_id, want[i]);
}

/* Types each character of s into the form. */
static void type_into(struct ui_second *f, const char *s)
{
	for (; *s; s++)
		assert_int_equal(ui_second_key(f, (unsigned char)*s),
				 UI_SECOND_HANDLED);
}

/* The witness's login (count, disposal): code, Enter, PIN, Enter. */
static void second_form_login_keys(void **state)
{
	struct ui_second f;

	(void)state;
	ui_second_clear(&f);
	/* Enter on an empty code goes nowhere. */
	assert_int_equal(ui_second_key(&f, UI_KEY_ENTER), UI_SECOND_HANDLED);
	assert_int_equal(f.field, 0);
	type_into(&f, "M0");
	/* A code holds no blanks, nor Japanese; both are swallowed. */
	assert_int_equal(ui_second_key(&f, ' '), UI_SECOND_HANDLED);
	assert_int_equal(ui_second_key(&f, 0x68da), UI_SECOND_HANDLED);
	assert_string_equal(f.code, "M0");
	assert_int_equal(ui_second_key(&f, UI_KEY_ENTER), UI_SECOND_HANDLED);
	assert_int_equal(f.field, 1);
	/* Enter on an empty PIN is not a try. */
	assert_int_equal(ui_second_key(&f, UI_KEY_ENTER), UI_SECOND_HANDLED);
	assert_int_equal(f.field, 1);
	/* A PIN only digits: 'x', and 'L' (the loop's language key), are
	 * the form's and change nothing. */
	type_into(&f, "1xL2");
	assert_string_equal(f.pin, "12");
	/* Never past the buffer, and its last byte stays free. */
	for (int i = 0; i < 40; i++)
		ui_second_key(&f, '9');
	assert_int_equal(strlen(f.pin), sizeof(f.pin) - 2);
	while (f.pin[0])
		ui_second_key(&f, UI_KEY_BACKSPACE);
	assert_int_equal(f.field, 1);
	/* Backspace in the empty PIN goes back to the code. */
	assert_int_equal(ui_second_key(&f, UI_KEY_BACKSPACE),
			 UI_SECOND_HANDLED);
	assert_int_equal(f.field, 0);
	assert_string_equal(f.code, "M0");
	ui_second_key(&f, UI_KEY_BACKSPACE);
	assert_string_equal(f.code, "M");
	type_into(&f, "0");
	assert_int_equal(ui_second_key(&f, UI_KEY_TAB), UI_SECOND_HANDLED);
	type_into(&f, "12");
	/* Keys of the loop and of the terminal are not the form's. */
	assert_int_equal(ui_second_key(&f, UI_KEY_F10), UI_SECOND_NOT_MINE);
	assert_int_equal(ui_second_key(&f, UI_KEY_F2), UI_SECOND_NOT_MINE);
	assert_int_equal(ui_second_key(&f, UI_KEY_RESIZE), UI_SECOND_NOT_MINE);
	assert_int_equal(ui_second_key(&f, UI_KEY_ENTER), UI_SECOND_DONE);
	/* A PIN typed with the code erased is not a try either. */
	memset(f.code, 0, sizeof(f.code));
	assert_int_equal(ui_second_key(&f, UI_KEY_ENTER), UI_SECOND_HANDLED);
	assert_int_equal(f.field, 0);
	/* Esc cancels and wipes. */
	type_into(&f, "M05");
	assert_int_equal(ui_second_key(&f, UI_KEY_ESC), UI_SECOND_CANCEL);
	assert_string_equal(f.pin, "");
	assert_string_equal(f.code, "");
	assert_int_equal(f.field, 0);
}

/* With a note (the tally's close, the safe's purpose): Tab, Down and Up
 * move, Enter moves on and completes on the note. */
static void second_form_with_a_note(void **state)
{
	struct ui_second f;
	struct ui_view v;

	(void)state;
	ui_second_clear(&f);
	f.has_note = 1;
	assert_int_equal(ui_second_key(&f, UI_KEY_TAB), UI_SECOND_HANDLED);
	assert_int_equal(ui_second_key(&f, UI_KEY_DOWN), UI_SECOND_HANDLED);
	assert_int_equal(f.field, 2);
	/* The note takes any text, Japanese too. */
	type_into(&f, "A102 ");
	assert_int_equal(ui_second_key(&f, 0x68da), UI_SECOND_HANDLED);
	assert_string_equal(f.note, "A102 棚");
	assert_int_equal(ui_second_key(&f, UI_KEY_TAB), UI_SECOND_HANDLED);
	assert_int_equal(f.field, 0);
	assert_int_equal(ui_second_key(&f, UI_KEY_UP), UI_SECOND_HANDLED);
	assert_int_equal(f.field, 0);
	type_into(&f, "M01");
	assert_int_equal(ui_second_key(&f, UI_KEY_ENTER), UI_SECOND_HANDLED);
	type_into(&f, "1111");
	/* Enter on the PIN goes on to the note... */
	assert_int_equal(ui_second_key(&f, UI_KEY_ENTER), UI_SECOND_HANDLED);
	assert_int_equal(f.field, 2);
	assert_int_equal(ui_second_key(&f, UI_KEY_UP), UI_SECOND_HANDLED);
	assert_int_equal(f.field, 1);
	assert_int_equal(ui_second_key(&f, UI_KEY_DOWN), UI_SECOND_HANDLED);
	/* ...where Enter completes, an empty code too (the screen says
	 * what that means: no witness). */
	assert_int_equal(ui_second_key(&f, UI_KEY_ENTER), UI_SECOND_DONE);
	ui_view_clear(&v, 80, 24);
	ui_second_view(&f, "Approver", "Purpose", &v);
	assert_int_equal(v.nlines, 3);
	assert_true(ui_view_find(&v, "Approver: code") >= 0);
	assert_true(ui_view_find(&v, "M01") >= 0);
	assert_true(ui_view_find(&v, "****") >= 0);
	assert_int_equal(ui_view_find(&v, "1111"), -1);
	assert_int_equal(ui_view_find(&v, "Purpose"), v.cursor_line);
	/* Without a note, no note line. */
	f.has_note = 0;
	f.field = 1;
	ui_view_clear(&v, 80, 24);
	ui_second_view(&f, "Witness", NULL, &v);
	assert_int_equal(v.nlines, 2);
	assert_int_equal(ui_view_find(&v, "Witness: PIN"), v.cursor_line);
	assert_int_equal(ui_second_key(&f, UI_KEY_ESC), UI_SECOND_CANCEL);
	assert_string_equal(f.note, "");
	assert_int_equal(f.has_note, 0);
}

/* A ledger with M01/1111 (manager, logged in), M05/5555 (manager) and
 * S03/3333 (staff), for the refusals. */
struct refusal_fixture {
	char dir[64];
	char path[96];
	struct ui u;
};

static void add_staff(struct ledger *l, const char *code, enum staff_role role,
		      const char *pin)
{
	char hash[128];

	assert_int_equal(cli_hash_pin(pin, hash), 0);
	assert_int_equal(ledger_staff_add(l, code, code, role, hash, 0, 1), 0);
}

static int refusal_setup(void **state)
{
	struct refusal_fixture *fx = calloc(1, sizeof(*fx));
	char err[256];

	if (!fx)
		return -1;
	setlocale(LC_ALL, "C.UTF-8");
	if (test_mkdtemp(fx->dir, sizeof(fx->dir), "test_ui") < 0)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/ledger.db", fx->dir);
	if (ledger_create(fx->path, &fx->u.l, err, sizeof(err)) < 0)
		return -1;
	add_staff(fx->u.l, "M01", ROLE_MANAGER, "1111");
	add_staff(fx->u.l, "M05", ROLE_MANAGER, "5555");
	add_staff(fx->u.l, "S03", ROLE_STAFF, "3333");
	if (ledger_staff_get(fx->u.l, "M01", &fx->u.who) < 0)
		return -1;
	fx->u.logged_in = 1;
	*state = fx;
	return 0;
}

static int refusal_teardown(void **state)
{
	struct refusal_fixture *fx = *state;
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[128];

	ledger_close(fx->u.l);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", fx->path, suffixes[i]);
		unlink(p);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* Fills the form, tries it as a witness; the exit code.  The PIN is
 * wiped after every try, and a refusal leaves an empty login (the note
 * kept) with why on the message line and the bell. */
static int try_witness(struct ui *u, struct ui_second *f, const char *code,
		       const char *pin)
{
	struct staff_rec w;
	int ex;

	snprintf(f->code, sizeof(f->code), "%s", code);
	snprintf(f->pin, sizeof(f->pin), "%s", pin);
	f->field = 1;
	u->msg[0] = '\0';
	u->bells = 0;
	ex = ui_second_witness(u, f, &w);
	assert_string_equal(f->pin, "");
	if (ex) {
		assert_string_equal(f->code, "");
		assert_int_equal(f->field, 0);
		assert_int_equal(u->bells, 3);
	} else {
		assert_string_equal(w.code, code);
		assert_string_equal(w.pin_hash, "");
	}
	return ex;
}

static void second_person_refusals_say_why(void **state)
{
	struct refusal_fixture *fx = *state;
	struct ui *u = &fx->u;
	struct ui_second f;

	ui_second_clear(&f);
	f.has_note = 1;
	snprintf(f.note, sizeof(f.note), "A102 not back");
	assert_int_equal(try_witness(u, &f, "M01", "1111"), EXIT_NOPERM);
	assert_string_equal(u->msg, "Two-person rule: the witness must be "
				    "another person than M01");
	assert_int_equal(try_witness(u, &f, "X99", "1234"), EXIT_NOPERM);
	assert_string_equal(u->msg, "Unknown staff code or wrong PIN for X99");
	assert_int_equal(try_witness(u, &f, "M05", "12"), EXIT_DATAERR);
	assert_string_equal(u->msg, "A PIN is 4-12 digits");
	assert_int_equal(try_witness(u, &f, "S03", "3333"), EXIT_NOPERM);
	assert_string_equal(u->msg,
			    "The witness of a two-person step must be a "
			    "manager (S03 is staff): permission denied");
	for (int i = 1; i <= 4; i++) {
		assert_int_equal(try_witness(u, &f, "M05", "0000"),
				 EXIT_NOPERM);
		/* The same words as for a code nobody has (X99 above). */
		assert_string_equal(u->msg,
				    "Unknown staff code or wrong PIN for M05");
	}
	/* The note outlives every refusal. */
	assert_string_equal(f.note, "A102 not back");
	assert_int_equal(try_witness(u, &f, "M05", "5555"), 0);
	/* The right PIN reset the count; five wrong ones lock. */
	for (int i = 0; i < 5; i++)
		try_witness(u, &f, "M05", "0000");
	assert_string_equal(u->msg,
			    "Wrong PIN for M05: the account is now locked");
	assert_int_equal(try_witness(u, &f, "M05", "5555"), EXIT_NOPERM);
	assert_string_equal(u->msg, "Account M05 is locked after 5 wrong PINs: "
				    "a manager must unlock it");
	/* A workflow's own rule (the safe's approver) when the login is
	 * right. */
	snprintf(f.code, sizeof(f.code), "S03");
	{
		struct wf_err e;

		wf_fail(&e, WF_E_KEY_APPROVER_RULE,
			"only a named key holder or a manager may approve "
			"opening the safe",
			"S03", "staff");
		ui_second_refused(u, &f, &e);
	}
	assert_string_equal(u->msg,
			    "Only a named key holder or a manager may approve "
			    "opening the safe (S03 is staff): permission "
			    "denied");
	assert_string_equal(f.code, "");
}

/* The banner of a reader unplugged, the same on every screen that reads
 * cards, and nothing else on it: none of the screen's lines shows. */
static void assert_banner(const struct ui_view *v, const char *hidden)
{
	assert_int_equal(v->banner, 1);
	assert_int_equal(ui_view_find(v, "!! READER LOST !!"), 0);
	assert_true(ui_view_find(v, "Reconnect the reader to go on.") >= 0);
	assert_true(ui_view_find(v, "Nothing read so far is lost") >= 0);
	assert_true(ui_view_find(v, hidden) < 0);
}

static void every_reading_screen_has_the_same_reader(void **state)
{
	struct ui_tally_model *t = calloc(1, sizeof(*t));
	struct ui_custody_model *c = calloc(1, sizeof(*c));
	struct ui_lookup_model *k = calloc(1, sizeof(*k));
	struct ui_dispose_model *d = calloc(1, sizeof(*d));
	struct ui_reader r;
	struct ui_view v;

	(void)state;
	assert_true(t && c && k && d);
	t->id = 3;
	c->kind = CUSTODY_RETURN;
	d->mode = UI_DS_SCAN;
	d->batch = 2;
	t->reader.lost = c->reader.lost = k->reader.lost = 1;
	d->reader.lost = 1;
	ui_view_clear(&v, 80, 24);
	ui_tally_render(t, 80, 24, &v);
	assert_banner(&v, "Tally 3");
	ui_view_clear(&v, 80, 24);
	ui_custody_render(c, 80, &v);
	assert_banner(&v, "Return");
	ui_view_clear(&v, 80, 24);
	ui_lookup_render(k, 80, 24, &v);
	assert_banner(&v, "Card or management ID");
	ui_view_clear(&v, 80, 24);
	ui_dispose_render(d, &v);
	assert_banner(&v, "Disposal D2");
	/* Plugged in again: the screen, and the reader's line. */
	t->reader.lost = 0;
	t->reader.back = 1;
	t->reader.has_reader = 1;
	ui_view_clear(&v, 80, 24);
	ui_tally_render(t, 80, 24, &v);
	assert_int_equal(v.banner, 0);
	assert_true(ui_view_find(&v, "Tally 3") >= 0);
	assert_true(ui_view_find(&v, "Reader is back: scanning resumes") >= 0);
	/* The reader's line says the same for the same state everywhere. */
	memset(&r, 0, sizeof(r));
	ui_view_clear(&v, 80, 24);
	ui_reader_view(&r, "Present", &v);
	assert_true(ui_view_find(&v, "No reader: type or scan") >= 0);
	r.has_reader = 1;
	r.ended = 1;
	ui_view_clear(&v, 80, 24);
	ui_reader_view(&r, "Present", &v);
	assert_true(ui_view_find(&v, "The reader stopped: type or scan") >= 0);
	r.ended = 0;
	ui_view_clear(&v, 80, 24);
	ui_reader_view(&r, "Present", &v);
	assert_true(ui_view_find(&v, "Present") >= 0);
	ui_view_clear(&v, 80, 24);
	ui_reader_view(&r, NULL, &v);
	assert_int_equal(v.nlines, 0);
	/* The idle logout near: said before anything else. */
	r.back = 1;
	r.idle_left = 7;
	ui_view_clear(&v, 80, 24);
	ui_reader_view(&r, "Present", &v);
	assert_true(ui_view_find(&v, "Logging out in 7 s without activity") >=
		    0);
	assert_int_equal(v.line[0].attr, UI_A_ALERT);
	free(t);
	free(c);
	free(k);
	free(d);
}

/* Issue 18: the due list shows every card it has room for, with the tray
 * to take it from; the witness approving the close sees the batch's cards. */
static void disposal_lists_its_cards(void **state)
{
	static char due[8][MGMT_ID_MAX + 1], why[8][16];
	static char where[8][LOCATION_MAX + 1], closing[2][MGMT_ID_MAX + 1];
	struct ui_dispose_model m;
	struct ui_view v;

	(void)state;
	memset(&m, 0, sizeof(m));
	for (int i = 0; i < 8; i++) {
		snprintf(due[i], sizeof(due[i]), "M00040%d", i);
		snprintf(why[i], sizeof(why[i]), "reminder");
		snprintf(where[i], sizeof(where[i]), "SAFE1/S1/T0%d", i);
	}
	m.due = due;
	m.due_why = why;
	m.due_where = where;
	m.ndue = 8;
	m.mode = UI_DS_PICK;
	ui_view_clear(&v, 80, 24);
	ui_dispose_render(&m, &v);
	assert_true(ui_view_find(&v, "Cards due for disposal: 8") >= 0);
	for (int i = 0; i < 8; i++) {
		char line[64];

		snprintf(line, sizeof(line), "M00040%d      SAFE1/S1/T0%d", i,
			 i);
		assert_true(ui_view_find(&v, line) >= 0);
	}
	assert_true(ui_view_find(&v, "(+") < 0);
	/* No room for all of them: what is left is counted. */
	ui_view_clear(&v, 80, 12);
	ui_dispose_render(&m, &v);
	assert_true(ui_view_find(&v, "M000400") >= 0);
	assert_true(ui_view_find(&v, "M000407") < 0);
	assert_true(ui_view_find(&v, "(+") >= 0);

	strcpy(closing[0], "M000403");
	strcpy(closing[1], "M004041");
	m.closing = closing;
	m.nclosing = 2;
	m.mode = UI_DS_CLOSE_WITNESS;
	m.batch = 1;
	ui_view_clear(&v, 80, 24);
	ui_dispose_render(&m, &v);
	assert_true(ui_view_find(&v, "Cards to be destroyed: 2") >= 0);
	assert_true(ui_view_find(&v, "M000403  M004041") >= 0);
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
	assert_true(ui_view_find(&v, "not due, put it back (in storage)") == c);
	assert_true(ui_view_find(&v, "[?] D104") >= 0);
	for (int i = 0; i < v.nlines; i++)
		assert_true(cols_width(v.line[i].text) <= 80);
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
		assert_true(cols_width(v.line[i].text) <= 19);
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
	assert_int_equal(lang_init("ja"), 0);
	assert_string_equal(lang_current(), "ja");
	assert_string_equal(_("Log in"), "ログイン");
	memset(&m, 0, sizeof(m));
	m.expected = 12;
	ui_view_clear(&v, 80, 24);
	ui_scan_render(&m, 80, &v);
	assert_true(ui_view_find(&v, "予定: 12") >= 0);
	for (int i = 0; i < v.nlines; i++)
		assert_true(cols_width(v.line[i].text) <= 80);
	lang_set("en");
	assert_string_equal(_("Log in"), "Log in");
	assert_int_equal(lang_init("fr"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(width_counts_wide_characters_twice),
	    cmocka_unit_test(count_unread_range_last),
	    cmocka_unit_test(width_is_that_of_the_escaped_text),
	    cmocka_unit_test(fit_cuts_by_columns_never_mid_character),
	    cmocka_unit_test(fit_respects_the_buffer),
	    cmocka_unit_test(header_keeps_name_and_role_at_80_columns),
	    cmocka_unit_test(long_message_cut_on_whole_character),
	    cmocka_unit_test(counters_follow_reads),
	    cmocka_unit_test(alerts_newest_first_each_with_its_symbol),
	    cmocka_unit_test(alert_list_keeps_the_newest),
	    cmocka_unit_test(reader_lost_is_a_banner),
	    cmocka_unit_test(every_reading_screen_has_the_same_reader),
	    cmocka_unit_test(big_numbers_and_bar),
	    cmocka_unit_test(menu_follows_role_and_training),
	    cmocka_unit_test(fields_take_only_what_they_hold),
	    cmocka_unit_test(lookup_shows_record_and_history_newest_first),
	    cmocka_unit_test(lookup_keeps_the_newest_history),
	    cmocka_unit_test(custody_lists_recorded_and_refused),
	    cmocka_unit_test(tally_lists_what_is_out_and_masks_the_witness_pin),
	    cmocka_unit_test(key_shows_state_and_flags),
	    cmocka_unit_test(new_screens_follow_the_matrix),
	    cmocka_unit_test(count_start_shows_the_plans_selection),
	    cmocka_unit_test(count_start_proposal_says_who_and_why),
	    cmocka_unit_test(count_overview_shows_resolution_state),
	    cmocka_unit_test(second_form_login_keys),
	    cmocka_unit_test(second_form_with_a_note),
	    cmocka_unit_test_setup_teardown(second_person_refusals_say_why,
					    refusal_setup, refusal_teardown),
	    cmocka_unit_test(disposal_reads_look_different),
	    cmocka_unit_test(disposal_lists_its_cards),
	    cmocka_unit_test(text_view_fits_and_scrolls),
	    cmocka_unit_test(japanese_from_the_build_tree),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
