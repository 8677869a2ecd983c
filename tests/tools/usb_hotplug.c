/*
 * USB hotplug without a USB bus: umockdev's testbed fakes the sysfs tree
 * and the kernel's uevents, and libusb (through libumockdev-preload) sees
 * devices come and go.  Run under `umockdev-wrapper`.  The first device of
 * DEVICE.umockdev is the one that comes and goes; the devices after it (its
 * parents) stay.
 *
 *   usb_hotplug watch DEVICE.umockdev
 *       Drives drivers/usbwatch against the testbed and prints TAP: an
 *       arrival is reported with the right identity, a non-reader is not,
 *       a departure is reported, a second arrival is reported again.
 *
 *   usb_hotplug ctl DEVICE.umockdev CTL CMD [ARG...]
 *       Adds every device, runs CMD (which inherits the testbed and every
 *       descriptor), then reads commands from the file CTL (a FIFO): "remove"
 *       (the first device leaves), "add" (it comes back).  At the end of CTL it
 *       waits for CMD to end (a signal could hit CMD after it restored its
 *       handlers, so ending CMD is the caller's business); the exit status
 *       is CMD's.
 *
 * Waits are bounded by deadlines and wake on libusb's descriptors, never on
 * fixed sleeps.
 */
#include "../../drivers/usbwatch.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <umockdev.h>
#include <unistd.h>

#define WAIT_MS 10000 /* a uevent that takes longer has been lost */

struct seen {
	int arrived, left;
	struct usbw_device last;
};

static int tap_n, tap_failed;

static void ok(int cond, const char *name)
{
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
	fflush(stdout);
}

static void on_change(void *arg, enum usbw_change change,
		      const struct usbw_device *dev)
{
	struct seen *s = arg;

	if (change == USBW_ARRIVED)
		s->arrived++;
	else
		s->left++;
	s->last = *dev;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Dispatches until *counter reaches want or WAIT_MS pass; 1 when reached. */
static int wait_for(struct usbwatch *w, const int *counter, int want)
{
	long deadline = now_ms() + WAIT_MS;

	while (*counter < want) {
		struct pollfd pfd[8];
		int fds[8];
		size_t n;
		long left = deadline - now_ms();

		if (left <= 0)
			return 0;
		if (usbwatch_pollfds(w, fds, 8, &n) != 0)
			return 0;
		if (n > 8)
			n = 8;
		for (size_t i = 0; i < n; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
		}
		poll(pfd, n, (int)left);
		if (usbwatch_dispatch(w, 0) != 0)
			return 0;
	}
	return 1;
}

/* The file, and where its first device's block ends. */
struct devfile {
	gchar *all;
	gchar *first;	    /* the first block alone */
	gchar syspath[512]; /* "/sys" + its P: line */
};

/* "/sys" + the P: line that text starts with, into buf; -1 without one. */
static int syspath_of(const char *text, char *buf, size_t len)
{
	const char *eol = strchr(text, '\n');

	if (strncmp(text, "P: ", 3) != 0 || eol == NULL)
		return -1;
	snprintf(buf, len, "/sys%.*s", (int)(eol - text - 3), text + 3);
	return 0;
}

static int load_devfile(const char *path, struct devfile *f)
{
	GError *gerr = NULL;
	const char *end;

	if (!g_file_get_contents(path, &f->all, NULL, &gerr)) {
		fprintf(stderr, "usb_hotplug: %s\n", gerr->message);
		g_error_free(gerr);
		return -1;
	}
	if (syspath_of(f->all, f->syspath, sizeof(f->syspath)) != 0) {
		fprintf(stderr, "usb_hotplug: %s: no P: line first\n", path);
		return -1;
	}
	end = strstr(f->all, "\n\n");
	f->first = end != NULL ? g_strndup(f->all, (gsize)(end - f->all + 1))
			       : g_strdup(f->all);
	return 0;
}

static int add(UMockdevTestbed *tb, const char *text, const char *syspath)
{
	GError *gerr = NULL;

	if (!umockdev_testbed_add_from_string(tb, text, &gerr)) {
		fprintf(stderr, "usb_hotplug: %s\n", gerr->message);
		g_error_free(gerr);
		return -1;
	}
	/* The testbed adds silently; the kernel would announce it. */
	umockdev_testbed_uevent(tb, syspath, "add");
	return 0;
}

static void unplug(UMockdevTestbed *tb, const char *syspath)
{
	/* The uevent first: its properties are read from the device. */
	umockdev_testbed_uevent(tb, syspath, "remove");
	umockdev_testbed_remove_device(tb, syspath);
}

static int run_watch(UMockdevTestbed *tb, struct devfile *f)
{
	struct seen s = {0};
	struct usbwatch *w = NULL;
	const char *rest;
	char err[256], hub[512];
	int rc;

	printf("1..9\n");
	rc = usbwatch_open(on_change, &s, &w, err, sizeof(err));
	ok(rc == 0, "watcher opens (libusb reports hotplug capability)");
	if (rc != 0) {
		printf("# %s\n", err);
		return 1;
	}
	ok(usbwatch_present(w, NULL) == 0, "nothing attached at first");
	/* The parents first, announced: a hub is not a reader. */
	rest = f->all + strlen(f->first);
	rest += strspn(rest, "\n");
	if (syspath_of(rest, hub, sizeof(hub)) != 0 || add(tb, rest, hub) != 0)
		return 1;
	if (add(tb, f->first, f->syspath) != 0)
		return 1;
	ok(wait_for(w, &s.arrived, 1), "ARRIVED reported");
	ok(s.arrived == 1 && s.last.vid == 0x072f && s.last.pid == 0x2200 &&
	       s.last.bus == 1 && s.last.address == 5,
	   "once, as 072f:2200 on 001/005 (the hub is not reported)");
	ok(usbwatch_present(w, "pcsc") == 1 && usbwatch_present(w, "kbd") == 0,
	   "present: one reader pcsc drives, none for kbd");
	unplug(tb, f->syspath);
	ok(wait_for(w, &s.left, 1), "LEFT reported");
	ok(usbwatch_present(w, NULL) == 0, "nothing attached after LEFT");
	if (add(tb, f->first, f->syspath) != 0)
		return 1;
	ok(wait_for(w, &s.arrived, 2), "ARRIVED again after replug");
	ok(s.left == 1 && s.arrived == 2, "one LEFT, two ARRIVED in all");
	usbwatch_close(w);
	return tap_failed != 0;
}

static int run_ctl(UMockdevTestbed *tb, struct devfile *f, const char *ctl,
		   char **cmd)
{
	char line[64];
	FILE *in;
	pid_t pid;
	int status;

	if (add(tb, f->all, f->syspath) != 0)
		return 70;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 70;
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	in = fopen(ctl, "r");
	while (in != NULL && fgets(line, sizeof(line), in) != NULL) {
		if (strcmp(line, "remove\n") == 0)
			unplug(tb, f->syspath);
		else if (strcmp(line, "add\n") == 0 &&
			 add(tb, f->first, f->syspath) != 0)
			break;
	}
	if (in != NULL)
		fclose(in);
	if (waitpid(pid, &status, 0) < 0)
		return 70;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int main(int argc, char **argv)
{
	UMockdevTestbed *tb;
	struct devfile f = {0};
	int ret;

	if (argc < 3 || (strcmp(argv[1], "watch") != 0 &&
			 (strcmp(argv[1], "ctl") != 0 || argc < 5))) {
		fprintf(stderr, "usage: usb_hotplug watch DEVICE.umockdev\n"
				"       usb_hotplug ctl DEVICE.umockdev CTL "
				"CMD...\n");
		return 2;
	}
	if (getenv("LD_PRELOAD") == NULL ||
	    strstr(getenv("LD_PRELOAD"), "umockdev") == NULL) {
		fprintf(stderr, "usb_hotplug: run me under umockdev-wrapper\n");
		return 2;
	}
	/* Before any libusb context: libusb must find the testbed. */
	tb = umockdev_testbed_new();
	if (load_devfile(argv[2], &f) != 0)
		return 2;
	ret = strcmp(argv[1], "watch") == 0
		  ? run_watch(tb, &f)
		  : run_ctl(tb, &f, argv[3], argv + 4);
	g_free(f.all);
	g_free(f.first);
	g_object_unref(tb);
	return ret;
}
