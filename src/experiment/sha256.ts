// SHA-256 (FIPS 180-4) in plain JavaScript, synchronous: digests of units and policy files are
// needed inside synchronous code (the policy set is built without awaiting; the record's unit
// digest is taken during the draw). Web Crypto's digest is async only. The same code runs on
// Node and workerd; a test checks it against crypto.subtle.
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const encoder = new TextEncoder();
const INITIAL = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
// Reused between calls (the function never yields, so no two calls share them at once): a digest
// per experiment request then allocates only its hex text.
const H = new Uint32Array(8);
const W = new Uint32Array(64);
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/** One 64-byte block at `offset` of `bytes` folded into H. */
function compress(bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i += 1) {
    const at = offset + i * 4;
    W[i] = ((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
  }
  for (let i = 16; i < 64; i += 1) {
    const x = W[i - 15] ?? 0;
    const y = W[i - 2] ?? 0;
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
    W[i] = (W[i - 16] ?? 0) + s0 + (W[i - 7] ?? 0) + s1;
  }
  let a = H[0] ?? 0;
  let b = H[1] ?? 0;
  let c = H[2] ?? 0;
  let d = H[3] ?? 0;
  let e = H[4] ?? 0;
  let f = H[5] ?? 0;
  let g = H[6] ?? 0;
  let h = H[7] ?? 0;
  for (let i = 0; i < 64; i += 1) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + (K[i] ?? 0) + (W[i] ?? 0)) >>> 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) >>> 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) >>> 0;
  }
  H[0] = (H[0] ?? 0) + a;
  H[1] = (H[1] ?? 0) + b;
  H[2] = (H[2] ?? 0) + c;
  H[3] = (H[3] ?? 0) + d;
  H[4] = (H[4] ?? 0) + e;
  H[5] = (H[5] ?? 0) + f;
  H[6] = (H[6] ?? 0) + g;
  H[7] = (H[7] ?? 0) + h;
}

/** Room for a bounded unit (256 UTF-16 units, at most 3 bytes each) and its padding; a longer text gets its own buffer. */
const SCRATCH = new Uint8Array(1024);

/** The SHA-256 digest of `text`'s UTF-8 bytes, as 64 lower-case hex digits. */
export function sha256Hex(text: string): string {
  // Message, a 0x80 byte, zeros, and the bit length in the last 8 bytes of a 64-byte block.
  const room = text.length * 3 + 72;
  // A policy file's text is hashed once at load: it gets a buffer of its own, not kept.
  const scratch = room <= SCRATCH.length ? SCRATCH : new Uint8Array(room);
  const { written } = encoder.encodeInto(text, scratch);
  const end = Math.ceil((written + 9) / 64) * 64;
  scratch.fill(0, written, end);
  scratch[written] = 0x80;
  const bits = written * 8;
  const high = Math.floor(bits / 0x100000000);
  for (let i = 0; i < 4; i += 1) {
    scratch[end - 8 + i] = (high >>> (24 - i * 8)) & 0xff;
    scratch[end - 4 + i] = (bits >>> (24 - i * 8)) & 0xff;
  }

  H.set(INITIAL);
  for (let offset = 0; offset < end; offset += 64) compress(scratch, offset);
  let hex = '';
  for (let i = 0; i < 8; i += 1) {
    const word = H[i] ?? 0;
    hex += (HEX[word >>> 24] ?? '') + (HEX[(word >>> 16) & 0xff] ?? '') + (HEX[(word >>> 8) & 0xff] ?? '') + (HEX[word & 0xff] ?? '');
  }
  return hex;
}
