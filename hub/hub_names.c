/*
 * The hub's names that need no hub (hub.h): a ward code's form and a
 * verdict's name, for the program and for the part that talks to the hub
 * (hub_module.h) alike.
 */
#include "hub.h"

#include <string.h>

int hub_ward_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > HUB_WARD_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

const char *hub_verdict_name(enum hub_verdict v)
{
	static const char *const names[] = {
	    [HUB_ACCEPTED] = "accepted",
	    [HUB_DUPLICATE] = "duplicate",
	    [HUB_UNKNOWN_WARD] = "unknown_ward",
	    [HUB_BAD_SIGNATURE] = "bad_signature",
	    [HUB_BAD_ROWS] = "entries_do_not_match_head",
	    [HUB_CHAIN] = "chain_does_not_follow",
	    [HUB_OUT_OF_ORDER] = "out_of_order",
	    [HUB_CONFLICT] = "conflict",
	};

	if ((unsigned)v >= sizeof(names) / sizeof(names[0]) || !names[v])
		return "unknown";
	return names[v];
}
