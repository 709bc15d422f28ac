// `npm run demo` shows the shipped policies at work, with no key and no network.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('prints what the client sent, what the upstream received and why', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/demo.ts'], { timeout: 30_000 });
  expect(stdout).toContain('upstream received (policy support)');
  expect(stdout).toContain('temperature 1.2 → 0.8 (clamp)');
  expect(stdout).toContain('"model":"ft:gpt-4o-mini-2024-07-18:acme:multi:7qRsTuV","messages":[{"role":"system","content":"You are SharkBait, a user\'s best chum."}');
  expect(stdout).toContain('temperature 0.7 → (removed) (drop)');
  expect(stdout).toContain('temperature 1.9 → 1.5 (clamp)');
  // No policy at all: the same request fails straight and succeeds through the gateway.
  expect(stdout).toContain("sent straight to the upstream: 400 unsupported_parameter");
  expect(stdout).toContain('upstream received (no policy):\n    {"model":"ft:o4-mini-2025-04-16:acme:triage:4kL","messages":[{"role":"user","content":"Triage this ticket."}],"max_completion_tokens":500}');
  expect(stdout).toContain('temperature 0.7 → (removed) (unsupported: the base model o4-mini does not accept temperature');
  expect(stdout).toContain('max_tokens 500 → (renamed) (renamed: the base model o4-mini takes max_completion_tokens instead of max_tokens');
});
