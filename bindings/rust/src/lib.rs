// SPDX-License-Identifier: MIT
//! Linux userfaultfd through libuffd, with the API of the `userfaultfd`
//! crate (userfaultfd-rs 0.8).
//!
//! Code written for userfaultfd-rs builds unchanged against this crate:
//! depend on it under the old name,
//!
//! ```toml
//! [dependencies]
//! userfaultfd = { package = "uffd", path = "…/bindings/rust" }
//! ```
//!
//! and the uffds it creates come from libuffd: the kernel's userfaultfd, or,
//! where that is blocked (container seccomp profiles,
//! `vm.unprivileged_userfaultfd=0`, gVisor...), libuffd's emulated engine
//! with the same semantics.  `$UFFD_ENGINE` (`auto`, `kernel`,
//! `emulated`) chooses, or `UffdBuilder::engine`.
//!
//! libuffd is linked statically and whole: it interposes C library
//! functions (`read`, `close`, `poll`, `mmap`, `munmap`, `sigaction`...)
//! for the whole program, which the emulated engine needs.  See
//! bindings/rust/README.md.
//!
//! Additions to the userfaultfd-rs API: `Engine`, `UffdBuilder::engine`,
//! `Uffd::engine`, `Uffd::continue_` (also `r#continue`, as in 0.9),
//! `Uffd::poison`, `Uffd::move_`, `diagnostic()`, the flag constants of
//! every feature and ioctl of Linux 6.18, and the `pager` module.

mod builder;
mod errno;
mod error;
mod event;
mod ffi;
mod flags;
pub mod pager;
mod uffd;

pub use crate::builder::{diagnostic, Engine, UffdBuilder};
pub use crate::errno::{Errno, Pid};
pub use crate::error::{Error, Result};
pub use crate::event::{Event, EventBuffer, FaultKind, ReadWrite};
pub use crate::flags::{FeatureFlags, IoctlFlags, RegisterMode};
pub use crate::uffd::Uffd;
