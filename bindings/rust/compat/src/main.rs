// SPDX-License-Identifier: MIT
//! Serves 256 pages the way userfaultfd-rs programs do: builder, register,
//! a handler thread looping on `read_event` and `copy`, the main thread
//! touching the pages.  Usage: uffd-compat kernel|emulated
use std::ffi::c_void;
use std::thread;
use userfaultfd::{Engine, Event, UffdBuilder};

const PAGES: usize = 256;
const PAGE_SIZE: usize = 4096;

extern "C" {
    fn mmap(addr: *mut c_void, len: usize, prot: i32, flags: i32, fd: i32, off: i64)
        -> *mut c_void;
}

fn main() {
    let engine = match std::env::args().nth(1).as_deref() {
        Some("kernel") => Engine::Kernel,
        Some("emulated") => Engine::Emulated,
        _ => Engine::Auto,
    };
    let uffd = UffdBuilder::new()
        .close_on_exec(true)
        .non_blocking(false)
        .user_mode_only(true)
        .engine(engine)
        .create()
        .expect("uffd creation");

    let len = PAGES * PAGE_SIZE;
    // PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS
    let addr = unsafe { mmap(std::ptr::null_mut(), len, 0x3, 0x22, -1, 0) };
    assert!(addr as isize != -1, "mmap failed");
    uffd.register(addr, len).expect("register");

    let base = addr as usize;
    let handler = thread::spawn(move || {
        let mut page = vec![0u8; PAGE_SIZE];
        let mut served = 0;
        while served < PAGES {
            match uffd.read_event().expect("read_event") {
                Some(Event::Pagefault { addr, .. }) => {
                    let index = (addr as usize - base) / PAGE_SIZE;
                    page.fill((index % 251) as u8);
                    let dst = (addr as usize & !(PAGE_SIZE - 1)) as *mut c_void;
                    unsafe { uffd.copy(page.as_ptr() as *const c_void, dst, PAGE_SIZE, true) }
                        .expect("copy");
                    served += 1;
                }
                Some(other) => panic!("unexpected event {:?}", other),
                None => {}
            }
        }
        (uffd, served)
    });

    for i in 0..PAGES {
        let p = (base + i * PAGE_SIZE) as *const u8;
        let (first, last) = unsafe { (*p, *p.add(PAGE_SIZE - 1)) };
        assert_eq!(
            (first, last),
            ((i % 251) as u8, (i % 251) as u8),
            "page {}",
            i
        );
    }
    let (uffd, served) = handler.join().expect("handler thread");
    println!("served {} pages on the {} engine", served, uffd.engine());
}
