/**
 * `negotiator serve`: the service itself. Refuses to start (exit 78) when the configuration or a
 * credential is wrong, listing every problem with its fix; on SIGTERM or SIGINT it stops
 * gracefully (exit 0), and a second signal exits at once (exit 1).
 */
import { type Config, ConfigError, loadConfig } from '../../config.js';
import { createLogShipper } from '../../observability/log-shipping.js';
import { createLogger } from '../../observability/logger.js';
import {
  captureIsolated,
  closeSentry,
  initSentry,
  sentrySettingsFrom,
} from '../../observability/sentry.js';
import { startService } from '../../service/index.js';
import { assertStartupCredentials, CONFIG_EXIT_CODE } from '../../startup/index.js';
import { type Command, parseOptions } from '../command.js';

const USAGE = `Usage: negotiator serve

Runs the agent: reads the mailbox, negotiates, posts to Slack, and serves /health, /ready,
/metrics and the webhooks on PORT (default 8080). Configuration comes from the environment and
.env (see .env.example; check it with \`negotiator check-config --live\`).

Exit codes: 0 after a graceful stop (SIGTERM or SIGINT), 78 when the configuration or a
credential is wrong, 1 on any other failure or a second signal during the stop.`;

export const runServe: Command = {
  name: 'serve',
  summary: 'run the agent and its HTTP endpoints until stopped',
  usage: USAGE,
  async run(args, io) {
    parseOptions(args, {});
    let config: Config;
    try {
      config = loadConfig();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.stderr.write(`${error.message}\n`);
      return CONFIG_EXIT_CODE;
    }
    // Normally started by `--import …/instrument.js` before anything loads; a no-op then.
    initSentry(sentrySettingsFrom(config));
    const shipper = config.logShipping.url
      ? createLogShipper({
          url: config.logShipping.url,
          ...(config.logShipping.user ? { user: config.logShipping.user } : {}),
          ...(config.secrets.LOG_SHIP_TOKEN ? { token: config.secrets.LOG_SHIP_TOKEN } : {}),
          labels: config.logShipping.labels,
        })
      : undefined;
    const logger = createLogger({
      level: config.logLevel,
      environment: config.env,
      secrets: Object.values(config.secrets),
      ...(shipper ? { ship: shipper } : {}),
    });
    const finish = async (code: number) => {
      await shipper?.close(5_000);
      await closeSentry(2_000);
      return code;
    };
    const checked = await assertStartupCredentials(config, io);
    if (checked !== 0) return finish(checked);
    const service = await startService({
      config,
      logger,
      onError: (error, context) =>
        void captureIsolated(error, {
          actionId: context.action,
          negotiationId: context.negotiationId,
        }),
    }).catch(async (error: unknown) => {
      logger.fatal({ err: error }, 'negotiator could not start');
      await finish(1);
      throw error;
    });
    return new Promise<number>((resolve) => {
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) {
          logger.warn({ signal }, 'second signal: exiting at once');
          process.exit(1);
        }
        logger.info({ signal }, 'stopping');
        service.stop().then(
          async (drained) => {
            if (!drained)
              logger.warn('some effects were still running: the next start reconciles them');
            resolve(await finish(0));
          },
          async (error: unknown) => {
            logger.error({ err: error }, 'the stop failed');
            resolve(await finish(1));
          },
        );
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
  },
};
