/*
 * The terminal, as the TUI's loop sees it (ui_curses.c): no curses type
 * crosses this header, so that only ui_curses.c includes curses.
 *
 * Order of calls: ui_term_start -> ui_term_paint / ui_term_key /
 * ui_term_bells in any order -> ui_term_end.
 */
#ifndef CT_UI_CURSES_H
#define CT_UI_CURSES_H

#include "ui.h"

void ui_term_start(void);
void ui_term_end(void);
void ui_term_size(int *cols, int *rows);
/* Paints a whole frame (ui_frame's view); full: redraw every cell, not
 * only what changed (after a resize or a language switch). */
/* 1 while the terminal is in curses mode (not in unit tests). */
int ui_term_active(void);
void ui_term_paint(const struct ui_view *v, int full);
/* The next key within timeout_ms (0: only one already typed; -1: wait),
 * UI_KEY_NONE when none came. */
int ui_term_key(int timeout_ms);
/* n beeps, a little apart so that two and three are told apart. */
void ui_term_bells(int n);

#endif
