// The JSON Schema of a policy file, generated from the zod schema (the only place the shape is
// written) so editors complete and check policy files. `io: 'input'`: defaulted fields stay
// optional, as a person writes them.
import * as z from 'zod';
import { PolicyFile } from '../../policy/schema.ts';
import { UpstreamsFile } from '../../upstream/schema.ts';

export const SCHEMA_PATH = 'schema/policy.schema.json';
/** Written beside the policy schema (upstreams.yaml's first line points at it). */
export const UPSTREAMS_SCHEMA_NAME = 'upstreams.schema.json';

export function policySchemaText(): string {
  return `${JSON.stringify(z.toJSONSchema(PolicyFile, { io: 'input' }), null, 2)}\n`;
}

export function upstreamsSchemaText(): string {
  return `${JSON.stringify(z.toJSONSchema(UpstreamsFile, { io: 'input' }), null, 2)}\n`;
}
