import { loadConfig } from '../../config.js';
import { loadCampaigns } from '../../config-files/campaigns.js';
import { loadEscalationPolicy } from '../../config-files/escalation.js';
import { loadRateCard } from '../../config-files/rate-card.js';
import type { Command } from '../command.js';

export const runCheckConfig: Command = {
  name: 'check-config',
  summary: 'validate the environment and config/*.yaml, reporting every problem at once',
  usage:
    'Usage: negotiator check-config\n\nValidates environment variables (and .env), config/rate-card.yaml, config/escalation.yaml and config/campaigns/*.yaml.',
  async run(_args, io) {
    const problems: string[] = [];
    const attempt = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        problems.push((error as Error).message);
      }
    };
    let configDir: string | undefined;
    attempt(() => {
      configDir = loadConfig().configDir;
    });
    if (configDir !== undefined) {
      const dir = configDir;
      attempt(() => loadRateCard(dir));
      attempt(() => loadEscalationPolicy(dir));
      attempt(() => loadCampaigns(dir));
    }
    if (problems.length > 0) {
      io.stderr.write(`${problems.join('\n')}\n`);
      return 1;
    }
    io.stdout.write('configuration is valid\n');
    return 0;
  },
};
