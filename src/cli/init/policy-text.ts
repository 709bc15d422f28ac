// The policy file `init` writes: YAML with comments saying where each value came from and why,
// so the file explains itself to whoever edits it next.
import { percent } from './report.ts';
import type { SystemMessageCount } from './system-messages.ts';

export type PolicyDraft = {
  model: string;
  /** The training file, as the user named it. */
  source: string;
  totalLines: number;
  system: SystemMessageCount | undefined;
  personas: { name: string; message: SystemMessageCount }[];
  /** Starting rules the model's base refuses (contract §7), left out; with the family that refuses them. */
  refused?: { params: readonly string[]; family: string };
};

/** Conservative sampling for a fine-tune nobody has measured yet. */
export const STARTING_SAMPLING = { temperature: { default: 0.6, min: 0, max: 0.8 }, top_p: { default: 0.9 } } as const;


/** A scalar that reads back as exactly `text`: a block for plain multi-line text, else quoted. */
export function yamlText(text: string, indent: string): string {
  const lines = text.split('\n');
  const blockSafe = lines.length > 1 && !text.includes('\r') && !/^\s/.test(text) && !lines.some((line) => /[ \t]$/.test(line) || line.startsWith('\t'));
  if (!blockSafe) return JSON.stringify(text);
  return `|\n${lines.map((line) => (line === '' ? '' : `${indent}${line}`)).join('\n')}`;
}

function systemBlock(message: SystemMessageCount, totalLines: number, indent: string): string[] {
  return [
    `${indent}# On ${message.lines.length} of ${totalLines} training lines (${percent(message.share)}). The exact text the model`,
    `${indent}# was trained with switches the trained behaviour on: do not reword it.`,
    `${indent}text: ${yamlText(message.text, `${indent}  `)}`,
    `${indent}# prepend: sent first; a client's own system message stays after it. Use replace to`,
    `${indent}# allow no other system message, if_missing to let clients send their own instead.`,
    `${indent}mode: prepend`,
    ...(message.role === 'developer' ? [`${indent}role: developer   # the training lines use the developer role`] : []),
  ];
}

function samplingBlock(draft: PolicyDraft): string[] {
  const { temperature, top_p } = STARTING_SAMPLING;
  const refused = new Set(draft.refused?.params ?? []);
  const rules = [
    ...(refused.has('temperature') ? [] : [`  temperature: { default: ${temperature.default}, min: ${temperature.min}, max: ${temperature.max} }`]),
    ...(refused.has('top_p') ? [] : [`  top_p: { default: ${top_p.default} }`]),
  ];
  const why = draft.refused === undefined ? [] : [
    `# No ${draft.refused.params.join(' or ')} rule: this model is based on ${draft.refused.family}, which does not accept`,
    `# ${draft.refused.params.length > 1 ? 'them' : 'it'} (src/catalog/models.ts). The gateway removes ${draft.refused.params.length > 1 ? 'them' : 'it'} from requests rather than let the model refuse them.`,
  ];
  if (rules.length === 0) return why;
  return [
    '# Starting values until measured: fine-tunes are usually served at 0.5–0.7, and above about',
    '# 0.8 their answers drift from what they were trained on. top_p 0.9 cuts the long tail of',
    '# unlikely tokens. Replace this block with the one `temperance sweep` suggests.',
    ...why,
    'sampling:',
    ...rules,
    '# A value a client sends outside [min, max] is moved to the nearest bound, not refused.',
  ];
}

export function renderPolicy(draft: PolicyDraft): string {
  const lines = [
    '# yaml-language-server: $schema=../schema/policy.schema.json',
    `# Written by \`temperance init\` from ${draft.source} (${draft.totalLines} training lines).`,
    `model: ${JSON.stringify(draft.model)}`,
    ...samplingBlock(draft),
    'out_of_range: clamp',
  ];
  if (draft.system !== undefined) {
    lines.push('system:', ...systemBlock(draft.system, draft.totalLines, '  '));
  }
  if (draft.personas.length > 0) {
    lines.push(
      '# The training lines show several behaviours, each switched on by its own system message.',
      '# Clients pick one by sending its name as the model; the model id itself gets no system message.',
      'personas:',
    );
    for (const { name, message } of draft.personas) {
      lines.push(`  ${name}:`, '    system:', ...systemBlock(message, draft.totalLines, '      '));
    }
  }
  return `${lines.join('\n')}\n`;
}
