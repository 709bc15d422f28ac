// An explanation as a person reads it: why this policy, what changed, what goes upstream.
import type { Decision } from '../../policy/decision.ts';
import type { Explanation } from './explanation.ts';

function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

function why(explanation: Explanation): string {
  const { policy, model } = explanation;
  if (policy === null) {
    return `no policy governs ${JSON.stringify(model)}: the request is forwarded unchanged but for what its base model refuses (refused with 400 model_not_allowed when UNLISTED_MODELS=reject)`;
  }
  const where = `${policy.path}`;
  switch (policy.via) {
    case 'exact':
      return `policy ${policy.name}: ${JSON.stringify(model)} is the model of ${where}`;
    case 'alias':
      return `policy ${policy.name}: ${JSON.stringify(model)} is an alias in ${where}, sent upstream as ${policy.model}`;
    case 'persona':
      return `policy ${policy.name}: ${JSON.stringify(model)} is a persona of ${where}, sent upstream as ${policy.model}`;
    case 'pattern':
      return `policy ${policy.name}: ${JSON.stringify(model)} matches the pattern ${JSON.stringify(policy.model)} of ${where} (no exact id, alias or persona claims it; the most specific matching pattern wins)`;
  }
}

function baseLine(explanation: Explanation): string | undefined {
  const { base } = explanation;
  if (base === null) return undefined;
  const stated = base.stated ? " (the policy's base:)" : '';
  if (base.family === null) return `base: ${base.id}${stated}: not in the catalog, nothing inherited`;
  return `base: ${base.id}${stated}: catalog family ${base.family} (src/catalog/models.ts)`;
}

function decisionLine(decision: Decision): string {
  if (decision.rule === 'system') return `  system   ${decision.reason ?? String(decision.applied)}`;
  if (decision.rule === 'unsupported') return `  ${decision.param}: ${show(decision.requested)} → removed   (unsupported: ${decision.reason ?? `${decision.base ?? 'the base'} does not accept it`})`;
  if (decision.rule === 'renamed') return `  ${decision.param}: ${show(decision.requested)} → ${decision.applied === undefined ? 'removed' : 'renamed'}   (renamed: ${decision.reason ?? ''})`;
  const change = decision.rule === 'drop' ? `${show(decision.requested)} → removed` : `${show(decision.requested)} → ${show(decision.applied)}`;
  return `  ${decision.param}: ${change}   (${decision.rule}${decision.reason === undefined ? '' : `: ${decision.reason}`})`;
}

export function formatExplanation(explanation: Explanation): string {
  const lines = [why(explanation), `route: POST ${explanation.path}`];
  const base = baseLine(explanation);
  if (base !== undefined) lines.push(base);
  if (explanation.policy !== null || explanation.decisions.length > 0) {
    lines.push(explanation.decisions.length === 0 ? 'decisions: none (the request already satisfies the policy)' : 'decisions:');
    lines.push(...explanation.decisions.map(decisionLine));
  }
  const { outcome } = explanation;
  if (!outcome.forwarded) {
    lines.push(`refused: the gateway answers ${outcome.status} and sends nothing upstream:`, JSON.stringify(outcome.error, null, 2));
  } else {
    lines.push(outcome.changed ? 'the upstream receives:' : "the upstream receives the client's own bytes, unchanged:", JSON.stringify(outcome.body, null, 2));
  }
  return `${lines.join('\n')}\n`;
}
