/*
 * `cardtally readers`: the reader backends compiled into this build and the
 * spec each takes, the identity profiles, and the known USB contactless
 * readers that libusb sees attached (drivers/usbwatch.h's VID:PID table),
 * each with the backends that can drive it.
 */
#include "../drivers/profile.h"
#include "../drivers/reader.h"
#include "../drivers/usbwatch.h"
#include "cli.h"

#include <string.h>

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
	if (n > 0)
		puts("  pcscd and libnfc cannot share one USB reader: stop "
		     "pcscd to use nfc:");
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
	print_usb(0);
	return EXIT_OK;
}

const struct cmd_entry cmd_readers_entry = {
    .name = "readers",
    .usage = "[--json]",
    .help = "list the reader backends of this build and USB readers",
    .options = NULL,
    .needs_db = 0,
    .exec = exec_readers,
};
