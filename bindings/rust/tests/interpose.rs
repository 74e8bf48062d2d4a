// SPDX-License-Identifier: MIT
//! libuffd's C-library interposers reach a Rust program that links the
//! crate: std's `read` and `close` and the libc-crate style `munmap` are
//! the engine's on an emulated uffd.  Without them the emulated
//! descriptor is a bare pipe: a read returns one token byte, not a
//! 32-byte `uffd_msg`, and munmap raises no UNMAP event.
mod common;

use common::*;
use std::fs::File;
use std::io::Read;
use std::mem::ManuallyDrop;
use std::os::unix::io::{AsRawFd, FromRawFd};
use std::sync::Arc;
use std::thread;
use uffd::*;

fn emulated(features: FeatureFlags) -> Uffd {
    UffdBuilder::new()
        .engine(Engine::Emulated)
        .require_features(features)
        .create()
        .unwrap()
}

/// An emulated uffd with one registered page, and a thread reading that
/// page (it returns the byte it read).
fn one_fault() -> (Uffd, Arc<Region>, thread::JoinHandle<u8>) {
    let uffd = emulated(FeatureFlags::empty());
    let region = Arc::new(Region::anonymous(1));
    uffd.register(region.addr, region.len).unwrap();
    let r = region.clone();
    let reader = thread::spawn(move || unsafe { *(r.addr as *const u8) });
    (uffd, region, reader)
}

#[test]
fn std_read_returns_uffd_msg_on_the_emulated_engine() {
    if !testing(Engine::Emulated) {
        return;
    }
    let (uffd, region, reader) = one_fault();

    // The descriptor read by std::fs::File, i.e. std's call to read().
    let mut file = ManuallyDrop::new(unsafe { File::from_raw_fd(uffd.as_raw_fd()) });
    let mut msg = [0u8; 32];
    let n = bounded("read", move || {
        let n = file.read(&mut msg).unwrap();
        (n, msg)
    });
    let (n, msg) = n;
    assert_eq!(n, 32, "std's read() did not reach libuffd's interposer");
    assert_eq!(msg[0], 0x12, "UFFD_EVENT_PAGEFAULT");
    let addr = u64::from_ne_bytes(msg[16..24].try_into().unwrap());
    assert_eq!(addr as usize, region.addr as usize);
    unsafe { uffd.zeropage(region.addr, region.len, true) }.unwrap();
    assert_eq!(reader.join().unwrap(), 0);
}

#[test]
fn munmap_raises_unmap_on_the_emulated_engine() {
    if !testing(Engine::Emulated) {
        return;
    }
    let uffd = Arc::new(emulated(FeatureFlags::EVENT_UNMAP));
    let region = Region::anonymous(2);
    uffd.register(region.addr, region.len).unwrap();
    let (addr, len) = (region.addr as usize, region.len);
    // munmap waits for the event to be read: unmap on another thread.
    std::mem::forget(region);
    let unmapper = thread::spawn(move || unsafe { munmap(addr as *mut _, len) });
    let u = uffd.clone();
    let ev = bounded("unmap event", move || match u.read_event().unwrap() {
        Some(Event::Unmap { start, end }) => Ok((start as usize, end as usize)),
        e => Err(format!("{:?}", e)),
    });
    assert_eq!(ev, Ok((addr, addr + len)));
    assert_eq!(unmapper.join().unwrap(), 0);
}

#[test]
fn dropping_the_uffd_releases_blocked_faults() {
    if !testing(Engine::Emulated) {
        return;
    }
    // close() through the interposer releases the context at once: a
    // thread blocked on a fault sees a zero page (kernel behaviour when
    // the last uffd reference goes).
    let (uffd, _region, reader) = one_fault();
    let first = uffd.read_event().unwrap();
    assert!(matches!(first, Some(Event::Pagefault { .. })));
    drop(uffd);
    assert_eq!(
        bounded("released reader", move || reader.join().unwrap()),
        0
    );
}

fn recurse(n: u64) -> u64 {
    // A frame the optimiser cannot drop (no tail call, no elided array).
    let frame = [n; 64];
    let kept = unsafe { std::ptr::read_volatile(&frame[3]) };
    if n == 0 {
        0
    } else {
        recurse(n - 1) + kept
    }
}

#[test]
fn std_stack_overflow_report_survives_the_engine() {
    // The engine owns SIGSEGV once an emulated uffd exists; std's handler,
    // installed through the sigaction interposer, must still see the
    // faults the engine does not own.  Checked in a child process.
    use std::os::unix::process::ExitStatusExt;
    const CHILD: &str = "UFFD_RS_OVERFLOW_CHILD";
    if !testing(Engine::Emulated) {
        return;
    }
    if std::env::var_os(CHILD).is_some() {
        let _uffd = emulated(FeatureFlags::empty());
        let _ = thread::spawn(|| recurse(u64::MAX)).join();
        unreachable!("the recursion returned");
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "std_stack_overflow_report_survives_the_engine",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.signal(),
        Some(6),
        "expected SIGABRT; stderr: {}",
        stderr
    );
    assert!(
        stderr.contains("has overflowed its stack"),
        "stderr: {}",
        stderr
    );
}
