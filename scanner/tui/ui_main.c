/*
 * `cardtally tui`: the event loop and what every screen shares -- who is
 * logged in, the screen table, navigation, the idle logout (R21) and the
 * language switch.
 *
 * The loop: paint the frame, take every key already typed (a barcode
 * scanner types a whole number at once), let the current screen's tick
 * wait briefly on its reader, check the idle time.  Key handlers and ticks
 * return what happens next (enum ui_result); the loop alone opens and
 * closes screens, so a logout always closes the open screen first (its
 * reads are committed already: the scan path commits before it reports)
 * and nothing done after the logout can be attributed to the person who
 * left.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../drivers/profile.h"
#include "../cli/cli.h"
#include "../workflow/wf_scan.h"
#include "ui.h"
#include "ui_curses.h"

/* The screens, in menu order; one line each. */
static const struct ui_screen *const screens[] = {
    &ui_scan_screen,
    &ui_status_screen,
    /* Lookup, custody at the window, the tally, the safe's key. */
    &ui_lookup_screen,
    &ui_custody_screen,
    &ui_tally_screen,
    &ui_key_screen,
    /* The counting programme and the reports (ui_count_start.c,
     * ui_count.c, ui_dispose.c, ui_reports.c). */
    &ui_count_start_screen,
    &ui_count_screen,
    &ui_dispose_screen,
    &ui_reports_screen,
    /* Receiving cards (ui_receive.c): last, so that the keys of the
     * screens above stay what they were. */
    &ui_receive_screen,
    /* Who counts which range, and a manager's screens (ui_plan.c,
     * ui_unlock.c, ui_training.c, ui_holders.c, ui_resolve.c). */
    &ui_plan_screen,
    &ui_unlock_screen,
    &ui_training_screen,
    &ui_holders_screen,
    &ui_resolve_screen,
    NULL,
};

const struct ui_screen *const *ui_screens(void)
{
	return screens;
}

/* How long the keyboard is waited on when no screen waits on a reader:
 * short enough for the idle logout to be on time. */
#define UI_KEY_WAIT_MS 200
/* How long a screen's tick may wait on its reader. */
#define UI_TICK_MS 100

static volatile sig_atomic_t quit_requested;
static char last_error[256];

static void on_quit(int sig)
{
	(void)sig;
	quit_requested = 1;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ui_message(struct ui *u, enum ui_attr attr, const char *fmt, ...)
{
	va_list ap;

	int n;

	va_start(ap, fmt);
	n = vsnprintf(u->msg, sizeof(u->msg), fmt, ap);
	va_end(ap);
	/* A message cut by the buffer ends on a whole character, not on
	 * part of a Japanese one (painted as escaped bytes). */
	if (n >= (int)sizeof(u->msg)) {
		size_t len = strlen(u->msg), start = len;

		while (start > 0 &&
		       ((unsigned char)u->msg[start - 1] & 0xC0) == 0x80)
			start--;
		if (start > 0 && ((unsigned char)u->msg[start - 1] & 0x80)) {
			unsigned char lead = (unsigned char)u->msg[start - 1];
			size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;

			if (len - (start - 1) < need)
				u->msg[start - 1] = '\0';
		}
	}
	u->msg_attr = attr;
	u->msg_gen++;
	u->msg_fail = 0;
}

void ui_wf_text(const struct wf_err *e, char *out, size_t cap)
{
	wf_render(_(wf_message(e->code)), e, cli_tr, out, cap);
	/* The workflows' messages are in the CLI's style (lowercase); a
	 * line of the screen starts with a capital. */
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

void ui_fail(struct ui *u, const struct wf_err *e)
{
	ui_wf_text(e, u->msg, sizeof(u->msg));
	u->msg_err = *e;
	u->msg_fail = 1;
	u->msg_gen++;
	u->msg_attr = UI_A_ALERT;
	u->bells = 3;
}

int ui_nomem(struct ui *u)
{
	struct wf_err e;
	int rc = wf_fail(&e, WF_E_NOMEM);

	ui_fail(u, &e);
	return rc;
}

int ui_ledger_fail(struct ui *u)
{
	struct wf_err e;
	int rc = wf_fail_ledger(&e, u->l);

	ui_fail(u, &e);
	return rc;
}

void ui_goto(struct ui *u, const struct ui_screen *s)
{
	u->go = s;
}

int ui_screen_allowed(const struct ui_screen *s, enum staff_role role,
		      int trained)
{
	const char *rule;

	if (!s->step)
		return 1;
	return (!(s->step->needs & WF_PERMIT) ||
		recon_permit(role, s->step->action, &rule) == 0) &&
	       (!(s->step->needs & WF_TRAINING) || trained);
}

int ui_login(struct ui *u, const struct staff_rec *who)
{
	struct training_gap gap;
	struct wf_err e;
	int64_t now = cli_now();
	int rc = wf_training_check(
	    u->l, who->code, date_of_time(now, cli_utc_offset(now)), &gap, &e);

	if (rc) {
		ui_fail(u, &e);
		return rc;
	}
	u->who = *who;
	u->logged_in = 1;
	u->trained = gap.gate == GATE_OK;
	u->training_gap[0] = '\0';
	u->training_expired = gap.gate == GATE_EXPIRED;
	/* The menu says it in the language shown when it is drawn. */
	if (!u->trained)
		snprintf(u->training_gap, sizeof(u->training_gap), "%s (%s)",
			 gap.course.name[0] ? gap.course.name : gap.course.code,
			 gap.course.code);
	return 0;
}

/* Closes the current screen, whatever it holds. */
static void close_screen(struct ui *u)
{
	if (u->screen && u->screen->leave)
		u->screen->leave(u);
	u->state = NULL;
	u->screen = NULL;
}

/* Opens s; when it cannot be opened, says why and stays on the menu (or
 * the login screen). */
static void open_screen(struct ui *u, const struct ui_screen *s)
{
	struct wf_err e;

	close_screen(u);
	if (u->logged_in && s->step &&
	    wf_may(u->l, s->step, &u->who, cli_now(), &e) != 0) {
		ui_fail(u, &e);
		s = &ui_menu_screen;
	} else if (u->logged_in && s != &ui_login_screen &&
		   s != &ui_menu_screen &&
		   !ui_screen_allowed(s, u->who.role, u->trained)) {
		/* The menu never offers it; a stale ui_goto must not open
		 * it either. */
		ui_message(u, UI_A_ALERT, "%s", _("Not allowed for you"));
		s = &ui_menu_screen;
	}
	u->screen = s;
	last_error[0] = '\0';
	if (s->enter && s->enter(u) != 0) {
		/* A screen that refused with ui_fail said why already. */
		if (last_error[0])
			ui_message(u, UI_A_ALERT, "%s", last_error);
		u->state = NULL;
		u->screen = u->logged_in ? &ui_menu_screen : &ui_login_screen;
		if (u->screen->enter)
			u->screen->enter(u);
	}
}

/* Ends the session of the person logged in: the open screen is closed
 * (its reads are on disk), the logout audited, the login screen shown. */
static void logout(struct ui *u, const char *why)
{
	struct wf_err e;
	int failed = 0;

	close_screen(u);
	if (u->logged_in)
		failed = wf_logout(u->l, &u->who, why, cli_now(), &e) != 0;
	memset(&u->who, 0, sizeof(u->who));
	u->logout_warned = 0;
	u->logged_in = 0;
	u->trained = 0;
	u->training_gap[0] = '\0';
	u->training_expired = 0;
	open_screen(u, &ui_login_screen);
	/* Said on the login screen: the person is out all the same. */
	if (failed)
		ui_fail(u, &e);
}

/*
 * The first logout asked for while the safe is recorded open is not done:
 * the message line says so, and who opened it when; asking again logs
 * out (the safe stays recorded open).  1 when it warned.  The idle
 * logout never waits for this.
 */
static int safe_open_warning(struct ui *u)
{
	struct key_opening_rec o;
	char when[UI_TIME_BUF];

	if (u->logout_warned || ledger_key_current(u->l, &o) != 0) {
		u->logout_warned = 0;
		return 0;
	}
	u->logout_warned = 1;
	ui_time_short(o.opened_at, when);
	ui_message(u, UI_A_ALERT,
		   _("The safe is recorded open (since %s, by %s): close it "
		     "on the Safe key screen, or log out again to leave it "
		     "open"),
		   when, o.opened_by);
	u->bells = 1;
	return 1;
}

/* What a result means for the loop; 1 when the program should end. */
static int apply(struct ui *u, enum ui_result r)
{
	switch (r) {
	case UI_LEAVE:
		u->logout_warned = 0; /* warned again after other work */
		open_screen(u,
			    u->logged_in ? &ui_menu_screen : &ui_login_screen);
		break;
	case UI_LOGOUT:
		if (safe_open_warning(u))
			break;
		ui_message(u, UI_A_NORMAL, "%s", _("Logged out"));
		logout(u, "logout");
		break;
	case UI_QUIT:
		return 1;
	default:
		break;
	}
	if (u->go) {
		const struct ui_screen *s = u->go;

		u->go = NULL;
		open_screen(u, s);
	}
	return 0;
}

/* Keys every screen has, when the screen does not take them itself. */
static enum ui_result global_key(struct ui *u, int key)
{
	if (key == UI_KEY_F2 || key == 'L') {
		lang_set(strcmp(lang_current(), "ja") == 0 ? "en" : "ja");
		/* A refusal is said again, in the language now chosen. */
		if (u->msg_fail && u->msg[0])
			ui_wf_text(&u->msg_err, u->msg, sizeof(u->msg));
		u->repaint = 1;
		return UI_REDRAW;
	}
	if (key == UI_KEY_RESIZE) {
		u->repaint = 1;
		return UI_REDRAW;
	}
	if (key == UI_KEY_F10)
		return u->logged_in ? UI_LOGOUT : UI_QUIT;
	return UI_IGNORED;
}

static void paint(struct ui *u)
{
	struct ui_view v;
	int cols, rows;

	ui_term_size(&cols, &rows);
	ui_frame(u, &v, cols, rows);
	ui_term_paint(&v, u->repaint);
	u->repaint = 0;
	if (u->bells) {
		ui_term_bells(u->bells);
		u->bells = 0;
	}
}

void ui_checking_pin(struct ui *u)
{
	char keep[sizeof(u->msg)];
	enum ui_attr attr = u->msg_attr;
	unsigned gen = u->msg_gen;
	int fail = u->msg_fail;

	if (!ui_term_active())
		return;
	memcpy(keep, u->msg, sizeof(keep));
	ui_message(u, UI_A_DIM, "%s", _("Checking PIN..."));
	paint(u);
	/* Shown while the PIN is hashed only: the outcome replaces it, and
	 * a step that says nothing leaves the line as it was. */
	memcpy(u->msg, keep, sizeof(u->msg));
	u->msg_attr = attr;
	u->msg_gen = gen;
	u->msg_fail = fail;
}

/* Seconds before the idle logout once it is near (the last third of the
 * idle time, at most UI_IDLE_WARN_S), else 0; idle_ms: idle so far. */
#define UI_IDLE_WARN_S 30
static int idle_left(const struct ui *u, int64_t idle_ms)
{
	int64_t limit = (int64_t)u->conf.idle_logout_s * 1000;
	int64_t warn = limit / 3 < UI_IDLE_WARN_S * 1000
			   ? limit / 3
			   : UI_IDLE_WARN_S * 1000;

	if (!u->logged_in || limit - idle_ms > warn)
		return 0;
	return (int)((limit - idle_ms + 999) / 1000);
}

static int run(struct ui *u)
{
	int64_t last = mono_ms();
	int done = 0;

	open_screen(u, &ui_login_screen);
	/* An old profile name: the operator is told what it stands for. */
	if (u->reader && wf_profile_note(u->conf.profile))
		ui_message(u, UI_A_DIM, "%s",
			   _(wf_profile_note(u->conf.profile)));
	while (!done && !quit_requested) {
		enum ui_result r = UI_IGNORED;
		int key, waited = 0;

		paint(u);
		if (u->screen->tick) {
			r = u->screen->tick(u, UI_TICK_MS);
			waited = r != UI_IGNORED;
			if (u->activity) {
				last = mono_ms();
				u->activity = 0;
			}
			done = apply(u, r);
			if (r != UI_IGNORED && r != UI_HANDLED)
				paint(u);
		}
		/* Every key typed so far: a wedge types a whole number. */
		key = ui_term_key(waited ? 0 : UI_KEY_WAIT_MS);
		while (!done && key != UI_KEY_NONE) {
			const struct ui_screen *before = u->screen;
			unsigned gen = u->msg_gen;

			last = mono_ms();
			r = u->screen->key ? u->screen->key(u, key)
					   : UI_IGNORED;
			if (r == UI_IGNORED)
				r = global_key(u, key);
			done = apply(u, r);
			/* Left for another screen, saying nothing new: the
			 * old screen's message goes with it. */
			if (u->screen != before && u->msg_gen == gen)
				u->msg[0] = '\0';
			key = ui_term_key(0);
		}
		if (u->logged_in &&
		    mono_ms() - last >= (int64_t)u->conf.idle_logout_s * 1000) {
			ui_message(u, UI_A_ALERT,
				   _("Logged out after %d seconds without "
				     "activity"),
				   u->conf.idle_logout_s);
			logout(u, "idle");
			last = mono_ms();
		}
		u->idle_left = idle_left(u, mono_ms() - last);
	}
	if (u->logged_in)
		logout(u, quit_requested ? "signal" : "quit");
	close_screen(u);
	return EXIT_OK;
}

static int exec_tui(struct cli *c, struct ledger *l)
{
	struct ui u;
	struct sigaction sa, old_int, old_term, old_hup;
	const char *lang = cli_opt(c, "lang");
	int rc;

	memset(&u, 0, sizeof(u));
	if (c->npos)
		return cli_usage(c, "unexpected argument '%s'", c->pos[0]);
	if (lang && strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0)
		return cli_usage(c, "--lang is ja or en, not '%s'", lang);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cli_error(EXIT_USAGE, "tui needs a terminal");
	rc = config_load(&u.conf);
	if (rc)
		return rc;
	u.l = l;
	u.reader = cli_opt(c, "reader");
	u.profile = rdr_profile_find(u.conf.profile);
	lang_init(lang);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_quit;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	/* From here the terminal is the screen's.  No screen prints through
	 * cli_error (each says why with ui_fail, ui_nomem, ui_ledger_fail);
	 * should a message still come that way, it goes to the message line,
	 * not over the screen. */
	cli_error_capture(last_error, sizeof(last_error));
	ui_term_start();
	rc = run(&u);
	ui_term_end();
	cli_error_capture(NULL, 0);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return rc;
}

static const char *const tui_options[] = {"reader", "lang", NULL};

const struct cmd_entry cmd_tui_entry = {
    .name = "tui",
    .usage = "[--reader SPEC] [--lang ja|en]",
    .help = "the operator's full-screen terminal UI (login, menu, tray "
	    "count, status)",
    .options = tui_options,
    .needs_db = 1,
    .session = 1,
    .exec = exec_tui,
};
