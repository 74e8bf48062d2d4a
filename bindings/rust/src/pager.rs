// SPDX-License-Identifier: MIT
//! libuffd's pager (include/uffd_pager.h, docs/pager.md): regions of
//! memory served lazily from a store — a memory image on disk, a page
//! server, Redis — by worker threads inside libuffd, with prefetching and
//! metrics.  A libuffd addition; userfaultfd-rs has nothing like it.
//!
//! ```no_run
//! use uffd::pager::{save_image, Pager, PagerConfig, Store};
//! # fn main() -> std::io::Result<()> {
//! let snapshot = vec![7u8; 64 * 4096];
//! save_image("/tmp/heap.img", &snapshot, "demo")?;
//! let pager = Pager::new(Store::file("/tmp/heap.img")?, &PagerConfig::default())?;
//! let (addr, _region) = pager.map(0, 64)?;      // pages arrive on first touch
//! assert_eq!(unsafe { *(addr as *const u8) }, 7);
//! pager.wait(None)?;                            // or let prefetching finish
//! # Ok(()) }
//! ```
//!
//! Failures are `std::io::Error`s with the exact errno; `diagnostic()`
//! says what failed in words.
use crate::builder::Engine;
use std::ffi::{c_void, CStr, CString};
use std::io;
use std::os::raw::{c_char, c_int, c_uint};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr;
use std::time::Duration;

#[repr(C)]
struct uffd_pager_config {
    engine: c_int,
    workers: c_uint,
    queues: c_uint,
    stripe: usize,
    flags: c_uint,
    readahead: c_uint,
    batch: c_uint,
    replay: *const c_char,
    on_error: c_int,
    timeout_ms: c_uint,
}

const NO_PREFETCH: c_uint = 1 << 0;
const NO_BACKGROUND: c_uint = 1 << 1;
const RECORD: c_uint = 1 << 2;
const STORE_MMAP: c_uint = 1 << 0;
const STORE_NOVERIFY: c_uint = 1 << 1;

/// The pager's metrics (`struct uffd_pager_stats`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct PagerStats {
    /// Pages in the region(s).
    pub pages: u64,
    /// Pages resolved so far.
    pub present: u64,
    /// Fault messages read.
    pub faults: u64,
    /// Pages resolved because a thread faulted on them.
    pub demand_pages: u64,
    /// Pages resolved before any fault on them.
    pub prefetch_pages: u64,
    /// Faults on pages already being prefetched.
    pub joined: u64,
    /// Messages for present pages (answered with a wake).
    pub spurious: u64,
    /// Pages resolved with UFFDIO_ZEROPAGE.
    pub zero_pages: u64,
    /// Bytes copied in with UFFDIO_COPY.
    pub bytes: u64,
    /// Store reads that failed.
    pub store_errors: u64,
    /// Pages given up (zero-filled or SIGBUS).
    pub lost_pages: u64,
    /// SIGBUS sent to faulting threads.
    pub sigbus: u64,
    /// Sum of fault service times.
    pub lat_total_ns: u64,
    pub lat_max_ns: u64,
    /// Service time histogram: bucket 0 < 1 µs, bucket i in [2^(i-1), 2^i) µs.
    pub lat_hist: [u64; 24],
    /// Pager start to first fault (0: none yet).
    pub first_fault_ns: u64,
    /// Pager start to last page present (0: not yet).
    pub complete_ns: u64,
}

extern "C" {
    fn uffd_pager_diagnostic() -> *const c_char;
    fn uffd_image_save(
        path: *const c_char,
        addr: *const c_void,
        len: usize,
        label: *const c_char,
    ) -> c_int;
    fn uffd_store_file_open(path: *const c_char, flags: c_uint) -> *mut c_void;
    fn uffd_store_tcp_open(addr: *const c_char, flags: c_uint, timeout_ms: c_uint) -> *mut c_void;
    fn uffd_store_redis_open(
        addr: *const c_char,
        prefix: *const c_char,
        timeout_ms: c_uint,
    ) -> *mut c_void;
    fn uffd_store_npages(s: *const c_void) -> u64;
    fn uffd_store_page_size(s: *const c_void) -> usize;
    fn uffd_store_name(s: *const c_void) -> *const c_char;
    fn uffd_store_close(s: *mut c_void);
    fn uffd_server_start(addr: *const c_char, image: *const c_char) -> *mut c_void;
    fn uffd_server_address(s: *const c_void) -> *const c_char;
    fn uffd_server_stop(s: *mut c_void);
    fn uffd_pager_new(store: *mut c_void, cfg: *const uffd_pager_config) -> *mut c_void;
    fn uffd_pager_add(p: *mut c_void, addr: *mut c_void, len: usize, first_page: u64) -> c_int;
    fn uffd_pager_map(
        p: *mut c_void,
        first_page: u64,
        npages: usize,
        region: *mut c_int,
    ) -> *mut c_void;
    fn uffd_pager_wait(p: *mut c_void, timeout_ms: c_int) -> c_int;
    fn uffd_pager_complete(p: *mut c_void, timeout_ms: c_int) -> c_int;
    fn uffd_pager_save_plan(p: *mut c_void, path: *const c_char) -> c_int;
    fn uffd_pager_engine(p: *const c_void) -> *const c_char;
    fn uffd_pager_error(p: *mut c_void) -> *const c_char;
    fn uffd_pager_stats(p: *mut c_void, region: c_int, st: *mut PagerStats) -> c_int;
    fn uffd_pager_close(p: *mut c_void) -> c_int;
}

/// Why the last failed pager, store, image or server call of this thread
/// failed, in words; empty after a success.
pub fn diagnostic() -> String {
    text(unsafe { uffd_pager_diagnostic() }).unwrap_or_default()
}

fn text(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

fn c_string(s: &[u8]) -> io::Result<CString> {
    CString::new(s).map_err(|_| io::Error::from_raw_os_error(crate::Errno::EINVAL.raw()))
}

fn c_path<P: AsRef<Path>>(p: P) -> io::Result<CString> {
    c_string(p.as_ref().as_os_str().as_bytes())
}

fn check(r: c_int) -> io::Result<c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn non_null(p: *mut c_void) -> io::Result<*mut c_void> {
    if p.is_null() {
        Err(io::Error::last_os_error())
    } else {
        Ok(p)
    }
}

fn millis(t: Option<Duration>) -> c_int {
    t.map_or(-1, |d| d.as_millis().min(c_int::MAX as u128) as c_int)
}

/// Saves `data` as a memory image at `path` (replaced if it exists); its
/// length must be a multiple of the page size.
pub fn save_image<P: AsRef<Path>>(path: P, data: &[u8], label: &str) -> io::Result<()> {
    let (path, label) = (c_path(path)?, c_string(label.as_bytes())?);
    check(unsafe {
        uffd_image_save(
            path.as_ptr(),
            data.as_ptr() as *const c_void,
            data.len(),
            label.as_ptr(),
        )
    })?;
    Ok(())
}

/// Where a pager takes its pages from.  Closed on drop, or owned by the
/// `Pager` it is given to.
#[derive(Debug)]
pub struct Store(*mut c_void);

unsafe impl Send for Store {}

impl Store {
    /// A memory image file, read with `pread`, each page's checksum verified.
    pub fn file<P: AsRef<Path>>(path: P) -> io::Result<Store> {
        Self::file_with(path, false, true)
    }

    /// A memory image file; `mmap`: copy from a mapping of it; `verify`:
    /// check each page's checksum.
    pub fn file_with<P: AsRef<Path>>(path: P, mmap: bool, verify: bool) -> io::Result<Store> {
        let flags = if mmap { STORE_MMAP } else { 0 } | if verify { 0 } else { STORE_NOVERIFY };
        let path = c_path(path)?;
        non_null(unsafe { uffd_store_file_open(path.as_ptr(), flags) }).map(Store)
    }

    /// A page server (`uffd serve`, `Server`): `HOST:PORT`, `[IPV6]:PORT`
    /// or `unix:PATH`; `timeout` bounds connecting and every reply.
    pub fn tcp(addr: &str, timeout: Duration) -> io::Result<Store> {
        let addr = c_string(addr.as_bytes())?;
        non_null(unsafe { uffd_store_tcp_open(addr.as_ptr(), 0, millis(Some(timeout)) as c_uint) })
            .map(Store)
    }

    /// Redis, with the keys `PREFIX:meta` and `PREFIX:N` (`ENOTSUP` when
    /// libuffd was built without hiredis).
    pub fn redis(addr: &str, prefix: &str, timeout: Duration) -> io::Result<Store> {
        let (addr, prefix) = (c_string(addr.as_bytes())?, c_string(prefix.as_bytes())?);
        non_null(unsafe {
            uffd_store_redis_open(
                addr.as_ptr(),
                prefix.as_ptr(),
                millis(Some(timeout)) as c_uint,
            )
        })
        .map(Store)
    }

    pub fn npages(&self) -> u64 {
        unsafe { uffd_store_npages(self.0) }
    }

    pub fn page_size(&self) -> usize {
        unsafe { uffd_store_page_size(self.0) }
    }

    /// `"file"`, `"tcp"`, `"redis"`...
    pub fn name(&self) -> String {
        text(unsafe { uffd_store_name(self.0) }).unwrap_or_default()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if !self.0.is_null() {
            unsafe { uffd_store_close(self.0) };
        }
    }
}

/// What the pager does once a store has failed for `timeout_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnError {
    /// SIGBUS to the faulting thread.
    Sigbus = 0,
    /// Resolve with zero pages and count them lost.
    Zero = 1,
    /// Keep retrying until the store answers.
    Wait = 2,
}

/// How a pager runs.  `Default` is libuffd's defaults: the engine of
/// `$UFFD_ENGINE`, 2 workers, prefetching on.
#[derive(Clone, Debug)]
pub struct PagerConfig {
    /// `Engine::Auto` follows `$UFFD_ENGINE`.
    pub engine: Engine,
    /// Demand-fault threads (0: 2).
    pub workers: u32,
    /// Userfaultfds the regions are striped over (0: 1).
    pub queues: u32,
    /// Readahead after a fault.
    pub prefetch: bool,
    /// A background sweep of the whole region.
    pub background: bool,
    /// Record the first-touch order (for `save_plan`).
    pub record: bool,
    /// Pages prefetched after a fault (0: 64).
    pub readahead: u32,
    /// A plan saved by `Pager::save_plan`, replayed as a prefetch order.
    pub replay: Option<std::path::PathBuf>,
    pub on_error: OnError,
    /// How long a failing store is retried (0: 2000 ms).
    pub timeout_ms: u32,
}

impl Default for PagerConfig {
    fn default() -> Self {
        PagerConfig {
            engine: Engine::Auto,
            workers: 0,
            queues: 0,
            prefetch: true,
            background: true,
            record: false,
            readahead: 0,
            replay: None,
            on_error: OnError::Sigbus,
            timeout_ms: 0,
        }
    }
}

/// A pager: owns its store, userfaultfds and worker threads.  Dropping it
/// closes it (pages still missing then read as zero); the memory stays
/// mapped.
#[derive(Debug)]
pub struct Pager(*mut c_void);

unsafe impl Send for Pager {}
unsafe impl Sync for Pager {}

impl Pager {
    /// A pager serving from `store`; its threads run from now on.
    pub fn new(store: Store, cfg: &PagerConfig) -> io::Result<Pager> {
        let replay = cfg.replay.as_ref().map(c_path).transpose()?;
        let flags = if cfg.prefetch { 0 } else { NO_PREFETCH }
            | if cfg.background { 0 } else { NO_BACKGROUND }
            | if cfg.record { RECORD } else { 0 };
        let c = uffd_pager_config {
            engine: cfg.engine as c_int,
            workers: cfg.workers,
            queues: cfg.queues,
            stripe: 0,
            flags,
            readahead: cfg.readahead,
            batch: 0,
            replay: replay.as_ref().map_or(ptr::null(), |r| r.as_ptr()),
            on_error: cfg.on_error as c_int,
            timeout_ms: cfg.timeout_ms,
        };
        // The pager owns the store from here on, even when this fails.
        let s = store.0;
        std::mem::forget(store);
        non_null(unsafe { uffd_pager_new(s, &c) }).map(Pager)
    }

    /// Registers `[addr, addr + len)` — private anonymous memory whose
    /// pages are all missing — for the store's pages from `first_page`;
    /// returns the region's number.
    ///
    /// # Safety
    /// The range's contents become the store's, written by other threads.
    pub unsafe fn add(&self, addr: *mut c_void, len: usize, first_page: u64) -> io::Result<i32> {
        check(uffd_pager_add(self.0, addr, len, first_page))
    }

    /// Maps fresh memory for `npages` pages from `first_page` and adds it:
    /// its address and region number.  It stays mapped after the pager
    /// closes.
    pub fn map(&self, first_page: u64, npages: usize) -> io::Result<(*mut c_void, i32)> {
        let mut region = 0;
        let addr = non_null(unsafe { uffd_pager_map(self.0, first_page, npages, &mut region) })?;
        Ok((addr, region))
    }

    /// Waits until every page is present (`None`: no limit); `TimedOut`
    /// after the timeout, `EIO` when the store failed and pages were given
    /// up (see `error`).
    pub fn wait(&self, timeout: Option<Duration>) -> io::Result<()> {
        check(unsafe { uffd_pager_wait(self.0, millis(timeout)) }).map(drop)
    }

    /// Fetches every page still missing, then waits as `wait`.
    pub fn complete(&self, timeout: Option<Duration>) -> io::Result<()> {
        check(unsafe { uffd_pager_complete(self.0, millis(timeout)) }).map(drop)
    }

    /// Saves the first-touch order recorded so far (`record`).
    pub fn save_plan<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        let path = c_path(path)?;
        check(unsafe { uffd_pager_save_plan(self.0, path.as_ptr()) }).map(drop)
    }

    /// `"kernel"` or `"emulated"`.
    pub fn engine(&self) -> String {
        text(unsafe { uffd_pager_engine(self.0) }).unwrap_or_default()
    }

    /// The first store failure, in words.
    pub fn error(&self) -> Option<String> {
        text(unsafe { uffd_pager_error(self.0) })
    }

    /// Metrics of one region, or of all with `None`.
    pub fn stats(&self, region: Option<i32>) -> io::Result<PagerStats> {
        let mut st = PagerStats::default();
        check(unsafe { uffd_pager_stats(self.0, region.unwrap_or(-1), &mut st) })?;
        Ok(st)
    }

    /// Stops the threads, unregisters the regions, closes the store.
    pub fn close(mut self) -> io::Result<()> {
        let p = std::mem::replace(&mut self.0, ptr::null_mut());
        check(unsafe { uffd_pager_close(p) }).map(drop)
    }
}

impl Drop for Pager {
    fn drop(&mut self) {
        if !self.0.is_null() {
            unsafe { uffd_pager_close(self.0) };
        }
    }
}

/// A page server in this process (what `uffd serve` runs), serving an
/// image to `Store::tcp` pagers.  Stopped on drop.
#[derive(Debug)]
pub struct Server(*mut c_void);

unsafe impl Send for Server {}

impl Server {
    /// Serves `image` on `addr` (`HOST:PORT`, port 0 for a free one, or
    /// `unix:PATH`).
    pub fn start<P: AsRef<Path>>(addr: &str, image: P) -> io::Result<Server> {
        let (addr, image) = (c_string(addr.as_bytes())?, c_path(image)?);
        non_null(unsafe { uffd_server_start(addr.as_ptr(), image.as_ptr()) }).map(Server)
    }

    /// The address bound, e.g. `127.0.0.1:40123`.
    pub fn address(&self) -> String {
        text(unsafe { uffd_server_address(self.0) }).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        unsafe { uffd_server_stop(self.0) };
    }
}
