// SPDX-License-Identifier: MIT
//! What the integration tests share: mappings, the engine loop, a
//! bounded wait.
#![allow(dead_code)]

use std::ffi::c_void;
use std::os::raw::{c_char, c_int, c_long};
use std::sync::mpsc;
use std::time::Duration;
use uffd::{Engine, Uffd, UffdBuilder};

pub const PROT_READ: c_int = 1;
pub const PROT_WRITE: c_int = 2;
pub const MAP_SHARED: c_int = 0x01;
pub const MAP_PRIVATE: c_int = 0x02;
pub const MAP_ANONYMOUS: c_int = 0x20;
pub const MADV_DONTNEED: c_int = 4;

extern "C" {
    pub fn mmap(
        addr: *mut c_void,
        len: usize,
        prot: c_int,
        flags: c_int,
        fd: c_int,
        off: i64,
    ) -> *mut c_void;
    pub fn munmap(addr: *mut c_void, len: usize) -> c_int;
    pub fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int;
    pub fn sysconf(name: c_int) -> c_long;
    pub fn gettid() -> c_int;
    pub fn memfd_create(name: *const c_char, flags: u32) -> c_int;
}

pub fn page_size() -> usize {
    unsafe {
        sysconf(30 /* _SC_PAGESIZE */) as usize
    }
}

/// A mapping, unmapped on drop.
pub struct Region {
    pub addr: *mut c_void,
    pub len: usize,
}

unsafe impl Send for Region {}
unsafe impl Sync for Region {}

impl Region {
    pub fn anonymous(pages: usize) -> Region {
        Self::map(pages, MAP_PRIVATE | MAP_ANONYMOUS, -1)
    }
    pub fn map(pages: usize, flags: c_int, fd: c_int) -> Region {
        let len = pages * page_size();
        let addr = unsafe {
            mmap(
                std::ptr::null_mut(),
                len,
                PROT_READ | PROT_WRITE,
                flags,
                fd,
                0,
            )
        };
        assert!(
            addr as isize != -1,
            "mmap: {}",
            std::io::Error::last_os_error()
        );
        Region { addr, len }
    }
    pub fn page(&self, i: usize) -> *mut c_void {
        unsafe { (self.addr as *mut u8).add(i * page_size()) as *mut c_void }
    }
    /// An address to move to another thread.
    pub fn at(&self, i: usize) -> usize {
        self.page(i) as usize
    }
}

impl Drop for Region {
    fn drop(&mut self) {
        unsafe { munmap(self.addr, self.len) };
    }
}

pub fn name(e: Engine) -> &'static str {
    match e {
        Engine::Kernel => "kernel",
        Engine::Emulated => "emulated",
        Engine::Auto => "auto",
    }
}

/// The engines to test: `$UFFD_TEST_ENGINES` (as test/run.sh), default
/// both.
pub fn engines() -> Vec<Engine> {
    let list = std::env::var("UFFD_TEST_ENGINES").unwrap_or_else(|_| "kernel emulated".into());
    list.split_whitespace()
        .filter_map(|w| match w {
            "kernel" => Some(Engine::Kernel),
            "emulated" => Some(Engine::Emulated),
            _ => None,
        })
        .collect()
}

/// For a test of one engine only: false (and a SKIP line, which
/// bindings/run.sh reports) when that engine is not being tested.
pub fn testing(e: Engine) -> bool {
    let yes = engines().contains(&e);
    if !yes {
        println!("SKIP: tests the {} engine only", name(e));
    }
    yes
}

/// Runs `body` once per engine with a builder set to it; an engine that
/// cannot be created here is reported (a SKIP line) and skipped.
pub fn each_engine(
    test: &str,
    mut configure: impl FnMut(&mut UffdBuilder),
    mut body: impl FnMut(Engine, Uffd),
) {
    for e in engines() {
        let mut b = UffdBuilder::new();
        b.close_on_exec(true).engine(e);
        configure(&mut b);
        match b.create() {
            Ok(u) => {
                assert_eq!(u.engine(), name(e));
                body(e, u);
                eprintln!("PASS {} [{}]", test, name(e));
            }
            Err(err) => println!(
                "SKIP: {} [{}]: {} ({})",
                test,
                name(e),
                err,
                uffd::diagnostic()
            ),
        }
    }
}

/// Runs `f` on a new thread and waits for it at most 20 s (a hang becomes
/// a failure, not a stuck test run).
pub fn bounded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(20))
        .unwrap_or_else(|_| panic!("{}: no result within 20 s", what))
}
