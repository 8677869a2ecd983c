/*
 * Known USB contactless readers through libusb: the VID:PID table, a
 * listing of the attached ones, and the hotplug watcher (usbwatch.h).
 *
 * The table holds only pairs confirmed in the drivers that would run the
 * reader: the CCID driver's supported-readers list (libccid's Info.plist,
 * for pcsc) and libnfc's USB drivers (acr122_usb.c, pn53x_usb.c, for nfc).
 * The Sony RC-S380 (054c:06c1) is absent on purpose: neither CCID nor
 * libnfc drives it, so no backend of ours could use it.
 *
 * The watcher registers one libusb hotplug callback for every device and
 * filters by the table itself, because a registration per table entry would
 * multiply handles for no gain.  It keeps its own list of attached known
 * readers so that a departure can be told apart from a device it never
 * reported, and so that the scanner can ask whether its reader is there.
 */
#include "usbwatch.h"
#include "rdr_backends.h"

#include <string.h>

static const struct usbw_model models[] = {
    {0x072f, 0x2200, "ACS ACR122U", "pcsc nfc",
     N_("pcsc: enable the CCID driver's escape exchange (ifdDriverOptions "
	"0x0001); nfc: blacklist pn533, pn533_usb and nfc")},
    {0x072f, 0x223b, "ACS ACR1252U", "pcsc", ""},
    {0x054c, 0x0dc8, "Sony RC-S300/S", "pcsc", ""},
    {0x054c, 0x0dc9, "Sony RC-S300/P", "pcsc", ""},
    {0x054c, 0x02e1, "Sony RC-S360 (PaSoRi)", "nfc",
     N_("blacklist pn533, pn533_usb and nfc")},
    {0x04e6, 0x5591, "SCM SCL3711", "nfc",
     N_("blacklist pn533, pn533_usb and nfc")},
    {0x04e6, 0x5790, "Identiv uTrust 3700 F", "pcsc", ""},
    {0, 0, NULL, NULL, NULL},
};

const struct usbw_model *usbw_models(void)
{
	return models;
}

const struct usbw_model *usbw_model_find(uint16_t vid, uint16_t pid)
{
	for (size_t i = 0; models[i].name != NULL; i++)
		if (models[i].vid == vid && models[i].pid == pid)
			return &models[i];
	return NULL;
}

int usbw_model_driven_by(const struct usbw_model *m, const char *backend)
{
	size_t len = strlen(backend);
	const char *p = m->backends;

	/* Whole words only: "nfc" must not match a future "nfcx". */
	while (*p != '\0') {
		size_t word = strcspn(p, " ");

		if (word == len && memcmp(p, backend, len) == 0)
			return 1;
		p += word;
		p += strspn(p, " ");
	}
	return 0;
}

#ifdef HAVE_LIBUSB

#include <libusb.h>
#include <stdlib.h>

/* More known readers than this on one appliance is not a real setup. */
#define USBW_PRESENT_MAX 32

struct usbwatch {
	libusb_context *ctx;
	libusb_hotplug_callback_handle handle;
	usbw_callback *cb;
	void *arg;
	int opening; /* inside usbwatch_open: record, do not report */
	struct usbw_device present[USBW_PRESENT_MAX];
	size_t npresent;
};

/* The table entry and identity of dev, or 0 when it is not a known one. */
static int describe(libusb_device *dev, struct usbw_device *out)
{
	struct libusb_device_descriptor d;

	if (libusb_get_device_descriptor(dev, &d) != 0)
		return 0;
	out->model = usbw_model_find(d.idVendor, d.idProduct);
	if (out->model == NULL)
		return 0;
	out->vid = d.idVendor;
	out->pid = d.idProduct;
	out->bus = libusb_get_bus_number(dev);
	out->address = libusb_get_device_address(dev);
	return 1;
}

int usbwatch_list(struct usbw_device *out, size_t max, size_t *n, char *err,
		  size_t errlen)
{
	libusb_context *ctx = NULL;
	libusb_device **list = NULL;
	ssize_t count;
	int ret = USBW_OK;

	*n = 0;
	if (libusb_init(&ctx) != 0) {
		rdr_errf(err, errlen, "libusb: cannot initialise");
		return USBW_ERR_UNAVAILABLE;
	}
	count = libusb_get_device_list(ctx, &list);
	if (count < 0) {
		rdr_errf(err, errlen, "libusb: cannot list devices: %s",
			 libusb_strerror((int)count));
		ret = USBW_ERR_IO;
		goto out;
	}
	for (ssize_t i = 0; i < count; i++) {
		struct usbw_device d;

		if (!describe(list[i], &d))
			continue;
		if (*n < max)
			out[*n] = d;
		(*n)++;
	}
out:
	if (list != NULL)
		libusb_free_device_list(list, 1);
	libusb_exit(ctx);
	return ret;
}

static int on_hotplug(libusb_context *ctx, libusb_device *dev,
		      libusb_hotplug_event event, void *user)
{
	struct usbwatch *w = user;
	struct usbw_device d;
	size_t i;

	(void)ctx;
	if (!describe(dev, &d))
		return 0;
	for (i = 0; i < w->npresent; i++)
		if (w->present[i].bus == d.bus &&
		    w->present[i].address == d.address)
			break;
	if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED) {
		/* An arrival seen both by the initial enumeration and by a
		 * uevent is one arrival. */
		if (i < w->npresent || w->npresent == USBW_PRESENT_MAX)
			return 0;
		w->present[w->npresent++] = d;
		if (!w->opening)
			w->cb(w->arg, USBW_ARRIVED, &d);
	} else if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT) {
		if (i == w->npresent)
			return 0; /* never reported: nothing to undo */
		w->present[i] = w->present[--w->npresent];
		w->cb(w->arg, USBW_LEFT, &d);
	}
	return 0; /* stay registered */
}

int usbwatch_open(usbw_callback *cb, void *arg, struct usbwatch **out,
		  char *err, size_t errlen)
{
	struct usbwatch *w;
	int rc, ret;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		rdr_errf(err, errlen, "out of memory");
		return USBW_ERR_NOMEM;
	}
	w->cb = cb;
	w->arg = arg;
	if (libusb_init(&w->ctx) != 0) {
		w->ctx = NULL;
		rdr_errf(err, errlen, "libusb: cannot initialise");
		ret = USBW_ERR_UNAVAILABLE;
		goto fail;
	}
	if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
		rdr_errf(err, errlen, "libusb: no hotplug support here");
		ret = USBW_ERR_NOHOTPLUG;
		goto fail;
	}
	w->opening = 1;
	rc = libusb_hotplug_register_callback(
	    w->ctx,
	    LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
		LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
	    LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY,
	    LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, on_hotplug, w,
	    &w->handle);
	w->opening = 0;
	if (rc != LIBUSB_SUCCESS) {
		rdr_errf(err, errlen, "libusb: cannot watch hotplug: %s",
			 libusb_strerror(rc));
		ret = USBW_ERR_NOHOTPLUG;
		goto fail;
	}
	*out = w;
	return USBW_OK;
fail:
	if (w->ctx != NULL)
		libusb_exit(w->ctx);
	free(w);
	return ret;
}

int usbwatch_pollfds(struct usbwatch *w, int *fds, size_t max, size_t *n)
{
	const struct libusb_pollfd **p = libusb_get_pollfds(w->ctx);

	*n = 0;
	if (p == NULL)
		return USBW_ERR_IO;
	for (size_t i = 0; p[i] != NULL; i++) {
		if (*n < max)
			fds[*n] = p[i]->fd;
		(*n)++;
	}
	libusb_free_pollfds(p);
	return USBW_OK;
}

int usbwatch_dispatch(struct usbwatch *w, int timeout_ms)
{
	struct timeval tv;
	int rc;

	if (timeout_ms < 0)
		timeout_ms = 0;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	rc = libusb_handle_events_timeout_completed(w->ctx, &tv, NULL);
	if (rc == LIBUSB_SUCCESS || rc == LIBUSB_ERROR_INTERRUPTED)
		return USBW_OK;
	return USBW_ERR_IO;
}

size_t usbwatch_present(const struct usbwatch *w, const char *backend)
{
	size_t count = 0;

	for (size_t i = 0; i < w->npresent; i++)
		if (backend == NULL ||
		    usbw_model_driven_by(w->present[i].model, backend))
			count++;
	return count;
}

void usbwatch_close(struct usbwatch *w)
{
	if (w == NULL)
		return;
	libusb_hotplug_deregister_callback(w->ctx, w->handle);
	libusb_exit(w->ctx);
	free(w);
}

#else /* !HAVE_LIBUSB */

/* A build without libusb: the same API, always unavailable. */

int usbwatch_list(struct usbw_device *out, size_t max, size_t *n, char *err,
		  size_t errlen)
{
	(void)out;
	(void)max;
	*n = 0;
	rdr_errf(err, errlen, "this build has no libusb");
	return USBW_ERR_UNAVAILABLE;
}

int usbwatch_open(usbw_callback *cb, void *arg, struct usbwatch **out,
		  char *err, size_t errlen)
{
	(void)cb;
	(void)arg;
	*out = NULL;
	rdr_errf(err, errlen, "this build has no libusb");
	return USBW_ERR_UNAVAILABLE;
}

int usbwatch_pollfds(struct usbwatch *w, int *fds, size_t max, size_t *n)
{
	(void)w;
	(void)fds;
	(void)max;
	*n = 0;
	return USBW_ERR_UNAVAILABLE;
}

int usbwatch_dispatch(struct usbwatch *w, int timeout_ms)
{
	(void)w;
	(void)timeout_ms;
	return USBW_ERR_UNAVAILABLE;
}

size_t usbwatch_present(const struct usbwatch *w, const char *backend)
{
	(void)w;
	(void)backend;
	return 0;
}

void usbwatch_close(struct usbwatch *w)
{
	(void)w;
}

#endif
