/*
 * `cardtally readers`: the reader backends compiled into this build and the
 * spec each takes, the readers attached now (for backends that can list
 * them, e.g. pcsc while pcscd runs), the few setup facts an operator trips
 * over, and the known USB contactless readers that libusb sees attached
 * (drivers/usbwatch.h's VID:PID table), each with the backends that can
 * drive it.
 */
#include <string.h>

#include "../../drivers/profile.h"
#include "../../drivers/reader.h"
#include "../../drivers/usbwatch.h"
#include "cli.h"

struct attached {
	const char *backend;
	struct json_w *jw; /* NULL: text */
	int n;		   /* readers printed so far, over every backend */
	int failed;	   /* backends that could not list */
};

/* Reader names come from drivers and devices: shown without control
 * characters so that a strange device cannot garble the terminal. */
static void put_name(const char *s)
{
	for (; *s; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static void on_reader(void *arg, const char *name, int card)
{
	struct attached *a = arg;

	if (a->jw) {
		json_w_object(a->jw);
		json_w_key_str(a->jw, "backend", a->backend);
		json_w_key_str(a->jw, "name", name);
		if (card < 0)
			json_w_key_null(a->jw, "card");
		else
			json_w_key_bool(a->jw, "card", card);
		json_w_end_object(a->jw);
	} else {
		printf("  %-6s ", a->backend);
		put_name(name);
		puts(card > 0 ? _(" (card present)") : "");

	}
	a->n++;
}

/* Every backend's attached readers; for text, a line for a backend that
 * cannot list (its daemon is not running). */
static void list_attached(const struct rdr_ops *const *b, struct json_w *jw)
{
	struct attached a = {.jw = jw};
	char err[RDR_ERRMSG_MAX];

	for (int i = 0; b[i]; i++) {
		if (!b[i]->list)
			continue;
		a.backend = b[i]->name;
		err[0] = '\0';
		if (b[i]->list(on_reader, &a, err, sizeof(err)) < 0) {
			a.failed++;
			if (!jw)
				printf("  %-6s (%s)\n", b[i]->name, err);
		}
	}
	if (!jw && a.n == 0 && a.failed == 0)
		puts(_("  none"));
}

static int has_backend(const struct rdr_ops *const *b, const char *name)
{
	for (int i = 0; b[i]; i++)
		if (strcmp(b[i]->name, name) == 0)
			return 1;
	return 0;
}

/* More than this many attached readers are counted but not listed. */
#define USB_LIST_MAX 16

/* The "USB devices" part: matched devices, or why there are none (JSON:
 * the members "usb" and, when listing failed, "usb_error" of jw). */
static void print_usb(struct json_w *jw)
{
	struct usbw_device d[USB_LIST_MAX];
	char err[256] = "";
	size_t n = 0;
	int rc = usbwatch_list(d, USB_LIST_MAX, &n, err, sizeof(err));

	if (n > USB_LIST_MAX)
		n = USB_LIST_MAX;
	if (jw) {
		json_w_key(jw, "usb");
		json_w_array(jw);
		for (size_t i = 0; i < n; i++) {
			const char *b = d[i].model->backends;
			char hex[8];

			json_w_object(jw);
			json_w_key_uint(jw, "bus", d[i].bus);
			json_w_key_uint(jw, "address", d[i].address);
			snprintf(hex, sizeof(hex), "%04x", d[i].vid);
			json_w_key_str(jw, "vid", hex);
			snprintf(hex, sizeof(hex), "%04x", d[i].pid);
			json_w_key_str(jw, "pid", hex);
			json_w_key_str(jw, "name", d[i].model->name);
			json_w_key(jw, "backends");
			json_w_array(jw);
			/* The table's space-separated names as an array. */
			while (*b != '\0') {
				size_t w = strcspn(b, " ");

				json_w_strn(jw, b, w);
				b += w;
				b += strspn(b, " ");
			}
			json_w_end_array(jw);
			json_w_key_opt_str(jw, "note", d[i].model->note);
			json_w_end_object(jw);
		}
		json_w_end_array(jw);
		if (rc < 0)
			json_w_key_str(jw, "usb_error", err);
		return;
	}
	puts(_("USB devices (known contactless readers seen by libusb):"));
	if (rc < 0) {
		printf(_("  cannot list: %s\n"), err);
		return;
	}
	if (n == 0)
		puts(_("  none seen"));
	for (size_t i = 0; i < n; i++) {
		printf(_("  %03u/%03u %04x:%04x %s (backends: %s)\n"), d[i].bus,
		       d[i].address, d[i].vid, d[i].pid, d[i].model->name,
		       d[i].model->backends);
		if (d[i].model->note[0] != '\0')
			printf("          %s\n", _(d[i].model->note));
	}
}

static int exec_readers(struct cli *c, struct ledger *l)
{
	const struct rdr_ops *const *b = rdr_backends();
	const struct rdr_profile *const *p = rdr_profiles();

	(void)l;
	if (c->json) {
		struct json_w w;

		json_w_init(&w, stdout);
		json_w_object(&w);
		json_w_key(&w, "backends");
		json_w_array(&w);
		for (int i = 0; b[i]; i++) {
			json_w_object(&w);
			json_w_key_str(&w, "name", b[i]->name);
			json_w_key_str(&w, "help", b[i]->help);
			json_w_end_object(&w);
		}
		json_w_end_array(&w);
		json_w_key(&w, "profiles");
		json_w_array(&w);
		for (int i = 0; p[i]; i++) {
			json_w_object(&w);
			json_w_key_str(&w, "name", p[i]->name);
			json_w_key_str(&w, "help", p[i]->help);
			json_w_end_object(&w);
		}
		json_w_end_array(&w);
		json_w_key(&w, "hints");
		json_w_array(&w);
		if (has_backend(b, "nfc")) {
			json_w_str(&w, "nfc: libnfc claims a PN533 / ACR122U "
				       "only when the kernel's pn533, "
				       "pn533_usb and nfc modules are "
				       "blacklisted (cardtally(1), READERS)");
			json_w_str(&w, "nfc: pcscd and libnfc cannot share "
				       "one USB reader: stop pcscd for a "
				       "reader used as nfc:, or use it "
				       "through pcsc: instead");
		}
		json_w_end_array(&w);
		json_w_key(&w, "attached");
		json_w_array(&w);
		list_attached(b, &w);
		json_w_end_array(&w);
		print_usb(&w);
		json_w_end_object(&w);
		return cli_json_done(&w, EXIT_OK);
	}
	puts(_("reader backends in this build:"));
	for (int i = 0; b[i]; i++)
		printf("  %-6s %s\n", b[i]->name, _(b[i]->help));
	puts(_("card identity profiles (scan --profile, or 'profile =' in the "
	     "configuration):"));
	for (int i = 0; p[i]; i++)
		printf("  %-14s %s\n", p[i]->name, _(p[i]->help));
	printf("  %-14s %s\n", "apdu:mynumber",
	       _(rdr_profile_note("apdu:mynumber")));
	puts(_("readers for My Number cards (ISO 14443 type B):\n"
	     "  Sony RC-S300    pcsc: (CCID; needs libccid 1.4.35 or later)\n"
	     "  ACS ACR1252U    pcsc: (its PICC interface)\n"
	     "  Sony RC-S380    not through pcscd (not a CCID reader)\n"
	     "  ACS ACR122U     nfc: (its PICC is unsupported by libccid)"));
	puts(_("readers attached now:"));
	list_attached(b, NULL);
	if (has_backend(b, "nfc"))
		puts(
		    _("  hint: nfc: libnfc claims a PN533 / ACR122U only when "
		    "the "
		    "kernel's pn533, pn533_usb and nfc modules are blacklisted "
		    "(cardtally(1), READERS)\n"
		    "  hint: nfc: pcscd and libnfc cannot share one USB "
		    "reader: "
		    "stop pcscd for a reader used as nfc:, or use it through "
		    "pcsc: instead"));
	if (has_backend(b, "pcsc"))
		puts(_("hints:\n"
		     "  pcscd and libnfc cannot share one USB reader: use "
		     "pcsc: while pcscd runs\n"
		     "  ACR122U buzzer/LED through pcscd need the CCID "
		     "driver's escape: ifdDriverOptions 0x0001 in its "
		     "Info.plist"));
	print_usb(NULL);
	return EXIT_OK;
}

const struct cmd_entry cmd_readers_entry = {
    .name = "readers",
    .usage = "[--json]",
    .help = N_("list the reader backends of this build, attached readers "
	    "and known USB readers"),
    .options = NULL,
    .needs_db = 0,
    .exec = exec_readers,
};
