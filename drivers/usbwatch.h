/*
 * USB contactless readers as libusb sees them: a table of known readers by
 * VID:PID (with the backend that drives each), a one-shot listing of the
 * attached ones for `cardtally readers`, and a hotplug watcher that tells
 * its caller when such a reader arrives or leaves.  The watcher knows
 * nothing of sessions or backends: the scanner decides what a departure
 * means.  This is the only module that includes <libusb.h>; a build without
 * libusb still has this API, and every call answers USBW_ERR_UNAVAILABLE.
 * Like every driver it never prints.
 *
 * Order of calls for the watcher:
 *   usbwatch_open(cb) -> loop { poll(usbwatch_pollfds) or a bounded wait;
 *   usbwatch_dispatch(w, 0) } -> usbwatch_close().
 * Callbacks run only inside usbwatch_dispatch (and never inside
 * usbwatch_open), on the caller's thread.
 */
#ifndef CT_USBWATCH_H
#define CT_USBWATCH_H

#include <stddef.h>
#include <stdint.h>

/* Error codes of this module, numbered once and never reused. */
enum {
	USBW_OK = 0,
	USBW_ERR_UNAVAILABLE = -1, /* no libusb in this build, or init failed */
	USBW_ERR_NOHOTPLUG = -2,   /* libusb cannot report hotplug here */
	USBW_ERR_NOMEM = -3,
	USBW_ERR_IO = -4, /* libusb failed while listing or handling events */
};

/* A reader model: which backends can drive it ("pcsc", "nfc", "pcsc nfc"),
 * and what the operator must know to use it. */
struct usbw_model {
	uint16_t vid, pid;
	const char *name;
	const char *backends; /* space-separated backend names */
	const char *note;     /* "" when there is nothing to say; English, a
			       * msgid the front end translates (N_) */
};

/* One attached reader.  `model` points into the static table. */
struct usbw_device {
	uint8_t bus, address;
	uint16_t vid, pid;
	const struct usbw_model *model;
};

enum usbw_change { USBW_ARRIVED = 1, USBW_LEFT };

/* The table of known readers, ended by an entry whose name is NULL.
 * Static: lives as long as the program. */
const struct usbw_model *usbw_models(void);

/* The table entry for vid:pid, or NULL when it is not a known reader. */
const struct usbw_model *usbw_model_find(uint16_t vid, uint16_t pid);

/* 1 when `backend` (a backend name such as "pcsc") is among m's backends. */
int usbw_model_driven_by(const struct usbw_model *m, const char *backend);

/*
 * Lists the known readers attached now.  Fills at most `max` entries of out
 * and sets *n to the number found (which may exceed max: the rest are not
 * stored).  Returns 0, or a negative USBW_ERR_* with a message in err.
 */
int usbwatch_list(struct usbw_device *out, size_t max, size_t *n, char *err,
		  size_t errlen);

struct usbwatch;

/* Called for each known reader that arrives or leaves.  dev is valid for
 * the duration of the call only. */
typedef void usbw_callback(void *arg, enum usbw_change change,
			   const struct usbw_device *dev);

/*
 * Starts watching.  The known readers attached at this moment are counted
 * (usbwatch_present) but not reported.  Returns 0 and *out, or
 * USBW_ERR_UNAVAILABLE, USBW_ERR_NOHOTPLUG, USBW_ERR_NOMEM with a message in
 * err.  arg is passed to cb unchanged.
 */
int usbwatch_open(usbw_callback *cb, void *arg, struct usbwatch **out,
		  char *err, size_t errlen);

/*
 * The file descriptors to poll for readability before calling
 * usbwatch_dispatch: stores at most max into fds, sets *n to how many there
 * are.  Returns 0, or USBW_ERR_IO.  The set can change after a dispatch.
 */
int usbwatch_pollfds(struct usbwatch *w, int *fds, size_t max, size_t *n);

/*
 * Handles pending hotplug events, waiting at most timeout_ms (0: only what
 * is pending; never negative), and runs the callback for each.  Returns 0,
 * or USBW_ERR_IO.  An interrupting signal is not an error.
 */
int usbwatch_dispatch(struct usbwatch *w, int timeout_ms);

/*
 * How many known readers are attached, by the watcher's account, counting
 * only those that `backend` can drive (NULL: every known reader).
 */
size_t usbwatch_present(const struct usbwatch *w, const char *backend);

/* Stops watching; usbwatch_close(NULL) does nothing. */
void usbwatch_close(struct usbwatch *w);

#endif
