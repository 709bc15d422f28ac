// What the core reads and writes of a request's headers (get, set, delete, iteration), and a
// plain implementation of it for the Node-native path. A Web Headers has the same methods; on
// Node each of its calls validates and each iteration sorts, which the native path, taking
// headers node:http has already parsed and checked, does not need to pay for per request.

/** The part of a Web Headers the core uses: names are case-insensitive, as there. */
export type HeaderMap = Iterable<[string, string]> & {
  get(name: string): string | null;
  set(name: string, value: string): void;
  append(name: string, value: string): void;
  delete(name: string): void;
};

export class HeaderList implements HeaderMap {
  readonly #map = new Map<string, string>();

  /** From node:http's rawHeaders: names lowercased, repeated fields joined with ", " as Headers joins them. */
  static fromRaw(raw: readonly string[]): HeaderList {
    const list = new HeaderList();
    for (let i = 0; i + 1 < raw.length; i += 2) list.append(raw[i] ?? '', raw[i + 1] ?? '');
    return list;
  }

  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null;
  }

  set(name: string, value: string): void {
    this.#map.set(name.toLowerCase(), value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const present = this.#map.get(key);
    this.#map.set(key, present === undefined ? value : `${present}, ${value}`);
  }

  delete(name: string): void {
    this.#map.delete(name.toLowerCase());
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#map.entries();
  }
}
