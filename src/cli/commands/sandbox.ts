import { startSandbox } from '../../sandbox/index.js';
import { type Command, parseOptions, wholeOption } from '../command.js';

const USAGE = `Usage: negotiator sandbox [options]

Starts local emulators of Gmail, Pub/Sub, Sheets, Slack, Anthropic and Sentry on 127.0.0.1 and
prints, on stdout, the export lines that point \`negotiator serve\` at them (credentials and a
database in a temporary folder included). Information goes to stderr, so

  negotiator sandbox > sandbox.env &
  . ./sandbox.env && negotiator serve

works. Runs until interrupted (Ctrl-C); the temporary folder is removed on exit.

Options:
  --service-port N   port negotiator serve will listen on; pushes go there (default 8080)
  --control-port N   port of the control API (default: a free port)
  --seed N           seed for every random choice, for reproducible runs (default 1)
  --no-auto-push     do not push a notification for each mailbox change while a watch is active`;

const OPTIONS = {
  'service-port': { type: 'string' },
  'control-port': { type: 'string' },
  seed: { type: 'string' },
  'no-auto-push': { type: 'boolean', default: false },
} as const;

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

export const runSandbox: Command = {
  name: 'sandbox',
  summary: 'run local emulators of every external service and print the environment for them',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseOptions(args, OPTIONS);
    const servicePort = wholeOption('service-port', values['service-port'], 1, 65_535);
    const controlPort = wholeOption('control-port', values['control-port'], 0, 65_535);
    const seed = wholeOption('seed', values.seed, 0, 2 ** 32 - 1);
    const sandbox = await startSandbox({
      ...(servicePort === undefined ? {} : { servicePort }),
      ...(controlPort ? { ports: { control: controlPort } } : {}),
      ...(seed === undefined ? {} : { seed }),
      autoPush: !values['no-auto-push'],
    });
    io.stderr.write(
      [
        `negotiator sandbox: emulators up on 127.0.0.1 in ${Math.round(sandbox.startupMs)} ms`,
        `  control API  ${sandbox.control.url}/control`,
        `  push target  ${sandbox.pushEndpoint}`,
        `  data folder  ${sandbox.dataDir} (removed on exit)`,
        '',
      ].join('\n'),
    );
    io.stdout.write(
      `${Object.entries(sandbox.env())
        .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
        .join('\n')}\n# negotiator sandbox is ready; control API: ${sandbox.control.url}/control\n`,
    );
    io.stderr.write('Ready. Press Ctrl-C to stop.\n');
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await sandbox.close();
    io.stderr.write('negotiator sandbox: stopped\n');
    return 0;
  },
};
