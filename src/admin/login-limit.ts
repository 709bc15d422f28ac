// Attempts at the admin sign-in form, per client address: after MAX_FAILURES wrong keys within
// WINDOW_MS, the form answers 429 with Retry-After until the window has passed, without checking
// the key (so a locked-out client learns nothing more). A right key clears the address's count.
// The map is bounded: at MAX_CLIENTS addresses the oldest entry goes, so a flood of addresses
// costs a fixed amount of memory (and at worst lets an old address start over).
// Per process (Node) or per isolate (Workers): a brake on guessing, not a global quota.

export type LoginLimits = { maxFailures: number; windowMs: number; maxClients: number };

export const LOGIN_LIMITS: LoginLimits = { maxFailures: 5, windowMs: 60_000, maxClients: 10_000 };

/** An address is kept as at most this many characters: a client may send anything as its address header. */
const ADDRESS_CHARS = 64;

export type LoginVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type LoginLimiter = {
  /** Before checking the key: may this client try? */
  check(address: string, now?: number): LoginVerdict;
  failed(address: string, now?: number): void;
  succeeded(address: string): void;
  /** Addresses currently tracked (for tests of the bound). */
  size(): number;
};

type Entry = { failures: number; windowEnds: number };

export function createLoginLimiter(limits: LoginLimits = LOGIN_LIMITS): LoginLimiter {
  const entries = new Map<string, Entry>();
  const keyOf = (address: string) => address.slice(0, ADDRESS_CHARS);
  const live = (key: string, now: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.windowEnds <= now) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    check(address, now = Date.now()) {
      const entry = live(keyOf(address), now);
      if (entry === undefined || entry.failures < limits.maxFailures) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((entry.windowEnds - now) / 1000)) };
    },
    failed(address, now = Date.now()) {
      const key = keyOf(address);
      const entry = live(key, now);
      if (entry !== undefined) {
        entry.failures += 1;
        return;
      }
      // A Map iterates in insertion order: its first key is the oldest window.
      if (entries.size >= limits.maxClients) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
      entries.set(key, { failures: 1, windowEnds: now + limits.windowMs });
    },
    succeeded(address) {
      entries.delete(keyOf(address));
    },
    size: () => entries.size,
  };
}
