/* SPDX-License-Identifier: MIT */
/*
 * Idle connections of a network store.  A reader takes one (or makes a new
 * one when none is idle), does one exchange, and gives it back if the
 * exchange worked; a connection that failed is destroyed, so the next read
 * reconnects -- that is how a restarted server is picked up again.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include "pager/pager.h"

void pool_init(struct pool *p, void (*destroy)(void *conn))
{
	pthread_mutex_init(&p->lock, NULL);
	p->idle = NULL;
	p->nidle = p->cap = 0;
	p->destroy = destroy;
}

void *pool_get(struct pool *p)
{
	void *c = NULL;

	pthread_mutex_lock(&p->lock);
	if (p->nidle)
		c = p->idle[--p->nidle];
	pthread_mutex_unlock(&p->lock);
	return c;
}

void pool_put(struct pool *p, void *conn)
{
	pthread_mutex_lock(&p->lock);
	if (p->nidle == p->cap) {
		int cap = p->cap ? p->cap * 2 : 8;
		void **v = realloc(p->idle, (size_t)cap * sizeof(*v));

		if (!v) {
			pthread_mutex_unlock(&p->lock);
			p->destroy(conn);
			return;
		}
		p->idle = v;
		p->cap = cap;
	}
	p->idle[p->nidle++] = conn;
	pthread_mutex_unlock(&p->lock);
}

void pool_fini(struct pool *p)
{
	while (p->nidle)
		p->destroy(p->idle[--p->nidle]);
	free(p->idle);
	p->idle = NULL;
	p->cap = 0;
	pthread_mutex_destroy(&p->lock);
}
