package io.tributary.plugins.file;

/** A fast 64-bit hash of bytes (FNV-1a with a final avalanche), for fingerprints and position checks. */
final class Hashing {
    private Hashing() {
    }

    static long hash(byte[] bytes, int offset, int length) {
        long hash = 0xcbf29ce484222325L;
        for (int i = offset, end = offset + length; i < end; i++) {
            hash ^= bytes[i] & 0xff;
            hash *= 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        hash ^= hash >>> 33;
        return hash;
    }

    /** Sixteen hex digits, so that names built from it have one spelling. */
    static String hex(long hash) {
        String digits = Long.toHexString(hash);
        return "0".repeat(16 - digits.length()) + digits;
    }
}
