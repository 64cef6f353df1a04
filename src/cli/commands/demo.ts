/**
 * `negotiator demo`: the agent's whole job on this machine, without a single credential. See
 * src/demo/run.ts for what runs; this file is the options and the printing.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CAST } from '../../demo/cast.js';
import { runDemo } from '../../demo/run.js';
import { createLiveView, summaryLines } from '../../demo/view.js';
import { type Command, parseOptions, wholeOption } from '../command.js';

const USAGE = `Usage: negotiator demo [options]

Starts local emulators of Gmail, Pub/Sub, Sheets, Slack, Anthropic and Sentry, runs the real
service (negotiator serve) against them with a temporary database, and plays one negotiation per
persona: ${CAST.map((r) => `${r.personaId} (${r.story})`).join('; ')}.
A live view shows each negotiation's state, round and last offer; a table sums up at the end.
Takes about half a minute.

Options:
  --review       review mode on: every email waits in Slack, and the demo clicks Approve
  --seed N       seed for the personas' words and every random choice (default 1)
  --json FILE    also write the results as JSON to FILE
  --out DIR      where transcripts and the service's log go (default demo-output)
  --inspect      start the Stately inspector relay (http://127.0.0.1:9400) to watch the actors;
                 on a terminal the demo waits for Enter before it stops the service

Exit codes: 0 when every persona reached its expected outcome, with exactly one agreement alert
per agreed deal and no email sent twice; 1 otherwise; 2 for bad arguments.`;

const OPTIONS = {
  review: { type: 'boolean', default: false },
  seed: { type: 'string' },
  json: { type: 'string' },
  out: { type: 'string', default: 'demo-output' },
  inspect: { type: 'boolean', default: false },
} as const;

const INSPECT_PORT = 9400;

/** Resolves on Enter or end of input. */
function waitForEnter(): Promise<void> {
  return new Promise((done) => {
    const finish = () => {
      process.stdin.off('data', finish);
      process.stdin.off('end', finish);
      process.stdin.pause();
      done();
    };
    process.stdin.on('data', finish);
    process.stdin.on('end', finish);
    process.stdin.resume();
  });
}

export const runDemoCommand: Command = {
  name: 'demo',
  summary: 'run the agent end to end against local emulators: seven personas, no credentials',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseOptions(args, OPTIONS);
    const seed = wholeOption('seed', values.seed, 0, 2 ** 32 - 1) ?? 1;
    const out = io.stdout as typeof io.stdout & { isTTY?: boolean };
    const view = createLiveView(out);
    const outDir = resolve(values.out);
    out.write(
      `negotiator demo: ${CAST.length} influencers, review mode ${values.review ? 'on' : 'off'}, seed ${seed}\n`,
    );
    // Ctrl-C reaches the service too (same process group): it stops, and so does the demo,
    // removing its temporary files.
    const interrupt = new AbortController();
    const onInterrupt = () => interrupt.abort();
    process.once('SIGINT', onInterrupt);
    const result = await runDemo({
      signal: interrupt.signal,
      seed,
      review: values.review,
      outDir,
      ...(values.inspect ? { inspectPort: INSPECT_PORT } : {}),
      onProgress: (rows, ms) => view.update(rows, ms),
      onNote: (line) => view.note(line),
      // On a terminal, the service stays up for the inspector until Enter.
      ...(values.inspect && process.stdin.isTTY
        ? {
            beforeStop: async () => {
              view.note('press Enter to stop the service and see the results');
              await waitForEnter();
            },
          }
        : {}),
    });
    process.off('SIGINT', onInterrupt);
    out.write(`${summaryLines(result).join('\n')}\n`);
    if (values.json) {
      const file = resolve(values.json);
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      out.write(`Results as JSON: ${file}\n`);
    }
    return result.ok ? 0 : 1;
  },
};
