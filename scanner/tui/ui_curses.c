/*
 * The only file that includes curses (htop's ProvideCurses.h rule): starts
 * and ends the terminal, paints a struct ui_view, reads keys as code
 * points or UI_KEY_*, and rings bell patterns.  No mouse: the appliance is
 * used on the Linux console and over SSH.  Colours where the terminal has
 * them; every attribute also has a monochrome form (bold, reverse,
 * underline), and alerts carry their own symbols in the text.
 */
#include "ui_curses.h"

#include <curses.h>
#include <string.h>

#include "../../common/text.h"

/* A line escaped: text_escape writes at most four bytes for each byte
 * (\xNN; \u{NNNN} for a C1 or bidi control of two or three bytes). */
#define SHOWN_BYTES (4 * UI_LINE_BYTES)

static int have_colour;

void ui_term_start(void)
{
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* Esc is a key here (cancel), not the start of a slow sequence. */
	set_escdelay(25);
	/* No shifting of characters within a row by insert/delete: with
	 * Japanese text a shifted row can be off by the width of a wide
	 * character on some terminals.  Rows are rewritten instead. */
	idcok(stdscr, FALSE);
	idlok(stdscr, FALSE);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_WHITE, COLOR_BLUE);	 /* header */
		init_pair(2, COLOR_GREEN, -1);		 /* ok */
		init_pair(3, COLOR_YELLOW, -1);		 /* repeat */
		init_pair(4, COLOR_RED, -1);		 /* alert */
		init_pair(5, COLOR_WHITE, COLOR_RED);	 /* banner */
		init_pair(6, COLOR_CYAN, -1);		 /* title, big */
		init_pair(7, COLOR_BLACK, COLOR_YELLOW); /* input */
		have_colour = 1;
	}
}

void ui_term_end(void)
{
	endwin();
}

void ui_term_size(int *cols, int *rows)
{
	getmaxyx(stdscr, *rows, *cols);
}

static attr_t attr_of(enum ui_attr a)
{
	attr_t c = 0;

	switch (a) {
	case UI_A_HEADER:
		return (have_colour ? COLOR_PAIR(1) : A_REVERSE) | A_BOLD;
	case UI_A_TITLE:
		return (have_colour ? COLOR_PAIR(6) : 0) | A_BOLD;
	case UI_A_DIM:
		return A_DIM;
	case UI_A_SELECTED:
		return A_REVERSE | A_BOLD;
	case UI_A_BIG:
		return (have_colour ? COLOR_PAIR(6) : 0) | A_BOLD;
	case UI_A_OK:
		return have_colour ? COLOR_PAIR(2) | A_BOLD : A_BOLD;
	case UI_A_REPEAT:
		return have_colour ? COLOR_PAIR(3) | A_BOLD : A_UNDERLINE;
	case UI_A_ALERT:
		return (have_colour ? COLOR_PAIR(4) : A_REVERSE) | A_BOLD;
	case UI_A_BANNER:
		return (have_colour ? COLOR_PAIR(5) : A_REVERSE) | A_BOLD;
	case UI_A_INPUT:
		return have_colour ? COLOR_PAIR(7) : A_UNDERLINE;
	default:
		return c;
	}
}

/*
 * A line's text cut to `cols` columns (cols_fit, pad as there) and then
 * escaped (text_escape) into out: every screen's text passes here, and
 * text from a file, a card or a person (a name, a note, a location) may
 * hold ESC, other C0 or C1 controls or bidi controls, which must reach the
 * terminal as \x1B or \u{009B}, never as a sequence.  cols_fit counts the
 * escaped form's columns, so the escaped line still fits.  Returns its
 * columns.
 */
static int shown(char out[SHOWN_BYTES], const char *text, int cols, int pad)
{
	char fitted[UI_LINE_BYTES];
	int w = cols_fit(fitted, sizeof(fitted), text, cols, pad);

	text_escape(out, SHOWN_BYTES, fitted);
	return w;
}

/* One line, cut to the width by columns; the rest of the row cleared. */
static void put_line(int y, int cols, const struct ui_line *ln)
{
	char text[SHOWN_BYTES];
	attr_t a = attr_of(ln->attr);

	/* The last column is left alone: writing it scrolls on some
	 * terminals. */
	shown(text, ln->text, cols - 1,
	      ln->attr == UI_A_HEADER || ln->attr == UI_A_BANNER);
	move(y, 0);
	clrtoeol();
	attron(a);
	mvaddstr(y, 0, text);
	attroff(a);
}

int ui_term_active(void)
{
	return stdscr != NULL && !isendwin();
}

void ui_term_paint(const struct ui_view *v, int full)
{
	int rows, cols, top = 0;

	getmaxyx(stdscr, rows, cols);
	/* After a resize or a language switch nothing on the terminal is
	 * trusted: everything is sent again. */
	if (full)
		clearok(curscr, TRUE);
	erase();
	if (v->banner) {
		/* Centred, the whole screen in the banner's colour: seen
		 * from across the room. */
		struct ui_line blank = {UI_A_BANNER, ""};

		for (int y = 1; y < rows; y++)
			put_line(y, cols, &blank);
		put_line(0, cols, &v->line[0]);
		top = (rows - (v->nlines - 1)) / 2;
		if (top < 1)
			top = 1;
		for (int i = 1; i < v->nlines && top + i - 1 < rows; i++) {
			char text[SHOWN_BYTES];
			int w = shown(text, v->line[i].text, cols - 1, 0);
			int x = (cols - w) / 2;

			attron(attr_of(UI_A_BANNER));
			mvaddstr(top + i - 1, x < 0 ? 0 : x, text);
			attroff(attr_of(UI_A_BANNER));
		}
		curs_set(0);
		refresh();
		return;
	}
	for (int i = 0; i < v->nlines && i < rows; i++) {
		/* The message and key help belong at the bottom. */
		int y = i, bottom = v->bottom > 0 ? v->bottom : 2;

		if (i >= v->nlines - bottom)
			y = rows - (v->nlines - i);
		if (y >= 0)
			put_line(y, cols, &v->line[i]);
	}
	if (v->cursor_line >= 0 && v->cursor_line < rows) {
		curs_set(1);
		move(v->cursor_line, v->cursor_col < cols ? v->cursor_col : 0);
	} else {
		curs_set(0);
	}
	refresh();
}

void ui_term_bells(int n)
{
	for (int i = 0; i < n; i++) {
		beep();
		if (i + 1 < n)
			napms(120);
	}
}

int ui_term_key(int timeout_ms)
{
	wint_t ch;
	int rc;

	timeout(timeout_ms);
	rc = get_wch(&ch);
	if (rc == ERR)
		return UI_KEY_NONE;
	if (rc == OK) {
		if (ch == '\r' || ch == '\n')
			return UI_KEY_ENTER;
		if (ch == 8 || ch == 0x7f)
			return UI_KEY_BACKSPACE;
		return (int)ch;
	}
	switch (ch) {
	case KEY_ENTER:
		return UI_KEY_ENTER;
	case KEY_BACKSPACE:
		return UI_KEY_BACKSPACE;
	case KEY_UP:
		return UI_KEY_UP;
	case KEY_DOWN:
		return UI_KEY_DOWN;
	case KEY_LEFT:
		return UI_KEY_LEFT;
	case KEY_RIGHT:
		return UI_KEY_RIGHT;
	case KEY_HOME:
		return UI_KEY_HOME;
	case KEY_END:
		return UI_KEY_END;
	case KEY_PPAGE:
		return UI_KEY_PGUP;
	case KEY_NPAGE:
		return UI_KEY_PGDN;
	case KEY_RESIZE:
		return UI_KEY_RESIZE;
	default:
		if (ch >= KEY_F(1) && ch <= KEY_F(10))
			return UI_KEY_F1 + (int)(ch - KEY_F(1));
		return UI_KEY_NONE;
	}
}
