// SPDX-License-Identifier: MIT
//! `Error` and `Result`, with the variants of userfaultfd-rs 0.8.
use crate::errno::Errno;
use crate::flags::IoctlFlags;
use std::fmt;
use std::io;

pub type Result<T> = std::result::Result<T, Error>;

/// Errors of this crate.  Those carrying an `Errno` hold the kernel's
/// value, which both engines give (see userfaultfd(2) and
/// ioctl_userfaultfd(2)).
#[derive(Debug)]
pub enum Error {
    /// UFFDIO_COPY (or UFFDIO_MOVE) failed with this errno.
    CopyFailed(Errno),
    /// UFFDIO_COPY (or UFFDIO_MOVE) did this many bytes, then stopped
    /// (`EAGAIN`).
    PartiallyCopied(usize),
    /// `read` returned a number of bytes that is not whole messages.
    IncompleteMsg { read: usize, expected: usize },
    /// Any other failing call.
    SystemError(Errno),
    /// `read` returned 0.
    ReadEof,
    /// A message with an event code this crate does not know.
    UnrecognizedEvent(u8),
    /// `require_ioctls` asked for ioctls the descriptor does not offer;
    /// the ones it offers.
    UnsupportedIoctls(IoctlFlags),
    /// UFFDIO_ZEROPAGE failed with this errno.
    ZeropageFailed(Errno),
    /// Kept for userfaultfd-rs compatibility: this crate creates its
    /// descriptors through libuffd and reports failures as `SystemError`.
    OpenDevUserfaultfd(io::Error),
}

impl Error {
    /// The errno behind this error, when there is one.
    pub fn errno(&self) -> Option<Errno> {
        match self {
            Error::CopyFailed(e) | Error::SystemError(e) | Error::ZeropageFailed(e) => Some(*e),
            Error::PartiallyCopied(_) => Some(Errno::EAGAIN),
            Error::OpenDevUserfaultfd(e) => e.raw_os_error().map(Errno::from_raw),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::CopyFailed(e) => write!(f, "Copy failed: {}", e),
            Error::PartiallyCopied(n) => write!(f, "Copy partially succeeded: {} bytes", n),
            Error::IncompleteMsg { read, expected } => {
                write!(
                    f,
                    "Incomplete uffd_msg; read only {}/{} bytes",
                    read, expected
                )
            }
            Error::SystemError(e) => write!(f, "System error: {}", e),
            Error::ReadEof => write!(f, "EOF when reading file descriptor"),
            Error::UnrecognizedEvent(n) => write!(f, "Unrecognized event in uffd_msg: {}", n),
            Error::UnsupportedIoctls(s) => {
                write!(f, "Requested ioctls unsupported; supported: {:?}", s)
            }
            Error::ZeropageFailed(e) => write!(f, "Zeropage failed: {}", e),
            Error::OpenDevUserfaultfd(e) => write!(f, "Error accessing /dev/userfaultfd: {}", e),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::SystemError(e) => Some(e),
            Error::OpenDevUserfaultfd(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Errno> for Error {
    fn from(e: Errno) -> Error {
        Error::SystemError(e)
    }
}

impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        match e {
            Error::OpenDevUserfaultfd(e) => e,
            e => match e.errno() {
                Some(n) => io::Error::from_raw_os_error(n.raw()),
                None => io::Error::new(io::ErrorKind::Other, e.to_string()), // io::Error::other needs Rust 1.74
            },
        }
    }
}
