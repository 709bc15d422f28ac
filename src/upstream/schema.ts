// The only place the shape of `upstreams.yaml` is written (contract §8): named OpenAI-compatible
// servers a policy may send its model to. Types are inferred from these schemas.
import * as z from 'zod';

/** The name every gateway has: OPENAI_BASE_URL with OPENAI_API_KEY. */
export const OPENAI_UPSTREAM = 'openai';

export const UPSTREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// A variable name as shells, Workers secrets and dotenv files all accept it.
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function withoutCredentials(url: URL): boolean {
  return url.username === '' && url.password === '';
}

export const UpstreamDefinition = z
  .strictObject({
    base_url: z
      .url({ protocol: /^https?$/, error: (issue) => (issue.input === undefined ? 'is required' : 'must be an http or https URL') })
      // A key in the URL would show wherever the URL does: keys come from api_key_env only. The
      // route is appended to the URL, so a query or fragment would end up in the wrong place.
      .refine((url) => !URL.canParse(url) || withoutCredentials(new URL(url)), 'must not hold a user or password: give the key by api_key_env')
      .refine((url) => !URL.canParse(url) || (new URL(url).search === '' && new URL(url).hash === ''), 'must not have a query or fragment: the route is appended to it')
      .transform((url) => url.replace(/\/+$/, ''))
      .meta({ description: 'The base URL requests go to, as OPENAI_BASE_URL: `/chat/completions` is appended (Azure OpenAI: https://RESOURCE.openai.azure.com/openai/v1).' }),
    api_key_env: z
      .string()
      .regex(VARIABLE_NAME, 'a variable name is letters, digits and _, not starting with a digit')
      .optional()
      .meta({ description: 'The environment variable (Workers: secret) holding its key; the key itself is never written here.' }),
    auth: z
      .enum(['bearer', 'api-key'])
      .default('bearer')
      .meta({ description: 'bearer: `Authorization: Bearer KEY`; api-key: `api-key: KEY` (Azure OpenAI).' }),
  })
  .superRefine((upstream, ctx) => {
    if (upstream.auth === 'api-key' && upstream.api_key_env === undefined) {
      ctx.addIssue({ code: 'custom', path: ['api_key_env'], message: 'auth: api-key needs api_key_env (the variable holding the key)' });
    }
  })
  .meta({ description: 'One OpenAI-compatible server.' });
export type UpstreamDefinition = z.output<typeof UpstreamDefinition>;

export const UpstreamsFile = z
  .record(z.string().regex(UPSTREAM_NAME, 'an upstream name is letters, digits, ".", "_" or "-"'), UpstreamDefinition)
  .superRefine((file, ctx) => {
    if (Object.hasOwn(file, OPENAI_UPSTREAM)) {
      ctx.addIssue({ code: 'custom', path: [OPENAI_UPSTREAM], message: 'openai is always OPENAI_BASE_URL with OPENAI_API_KEY: set those, or give this upstream another name' });
    }
  })
  .meta({ title: 'temperance upstreams', description: 'Named OpenAI-compatible servers; a policy sends its model to one with `upstream: NAME`.' });
/** Name → definition, in file order; `openai` is never in it. */
export type UpstreamsFile = z.output<typeof UpstreamsFile>;
