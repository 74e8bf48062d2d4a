// SPDX-License-Identifier: MIT
//! The pager module on both engines: an image saved, then served lazily
//! to a fresh mapping from the file and from a page server in-process.
mod common;

use common::*;
use std::path::PathBuf;
use std::time::Duration;
use uffd::pager::{save_image, Pager, PagerConfig, Server, Store};

const PAGES: usize = 64;

/// Page i is filled with i + 1.
fn image(test: &str) -> (PathBuf, Vec<u8>) {
    let ps = page_size();
    let data: Vec<u8> = (0..PAGES * ps).map(|b| (b / ps + 1) as u8).collect();
    let path = std::env::temp_dir().join(format!("uffd-rs-{}-{}.img", test, std::process::id()));
    save_image(&path, &data, test).unwrap();
    (path, data)
}

/// Serves the image from `store` on demand only (no prefetching), reads
/// it back, and checks the pager saw faults.
fn serve(e: uffd::Engine, store: Store, data: &[u8]) {
    assert_eq!(store.npages(), PAGES as u64);
    let cfg = PagerConfig {
        engine: e,
        prefetch: false,
        background: false,
        ..PagerConfig::default()
    };
    let pager = Pager::new(store, &cfg).unwrap();
    assert_eq!(pager.engine(), name(e));
    let (addr, region) = pager.map(0, PAGES).unwrap();
    // Read by this thread: the pager's own threads serve the faults.
    let got = unsafe { std::slice::from_raw_parts(addr as *const u8, data.len()) };
    assert!(got == data, "served contents differ");
    pager.wait(Some(Duration::from_secs(20))).unwrap();
    let st = pager.stats(Some(region)).unwrap();
    assert_eq!(st.present, PAGES as u64);
    assert!(st.demand_pages > 0 && st.faults > 0, "{:?}", st);
    assert!(pager.error().is_none());
    pager.close().unwrap();
    unsafe { munmap(addr, data.len()) };
}

#[test]
fn pager_serves_an_image_file() {
    let (path, data) = image("file");
    for e in engines() {
        serve(e, Store::file(&path).unwrap(), &data);
        eprintln!("PASS pager_serves_an_image_file [{}]", name(e));
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn pager_serves_from_a_page_server() {
    let (path, data) = image("server");
    let server = Server::start("127.0.0.1:0", &path).unwrap();
    for e in engines() {
        let store = Store::tcp(&server.address(), Duration::from_secs(5)).unwrap();
        assert_eq!(store.name(), "tcp");
        serve(e, store, &data);
    }
    drop(server);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn pager_errors_are_io_errors_with_the_errno() {
    let missing = std::env::temp_dir().join("uffd-rs-no-such-image.img");
    let err = Store::file(&missing).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(2), "{}", err);
    assert!(!uffd::pager::diagnostic().is_empty());
    let err = save_image(&missing, &[1, 2, 3], "odd length").unwrap_err();
    assert_eq!(err.raw_os_error(), Some(22), "{}", err);
}
