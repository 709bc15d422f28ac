// POST /v1/chat/completions: the canonical system message is a message of `messages`.
import { gatewayError } from '../../errors.ts';
import type { Decision } from '../decision.ts';
import { countInstructions, isCanonical, isInstruction } from './messages.ts';
import type { RouteAdapter } from './route.ts';

const TEXT_PARTS = ['text'] as const;

export const chatRoute: RouteAdapter = {
  route: 'chat',
  path: '/chat/completions',
  applySystem(body, system) {
    const { messages } = body;
    if (!Array.isArray(messages)) {
      return { ok: false, error: gatewayError('invalid_type', 'messages must be an array of messages', 'messages') };
    }
    const canonical = { role: system.role, content: system.text };
    const clientCount = countInstructions(messages);
    const decision = (applied: string, reason: string): Decision => ({
      param: 'system', requested: clientCount, applied, rule: 'system', reason,
    });
    const firstIsCanonical = isCanonical(messages[0], system.text, TEXT_PARTS);

    if (system.mode === 'replace') {
      const others = messages.slice(firstIsCanonical ? 1 : 0).filter((message) => !isInstruction(message));
      if (firstIsCanonical) {
        if (others.length === messages.length - 1) return { ok: true, body };
        const removed = messages.length - 1 - others.length;
        return {
          ok: true,
          body: { ...body, messages: [messages[0], ...others] },
          decision: decision('replace', `kept the canonical system message, removed ${removed} other system/developer message(s)`),
        };
      }
      return {
        ok: true,
        body: { ...body, messages: [canonical, ...others] },
        decision: decision('replace', `the canonical system message replaced ${clientCount} client system/developer message(s)`),
      };
    }
    if (firstIsCanonical) return { ok: true, body };
    if (system.mode === 'if_missing' && clientCount > 0) return { ok: true, body };
    return {
      ok: true,
      body: { ...body, messages: [canonical, ...messages] },
      decision: decision(system.mode, clientCount === 0
        ? 'inserted the canonical system message'
        : `inserted the canonical system message before ${clientCount} client system/developer message(s)`),
    };
  },
};
