/*
 * Undoing schema version 20 in a test that takes a current ledger file back
 * to an older version: the card table's status CHECK as comparisons
 * (data/ledger.c, version 20) back to the IN list the versions before it
 * wrote.  Run under PRAGMA writable_schema = ON.
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

#endif
