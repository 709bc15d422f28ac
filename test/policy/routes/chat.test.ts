// The canonical system message on chat completions: each mode, roles, idempotence.
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../../src/policy/apply.ts';
import { chatRoute } from '../../../src/policy/routes/chat.ts';
import { policyFor } from '../helpers.ts';

const CANON = 'You are SharkBait.';
const user = { role: 'user', content: 'Hi' };
const client = { role: 'system', content: 'Be brief.' };
const dev = { role: 'developer', content: 'Use tools.' };

function run(mode: string, messages: unknown[], role = 'system') {
  const policy = policyFor(`model: m\nsystem: { text: "${CANON}", mode: ${mode}, role: ${role} }`, 'm');
  return applyPolicy({ model: 'm', messages }, policy, chatRoute);
}

const canon = { role: 'system', content: CANON };

describe.each([
  // mode, client messages, forwarded messages
  ['prepend', [user], [canon, user]],
  ['prepend', [client, user], [canon, client, user]],
  ['prepend', [dev, user], [canon, dev, user]],
  ['replace', [user], [canon, user]],
  ['replace', [client, user, dev], [canon, user]],
  ['if_missing', [user], [canon, user]],
  ['if_missing', [client, user], [client, user]],
  ['if_missing', [user, dev], [user, dev]],
])('%s with %j', (mode, messages, expected) => {
  it(`forwards ${JSON.stringify(expected)}`, () => {
    const result = run(mode, messages);
    expect(result.ok && result.body.messages).toEqual(expected);
    expect(result.ok && result.changed).toBe(JSON.stringify(expected) !== JSON.stringify(messages));
  });
});

describe('idempotence', () => {
  it.each(['prepend', 'replace', 'if_missing'])('%s inserts nothing when the first message already is the canonical one', (mode) => {
    for (const first of [canon, { role: 'developer', content: CANON }, { role: 'system', content: [{ type: 'text', text: CANON }] }]) {
      const result = run(mode, [first, user]);
      expect(result).toMatchObject({ ok: true, changed: false, body: { messages: [first, user] } });
    }
  });

  it('replace still removes the other system and developer messages, keeping the canonical one as sent', () => {
    const first = { role: 'system', content: [{ type: 'text', text: CANON }] };
    const result = run('replace', [first, client, user, dev]);
    expect(result.ok && result.body.messages).toEqual([first, user]);
    expect(result.decisions).toEqual([{ param: 'system', requested: 3, applied: 'replace', rule: 'system', reason: 'kept the canonical system message, removed 2 other system/developer message(s)' }]);
  });

  it('a canonical text later in the list, or with two parts, is not the canonical first message', () => {
    expect(run('prepend', [user, canon]).ok && run('prepend', [user, canon])).toMatchObject({ body: { messages: [canon, user, canon] } });
    const split = { role: 'system', content: [{ type: 'text', text: 'You are ' }, { type: 'text', text: 'SharkBait.' }] };
    expect(run('prepend', [split, user])).toMatchObject({ body: { messages: [canon, split, user] } });
  });

  it('applying twice gives the same body as applying once', () => {
    for (const mode of ['prepend', 'replace', 'if_missing']) {
      const once = run(mode, [client, user, dev]);
      if (!once.ok) throw new Error('refused');
      const twice = run(mode, once.body.messages as unknown[]);
      expect(twice).toMatchObject({ ok: true, changed: false });
    }
  });
});

describe('roles and decisions', () => {
  it('sends the canonical message with the role the policy names', () => {
    const result = run('prepend', [user], 'developer');
    expect(result.ok && result.body.messages).toEqual([{ role: 'developer', content: CANON }, user]);
  });

  it('records how many client system messages there were, not their text', () => {
    const result = run('prepend', [client, user]);
    expect(result.decisions).toEqual([{ param: 'system', requested: 1, applied: 'prepend', rule: 'system', reason: 'inserted the canonical system message before 1 client system/developer message(s)' }]);
    expect(JSON.stringify(result.decisions)).not.toContain('Be brief.');
  });

  it('refuses messages that are not a list', () => {
    const policy = policyFor(`model: m\nsystem: { text: x }`, 'm');
    expect(applyPolicy({ model: 'm', messages: 'hi' }, policy, chatRoute)).toMatchObject({ ok: false, error: { kind: 'invalid_type', param: 'messages' } });
  });
});
