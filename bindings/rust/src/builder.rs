// SPDX-License-Identifier: MIT
//! `UffdBuilder` (the userfaultfd-rs builder) and `Engine` (libuffd's
//! choice of implementation).
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::ffi;
use crate::flags::{FeatureFlags, IoctlFlags};
use crate::uffd::Uffd;
use std::ffi::c_void;
use std::os::unix::io::FromRawFd;

/// Which implementation a new uffd uses (libuffd's `enum uffd_engine_kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    /// The kernel's userfaultfd when it can be created here, else the
    /// emulated engine.
    Auto = 0,
    /// Only the kernel's userfaultfd; creation fails with its errno.
    Kernel = 1,
    /// libuffd's user-space implementation.
    Emulated = 2,
}

/// A builder for `Uffd` objects.
///
/// ```
/// let uffd = uffd::UffdBuilder::new()
///     .close_on_exec(true)
///     .non_blocking(true)
///     .user_mode_only(true)
///     .create();
/// assert!(uffd.is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct UffdBuilder {
    close_on_exec: bool,
    non_blocking: bool,
    user_mode_only: bool,
    req_features: FeatureFlags,
    req_ioctls: IoctlFlags,
    engine: Option<Engine>,
}

impl Default for UffdBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl UffdBuilder {
    /// No required features or ioctls, `close_on_exec` and `non_blocking`
    /// off, `user_mode_only` on, the engine chosen by `$UFFD_ENGINE`
    /// (`auto` when unset).
    pub fn new() -> UffdBuilder {
        UffdBuilder {
            close_on_exec: false,
            non_blocking: false,
            user_mode_only: true,
            req_features: FeatureFlags::empty(),
            req_ioctls: IoctlFlags::empty(),
            engine: None,
        }
    }

    /// `O_CLOEXEC` on the descriptor.
    pub fn close_on_exec(&mut self, close_on_exec: bool) -> &mut Self {
        self.close_on_exec = close_on_exec;
        self
    }

    /// `O_NONBLOCK`: `Uffd::read_event()` returns `None` at once when no
    /// event is queued instead of waiting for one.
    pub fn non_blocking(&mut self, non_blocking: bool) -> &mut Self {
        self.non_blocking = non_blocking;
        self
    }

    /// `UFFD_USER_MODE_ONLY`: only faults taken in user mode are reported
    /// (no `CAP_SYS_PTRACE` needed on the `userfaultfd(2)` path).
    pub fn user_mode_only(&mut self, user_mode_only: bool) -> &mut Self {
        self.user_mode_only = user_mode_only;
        self
    }

    /// Features to enable in `UFFDIO_API`; `create()` fails (`EINVAL`)
    /// when one is not available.
    pub fn require_features(&mut self, feature: FeatureFlags) -> &mut Self {
        self.req_features |= feature;
        self
    }

    /// Ioctls `create()` checks are available (`Error::UnsupportedIoctls`
    /// otherwise).
    pub fn require_ioctls(&mut self, ioctls: IoctlFlags) -> &mut Self {
        self.req_ioctls |= ioctls;
        self
    }

    /// The engine, overriding `$UFFD_ENGINE` (a libuffd addition).
    pub fn engine(&mut self, engine: Engine) -> &mut Self {
        self.engine = Some(engine);
        self
    }

    /// Creates the uffd and issues `UFFDIO_API` with the required features.
    pub fn create(&self) -> Result<Uffd> {
        let mut flags = 0;
        if self.close_on_exec {
            flags |= ffi::O_CLOEXEC;
        }
        if self.non_blocking {
            flags |= ffi::O_NONBLOCK;
        }
        if self.user_mode_only {
            flags |= ffi::UFFD_USER_MODE_ONLY;
        }
        let fd = unsafe {
            match self.engine {
                None => ffi::uffd_open(flags),
                Some(e) => ffi::uffd_open_engine(flags, e as i32),
            }
        };
        if fd < 0 {
            return Err(Error::SystemError(Errno::last()));
        }
        let uffd = unsafe { Uffd::from_raw_fd(fd) };
        let mut api = ffi::uffdio_api {
            api: ffi::UFFD_API,
            features: self.req_features.bits(),
            ioctls: 0,
        };
        uffd.ioctl(ffi::UFFDIO_API, &mut api as *mut _ as *mut c_void)?;
        let supported = IoctlFlags::from_bits_retain(api.ioctls);
        if !supported.contains(self.req_ioctls) {
            return Err(Error::UnsupportedIoctls(supported));
        }
        Ok(uffd)
    }
}

/// Why the last `create()` of the calling thread failed and what would
/// fix it, as one line (libuffd's `uffd_diagnostic()`).  Empty after a
/// success.
pub fn diagnostic() -> String {
    let p = unsafe { ffi::uffd_diagnostic() };
    if p.is_null() {
        return String::new();
    }
    unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned()
}
