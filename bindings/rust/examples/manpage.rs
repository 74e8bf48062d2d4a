// SPDX-License-Identifier: MIT
//! The program of userfaultfd(2), in Rust, with this crate.
//!
//!     cargo run --offline --example manpage -- 3
//!     UFFD_ENGINE=emulated cargo run --offline --example manpage -- 3
//!
//! The main thread reads every 1024th byte of a fresh NUM_PAGES mapping;
//! a handler thread polls the uffd, reads each fault and fills the page
//! with 'A', 'B', 'C'... (one letter per fault, cycling after 20).
use std::ffi::c_void;
use std::os::raw::{c_int, c_short};
use std::thread;
use std::time::Duration;
use uffd::{Event, Uffd, UffdBuilder};

#[repr(C)]
struct PollFd {
    fd: c_int,
    events: c_short,
    revents: c_short,
}

const POLLIN: c_short = 0x1;
const POLLERR: c_short = 0x8;

extern "C" {
    fn mmap(
        addr: *mut c_void,
        len: usize,
        prot: c_int,
        flags: c_int,
        fd: c_int,
        off: i64,
    ) -> *mut c_void;
    fn poll(fds: *mut PollFd, nfds: u64, timeout: c_int) -> c_int;
    fn sysconf(name: c_int) -> i64;
}

fn map_anonymous(len: usize) -> *mut c_void {
    const PROT_READ_WRITE: c_int = 0x3;
    const MAP_PRIVATE_ANONYMOUS: c_int = 0x22;
    let p = unsafe {
        mmap(
            std::ptr::null_mut(),
            len,
            PROT_READ_WRITE,
            MAP_PRIVATE_ANONYMOUS,
            -1,
            0,
        )
    };
    if p as isize == -1 {
        panic!("mmap: {}", std::io::Error::last_os_error());
    }
    p
}

fn fault_handler_thread(uffd: Uffd, page_size: usize) {
    use std::os::unix::io::AsRawFd;

    // The page copied into the faulting region.
    let page = map_anonymous(page_size);
    let mut fault_cnt = 0usize;
    loop {
        let mut pfd = PollFd {
            fd: uffd.as_raw_fd(),
            events: POLLIN,
            revents: 0,
        };
        let nready = unsafe { poll(&mut pfd, 1, -1) };
        if nready == -1 {
            panic!("poll: {}", std::io::Error::last_os_error());
        }
        println!("\nfault_handler_thread():");
        println!(
            "    poll() returns: nready = {}; POLLIN = {}; POLLERR = {}",
            nready,
            (pfd.revents & POLLIN != 0) as i32,
            (pfd.revents & POLLERR != 0) as i32
        );

        let event = match uffd.read_event().expect("read") {
            Some(e) => e,
            None => panic!("EOF on userfaultfd!"),
        };
        let addr = match event {
            Event::Pagefault { addr, rw, .. } => {
                println!(
                    "    UFFD_EVENT_PAGEFAULT event: rw = {:?}; address = {:p}",
                    rw, addr
                );
                addr
            }
            other => panic!("Unexpected event on userfaultfd: {:?}", other),
        };

        // A different letter each time, so that the faults can be told apart.
        let letter = b'A' + (fault_cnt % 20) as u8;
        unsafe { std::ptr::write_bytes(page as *mut u8, letter, page_size) };
        fault_cnt += 1;

        let dst = (addr as usize & !(page_size - 1)) as *mut c_void;
        let copied = unsafe { uffd.copy(page, dst, page_size, true) }.expect("UFFDIO_COPY");
        println!("        (uffdio_copy.copy returned {})", copied);
    }
}

fn main() {
    let num_pages: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| {
            eprintln!("Usage: manpage num-pages");
            std::process::exit(1);
        });
    let page_size = unsafe {
        sysconf(30 /* _SC_PAGESIZE */)
    } as usize;
    let len = num_pages * page_size;

    let uffd = UffdBuilder::new()
        .close_on_exec(true)
        .non_blocking(true)
        .create()
        .unwrap_or_else(|e| {
            eprintln!("userfaultfd: {} ({})", e, uffd::diagnostic());
            std::process::exit(1);
        });
    println!("engine: {}", uffd.engine());

    // Demand-zero memory: every first touch becomes a fault the handler serves.
    let addr = map_anonymous(len);
    println!("Address returned by mmap() = {:p}", addr);
    uffd.register(addr, len).expect("UFFDIO_REGISTER");

    thread::spawn(move || fault_handler_thread(uffd, page_size));

    // Touch every 1024th byte, one at a time, so that the handler's
    // output and ours interleave as in the man page.
    let mut l = 0xf;
    while l < len {
        let c = unsafe { *(addr as *const u8).add(l) };
        println!(
            "Read address {:p} in main(): {}",
            unsafe { (addr as *const u8).add(l) },
            c as char
        );
        l += 1024;
        thread::sleep(Duration::from_millis(100));
    }
}
