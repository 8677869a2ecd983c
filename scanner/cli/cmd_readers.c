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
	int json;
	int n;	    /* readers printed so far, over every backend */
	int failed; /* backends that could not list */
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

	if (a->json) {
		fputs(a->n ? ",{\"backend\":" : "{\"backend\":", stdout);
		json_str(stdout, a->backend);
		fputs(",\"name\":", stdout);
		json_str(stdout, name);
		printf(",\"card\":%s}", card < 0 ? "null"
					: card	 ? "true"
						 : "false");
	} else {
		printf("  %-6s ", a->backend);
		put_name(name);
		puts(card > 0 ? " (card present)" : "");
	}
	a->n++;
}

/* Every backend's attached readers; for text, a line for a backend that
 * cannot list (its daemon is not running). */
static void list_attached(const struct rdr_ops *const *b, int json)
{
	struct attached a = {.json = json};
	char err[RDR_ERRMSG_MAX];

	for (int i = 0; b[i]; i++) {
		if (!b[i]->list)
			continue;
		a.backend = b[i]->name;
		err[0] = '\0';
		if (b[i]->list(on_reader, &a, err, sizeof(err)) < 0) {
			a.failed++;
			if (!json)
				printf("  %-6s (%s)\n", b[i]->name, err);
		}
	}
	if (!json && a.n == 0 && a.failed == 0)
		puts("  none");
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

/* The "USB devices" part: matched devices, or why there are none. */
static void print_usb(int json)
{
	struct usbw_device d[USB_LIST_MAX];
	char err[256] = "";
	size_t n = 0;
	int rc = usbwatch_list(d, USB_LIST_MAX, &n, err, sizeof(err));

	if (n > USB_LIST_MAX)
		n = USB_LIST_MAX;
	if (json) {
		fputs(",\"usb\":[", stdout);
		for (size_t i = 0; i < n; i++) {
			const char *b = d[i].model->backends;

			printf("%s{\"bus\":%u,\"address\":%u,\"vid\":"
			       "\"%04x\",\"pid\":\"%04x\",\"name\":",
			       i ? "," : "", d[i].bus, d[i].address, d[i].vid,
			       d[i].pid);
			json_str(stdout, d[i].model->name);
			fputs(",\"backends\":[", stdout);
			/* The table's space-separated names as an array. */
			for (int first = 1; *b != '\0'; first = 0) {
				size_t w = strcspn(b, " ");

				printf("%s\"%.*s\"", first ? "" : ",", (int)w,
				       b);
				b += w;
				b += strspn(b, " ");
			}
			fputs("],\"note\":", stdout);
			json_str_or_null(stdout, d[i].model->note);
			fputc('}', stdout);
		}
		fputc(']', stdout);
		if (rc < 0) {
			fputs(",\"usb_error\":", stdout);
			json_str(stdout, err);
		}
		return;
	}
	puts("USB devices (known contactless readers seen by libusb):");
	if (rc < 0) {
		printf("  cannot list: %s\n", err);
		return;
	}
	if (n == 0)
		puts("  none seen");
	for (size_t i = 0; i < n; i++) {
		printf("  %03u/%03u %04x:%04x %s (backends: %s)\n", d[i].bus,
		       d[i].address, d[i].vid, d[i].pid, d[i].model->name,
		       d[i].model->backends);
		if (d[i].model->note[0] != '\0')
			printf("          %s\n", d[i].model->note);
	}
}

static int exec_readers(struct cli *c, struct ledger *l)
{
	const struct rdr_ops *const *b = rdr_backends();
	const struct rdr_profile *const *p = rdr_profiles();

	(void)l;
	if (c->json) {
		fputs("{\"backends\":[", stdout);
		for (int i = 0; b[i]; i++) {
			fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
			json_str(stdout, b[i]->name);
			fputs(",\"help\":", stdout);
			json_str(stdout, b[i]->help);
			fputc('}', stdout);
		}
		fputs("],\"profiles\":[", stdout);
		for (int i = 0; p[i]; i++) {
			fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
			json_str(stdout, p[i]->name);
			fputs(",\"help\":", stdout);
			json_str(stdout, p[i]->help);
			fputc('}', stdout);
		}
		fputs("],\"hints\":[", stdout);
		if (has_backend(b, "nfc"))
			fputs(
			    "\"nfc: libnfc claims a PN533 / ACR122U only when "
			    "the kernel's pn533, pn533_usb and nfc modules are "
			    "blacklisted (cardtally(1), READERS)\","
			    "\"nfc: pcscd and libnfc cannot share one USB "
			    "reader: stop pcscd for a reader used as nfc:, or "
			    "use it through pcsc: instead\"",
			    stdout);
		fputs("],\"attached\":[", stdout);
		list_attached(b, 1);
		fputc(']', stdout);
		print_usb(1);
		fputs("}\n", stdout);
		return EXIT_OK;
	}
	puts("reader backends in this build:");
	for (int i = 0; b[i]; i++)
		printf("  %-6s %s\n", b[i]->name, b[i]->help);
	puts("card identity profiles (scan --profile, or 'profile =' in the "
	     "configuration):");
	for (int i = 0; p[i]; i++)
		printf("  %-14s %s\n", p[i]->name, p[i]->help);
	printf("  %-14s %s\n", "apdu:mynumber",
	       rdr_profile_note("apdu:mynumber"));
	puts("readers for My Number cards (ISO 14443 type B):\n"
	     "  Sony RC-S300    pcsc: (CCID; needs libccid 1.4.35 or later)\n"
	     "  ACS ACR1252U    pcsc: (its PICC interface)\n"
	     "  Sony RC-S380    not through pcscd (not a CCID reader)\n"
	     "  ACS ACR122U     nfc: (its PICC is unsupported by libccid)");
	puts("readers attached now:");
	list_attached(b, 0);
	if (has_backend(b, "nfc"))
		puts(
		    "  hint: nfc: libnfc claims a PN533 / ACR122U only when "
		    "the "
		    "kernel's pn533, pn533_usb and nfc modules are blacklisted "
		    "(cardtally(1), READERS)\n"
		    "  hint: nfc: pcscd and libnfc cannot share one USB "
		    "reader: "
		    "stop pcscd for a reader used as nfc:, or use it through "
		    "pcsc: instead");
	if (has_backend(b, "pcsc"))
		puts("hints:\n"
		     "  pcscd and libnfc cannot share one USB reader: use "
		     "pcsc: while pcscd runs\n"
		     "  ACR122U buzzer/LED through pcscd need the CCID "
		     "driver's escape: ifdDriverOptions 0x0001 in its "
		     "Info.plist");
	print_usb(0);
	return EXIT_OK;
}

const struct cmd_entry cmd_readers_entry = {
    .name = "readers",
    .usage = "[--json]",
    .help = "list the reader backends of this build, attached readers "
	    "and known USB readers",
    .options = NULL,
    .needs_db = 0,
    .exec = exec_readers,
};
