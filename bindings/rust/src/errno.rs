// SPDX-License-Identifier: MIT
//! `Errno` and `Pid`: what userfaultfd-rs takes from the nix crate, with
//! the names code matches on (`Errno::EAGAIN`, `Pid::from_raw`...).
use std::fmt;
use std::io;

/// An errno value.  The constants can be used in patterns:
/// `Err(Error::CopyFailed(Errno::EEXIST)) => ...`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Errno(i32);

macro_rules! errno_consts {
    ($($name:ident = $value:expr;)*) => {
        impl Errno {
            $( pub const $name: Errno = Errno($value); )*
            fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some(stringify!($name)), )*
                    _ => None,
                }
            }
        }
    };
}

// The Linux values (the same on every architecture this crate builds for).
errno_consts! {
    EPERM = 1; ENOENT = 2; ESRCH = 3; EINTR = 4; EIO = 5; ENXIO = 6;
    E2BIG = 7; ENOEXEC = 8; EBADF = 9; ECHILD = 10; EAGAIN = 11;
    ENOMEM = 12; EACCES = 13; EFAULT = 14; EBUSY = 16; EEXIST = 17;
    ENODEV = 19; EINVAL = 22; ENFILE = 23; EMFILE = 24; ENOTTY = 25;
    ENOSPC = 28; ESPIPE = 29; EROFS = 30; EPIPE = 32; ERANGE = 34;
    ENOSYS = 38; EHWPOISON = 133; EOPNOTSUPP = 95; ECONNRESET = 104;
    ETIMEDOUT = 110;
}

impl Errno {
    /// `EWOULDBLOCK` is `EAGAIN` on Linux.
    pub const EWOULDBLOCK: Errno = Errno::EAGAIN;
    /// `ENOTSUP` is `EOPNOTSUPP` on Linux.
    pub const ENOTSUP: Errno = Errno::EOPNOTSUPP;

    /// The calling thread's `errno`.
    pub fn last() -> Errno {
        Errno(io::Error::last_os_error().raw_os_error().unwrap_or(0))
    }
    pub const fn from_raw(value: i32) -> Errno {
        Errno(value)
    }
    /// The name nix gives this constructor.
    pub const fn from_i32(value: i32) -> Errno {
        Errno(value)
    }
    /// The number.
    pub const fn raw(self) -> i32 {
        self.0
    }
    /// The C library's text for it (`strerror`).
    pub fn desc(self) -> String {
        let text = io::Error::from_raw_os_error(self.0).to_string();
        match text.find(" (os error") {
            Some(at) => text[..at].to_string(),
            None => text,
        }
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{}", n),
            None => write!(f, "Errno({})", self.0),
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self, self.desc())
    }
}

impl std::error::Error for Errno {}

impl From<Errno> for io::Error {
    fn from(e: Errno) -> io::Error {
        io::Error::from_raw_os_error(e.0)
    }
}

/// A thread or process id (the faulting thread of a page fault).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pid(i32);

impl Pid {
    pub const fn from_raw(pid: i32) -> Pid {
        Pid(pid)
    }
    pub const fn as_raw(self) -> i32 {
        self.0
    }
    /// The calling process.
    pub fn this() -> Pid {
        Pid(std::process::id() as i32)
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_patterns() {
        assert_eq!(format!("{:?}", Errno::EEXIST), "EEXIST");
        assert!(Errno::EINVAL.desc().contains("nvalid"));
        assert!(matches!(Errno::from_raw(11), Errno::EAGAIN));
        assert_eq!(
            io::Error::from(Errno::ENOENT).kind(),
            io::ErrorKind::NotFound
        );
    }
}
