/*
 * A ledger's code in a command's text output: the code itself in English,
 * as the program has always printed it ("shred", "reminder", "stored"),
 * and its word (wf_word, translated) when the messages are in another
 * language.  Scripts may have read the English text; a Japanese clerk
 * reads words, not codes (issue 18).
 */
#ifndef CT_CLI_CODE_H
#define CT_CLI_CODE_H

/* code as is, or its translated word; "" for NULL. */
const char *cli_code(const char *code);

#endif
