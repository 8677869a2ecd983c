/*
 * The installation's configuration file: $CARDTALLY_CONF, else
 * /etc/cardtally/cardtally.conf; a missing file means every default.
 * Format: one `key = value` per line, `#` starts a comment, blank lines are
 * fine; an unknown key or a bad value is an error naming file and line.
 *
 *   profile = uid | apdu:NAME    card identity profile (default apdu:seizo,
 *                                the My Number card's manufacturing
 *                                number; apdu:mynumber, an old name, is
 *                                read with a note: wf_profile_note)
 *   disposal_reminder_days = N   a card whose reminder went out N days ago
 *                                is due for disposal (default 90; 1-3650)
 *   key_open_limit_minutes = N   an opening of the safe longer than this
 *                                is flagged (1-1440, default 30)
 *   office_hours = HH:MM-HH:MM   openings outside are flagged
 *                                (default 08:30-17:15)
 *   idle_logout_seconds = N      the TUI logs its user out after N
 *                                seconds without a key or a card read
 *                                (1-86400, default 120: R21's 2 minutes)
 *   ward_name = TEXT             the office's name at the head of the
 *                                paper reports (default: none)
 *   printer = NAME               the CUPS printer the TUI prints reports
 *                                to with lp (default: lp's own default)
 *   backup_dir = PATH            where `cardtally backup` writes its copies
 *                                (default /var/lib/cardtally/backup)
 *   backup_keep_daily = N        copies of the newest N days kept (1-3650,
 *                                default 14)
 *   backup_keep_monthly = N      first copies of the newest N months kept
 *                                (0-1200, default 12)
 *   timezone = ZONE              the zone dates and times are shown in
 *                                (a tz database name; default Asia/Tokyo)
 *   report_dir = /PATH           where the TUI saves the paper reports
 *                                (an absolute path; default: the working
 *                                directory)
 *   hub = CONNINFO               the city-wide hub `cardtally sync` sends
 *                                to (a libpq connection string; default:
 *                                none)
 *   ward_code = CODE             this ward's code at the hub (1-32 of
 *                                A-Z a-z 0-9 _ -)
 */
#ifndef CT_CONFIG_H
#define CT_CONFIG_H

#include "../../reconcile/recon.h"

#define CONFIG_DEFAULT_PATH "/etc/cardtally/cardtally.conf"

struct config {
	char path[512];	  /* the file read, or "" when there was none */
	char profile[64]; /* identity profile name */
	/* The disposal-due rules (R16), handed to reconcile/ as they are. */
	struct recon_rules rules;
	struct recon_key_rules key; /* the key log's flags (R14) */
	int idle_logout_s;	    /* the TUI's idle logout (R21) */
	char ward_name[128];	    /* the paper reports' head; "" unset */
	char printer[128];	    /* lp -d NAME; "" for lp's default */
	char backup_dir[512];	    /* `cardtally backup`'s directory */
	int backup_keep_daily;	    /* recon_backup_keep's keep_daily */
	int backup_keep_monthly;    /* and keep_monthly */
	char timezone[64];	    /* tz database name of reports' times */
	char report_dir[256];	    /* the TUI's PDFs; "" the working dir */
	char hub[512];		    /* libpq connection string; "" none */
	char ward_code[33];	    /* this ward's code at the hub */
};

#define CONFIG_IDLE_LOGOUT_DEFAULT 120
#define CONFIG_PROFILE_DEFAULT	   "apdu:seizo"

/* Reads the configuration into *c (defaults first).  Returns 0, or an exit
 * code after printing what is wrong. */
int config_load(struct config *c);

#define CONFIG_BACKUP_DIR_DEFAULT    "/var/lib/cardtally/backup"
#define CONFIG_BACKUP_DAILY_DEFAULT  14
#define CONFIG_BACKUP_MONTHLY_DEFAULT 12
#define CONFIG_TIMEZONE_DEFAULT	     "Asia/Tokyo"

/*
 * Makes c->timezone the zone of every local time this process shows and
 * every local day it computes (TZ and tzset), whatever the host's zone
 * is: a ward office's reports are in its own time.  The front end calls
 * it once at start, after config_load.  A zone missing from the host's
 * tz database is an error (exit code after printing why), except the
 * default, which falls back to Japan's fixed offset (JST-9).
 */
int config_apply_timezone(const struct config *c);

#endif
