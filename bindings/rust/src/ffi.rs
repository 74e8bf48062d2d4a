// SPDX-License-Identifier: MIT
//! The C side: libuffd's functions (include/uffd.h), the C library
//! functions this crate calls, and the userfaultfd uAPI structures and
//! ioctl numbers of Linux 6.18.
//!
//! `read` and `close` resolve to libuffd's interposers, which the archive
//! defines (it is linked whole): on an emulated uffd they are the engine's,
//! on anything else the C library's.
#![allow(non_camel_case_types)]
// A table of facts: some entries are used only with some features.
#![allow(dead_code)]

use std::ffi::c_void;
use std::mem::size_of;
use std::os::raw::{c_char, c_int, c_ulong};

pub const UFFD_API: u64 = 0xAA;
pub const UFFD_USER_MODE_ONLY: c_int = 1;
pub const O_CLOEXEC: c_int = 0o2000000;
pub const O_NONBLOCK: c_int = 0o4000;

pub const UFFD_EVENT_PAGEFAULT: u8 = 0x12;
pub const UFFD_EVENT_FORK: u8 = 0x13;
pub const UFFD_EVENT_REMAP: u8 = 0x14;
pub const UFFD_EVENT_REMOVE: u8 = 0x15;
pub const UFFD_EVENT_UNMAP: u8 = 0x16;

pub const UFFD_PAGEFAULT_FLAG_WRITE: u64 = 1 << 0;
pub const UFFD_PAGEFAULT_FLAG_WP: u64 = 1 << 1;
pub const UFFD_PAGEFAULT_FLAG_MINOR: u64 = 1 << 2;

/// The ioctl numbers (`_UFFDIO_*`), which are also the bit positions of
/// the ioctls in `uffdio_api.ioctls` and `uffdio_register.ioctls`.
pub const NR_REGISTER: u32 = 0x00;
pub const NR_UNREGISTER: u32 = 0x01;
pub const NR_WAKE: u32 = 0x02;
pub const NR_COPY: u32 = 0x03;
pub const NR_ZEROPAGE: u32 = 0x04;
pub const NR_MOVE: u32 = 0x05;
pub const NR_WRITEPROTECT: u32 = 0x06;
pub const NR_CONTINUE: u32 = 0x07;
pub const NR_POISON: u32 = 0x08;
pub const NR_API: u32 = 0x3F;

/// `mode` bits.  The DONTWAKE bit is bit 0 for every ioctl that has one
/// except UFFDIO_WRITEPROTECT.
pub const MODE_DONTWAKE: u64 = 1 << 0;
pub const COPY_MODE_WP: u64 = 1 << 1;
pub const WRITEPROTECT_MODE_WP: u64 = 1 << 0;
pub const WRITEPROTECT_MODE_DONTWAKE: u64 = 1 << 1;
pub const MOVE_MODE_ALLOW_SRC_HOLES: u64 = 1 << 1;

#[repr(C)]
#[derive(Default)]
pub struct uffdio_api {
    pub api: u64,
    pub features: u64,
    pub ioctls: u64,
}

#[repr(C)]
#[derive(Default, Clone, Copy)]
pub struct uffdio_range {
    pub start: u64,
    pub len: u64,
}

#[repr(C)]
#[derive(Default)]
pub struct uffdio_register {
    pub range: uffdio_range,
    pub mode: u64,
    pub ioctls: u64,
}

/// UFFDIO_COPY and UFFDIO_MOVE share this layout (`dst, src, len, mode`,
/// then the result).
#[repr(C)]
#[derive(Default)]
pub struct uffdio_copy {
    pub dst: u64,
    pub src: u64,
    pub len: u64,
    pub mode: u64,
    pub result: i64,
}

/// UFFDIO_ZEROPAGE, UFFDIO_CONTINUE and UFFDIO_POISON share this layout.
#[repr(C)]
#[derive(Default)]
pub struct uffdio_range_op {
    pub range: uffdio_range,
    pub mode: u64,
    pub result: i64,
}

#[repr(C)]
#[derive(Default)]
pub struct uffdio_writeprotect {
    pub range: uffdio_range,
    pub mode: u64,
}

/// `struct uffd_msg` as the bytes read from the descriptor (32, packed).
#[repr(C, align(8))]
#[derive(Clone, Copy)]
pub struct uffd_msg(pub [u8; 32]);

impl uffd_msg {
    pub const fn zeroed() -> Self {
        uffd_msg([0; 32])
    }
    pub fn event(&self) -> u8 {
        self.0[0]
    }
    pub fn u32_at(&self, off: usize) -> u32 {
        u32::from_ne_bytes(self.0[off..off + 4].try_into().unwrap())
    }
    pub fn u64_at(&self, off: usize) -> u64 {
        u64::from_ne_bytes(self.0[off..off + 8].try_into().unwrap())
    }
}

/// Offsets in `struct uffd_msg`: `arg` starts at 8.
pub const MSG_PF_FLAGS: usize = 8;
pub const MSG_PF_ADDRESS: usize = 16;
pub const MSG_PF_PTID: usize = 24;
pub const MSG_FORK_UFD: usize = 8;
pub const MSG_REMAP_FROM: usize = 8;
pub const MSG_REMAP_TO: usize = 16;
pub const MSG_REMAP_LEN: usize = 24;
pub const MSG_RANGE_START: usize = 8;
pub const MSG_RANGE_END: usize = 16;

/// The generic ioctl encoding (x86, arm64, riscv...): `_IOR`/`_IOWR` of
/// type 0xAA.
const IOC_WRITE: u32 = 1;
const IOC_READ: u32 = 2;
const fn ioc(dir: u32, nr: u32, size: usize) -> c_ulong {
    ((dir << 30) | ((size as u32) << 16) | (0xAA << 8) | nr) as c_ulong
}

pub const UFFDIO_API: c_ulong = ioc(IOC_READ | IOC_WRITE, NR_API, size_of::<uffdio_api>());
pub const UFFDIO_REGISTER: c_ulong = ioc(
    IOC_READ | IOC_WRITE,
    NR_REGISTER,
    size_of::<uffdio_register>(),
);
pub const UFFDIO_UNREGISTER: c_ulong = ioc(IOC_READ, NR_UNREGISTER, size_of::<uffdio_range>());
pub const UFFDIO_WAKE: c_ulong = ioc(IOC_READ, NR_WAKE, size_of::<uffdio_range>());
pub const UFFDIO_COPY: c_ulong = ioc(IOC_READ | IOC_WRITE, NR_COPY, size_of::<uffdio_copy>());
pub const UFFDIO_ZEROPAGE: c_ulong = ioc(
    IOC_READ | IOC_WRITE,
    NR_ZEROPAGE,
    size_of::<uffdio_range_op>(),
);
pub const UFFDIO_MOVE: c_ulong = ioc(IOC_READ | IOC_WRITE, NR_MOVE, size_of::<uffdio_copy>());
pub const UFFDIO_WRITEPROTECT: c_ulong = ioc(
    IOC_READ | IOC_WRITE,
    NR_WRITEPROTECT,
    size_of::<uffdio_writeprotect>(),
);
pub const UFFDIO_CONTINUE: c_ulong = ioc(
    IOC_READ | IOC_WRITE,
    NR_CONTINUE,
    size_of::<uffdio_range_op>(),
);
pub const UFFDIO_POISON: c_ulong = ioc(
    IOC_READ | IOC_WRITE,
    NR_POISON,
    size_of::<uffdio_range_op>(),
);

extern "C" {
    pub fn uffd_open(flags: c_int) -> c_int;
    pub fn uffd_open_engine(flags: c_int, kind: c_int) -> c_int;
    pub fn uffd_ioctl(fd: c_int, request: c_ulong, arg: *mut c_void) -> c_int;
    pub fn uffd_engine(fd: c_int) -> *const c_char;
    pub fn uffd_diagnostic() -> *const c_char;
    pub fn read(fd: c_int, buf: *mut c_void, count: usize) -> isize;
    pub fn close(fd: c_int) -> c_int;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values include/uffd.h asserts at every C compile.
    #[test]
    fn ioctl_numbers_match_the_kernel() {
        assert_eq!(UFFDIO_API, 0xC018AA3F);
        assert_eq!(UFFDIO_REGISTER, 0xC020AA00);
        assert_eq!(UFFDIO_UNREGISTER, 0x8010AA01);
        assert_eq!(UFFDIO_WAKE, 0x8010AA02);
        assert_eq!(UFFDIO_COPY, 0xC028AA03);
        assert_eq!(UFFDIO_ZEROPAGE, 0xC020AA04);
        assert_eq!(UFFDIO_MOVE, 0xC028AA05);
        assert_eq!(UFFDIO_WRITEPROTECT, 0xC018AA06);
        assert_eq!(UFFDIO_CONTINUE, 0xC020AA07);
        assert_eq!(UFFDIO_POISON, 0xC020AA08);
        assert_eq!(size_of::<uffd_msg>(), 32);
    }
}
