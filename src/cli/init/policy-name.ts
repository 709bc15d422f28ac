// The policy's name (its file name) when `--name` is not given, from the model id:
// `ft:gpt-4o-mini-2024-07-18:acme:support:9xYzAbC` → `support` (the fine-tune's suffix).
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isPolicyName(name: string): boolean {
  return NAME.test(name);
}

export function policyNameFor(model: string): string {
  const parts = model.split(':');
  // ft:BASE:ORG:SUFFIX:ID; the suffix is optional (ft:BASE:ORG::ID).
  const candidates = parts[0] === 'ft' ? [parts[3], parts[2], parts[1]] : [model];
  for (const candidate of candidates) {
    const name = (candidate ?? '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|-+$/g, '');
    if (isPolicyName(name)) return name;
  }
  return 'model';
}
