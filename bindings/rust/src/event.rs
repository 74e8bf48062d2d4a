// SPDX-License-Identifier: MIT
//! `Event` and its parts, decoded from `struct uffd_msg`.
//!
//! As in userfaultfd-rs, `FaultKind::WriteProtected` exists with the
//! `linux5_7` feature, `FaultKind::Minor` with `linux5_13` and the
//! `thread_id` field with `linux4_14`, so that matches written for that
//! crate stay exhaustive.
use crate::error::{Error, Result};
use crate::ffi::{self, uffd_msg};
use crate::uffd::Uffd;
use std::ffi::c_void;
use std::os::unix::io::{FromRawFd, RawFd};

/// Whether a page fault event was for a read or a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadWrite {
    Read,
    Write,
}

/// The kind of fault of a page fault event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// A read or write of a missing page.
    Missing,
    /// A write to a write-protected page.
    #[cfg(feature = "linux5_7")]
    WriteProtected,
    /// An access to a page that is in the page cache but not mapped.
    #[cfg(feature = "linux5_13")]
    Minor,
}

/// Events read from the userfaultfd object by `Uffd::read_event()`.
#[derive(Debug)]
pub enum Event {
    /// A page fault.
    Pagefault {
        kind: FaultKind,
        rw: ReadWrite,
        /// The faulting address (page-aligned unless the uffd was created
        /// with `FeatureFlags::EXACT_ADDRESS`).
        addr: *mut c_void,
        /// The faulting thread, with `FeatureFlags::THREAD_ID` (otherwise
        /// meaningless).
        #[cfg(feature = "linux4_14")]
        thread_id: crate::errno::Pid,
    },
    /// The process forked (`FeatureFlags::EVENT_FORK`): the child's uffd.
    Fork { uffd: Uffd },
    /// `mremap(2)` moved a registered range (`FeatureFlags::EVENT_REMAP`).
    Remap {
        from: *mut c_void,
        to: *mut c_void,
        len: usize,
    },
    /// `madvise(MADV_DONTNEED/MADV_REMOVE)` dropped a range
    /// (`FeatureFlags::EVENT_REMOVE`).
    Remove {
        start: *mut c_void,
        end: *mut c_void,
    },
    /// A range was unmapped (`FeatureFlags::EVENT_UNMAP`).
    Unmap {
        start: *mut c_void,
        end: *mut c_void,
    },
}

fn ptr(v: u64) -> *mut c_void {
    v as usize as *mut c_void
}

impl Event {
    pub(crate) fn from_msg(msg: &uffd_msg) -> Result<Event> {
        match msg.event() {
            ffi::UFFD_EVENT_PAGEFAULT => {
                let flags = msg.u64_at(ffi::MSG_PF_FLAGS);
                let rw = if flags & ffi::UFFD_PAGEFAULT_FLAG_WRITE != 0 {
                    ReadWrite::Write
                } else {
                    ReadWrite::Read
                };
                Ok(Event::Pagefault {
                    kind: fault_kind(flags),
                    rw,
                    addr: ptr(msg.u64_at(ffi::MSG_PF_ADDRESS)),
                    #[cfg(feature = "linux4_14")]
                    thread_id: crate::errno::Pid::from_raw(msg.u32_at(ffi::MSG_PF_PTID) as i32),
                })
            }
            ffi::UFFD_EVENT_FORK => Ok(Event::Fork {
                uffd: unsafe { Uffd::from_raw_fd(msg.u32_at(ffi::MSG_FORK_UFD) as RawFd) },
            }),
            ffi::UFFD_EVENT_REMAP => Ok(Event::Remap {
                from: ptr(msg.u64_at(ffi::MSG_REMAP_FROM)),
                to: ptr(msg.u64_at(ffi::MSG_REMAP_TO)),
                len: msg.u64_at(ffi::MSG_REMAP_LEN) as usize,
            }),
            ffi::UFFD_EVENT_REMOVE => Ok(Event::Remove {
                start: ptr(msg.u64_at(ffi::MSG_RANGE_START)),
                end: ptr(msg.u64_at(ffi::MSG_RANGE_END)),
            }),
            ffi::UFFD_EVENT_UNMAP => Ok(Event::Unmap {
                start: ptr(msg.u64_at(ffi::MSG_RANGE_START)),
                end: ptr(msg.u64_at(ffi::MSG_RANGE_END)),
            }),
            other => Err(Error::UnrecognizedEvent(other)),
        }
    }
}

#[allow(unused_variables)]
fn fault_kind(flags: u64) -> FaultKind {
    #[cfg(feature = "linux5_13")]
    if flags & ffi::UFFD_PAGEFAULT_FLAG_MINOR != 0 {
        return FaultKind::Minor;
    }
    #[cfg(feature = "linux5_7")]
    if flags & ffi::UFFD_PAGEFAULT_FLAG_WP != 0 {
        return FaultKind::WriteProtected;
    }
    FaultKind::Missing
}

/// A buffer for several events, used with `Uffd::read_events`.
pub struct EventBuffer(pub(crate) Vec<uffd_msg>);

impl EventBuffer {
    /// A buffer for up to `size` events per `read_events` call.
    pub fn new(size: usize) -> Self {
        EventBuffer(vec![uffd_msg::zeroed(); size])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(event: u8, words: [u64; 3]) -> uffd_msg {
        let mut m = uffd_msg::zeroed();
        m.0[0] = event;
        for (i, w) in words.iter().enumerate() {
            m.0[8 + 8 * i..16 + 8 * i].copy_from_slice(&w.to_ne_bytes());
        }
        m
    }

    #[test]
    fn decodes_every_event() {
        let pf = msg(0x12, [ffi::UFFD_PAGEFAULT_FLAG_WRITE, 0x7000, 1234]);
        match Event::from_msg(&pf).unwrap() {
            Event::Pagefault { rw, addr, kind, .. } => {
                assert_eq!(rw, ReadWrite::Write);
                assert_eq!(addr as usize, 0x7000);
                assert_eq!(kind, FaultKind::Missing);
            }
            e => panic!("{:?}", e),
        }
        #[cfg(feature = "linux4_14")]
        match Event::from_msg(&pf).unwrap() {
            Event::Pagefault { thread_id, .. } => assert_eq!(thread_id.as_raw(), 1234),
            e => panic!("{:?}", e),
        }
        #[cfg(feature = "linux5_7")]
        match Event::from_msg(&msg(0x12, [ffi::UFFD_PAGEFAULT_FLAG_WP, 0, 0])).unwrap() {
            Event::Pagefault { kind, rw, .. } => {
                assert_eq!(kind, FaultKind::WriteProtected);
                assert_eq!(rw, ReadWrite::Read);
            }
            e => panic!("{:?}", e),
        }
        match Event::from_msg(&msg(0x14, [0x1000, 0x5000, 0x2000])).unwrap() {
            Event::Remap { from, to, len } => {
                assert_eq!((from as usize, to as usize, len), (0x1000, 0x5000, 0x2000))
            }
            e => panic!("{:?}", e),
        }
        assert!(matches!(
            Event::from_msg(&msg(0x15, [1, 2, 0])).unwrap(),
            Event::Remove { .. }
        ));
        assert!(matches!(
            Event::from_msg(&msg(0x16, [1, 2, 0])).unwrap(),
            Event::Unmap { .. }
        ));
        assert!(matches!(
            Event::from_msg(&msg(0x42, [0; 3])),
            Err(Error::UnrecognizedEvent(0x42))
        ));
    }
}
