// `temperance sweep`: every prompt at every setting, N samples each, scored, reported and
// turned into a suggested `sampling:` block. Requests go straight to an OpenAI-compatible URL
// with the policy applied here by the gateway's engine, minus its rules for the swept parameters.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inheritFromBase } from '../../catalog/inherit.ts';
import { CliError } from '../cli-error.ts';
import type { Command, Io } from '../io.ts';
import { parseNumberFlag, parseOptions, required } from '../options.ts';
import { loadPolicyFolder, policyDir } from '../policy-folder.ts';
import { problemLines } from '../init/report.ts';
import { sendChat, type ChatClient } from './chat-request.ts';
import { runPool } from './pool.ts';
import { createProgress } from './progress.ts';
import { parsePrompts, type Prompt } from './prompts.ts';
import { renderReport } from './report.ts';
import { requestBody, requestKey, withoutRules } from './request-body.ts';
import { openResultsFile, type SweepResult } from './results-file.ts';
import { scoreSetting, type SettingScores } from './scores.ts';
import { DEFAULT_TEMPERATURES, parseList, settingGrid, type Setting } from './settings.ts';
import { suggestSampling } from './suggest.ts';
import { scoresText } from './summary.ts';
import type { JsonObject } from '../../policy/decision.ts';

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

const usage = `temperance sweep --model MODEL --prompts FILE [flags]

Sends each prompt (chat fine-tuning format; a last assistant message is the expected answer)
at each temperature, N samples each, scores every setting, writes an HTML report and prints a
suggested sampling: block. The policy governing MODEL is applied here (system message,
persona/alias, other rules) except its rules for the swept parameters, and requests go
straight to --base-url. Results are saved as they arrive: run the same command again to
continue a sweep that was stopped.
  --temperature LIST  default ${DEFAULT_TEMPERATURES.join(',')}
  --top-p LIST        also sweep top_p (default: not sent, the policy's rule applies)
  --samples N         answers per prompt and setting (default 3)
  --base-url URL      OpenAI-compatible base URL (default: OPENAI_BASE_URL, else ${DEFAULT_BASE_URL});
                      the key is OPENAI_API_KEY
  --concurrency C     requests in flight (default 4)
  --out FILE          the report (default sweep-report.html)
  --results FILE      the saved results (default: the report's name with .jsonl)
  --fresh             forget saved results and ask again
  --seed N            sample i is sent with seed N+i (default 1)
  --tolerance X       how far below the best a setting may score and still be allowed (default 0.05)
  --retries N         retries of a request on 429/5xx (default 5)
  --policies DIR      the policy folder (default: POLICIES_DIR, else policies)`;

type Job = { prompt: Prompt; setting: Setting; sample: number; body: JsonObject; key: string };

// Every later request would fail the same way: stop instead of spending the whole sweep on it.
const FATAL = new Set([401, 403, 404]);

async function readPromptsFile(path: string, io: Io): Promise<Prompt[]> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, path), 'utf8');
  } catch {
    throw new CliError(`cannot read ${path}`);
  }
  const { prompts, problems } = parsePrompts(text);
  if (problems.length > 0) io.err(`${path}: ${problems.length} line(s) skipped:\n${problemLines(problems).join('\n')}\n`);
  if (prompts.length === 0) throw new CliError(`${path} has no prompt to send`);
  return prompts;
}

function resultsPathFor(out: string): string {
  return out.endsWith('.html') ? `${out.slice(0, -'.html'.length)}.jsonl` : `${out}.jsonl`;
}

async function run(args: string[], io: Io): Promise<number> {
  const flags = parseOptions(args, {
    model: { type: 'string' },
    prompts: { type: 'string' },
    temperature: { type: 'string' },
    'top-p': { type: 'string' },
    samples: { type: 'string' },
    'base-url': { type: 'string' },
    concurrency: { type: 'string' },
    out: { type: 'string', default: 'sweep-report.html' },
    results: { type: 'string' },
    fresh: { type: 'boolean', default: false },
    seed: { type: 'string' },
    tolerance: { type: 'string' },
    retries: { type: 'string' },
    policies: { type: 'string' },
  });
  const model = required(flags.model, 'model');
  const promptsPath = required(flags.prompts, 'prompts');
  const temperatures = flags.temperature === undefined ? DEFAULT_TEMPERATURES : parseList(flags.temperature, 'temperature', { min: 0, max: 2 });
  const topPs = flags['top-p'] === undefined ? null : parseList(flags['top-p'], 'top-p', { min: 0, max: 1 });
  const samples = parseNumberFlag(flags.samples, 'samples', 3, { min: 1, max: 100, integer: true });
  const concurrency = parseNumberFlag(flags.concurrency, 'concurrency', 4, { min: 1, max: 64, integer: true });
  const seed = parseNumberFlag(flags.seed, 'seed', 1, { min: 0, integer: true });
  const tolerance = parseNumberFlag(flags.tolerance, 'tolerance', 0.05, { min: 0, max: 1 });
  const retries = parseNumberFlag(flags.retries, 'retries', 5, { min: 0, max: 20, integer: true });
  const baseUrl = (flags['base-url'] ?? (io.env.OPENAI_BASE_URL || undefined) ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) throw new CliError(`--base-url ${JSON.stringify(baseUrl)}: expected an http or https URL`);
  const url = `${baseUrl}/chat/completions`;
  const resultsPath = flags.results ?? resultsPathFor(flags.out);

  const set = await loadPolicyFolder(policyDir(flags.policies, io), io);
  const resolution = set.resolve(model);
  const warnings: string[] = [];
  if (resolution === null) warnings.push(`no policy governs ${model}: prompts are sent as they are, without a canonical system message`);
  else if (resolution.policy.system === undefined) {
    warnings.push(`policy ${resolution.policy.name} (${resolution.policy.path}) governs ${model} but gives no system message: a fine-tune measured without the one it was trained with is not the model your users get (temperance init writes a policy with it)`);
  }
  const swept = topPs === null ? ['temperature'] : ['temperature', 'top_p'];
  const policy = resolution === null ? null : withoutRules(resolution.policy, swept);
  const prompts = await readPromptsFile(promptsPath, io);
  const settings = settingGrid(temperatures, topPs);

  const jobs: Job[] = [];
  for (const prompt of prompts) {
    for (const setting of settings) {
      for (let sample = 0; sample < samples; sample += 1) {
        const body = requestBody(prompt, setting, sample, { model, policy, seed });
        // Contract §7: a base that refuses the swept parameter gives nothing to measure.
        const refused = inheritFromBase(body, 'chat', resolution?.policy.base).decisions.find((decision) => decision.rule === 'unsupported' && swept.includes(decision.param));
        if (refused !== undefined) throw new CliError(`${model}: ${refused.reason ?? `the base model does not accept ${refused.param}`}: there is nothing to sweep (prompt on line ${prompt.line})`);
        jobs.push({ prompt, setting, sample, body, key: requestKey(url, body, sample) });
      }
    }
  }

  const results = await openResultsFile(resolve(io.cwd, resultsPath), flags.fresh);
  if (results.unreadable > 0) io.err(`${resultsPath}: ${results.unreadable} unreadable line(s) ignored (a run stopped mid-write); those requests run again\n`);
  const pending = jobs.filter((job) => !results.done.has(job.key));
  const progress = createProgress(jobs.length, jobs.length - pending.length, io);

  let fatal: string | undefined;
  let gatewayPolicy: string | undefined;
  const client: ChatClient = {
    url,
    apiKey: io.env.OPENAI_API_KEY || undefined,
    fetch: io.fetch,
    retries,
    sleep: (ms) => sleep(ms),
    onRetry: () => progress.retry(),
  };
  await runPool(pending, concurrency, async (job) => {
    const started = performance.now();
    const answer = await sendChat(client, job.body);
    if (answer.policyHeader !== null) gatewayPolicy ??= answer.policyHeader;
    if (!answer.ok && answer.status !== null && FATAL.has(answer.status)) {
      fatal ??= `the upstream at ${baseUrl} answers ${answer.error}`;
      return;
    }
    const result: SweepResult = {
      key: job.key,
      prompt: job.prompt.index,
      temperature: job.setting.temperature,
      top_p: job.setting.top_p,
      sample: job.sample,
      output: answer.ok ? answer.output : null,
      refusal: answer.ok ? answer.refusal : null,
      finish_reason: answer.ok ? answer.finishReason : null,
      error: answer.ok ? null : answer.error,
      attempts: answer.attempts,
      ms: Math.round(performance.now() - started),
    };
    await results.append(result);
    results.done.set(job.key, result);
    progress.done(!answer.ok);
  }, () => fatal !== undefined);
  progress.finish();
  if (fatal !== undefined) throw new CliError(`${fatal}\n(results so far are kept in ${resultsPath}: fix the cause and run the same command again)`);
  if (gatewayPolicy !== undefined) {
    warnings.push(`${baseUrl} is a temperance gateway (policy ${gatewayPolicy}): its own sampling rules still apply there, so settings outside its range were measured clamped. Point --base-url at its upstream (its OPENAI_BASE_URL) to sweep freely`);
  }

  const done = jobs.map((job) => results.done.get(job.key)).filter((result) => result !== undefined);
  const scores: SettingScores[] = settings.map((setting) => ({
    setting,
    scores: scoreSetting(prompts, done.filter((result) => result.temperature === setting.temperature && result.top_p === setting.top_p)),
  }));
  const suggestion = suggestSampling(scores, tolerance);
  const html = renderReport({
    model,
    policy: resolution?.policy.name ?? null,
    system: resolution?.policy.system?.text ?? null,
    baseUrl,
    promptsFile: promptsPath,
    samples,
    settings,
    prompts,
    results: done,
    scores,
    suggestion,
    warnings,
    generatedAt: new Date().toISOString(),
  });
  const out = resolve(io.cwd, flags.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, html);

  if (warnings.length > 0) io.err(`${warnings.map((warning) => `warning: ${warning}`).join('\n')}\n`);
  const failed = done.filter((result) => result.error !== null).length;
  io.out(`${scoresText(scores)}\n\n`);
  io.out(suggestion.ok ? `suggested for ${resolution?.policy.path ?? 'the policy file'}:\n${suggestion.yaml}\n` : `no suggestion: ${suggestion.reason}\n`);
  io.out(`\nreport: ${flags.out} · results: ${resultsPath}${failed > 0 ? ` · ${failed} request(s) failed: run again to retry them` : ''}\n`);
  return 0;
}

export const sweepCommand: Command = { summary: 'measure a model at several temperatures on real prompts', usage, run };
