/*
 * Near-misses (R22, ヒヤリハット): the small slips that did no harm this
 * time, recorded with who and when so that they are shared.  Anyone may
 * record one (the part-timer who saw it first is who the record is for);
 * the list is read-only and needs no person.
 */
#include "wf.h"

#include "../../common/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct wf_step wf_step_note_add = {"note add", ACT_NOTE_ADD, WF_PERMIT};

int wf_note_add(struct ledger *l, const struct staff_rec *actor,
		const char *text, const char *card, int64_t now, int64_t *id,
		struct wf_err *e)
{
	char max[24];
	int rc;

	*id = 0;
	rc = wf_text(e, N_("a note"), text, NOTE_MAX_BYTES, TEXT_MULTILINE);
	if (rc)
		return rc;
	rc = wf_begin(l, &wf_step_note_add, actor, now, e);
	if (rc)
		return rc;
	if (card) {
		struct card_rec c;

		rc = ledger_card_by_mgmt(l, card, &c);
		if (rc == LEDGER_ERR_NOTFOUND || rc == LEDGER_ERR_INVALID)
			rc = wf_fail(e, WF_E_NOTE_CARD, card);
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	if (rc == 0) {
		rc = ledger_note_add(l, actor->id, now, text, card, id);
		if (rc == LEDGER_ERR_INVALID)
			rc = wf_fail(e, WF_E_NOTE_TEXT,
				     wf_i64(max, NOTE_MAX_BYTES));
		else if (rc < 0)
			rc = wf_fail_ledger(e, l);
	}
	return wf_end(l, rc, e);
}

static int collect_note(void *ctx, const struct note_row *r)
{
	struct wf_note_list *out = ctx;
	struct wf_note *v, *n;

	v = realloc(out->v, (out->n + 1) * sizeof(*v));
	if (!v)
		return LEDGER_ERR_NOMEM;
	out->v = v;
	n = &v[out->n];
	memset(n, 0, sizeof(*n));
	n->text = strdup(r->text);
	if (!n->text)
		return LEDGER_ERR_NOMEM;
	n->id = r->id;
	n->at = r->at;
	snprintf(n->staff, sizeof(n->staff), "%s", r->staff);
	snprintf(n->mgmt_id, sizeof(n->mgmt_id), "%s", r->mgmt_id);
	out->n++;
	return 0;
}

int wf_note_list(struct ledger *l, struct wf_note_list *out, struct wf_err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ledger_note_list(l, collect_note, out);
	if (rc == 0)
		return 0;
	wf_note_list_free(out);
	return rc == LEDGER_ERR_NOMEM ? wf_fail(e, WF_E_NOMEM)
				      : wf_fail_ledger(e, l);
}

void wf_note_list_free(struct wf_note_list *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i].text);
	free(n->v);
	memset(n, 0, sizeof(*n));
}
