// SPDX-License-Identifier: MIT
//! Finds libuffd.a and tells rustc how to link it.
//!
//! In order:
//! 1. `LIBUFFD_LIB_DIR`: a directory holding libuffd.a (`make check-bindings`
//!    sets it); `LIBUFFD_LIBS` gives the libraries it needs (default
//!    `-pthread -ldl`).
//! 2. The source tree this crate lives in (`../..` has the Makefile): runs
//!    `make lib` there and asks make for the libraries (`make
//!    print-libuffd-libs`).
//! 3. An installed libuffd: `pkg-config --static libuffd`.
//!
//! The archive is linked whole (`+whole-archive`): the library interposes
//! C library functions (read, close, poll, mmap, sigaction...) that the
//! program calls through std or the libc crate, and an archive member is
//! otherwise only linked when one of its symbols is referenced.
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=LIBUFFD_LIB_DIR");
    println!("cargo:rerun-if-env-changed=LIBUFFD_LIBS");
    println!("cargo:rerun-if-changed=build.rs");

    let (dir, libs) = if let Ok(dir) = env::var("LIBUFFD_LIB_DIR") {
        let libs = env::var("LIBUFFD_LIBS").unwrap_or_else(|_| "-pthread -ldl".into());
        (PathBuf::from(dir), libs)
    } else if let Some(found) = from_source_tree() {
        found
    } else if let Some(found) = from_pkg_config() {
        found
    } else {
        panic!(
            "libuffd.a not found: set LIBUFFD_LIB_DIR to the directory holding it, \
             build this crate inside the libuffd source tree, or install libuffd \
             (make install) so that `pkg-config libuffd` finds it"
        );
    };

    let archive = dir.join("libuffd.a");
    if !archive.is_file() {
        panic!("{} does not exist", archive.display());
    }
    println!("cargo:rerun-if-changed={}", archive.display());
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=static:-bundle,+whole-archive=uffd");
    for flag in libs.split_whitespace() {
        if flag == "-pthread" {
            println!("cargo:rustc-link-lib=pthread");
        } else if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib={}", lib);
        } else if let Some(path) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={}", path);
        }
    }
    println!("cargo:root={}", dir.display());
}

/// `make lib` in the libuffd tree around this crate, if there is one.
fn from_source_tree() -> Option<(PathBuf, String)> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").ok()?);
    let root = manifest.join("../..");
    if !root.join("Makefile").is_file() || !root.join("include/uffd.h").is_file() {
        return None;
    }
    let root = root.canonicalize().ok()?;
    for part in ["src", "include", "Makefile", "mk"] {
        println!("cargo:rerun-if-changed={}", root.join(part).display());
    }
    let jobs = env::var("NUM_JOBS").unwrap_or_else(|_| "2".into());
    let status = Command::new("make")
        .arg("-C")
        .arg(&root)
        .arg(format!("-j{}", jobs))
        .arg("--no-print-directory")
        .arg("build/libuffd.a")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .status()
        .unwrap_or_else(|e| panic!("cannot run make: {}", e));
    if !status.success() {
        panic!(
            "make -C {} build/libuffd.a failed ({})",
            root.display(),
            status
        );
    }
    let libs = make_output(&root, "print-libuffd-libs").unwrap_or_else(|| "-pthread -ldl".into());
    Some((root.join("build"), libs))
}

fn make_output(root: &Path, target: &str) -> Option<String> {
    let out = Command::new("make")
        .arg("-s")
        .arg("--no-print-directory")
        .arg("-C")
        .arg(root)
        .arg(target)
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    // The last line: make may print notes (e.g. about optional parts) first.
    let text = String::from_utf8(out.stdout).ok()?;
    text.lines().last().map(|l| l.trim().to_string())
}

fn from_pkg_config() -> Option<(PathBuf, String)> {
    let run = |args: &[&str]| -> Option<String> {
        let out = Command::new("pkg-config").args(args).output().ok()?;
        if !out.status.success() {
            return None;
        }
        Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
    };
    let dir = run(&["--variable=libdir", "libuffd"])?;
    let libs = run(&["--static", "--libs-only-l", "--libs-only-other", "libuffd"])?;
    let libs = libs
        .split_whitespace()
        .filter(|f| *f != "-luffd")
        .collect::<Vec<_>>()
        .join(" ");
    Some((PathBuf::from(dir), libs))
}
