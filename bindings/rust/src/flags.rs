// SPDX-License-Identifier: MIT
//! `FeatureFlags`, `IoctlFlags` and `RegisterMode`: sets of bits with the
//! constant names of userfaultfd-rs and the methods of the `bitflags` types
//! it exposes (empty, all, bits, from_bits*, contains, insert, remove, the
//! operators...), written for std alone.
use crate::ffi;
use std::fmt;
use std::ops;

macro_rules! flag_set {
    (
        $(#[$doc:meta])*
        $name:ident, known: $known:expr, {
            $( $(#[$fdoc:meta])* $flag:ident = $value:expr; )*
        }
    ) => {
        $(#[$doc])*
        #[derive(Copy, Clone, Eq, Hash, Ord, PartialEq, PartialOrd)]
        pub struct $name(u64);

        impl $name {
            $( $(#[$fdoc])* pub const $flag: $name = $name($value); )*

            /// The named flags, in declaration order.
            const NAMED: &'static [(&'static str, u64)] = &[ $( (stringify!($flag), $value), )* ];
            /// The bits `from_bits` and `from_bits_truncate` accept.
            const KNOWN: u64 = $known;

            /// No flag.
            pub const fn empty() -> Self {
                $name(0)
            }
            /// Every known flag.
            pub const fn all() -> Self {
                $name(Self::KNOWN)
            }
            /// The raw value.
            pub const fn bits(&self) -> u64 {
                self.0
            }
            /// `None` when `bits` has a bit that is not a known flag.
            pub const fn from_bits(bits: u64) -> Option<Self> {
                if bits & Self::KNOWN == bits {
                    Some($name(bits))
                } else {
                    None
                }
            }
            /// The known flags of `bits`; the other bits are dropped.
            pub const fn from_bits_truncate(bits: u64) -> Self {
                $name(bits & Self::KNOWN)
            }
            /// `bits` as they are, unknown bits included.
            pub const fn from_bits_retain(bits: u64) -> Self {
                $name(bits)
            }
            /// The flag called `name` (`"COPY"`...).
            pub fn from_name(name: &str) -> Option<Self> {
                Self::NAMED.iter().find(|(n, _)| *n == name).map(|(_, v)| $name(*v))
            }
            pub const fn is_empty(&self) -> bool {
                self.0 == 0
            }
            pub const fn is_all(&self) -> bool {
                self.0 & Self::KNOWN == Self::KNOWN
            }
            /// Every flag of `other` is set in `self`.
            pub const fn contains(&self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }
            /// Some flag of `other` is set in `self`.
            pub const fn intersects(&self, other: Self) -> bool {
                self.0 & other.0 != 0
            }
            pub fn insert(&mut self, other: Self) {
                self.0 |= other.0;
            }
            pub fn remove(&mut self, other: Self) {
                self.0 &= !other.0;
            }
            pub fn toggle(&mut self, other: Self) {
                self.0 ^= other.0;
            }
            /// Inserts `other` when `value`, removes it otherwise.
            pub fn set(&mut self, other: Self, value: bool) {
                if value {
                    self.insert(other)
                } else {
                    self.remove(other)
                }
            }
            #[must_use]
            pub const fn union(self, other: Self) -> Self {
                $name(self.0 | other.0)
            }
            #[must_use]
            pub const fn intersection(self, other: Self) -> Self {
                $name(self.0 & other.0)
            }
            #[must_use]
            pub const fn difference(self, other: Self) -> Self {
                $name(self.0 & !other.0)
            }
            #[must_use]
            pub const fn symmetric_difference(self, other: Self) -> Self {
                $name(self.0 ^ other.0)
            }
            /// The known flags not in `self`.
            #[must_use]
            pub const fn complement(self) -> Self {
                $name(!self.0 & Self::KNOWN)
            }
            /// Each named flag set in `self`, then the unnamed bits (if any)
            /// as one value.
            pub fn iter(&self) -> impl Iterator<Item = Self> {
                let bits = self.0;
                let named = Self::NAMED.iter().filter(move |(_, v)| bits & v == *v && *v != 0);
                let rest = Self::NAMED.iter().fold(bits, |b, (_, v)| b & !v);
                named.map(|(_, v)| $name(*v)).chain((rest != 0).then_some($name(rest)))
            }
            /// The name and value of each named flag set in `self`.
            pub fn iter_names(&self) -> impl Iterator<Item = (&'static str, Self)> {
                let bits = self.0;
                Self::NAMED
                    .iter()
                    .filter(move |(_, v)| bits & v == *v && *v != 0)
                    .map(|(n, v)| (*n, $name(*v)))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::empty()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(", stringify!($name))?;
                if self.0 == 0 {
                    write!(f, "0x0")?;
                }
                let mut rest = self.0;
                let mut first = true;
                for (n, v) in self.iter_names() {
                    write!(f, "{}{}", if first { "" } else { " | " }, n)?;
                    rest &= !v.0;
                    first = false;
                }
                if rest != 0 {
                    write!(f, "{}{:#x}", if first { "" } else { " | " }, rest)?;
                }
                write!(f, ")")
            }
        }

        flag_set!(@fmt $name, fmt::Binary, fmt::Octal, fmt::LowerHex, fmt::UpperHex);
        flag_set!(@op $name, BitOr, bitor, BitOrAssign, bitor_assign, |);
        flag_set!(@op $name, BitAnd, bitand, BitAndAssign, bitand_assign, &);
        flag_set!(@op $name, BitXor, bitxor, BitXorAssign, bitxor_assign, ^);

        impl ops::Sub for $name {
            type Output = Self;
            fn sub(self, other: Self) -> Self {
                self.difference(other)
            }
        }
        impl ops::SubAssign for $name {
            fn sub_assign(&mut self, other: Self) {
                self.remove(other)
            }
        }
        impl ops::Not for $name {
            type Output = Self;
            fn not(self) -> Self {
                self.complement()
            }
        }
        impl Extend<$name> for $name {
            fn extend<I: IntoIterator<Item = $name>>(&mut self, it: I) {
                for f in it {
                    self.insert(f);
                }
            }
        }
        impl FromIterator<$name> for $name {
            fn from_iter<I: IntoIterator<Item = $name>>(it: I) -> Self {
                let mut s = Self::empty();
                s.extend(it);
                s
            }
        }
    };
    (@fmt $name:ident, $($tr:path),*) => {
        $( impl $tr for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                <u64 as $tr>::fmt(&self.0, f)
            }
        } )*
    };
    (@op $name:ident, $tr:ident, $m:ident, $atr:ident, $am:ident, $op:tt) => {
        impl ops::$tr for $name {
            type Output = Self;
            fn $m(self, other: Self) -> Self {
                $name(self.0 $op other.0)
            }
        }
        impl ops::$atr for $name {
            fn $am(&mut self, other: Self) {
                self.0 = self.0 $op other.0;
            }
        }
    };
}

const fn ioctl(nr: u32) -> u64 {
    1 << nr
}

flag_set! {
    /// Used with `UffdBuilder` to determine which features are available
    /// (the `UFFD_FEATURE_*` bits of `UFFDIO_API`).
    FeatureFlags, known: (1 << 17) - 1, {
        PAGEFAULT_FLAG_WP = 1 << 0;
        EVENT_FORK = 1 << 1;
        EVENT_REMAP = 1 << 2;
        EVENT_REMOVE = 1 << 3;
        MISSING_HUGETLBFS = 1 << 4;
        MISSING_SHMEM = 1 << 5;
        EVENT_UNMAP = 1 << 6;
        SIGBUS = 1 << 7;
        THREAD_ID = 1 << 8;
        MINOR_HUGETLBFS = 1 << 9;
        MINOR_SHMEM = 1 << 10;
        EXACT_ADDRESS = 1 << 11;
        WP_HUGETLBFS_SHMEM = 1 << 12;
        WP_UNPOPULATED = 1 << 13;
        POISON = 1 << 14;
        WP_ASYNC = 1 << 15;
        MOVE = 1 << 16;
    }
}

flag_set! {
    /// Used with `UffdBuilder` and `Uffd::register()` to determine which
    /// operations are available.  Unknown bits are kept (a newer kernel may
    /// report more ioctls), as in userfaultfd-rs 0.8.
    IoctlFlags, known: !0, {
        REGISTER = ioctl(ffi::NR_REGISTER);
        UNREGISTER = ioctl(ffi::NR_UNREGISTER);
        WAKE = ioctl(ffi::NR_WAKE);
        COPY = ioctl(ffi::NR_COPY);
        ZEROPAGE = ioctl(ffi::NR_ZEROPAGE);
        MOVE = ioctl(ffi::NR_MOVE);
        WRITE_PROTECT = ioctl(ffi::NR_WRITEPROTECT);
        CONTINUE = ioctl(ffi::NR_CONTINUE);
        POISON = ioctl(ffi::NR_POISON);
        API = ioctl(ffi::NR_API);
    }
}

flag_set! {
    /// The registration mode used when registering an address range with
    /// `Uffd`.
    RegisterMode, known: 0x7, {
        /// Faults on missing pages.
        MISSING = 1 << 0;
        /// Writes to write-protected pages.
        WRITE_PROTECT = 1 << 1;
        /// Faults on pages present in the page cache but not mapped
        /// (shmem, hugetlbfs).
        MINOR = 1 << 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_operations() {
        let mut f = FeatureFlags::EVENT_FORK | FeatureFlags::THREAD_ID;
        assert_eq!(f.bits(), 0x102);
        assert!(f.contains(FeatureFlags::THREAD_ID));
        assert!(!f.contains(FeatureFlags::THREAD_ID | FeatureFlags::SIGBUS));
        f.remove(FeatureFlags::EVENT_FORK);
        assert_eq!(f, FeatureFlags::THREAD_ID);
        f.insert(FeatureFlags::MOVE);
        assert_eq!(f.bits(), 0x10100);
        assert_eq!(FeatureFlags::from_bits(1 << 20), None);
        assert_eq!(
            FeatureFlags::from_bits_truncate((1 << 20) | 1),
            FeatureFlags::PAGEFAULT_FLAG_WP
        );
        assert_eq!(FeatureFlags::all().bits(), 0x1ffff);
        assert!((!FeatureFlags::empty()).is_all());
        assert_eq!((f & FeatureFlags::MOVE), FeatureFlags::MOVE);
        assert_eq!(f - FeatureFlags::MOVE, FeatureFlags::THREAD_ID);
        assert_eq!(
            RegisterMode::from_bits(3),
            Some(RegisterMode::MISSING | RegisterMode::WRITE_PROTECT)
        );
        assert_eq!(
            IoctlFlags::from_bits(1 << 40).map(|f| f.bits()),
            Some(1 << 40)
        );
        assert_eq!(IoctlFlags::from_name("COPY"), Some(IoctlFlags::COPY));
        let v: IoctlFlags = [IoctlFlags::WAKE, IoctlFlags::COPY].into_iter().collect();
        assert_eq!(v.bits(), 0xc);
    }

    #[test]
    fn debug_names_the_flags() {
        assert_eq!(
            format!("{:?}", IoctlFlags::COPY | IoctlFlags::WAKE),
            "IoctlFlags(WAKE | COPY)"
        );
        assert_eq!(
            format!("{:?}", IoctlFlags::from_bits_retain(1 << 40 | 1)),
            "IoctlFlags(REGISTER | 0x10000000000)"
        );
        assert_eq!(format!("{:?}", RegisterMode::empty()), "RegisterMode(0x0)");
        assert_eq!(format!("{:x}", FeatureFlags::MOVE), "10000");
    }
}
