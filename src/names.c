/* SPDX-License-Identifier: MIT */
/* Names of feature bits, ioctls and events, for tools and messages. */
#define _GNU_SOURCE
#include "internal.h"

UFFD_EXPORT const char *uffd_feature_name(__u64 bit)
{
	switch (bit) {
	case UFFD_FEATURE_PAGEFAULT_FLAG_WP:	return "PAGEFAULT_FLAG_WP";
	case UFFD_FEATURE_EVENT_FORK:		return "EVENT_FORK";
	case UFFD_FEATURE_EVENT_REMAP:		return "EVENT_REMAP";
	case UFFD_FEATURE_EVENT_REMOVE:		return "EVENT_REMOVE";
	case UFFD_FEATURE_MISSING_HUGETLBFS:	return "MISSING_HUGETLBFS";
	case UFFD_FEATURE_MISSING_SHMEM:	return "MISSING_SHMEM";
	case UFFD_FEATURE_EVENT_UNMAP:		return "EVENT_UNMAP";
	case UFFD_FEATURE_SIGBUS:		return "SIGBUS";
	case UFFD_FEATURE_THREAD_ID:		return "THREAD_ID";
	case UFFD_FEATURE_MINOR_HUGETLBFS:	return "MINOR_HUGETLBFS";
	case UFFD_FEATURE_MINOR_SHMEM:		return "MINOR_SHMEM";
	case UFFD_FEATURE_EXACT_ADDRESS:	return "EXACT_ADDRESS";
	case UFFD_FEATURE_WP_HUGETLBFS_SHMEM:	return "WP_HUGETLBFS_SHMEM";
	case UFFD_FEATURE_WP_UNPOPULATED:	return "WP_UNPOPULATED";
	case UFFD_FEATURE_POISON:		return "POISON";
	case UFFD_FEATURE_WP_ASYNC:		return "WP_ASYNC";
	case UFFD_FEATURE_MOVE:			return "MOVE";
	}
	return NULL;
}

UFFD_EXPORT const char *uffd_ioctl_name(unsigned int nr)
{
	switch (nr) {
	case _UFFDIO_REGISTER:		return "REGISTER";
	case _UFFDIO_UNREGISTER:	return "UNREGISTER";
	case _UFFDIO_WAKE:		return "WAKE";
	case _UFFDIO_COPY:		return "COPY";
	case _UFFDIO_ZEROPAGE:		return "ZEROPAGE";
	case _UFFDIO_MOVE:		return "MOVE";
	case _UFFDIO_WRITEPROTECT:	return "WRITEPROTECT";
	case _UFFDIO_CONTINUE:		return "CONTINUE";
	case _UFFDIO_POISON:		return "POISON";
	case _UFFDIO_API:		return "API";
	}
	return NULL;
}

UFFD_EXPORT const char *uffd_event_name(unsigned int event)
{
	switch (event) {
	case UFFD_EVENT_PAGEFAULT:	return "PAGEFAULT";
	case UFFD_EVENT_FORK:		return "FORK";
	case UFFD_EVENT_REMAP:		return "REMAP";
	case UFFD_EVENT_REMOVE:		return "REMOVE";
	case UFFD_EVENT_UNMAP:		return "UNMAP";
	}
	return NULL;
}
