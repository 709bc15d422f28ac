// What the policy engine did to one request, for headers, traces, logs and `temperance explain`.

// unsupported, renamed: what the request's base model refuses or renames (src/catalog/inherit.ts).
export type DecisionRule = 'default' | 'clamp' | 'fixed' | 'drop' | 'system' | 'alias' | 'unsupported' | 'renamed';

export type Decision = {
  param: string;
  /** What the client sent; undefined when it sent nothing (absent stays absent: 0 is a real temperature). */
  requested: unknown;
  /** What goes upstream; undefined when the parameter was removed. */
  applied: unknown;
  rule: DecisionRule;
  /** Why, in words, where the rule alone does not say it. */
  reason?: string;
  /** unsupported and renamed: the catalog family of the request's base model (`o4-mini`). */
  base?: string;
};

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
