/*
 * Room in a growable array: the one helper the layers share for the lists
 * they build a row at a time (a walk's rows, a log's facts).  libc only.
 */
#ifndef CT_GROW_H
#define CT_GROW_H

#include <stddef.h>

/*
 * Makes room for item n of the array *p of *cap items of `size` bytes:
 * when n < *cap nothing changes; else *p is reallocated to twice *cap
 * items (16 the first time) and *cap updated.  0, or -1 when out of
 * memory (*p and *cap as they were).
 */
int grow_array(void **p, size_t *cap, size_t n, size_t size);

#endif
