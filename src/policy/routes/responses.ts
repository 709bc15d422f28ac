// POST /v1/responses: the canonical system message is `instructions`; a client's own
// instructions move into `input` (prepend) or go (replace).
import { gatewayError } from '../../errors.ts';
import type { Decision, JsonObject } from '../decision.ts';
import type { SystemMessage } from '../schema.ts';
import { countInstructions, isCanonical, isInstruction } from './messages.ts';
import type { RouteAdapter, SystemOutcome } from './route.ts';

// Responses input messages carry `input_text` parts; the Vercel AI SDK sends system prompts as a string.
const TEXT_PARTS = ['input_text', 'text'] as const;

function withInput(body: JsonObject, items: unknown[] | undefined, instructions: string | undefined): JsonObject {
  const next: JsonObject = { ...body };
  if (items !== undefined) next.input = items;
  if (instructions === undefined) delete next.instructions;
  else next.instructions = instructions;
  return next;
}

export const responsesRoute: RouteAdapter = {
  route: 'responses',
  path: '/responses',
  applySystem(body, system): SystemOutcome {
    const { input, instructions } = body;
    if (instructions !== undefined && instructions !== null && typeof instructions !== 'string') {
      return { ok: false, error: gatewayError('invalid_type', 'instructions must be a string', 'instructions') };
    }
    if (input !== undefined && typeof input !== 'string' && !Array.isArray(input)) {
      return { ok: false, error: gatewayError('invalid_type', 'input must be a string or an array of items', 'input') };
    }
    // null or "" count as not sent.
    const clientInstructions = typeof instructions === 'string' && instructions !== '' ? instructions : undefined;
    const items = Array.isArray(input) ? input : undefined;
    const inputCount = items === undefined ? 0 : countInstructions(items);
    const requested = inputCount + (clientInstructions === undefined ? 0 : 1);
    const decision = (reason: string): Decision => ({
      param: 'system', requested, applied: system.mode, rule: 'system', reason,
    });
    const instructionsCanonical = instructions === system.text;
    const firstCanonical = items !== undefined && isCanonical(items[0], system.text, TEXT_PARTS);

    if (system.mode === 'replace') return replace(body, system, items, { instructionsCanonical, firstCanonical, clientInstructions, decision });
    if (instructionsCanonical || firstCanonical) return { ok: true, body };
    if (system.mode === 'if_missing') {
      if (clientInstructions !== undefined || inputCount > 0) return { ok: true, body };
      return { ok: true, body: withInput(body, undefined, system.text), decision: decision('set instructions to the canonical system message') };
    }
    // prepend: the canonical text becomes `instructions`; the client's moves to the start of input.
    if (clientInstructions === undefined) {
      return { ok: true, body: withInput(body, undefined, system.text), decision: decision('set instructions to the canonical system message') };
    }
    const moved = { role: system.role, content: clientInstructions };
    const rest = typeof input === 'string' ? [{ role: 'user', content: input }] : (items ?? []);
    return {
      ok: true,
      body: withInput(body, [moved, ...rest], system.text),
      decision: decision("set instructions to the canonical system message; the client's instructions moved to the start of input"),
    };
  },
};

type ReplaceFacts = {
  instructionsCanonical: boolean;
  firstCanonical: boolean;
  clientInstructions: string | undefined;
  decision: (reason: string) => Decision;
};

function replace(body: JsonObject, system: SystemMessage, items: unknown[] | undefined, facts: ReplaceFacts): SystemOutcome {
  const kept = items === undefined ? undefined : items.filter((item, index) => (facts.firstCanonical && index === 0) || !isInstruction(item));
  const removedItems = items === undefined || kept === undefined ? 0 : items.length - kept.length;
  if (facts.firstCanonical && !facts.instructionsCanonical) {
    // The canonical message already leads the input: it stays the only one.
    const removedInstructions = facts.clientInstructions === undefined ? 0 : 1;
    if (removedItems + removedInstructions === 0) return { ok: true, body };
    return {
      ok: true,
      body: withInput(body, kept, undefined),
      decision: facts.decision(`kept the canonical message at the start of input, removed ${removedItems + removedInstructions} other system/developer message(s)`),
    };
  }
  if (facts.instructionsCanonical && removedItems === 0) return { ok: true, body };
  const replaced = removedItems + (facts.clientInstructions === undefined || facts.instructionsCanonical ? 0 : 1);
  return {
    ok: true,
    body: withInput(body, kept === undefined || removedItems === 0 ? undefined : kept, system.text),
    decision: facts.decision(`instructions set to the canonical system message; removed ${replaced} client system/developer message(s)`),
  };
}
