/* SPDX-License-Identifier: MIT */
/*
 * Entry of the migration test's guest (guest.c): a multiboot header, so
 * that QEMU's -kernel loads the ELF and starts it in 32-bit protected
 * mode with flat segments, then a stack and a call to guest_main(magic,
 * info).  Interrupts stay off: the guest only computes and writes to the
 * serial port.
 */
	.set MB_MAGIC, 0x1BADB002
	.set MB_FLAGS, 0x00000003	/* page-aligned modules, memory fields */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .bss
	.align 16
stack_bottom:
	.skip 65536
stack_top:

	.section .text
	.globl _start
_start:
	cli
	mov $stack_top, %esp
	push %ebx			/* the multiboot information */
	push %eax			/* the loader's magic */
	call guest_main
1:	hlt
	jmp 1b

	.section .note.GNU-stack, "", @progbits
