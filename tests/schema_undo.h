/*
 * Undoing schema versions 20 and 21 in a test that takes a current ledger
 * file back to an older version: the card table's status CHECK and the
 * scan table's outcome CHECK as comparisons (data/ledger_open.c) back to
 * the IN lists the versions before them wrote.  Run under PRAGMA
 * writable_schema = ON.
 */
#ifndef CT_TEST_SCHEMA_UNDO_H
#define CT_TEST_SCHEMA_UNDO_H

#define V20_UNDO                                                               \
	"UPDATE sqlite_schema SET sql = replace(sql, "                         \
	"'CHECK (status = ''stored'' OR status = ''checked_out'' OR "          \
	"status = ''issued'' OR status = ''disposed'' OR "                     \
	"status = ''cancelled'' OR status = ''moved'' OR "                     \
	"status = ''deceased'' OR status = ''lost'')', "                       \
	"'CHECK (status IN (''stored'',''checked_out'',  ''issued'',"                 \
	"''disposed'',''cancelled'',''moved'',''deceased'',''lost''))') "      \
	"WHERE name = 'card';"

#define V21_UNDO                                                               \
	"UPDATE sqlite_schema SET sql = replace(sql, "                         \
	"'CHECK (outcome = ''accepted'' OR outcome = ''repeat'' OR "           \
	"outcome = ''alert'')', "                                              \
	"'CHECK (outcome IN (''accepted'',''repeat'',  ''alert''))') "          \
	"WHERE name = 'scan';"

#endif
