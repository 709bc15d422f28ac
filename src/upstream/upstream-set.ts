// The upstreams a gateway sends to: `openai` (OPENAI_BASE_URL, OPENAI_API_KEY) and the named
// ones of upstreams.yaml, each with the credential it gets. Which credential is decided here,
// once at start, so no request can choose it: an upstream with a key gets its own key and
// nothing of the client's; one without gets the client's Authorization only when the gateway
// guards no key at all (no OPENAI_API_KEY, no GATEWAY_API_KEYS), so a gateway key never leaves.
import { OPENAI_UPSTREAM, type UpstreamsFile } from './schema.ts';

export type Credential =
  /** The upstream's own key, sent as `Authorization: Bearer KEY` or (Azure) `api-key: KEY`. */
  | { kind: 'key'; header: 'authorization' | 'api-key'; key: string }
  /** The client's own Authorization header, as it sent it. */
  | { kind: 'client' }
  /** No credential at all. */
  | { kind: 'none' };

export type Upstream = {
  name: string;
  /** No trailing slash: `${baseUrl}/chat/completions`. */
  baseUrl: string;
  /** `host[:port]`; never a key. */
  host: string;
  /** How errors name it: the host for openai (as before upstreams), `NAME at HOST` for a named one. */
  label: string;
  /** The parsed base URL: spans read its hostname and port. */
  url: URL;
  auth: 'bearer' | 'api-key';
  /** The variable its key comes from (shown in errors and on /_temperance/health instead of the key). */
  keyVariable: string | undefined;
  credential: Credential;
};

export type UpstreamSet = {
  readonly openai: Upstream;
  /** `openai` first, then upstreams.yaml's in file order. */
  readonly all: readonly Upstream[];
  get(name: string): Upstream | undefined;
};

export type UpstreamInputs = {
  openaiBaseUrl: string;
  openaiKey: string | undefined;
  /** Whether clients must present a gateway key: then the client's Authorization is one and never goes upstream. */
  gatewayKeys: boolean;
  definitions: UpstreamsFile;
  /** Key by variable name, read from the environment (src/config.ts); a missing one is a start error before this. */
  keys: Readonly<Record<string, string>>;
};

function credentialFor(auth: Upstream['auth'], key: string | undefined, clientMayPass: boolean): Credential {
  if (key !== undefined) return { kind: 'key', header: auth === 'api-key' ? 'api-key' : 'authorization', key };
  return clientMayPass ? { kind: 'client' } : { kind: 'none' };
}

function upstream(name: string, baseUrl: string, auth: Upstream['auth'], keyVariable: string | undefined, credential: Credential): Upstream {
  const url = new URL(baseUrl);
  const label = name === OPENAI_UPSTREAM ? url.host : `${name} at ${url.host}`;
  return { name, baseUrl, host: url.host, label, url, auth, keyVariable, credential };
}

export function buildUpstreamSet(inputs: UpstreamInputs): UpstreamSet {
  // The contract's rule: a keyless upstream gets the client's key only when the gateway has no
  // OPENAI_API_KEY either; and never when clients present gateway keys.
  const clientMayPass = inputs.openaiKey === undefined && !inputs.gatewayKeys;
  const openai = upstream(OPENAI_UPSTREAM, inputs.openaiBaseUrl, 'bearer', inputs.openaiKey === undefined ? undefined : 'OPENAI_API_KEY', credentialFor('bearer', inputs.openaiKey, clientMayPass));
  const named = Object.entries(inputs.definitions).map(([name, definition]) => {
    const variable = definition.api_key_env;
    const key = variable === undefined ? undefined : inputs.keys[variable];
    return upstream(name, definition.base_url, definition.auth, variable, credentialFor(definition.auth, key, clientMayPass));
  });
  const all = [openai, ...named];
  const byName = new Map(all.map((entry) => [entry.name, entry]));
  return { openai, all, get: (name) => byName.get(name) };
}

/** Every key the upstreams hold, for the redactor. */
export function upstreamKeys(set: UpstreamSet): string[] {
  return set.all.flatMap((entry) => (entry.credential.kind === 'key' ? [entry.credential.key] : []));
}
