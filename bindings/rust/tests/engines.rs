// SPDX-License-Identifier: MIT
//! The userfaultfd-rs API on both engines: each test runs once with
//! `Engine::Kernel` and once with `Engine::Emulated` and expects the
//! kernel's behaviour from both.
mod common;

use common::*;
use std::ffi::c_void;
use std::sync::Arc;
use std::thread;
use uffd::*;

/// A page whose every byte is `v`.
fn page_of(v: u8) -> Vec<u8> {
    vec![v; page_size()]
}

#[test]
fn serves_missing_pages_with_copy() {
    each_engine(
        "serves_missing_pages_with_copy",
        |_| {},
        |_, uffd| {
            const PAGES: usize = 64;
            let region = Arc::new(Region::anonymous(PAGES));
            let ioctls = uffd.register(region.addr, region.len).unwrap();
            assert!(ioctls.contains(IoctlFlags::COPY | IoctlFlags::ZEROPAGE | IoctlFlags::WAKE));

            let r = region.clone();
            let toucher = thread::spawn(move || {
                (0..PAGES)
                    .map(|i| unsafe { *(r.page(i) as *const u8) } as usize)
                    .sum::<usize>()
            });
            let uffd = Arc::new(uffd);
            let u = uffd.clone();
            let base = region.addr as usize;
            bounded("serve", move || {
                for _ in 0..PAGES {
                    match u.read_event().unwrap() {
                        Some(Event::Pagefault { rw, addr, kind, .. }) => {
                            assert_eq!(rw, ReadWrite::Read);
                            assert_eq!(kind, FaultKind::Missing);
                            let i = (addr as usize - base) / page_size();
                            let src = page_of(i as u8 + 1);
                            let n = unsafe {
                                u.copy(src.as_ptr() as *const c_void, addr, page_size(), true)
                            }
                            .unwrap();
                            assert_eq!(n, page_size());
                        }
                        e => panic!("unexpected {:?}", e),
                    }
                }
            });
            assert_eq!(toucher.join().unwrap(), (1..=PAGES).sum::<usize>());
            uffd.unregister(region.addr, region.len).unwrap();
        },
    );
}

#[test]
fn nonblocking_read_returns_none() {
    each_engine(
        "nonblocking_read_returns_none",
        |b| {
            b.non_blocking(true);
        },
        |_, uffd| {
            let region = Region::anonymous(1);
            uffd.register(region.addr, region.len).unwrap();
            assert!(uffd.read_event().unwrap().is_none());
            let mut buf = EventBuffer::new(4);
            assert_eq!(uffd.read_events(&mut buf).unwrap().count(), 0);
        },
    );
}

#[test]
fn read_events_returns_several_faults() {
    each_engine(
        "read_events_returns_several_faults",
        |_| {},
        |_, uffd| {
            const THREADS: usize = 4;
            let region = Arc::new(Region::anonymous(THREADS));
            uffd.register(region.addr, region.len).unwrap();
            let writers: Vec<_> = (0..THREADS)
                .map(|i| {
                    let r = region.clone();
                    thread::spawn(move || unsafe { *(r.page(i) as *mut u8) = 7 })
                })
                .collect();
            let uffd = Arc::new(uffd);
            let u = uffd.clone();
            let seen = bounded("read_events", move || {
                let mut buf = EventBuffer::new(THREADS);
                let mut seen = 0;
                while seen < THREADS {
                    for ev in u.read_events(&mut buf).unwrap() {
                        match ev.unwrap() {
                            Event::Pagefault {
                                rw: ReadWrite::Write,
                                addr,
                                ..
                            } => {
                                unsafe { u.zeropage(addr, page_size(), true) }.unwrap();
                                seen += 1;
                            }
                            e => panic!("unexpected {:?}", e),
                        }
                    }
                }
                seen
            });
            assert_eq!(seen, THREADS);
            for w in writers {
                w.join().unwrap();
            }
            for i in 0..THREADS {
                assert_eq!(unsafe { *(region.page(i) as *const u8) }, 7);
            }
        },
    );
}

#[test]
fn errors_carry_the_kernel_errno() {
    each_engine(
        "errors_carry_the_kernel_errno",
        |_| {},
        |_, uffd| {
            let region = Region::anonymous(2);
            let unaligned = unsafe { (region.addr as *mut u8).add(1) } as *mut c_void;
            match uffd.register(unaligned, page_size()) {
                Err(Error::SystemError(Errno::EINVAL)) => {}
                r => panic!("unaligned register: {:?}", r),
            }
            uffd.register(region.addr, region.len).unwrap();
            let src = page_of(3);
            let copy =
                |dst| unsafe { uffd.copy(src.as_ptr() as *const c_void, dst, page_size(), true) };
            assert_eq!(copy(region.addr).unwrap(), page_size());
            match copy(region.addr) {
                Err(Error::CopyFailed(Errno::EEXIST)) => {}
                r => panic!("second copy: {:?}", r),
            }
            match unsafe { uffd.zeropage(region.addr, page_size(), true) } {
                Err(Error::ZeropageFailed(Errno::EEXIST)) => {}
                r => panic!("zeropage on a present page: {:?}", r),
            }
            // Not registered: the kernel answers ENOENT for a copy outside any
            // registered range.
            let other = Region::anonymous(1);
            match copy(other.addr) {
                Err(Error::CopyFailed(Errno::ENOENT)) => {}
                r => panic!("copy outside: {:?}", r),
            }
            let e = Error::CopyFailed(Errno::EEXIST);
            assert_eq!(e.errno(), Some(Errno::EEXIST));
            assert_eq!(std::io::Error::from(e).raw_os_error(), Some(17));
        },
    );
}

#[test]
fn required_ioctls_and_features() {
    each_engine(
        "required_ioctls_and_features",
        |b| {
            b.require_features(FeatureFlags::THREAD_ID)
                .require_ioctls(IoctlFlags::REGISTER | IoctlFlags::API);
        },
        |_, _| {},
    );
}

#[test]
fn emulated_refuses_what_it_lacks() {
    if !testing(Engine::Emulated) {
        return;
    }
    // WP_ASYNC is a kernel-only feature: the emulated engine refuses it
    // with EINVAL, as a kernel without it does.
    match UffdBuilder::new()
        .engine(Engine::Emulated)
        .require_features(FeatureFlags::WP_ASYNC)
        .create()
    {
        Err(Error::SystemError(Errno::EINVAL)) => {}
        r => panic!(
            "WP_ASYNC on the emulated engine: {:?}",
            r.map(|u| u.engine())
        ),
    }
    let bogus = IoctlFlags::from_bits_retain(1 << 50);
    match UffdBuilder::new()
        .engine(Engine::Emulated)
        .require_ioctls(bogus)
        .create()
    {
        Err(Error::UnsupportedIoctls(got)) => assert!(got.contains(IoctlFlags::API)),
        r => panic!("bogus ioctl: {:?}", r.map(|u| u.engine())),
    }
}

#[cfg(feature = "linux4_14")]
#[test]
fn thread_id_names_the_faulting_thread() {
    each_engine(
        "thread_id_names_the_faulting_thread",
        |b| {
            b.require_features(FeatureFlags::THREAD_ID);
        },
        |_, uffd| {
            let region = Arc::new(Region::anonymous(1));
            uffd.register(region.addr, region.len).unwrap();
            let r = region.clone();
            let toucher = thread::spawn(move || {
                let tid = unsafe { gettid() };
                unsafe { *(r.addr as *mut u8) = 1 };
                tid
            });
            match uffd.read_event().unwrap() {
                Some(Event::Pagefault {
                    thread_id, addr, ..
                }) => {
                    unsafe { uffd.zeropage(addr, page_size(), true) }.unwrap();
                    assert_eq!(thread_id.as_raw(), toucher.join().unwrap());
                }
                e => panic!("unexpected {:?}", e),
            }
        },
    );
}

#[cfg(feature = "linux5_7")]
#[test]
fn write_protect_faults_and_resolves() {
    each_engine(
        "write_protect_faults_and_resolves",
        |b| {
            b.require_features(FeatureFlags::PAGEFAULT_FLAG_WP);
        },
        |_, uffd| {
            let region = Arc::new(Region::anonymous(1));
            let ioctls = uffd
                .register_with_mode(
                    region.addr,
                    region.len,
                    RegisterMode::MISSING | RegisterMode::WRITE_PROTECT,
                )
                .unwrap();
            assert!(ioctls.contains(IoctlFlags::WRITE_PROTECT));
            let src = page_of(5);
            unsafe {
                uffd.copy(
                    src.as_ptr() as *const c_void,
                    region.addr,
                    page_size(),
                    true,
                )
            }
            .unwrap();
            uffd.write_protect(region.addr, region.len).unwrap();
            let r = region.clone();
            let writer = thread::spawn(move || unsafe { *(r.addr as *mut u8) = 9 });
            match uffd.read_event().unwrap() {
                Some(Event::Pagefault {
                    kind: FaultKind::WriteProtected,
                    rw: ReadWrite::Write,
                    addr,
                    ..
                }) => {
                    assert_eq!(addr, region.addr);
                    // Still protected: the write has not happened.
                    assert_eq!(unsafe { *(region.addr as *const u8) }, 5);
                    uffd.remove_write_protection(addr, page_size(), true)
                        .unwrap();
                }
                e => panic!("unexpected {:?}", e),
            }
            writer.join().unwrap();
            assert_eq!(unsafe { *(region.addr as *const u8) }, 9);
        },
    );
}

#[test]
fn move_and_poison() {
    each_engine(
        "move_and_poison",
        |b| {
            b.require_features(FeatureFlags::MOVE | FeatureFlags::POISON);
        },
        |_, uffd| {
            let dst = Region::anonymous(2);
            let src = Region::anonymous(1);
            unsafe { std::ptr::write_bytes(src.addr as *mut u8, 0x5a, page_size()) };
            let ioctls = uffd.register(dst.addr, dst.len).unwrap();
            assert!(ioctls.contains(IoctlFlags::MOVE | IoctlFlags::POISON));
            let n = unsafe { uffd.move_(src.addr, dst.addr, page_size(), true, false) }.unwrap();
            assert_eq!(n, page_size());
            assert_eq!(unsafe { *(dst.addr as *const u8).add(100) }, 0x5a);
            // The source page is gone: it reads as a fresh zero page.
            assert_eq!(unsafe { *(src.addr as *const u8) }, 0);
            assert_eq!(
                uffd.poison(dst.page(1), page_size(), true).unwrap(),
                page_size() as u64
            );
            // The kernel's rules: poisoning or zero-filling a poisoned page is
            // EEXIST (strict "none" check), a copy replaces the poison.
            match uffd.poison(dst.page(1), page_size(), true) {
                Err(Error::SystemError(Errno::EEXIST)) => {}
                r => panic!("poison twice: {:?}", r),
            }
            match unsafe { uffd.zeropage(dst.page(1), page_size(), true) } {
                Err(Error::ZeropageFailed(Errno::EEXIST)) => {}
                r => panic!("zeropage over poison: {:?}", r),
            }
            let data = page_of(1);
            let n = unsafe {
                uffd.copy(
                    data.as_ptr() as *const c_void,
                    dst.page(1),
                    page_size(),
                    true,
                )
            };
            assert_eq!(n.unwrap(), page_size());
            assert_eq!(unsafe { *(dst.page(1) as *const u8) }, 1);
        },
    );
}

#[test]
fn remove_event_from_madvise() {
    each_engine(
        "remove_event_from_madvise",
        |b| {
            b.require_features(FeatureFlags::EVENT_REMOVE);
        },
        |_, uffd| {
            let region = Arc::new(Region::anonymous(4));
            uffd.register(region.addr, region.len).unwrap();
            unsafe { uffd.zeropage(region.addr, region.len, true) }.unwrap();
            let r = region.clone();
            // The caller of madvise waits until the event is read.
            let adviser = thread::spawn(move || unsafe {
                madvise(r.page(1), 2 * page_size(), MADV_DONTNEED)
            });
            let u = Arc::new(uffd);
            let u2 = u.clone();
            let ev = bounded("remove event", move || match u2.read_event().unwrap() {
                Some(Event::Remove { start, end }) => Ok((start as usize, end as usize)),
                e => Err(format!("{:?}", e)),
            });
            assert_eq!(ev, Ok((region.at(1), region.at(3))));
            assert_eq!(adviser.join().unwrap(), 0);
        },
    );
}

#[cfg(feature = "linux5_13")]
#[test]
fn minor_faults_on_shmem_with_continue() {
    each_engine(
        "minor_faults_on_shmem_with_continue",
        |b| {
            b.require_features(FeatureFlags::MINOR_SHMEM);
        },
        |_, uffd| {
            let fd = unsafe { memfd_create(b"uffd-minor\0".as_ptr() as *const _, 0) };
            assert!(fd >= 0);
            let file = unsafe { <std::fs::File as std::os::unix::io::FromRawFd>::from_raw_fd(fd) };
            file.set_len(page_size() as u64).unwrap();
            let filler = Region::map(1, MAP_SHARED, fd);
            let view = Arc::new(Region::map(1, MAP_SHARED, fd));
            unsafe { std::ptr::write_bytes(filler.addr as *mut u8, 0x33, page_size()) };
            uffd.register_with_mode(view.addr, view.len, RegisterMode::MINOR)
                .unwrap();
            let v = view.clone();
            let reader = thread::spawn(move || unsafe { *(v.addr as *const u8) });
            match uffd.read_event().unwrap() {
                Some(Event::Pagefault {
                    kind: FaultKind::Minor,
                    addr,
                    ..
                }) => {
                    assert_eq!(
                        uffd.r#continue(addr, page_size(), true).unwrap(),
                        page_size() as u64
                    );
                }
                e => panic!("unexpected {:?}", e),
            }
            assert_eq!(reader.join().unwrap(), 0x33);
            drop(file);
        },
    );
}
