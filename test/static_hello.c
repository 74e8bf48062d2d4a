/* SPDX-License-Identifier: MIT */
/*
 * A statically linked program (mk/static.mk builds it with -static) for
 * t_preload_cannot_enter: prints "hello" and exits with status 3.
 */
#include <stdio.h>

int main(void)
{
	puts("hello");
	return 3;
}
