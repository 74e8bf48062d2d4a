// SPDX-License-Identifier: MIT
//! `Uffd`: the descriptor and its operations.  Every ioctl goes through
//! `uffd_ioctl()`, which serves both engines with the kernel's semantics.
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::event::{Event, EventBuffer};
use crate::ffi::{self, uffd_msg};
use crate::flags::{IoctlFlags, RegisterMode};
use std::ffi::{c_void, CStr};
use std::mem::size_of;
use std::os::raw::c_ulong;
use std::os::unix::io::{AsFd, BorrowedFd};
use std::os::unix::io::{AsRawFd, FromRawFd, IntoRawFd, RawFd};

/// The userfaultfd object.  Dropping it closes the descriptor.
///
/// `AsRawFd`/`AsFd` give the descriptor for `poll`/`epoll`: on either
/// engine it is readable exactly when an event is queued.
#[derive(Debug)]
pub struct Uffd {
    fd: RawFd,
}

impl Drop for Uffd {
    fn drop(&mut self) {
        unsafe { ffi::close(self.fd) };
    }
}

impl AsRawFd for Uffd {
    fn as_raw_fd(&self) -> RawFd {
        self.fd
    }
}

impl AsFd for Uffd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        unsafe { BorrowedFd::borrow_raw(self.fd) }
    }
}

impl IntoRawFd for Uffd {
    fn into_raw_fd(self) -> RawFd {
        let fd = self.fd;
        std::mem::forget(self);
        fd
    }
}

impl FromRawFd for Uffd {
    unsafe fn from_raw_fd(fd: RawFd) -> Self {
        Uffd { fd }
    }
}

fn range(start: *const c_void, len: usize) -> ffi::uffdio_range {
    ffi::uffdio_range {
        start: start as usize as u64,
        len: len as u64,
    }
}

fn wake_mode(wake: bool, dontwake: u64) -> u64 {
    if wake {
        0
    } else {
        dontwake
    }
}

/// The result of a range ioctl that reports progress (`copy`, `zeropage`,
/// `continue`, `poison`, `move`): `Ok` with the bytes done, `Err` with the
/// errno (and the bytes done on `EAGAIN`).
fn progress(
    r: std::result::Result<(), Errno>,
    done: i64,
) -> std::result::Result<usize, (Errno, usize)> {
    match r {
        Ok(()) if done >= 0 => Ok(done as usize),
        Ok(()) => Err((Errno::from_raw(-done as i32), 0)),
        Err(Errno::EAGAIN) if done > 0 => Err((Errno::EAGAIN, done as usize)),
        Err(e) => Err((e, 0)),
    }
}

impl Uffd {
    pub(crate) fn ioctl(
        &self,
        request: c_ulong,
        arg: *mut c_void,
    ) -> std::result::Result<(), Errno> {
        if unsafe { ffi::uffd_ioctl(self.fd, request, arg) } < 0 {
            Err(Errno::last())
        } else {
            Ok(())
        }
    }

    /// Registers a range for missing-page faults; returns the ioctls
    /// available on it.
    pub fn register(&self, start: *mut c_void, len: usize) -> Result<IoctlFlags> {
        self.register_with_mode(start, len, RegisterMode::MISSING)
    }

    /// Registers a range in the given modes; returns the ioctls available
    /// on it.
    pub fn register_with_mode(
        &self,
        start: *mut c_void,
        len: usize,
        mode: RegisterMode,
    ) -> Result<IoctlFlags> {
        let mut reg = ffi::uffdio_register {
            range: range(start, len),
            mode: mode.bits(),
            ioctls: 0,
        };
        self.ioctl(ffi::UFFDIO_REGISTER, &mut reg as *mut _ as *mut c_void)?;
        Ok(IoctlFlags::from_bits_retain(reg.ioctls))
    }

    /// Unregisters a range (threads waiting on it are woken).
    pub fn unregister(&self, start: *mut c_void, len: usize) -> Result<()> {
        let mut r = range(start, len);
        self.ioctl(ffi::UFFDIO_UNREGISTER, &mut r as *mut _ as *mut c_void)?;
        Ok(())
    }

    /// Atomically copies `len` bytes from `src` into the missing pages at
    /// `dst`; returns the bytes copied.  `wake`: wake the threads waiting
    /// on the range.
    ///
    /// # Safety
    /// Writes memory at `dst` and reads `src`, as a `memcpy` would.
    pub unsafe fn copy(
        &self,
        src: *const c_void,
        dst: *mut c_void,
        len: usize,
        wake: bool,
    ) -> Result<usize> {
        let mut op = ffi::uffdio_copy {
            dst: dst as usize as u64,
            src: src as usize as u64,
            len: len as u64,
            mode: wake_mode(wake, ffi::MODE_DONTWAKE),
            result: 0,
        };
        let r = self.ioctl(ffi::UFFDIO_COPY, &mut op as *mut _ as *mut c_void);
        progress(r, op.result).map_err(|(e, done)| match e {
            Errno::EAGAIN if done > 0 => Error::PartiallyCopied(done),
            e => Error::CopyFailed(e),
        })
    }

    /// Maps zero pages on the missing pages of a range; returns the bytes
    /// done.
    ///
    /// # Safety
    /// Changes what the range reads as.
    pub unsafe fn zeropage(&self, start: *mut c_void, len: usize, wake: bool) -> Result<usize> {
        let mut op = ffi::uffdio_range_op {
            range: range(start, len),
            mode: wake_mode(wake, ffi::MODE_DONTWAKE),
            result: 0,
        };
        let r = self.ioctl(ffi::UFFDIO_ZEROPAGE, &mut op as *mut _ as *mut c_void);
        progress(r, op.result).map_err(|(e, _)| Error::ZeropageFailed(e))
    }

    /// Wakes the threads waiting on faults in a range.
    pub fn wake(&self, start: *mut c_void, len: usize) -> Result<()> {
        let mut r = range(start, len);
        self.ioctl(ffi::UFFDIO_WAKE, &mut r as *mut _ as *mut c_void)?;
        Ok(())
    }

    fn writeprotect(&self, start: *mut c_void, len: usize, mode: u64) -> Result<()> {
        let mut op = ffi::uffdio_writeprotect {
            range: range(start, len),
            mode,
        };
        self.ioctl(ffi::UFFDIO_WRITEPROTECT, &mut op as *mut _ as *mut c_void)?;
        Ok(())
    }

    /// Write-protects a range registered with `RegisterMode::WRITE_PROTECT`.
    pub fn write_protect(&self, start: *mut c_void, len: usize) -> Result<()> {
        self.writeprotect(start, len, ffi::WRITEPROTECT_MODE_WP)
    }

    /// Removes the write protection of a range; `wake`: wake the threads
    /// waiting on it.
    pub fn remove_write_protection(
        &self,
        start: *mut c_void,
        len: usize,
        wake: bool,
    ) -> Result<()> {
        self.writeprotect(start, len, wake_mode(wake, ffi::WRITEPROTECT_MODE_DONTWAKE))
    }

    fn range_op(
        &self,
        request: c_ulong,
        start: *mut c_void,
        len: usize,
        wake: bool,
    ) -> Result<u64> {
        let mut op = ffi::uffdio_range_op {
            range: range(start, len),
            mode: wake_mode(wake, ffi::MODE_DONTWAKE),
            result: 0,
        };
        let r = self.ioctl(request, &mut op as *mut _ as *mut c_void);
        match progress(r, op.result) {
            Ok(n) => Ok(n as u64),
            Err((Errno::EAGAIN, n)) if n > 0 => Ok(n as u64),
            Err((e, _)) => Err(Error::SystemError(e)),
        }
    }

    /// UFFDIO_CONTINUE: maps the page-cache pages of a range registered
    /// with `RegisterMode::MINOR`; returns the bytes mapped (fewer than
    /// `len` when the kernel stopped with `EAGAIN`).  The name and
    /// signature of userfaultfd-rs 0.9.
    pub fn r#continue(&self, start: *mut c_void, len: usize, wake: bool) -> Result<u64> {
        self.range_op(ffi::UFFDIO_CONTINUE, start, len, wake)
    }

    /// The same as `r#continue`.
    pub fn continue_(&self, start: *mut c_void, len: usize, wake: bool) -> Result<u64> {
        self.r#continue(start, len, wake)
    }

    /// UFFDIO_POISON: marks the missing pages of a range poisoned (an
    /// access raises `SIGBUS`); returns the bytes done.
    pub fn poison(&self, start: *mut c_void, len: usize, wake: bool) -> Result<u64> {
        self.range_op(ffi::UFFDIO_POISON, start, len, wake)
    }

    /// UFFDIO_MOVE: moves the pages at `src` to the missing pages at `dst`
    /// (the source becomes missing); returns the bytes moved.
    /// `allow_src_holes`: skip missing source pages instead of failing.
    ///
    /// # Safety
    /// Changes the contents of both ranges.
    pub unsafe fn move_(
        &self,
        src: *mut c_void,
        dst: *mut c_void,
        len: usize,
        wake: bool,
        allow_src_holes: bool,
    ) -> Result<usize> {
        let holes = if allow_src_holes {
            ffi::MOVE_MODE_ALLOW_SRC_HOLES
        } else {
            0
        };
        let mut op = ffi::uffdio_copy {
            dst: dst as usize as u64,
            src: src as usize as u64,
            len: len as u64,
            mode: wake_mode(wake, ffi::MODE_DONTWAKE) | holes,
            result: 0,
        };
        let r = self.ioctl(ffi::UFFDIO_MOVE, &mut op as *mut _ as *mut c_void);
        progress(r, op.result).map_err(|(e, done)| match e {
            Errno::EAGAIN if done > 0 => Error::PartiallyCopied(done),
            e => Error::CopyFailed(e),
        })
    }

    /// Reads one event: `None` when the uffd is non-blocking and nothing is
    /// queued; otherwise waits for one.
    pub fn read_event(&self) -> Result<Option<Event>> {
        let mut buf = [uffd_msg::zeroed()];
        let n = self.read_msgs(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        Event::from_msg(&buf[0]).map(Some)
    }

    /// Reads as many events as are queued, up to the buffer's size (at
    /// least one unless non-blocking).
    pub fn read_events<'a>(
        &self,
        buf: &'a mut EventBuffer,
    ) -> Result<impl Iterator<Item = Result<Event>> + 'a> {
        let n = self.read_msgs(&mut buf.0)?;
        Ok(buf.0.iter().take(n).map(Event::from_msg))
    }

    /// `read()` on the descriptor: the emulated engine's read when it is an
    /// emulated uffd.  Returns the number of messages (0 on `EAGAIN`).
    fn read_msgs(&self, msgs: &mut [uffd_msg]) -> Result<usize> {
        const MSG: usize = size_of::<uffd_msg>();
        let r = unsafe { ffi::read(self.fd, msgs.as_mut_ptr() as *mut c_void, msgs.len() * MSG) };
        if r < 0 {
            return match Errno::last() {
                Errno::EAGAIN => Ok(0),
                e => Err(Error::SystemError(e)),
            };
        }
        let r = r as usize;
        if r == 0 {
            return Err(Error::ReadEof);
        }
        if r % MSG != 0 {
            return Err(Error::IncompleteMsg {
                read: r % MSG,
                expected: MSG,
            });
        }
        Ok(r / MSG)
    }

    /// `"kernel"` or `"emulated"`: which engine serves this uffd (a libuffd
    /// addition).
    pub fn engine(&self) -> &'static str {
        let p = unsafe { ffi::uffd_engine(self.fd) };
        if p.is_null() {
            return "none";
        }
        // libuffd returns string literals.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("none")
    }
}
