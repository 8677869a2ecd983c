/*
 * A ledger's code in a command's text output: the code itself in English,
 * as the program has always printed it ("shred", "reminder", "stored"),
 * and its word (wf_word, translated) when the messages are in another
 * language.  Scripts may have read the English text; a Japanese clerk
 * reads words, not codes (issue 18).
 */
#ifndef CT_CLI_CODE_H
#define CT_CLI_CODE_H

/* cli_code (cli.h) is defined in cli_code.c. */

#include <stddef.h>

/* ledger_open's err about path in the language of the messages when it is
 * one of the messages ledger.h names (LEDGER_MSG_*), written into buf;
 * else err itself. */
const char *cli_ledger_msg(const char *path, const char *err, char *buf,
			   size_t cap);


#endif
