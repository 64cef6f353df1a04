/**
 * `negotiator check-config [--live] [--json]`: the environment (and .env), the YAML files under
 * CONFIG_DIR and every credential, in one report with a fix for each problem. Exit 0 when all is
 * well, 78 (EX_CONFIG) otherwise — the same code `serve` exits with when it refuses to start.
 */
import { type Config, ConfigError, loadConfig } from '../../config.js';
import { loadCampaigns } from '../../config-files/campaigns.js';
import { loadEscalationPolicy } from '../../config-files/escalation.js';
import { loadModelPrices } from '../../config-files/model-prices.js';
import { loadRateCard } from '../../config-files/rate-card.js';
import { formatProblem, loadKnowledgeBase } from '../../llm/knowledge-base.js';
import {
  CONFIG_EXIT_CODE,
  type CredentialProblem,
  type CredentialReport,
  checkCredentials,
  formatReport,
} from '../../startup/index.js';
import { type Command, parseOptions } from '../command.js';

export const runCheckConfig: Command = {
  name: 'check-config',
  summary: 'validate the environment, config/*.yaml and the credentials, reporting every problem',
  usage: [
    'Usage: negotiator check-config [--live] [--json]',
    '',
    'Validates environment variables (and .env), config/rate-card.yaml, config/escalation.yaml,',
    'config/campaigns/*.yaml and the credentials for Gmail, the Sheets service account, Slack and',
    'Anthropic. Every problem is listed with how to fix it; no secret is ever printed.',
    '',
    '  --live   also sign in to Slack (auth.test), Gmail (getProfile) and read the influencer sheet',
    '  --json   print the report as JSON on stdout',
    '',
    `Exit status: 0 when everything is fine, ${CONFIG_EXIT_CODE} when something must be fixed.`,
  ].join('\n'),
  async run(args, io) {
    const { values } = parseOptions(args, {
      live: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    const live = values.live === true;
    const report = await buildReport(live);
    if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else (report.ok ? io.stdout : io.stderr).write(formatReport(report));
    return report.ok ? 0 : CONFIG_EXIT_CODE;
  },
};

async function buildReport(live: boolean): Promise<CredentialReport> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Without a valid environment the files and credentials cannot be located: report what is known.
    return {
      ok: false,
      live,
      problems: error.problems.map(environmentProblem),
      passed: [],
      notes: ['YAML files and credentials not checked: fix the environment first'],
    };
  }
  const fileProblems = [
    ...checkFiles(config.configDir),
    ...checkKnowledgeBase(config.knowledgeBaseDir),
  ];
  const report = await checkCredentials(config, { live });
  const problems = [...fileProblems, ...report.problems];
  const passed = fileProblems.length
    ? report.passed
    : [{ what: 'Configuration files', detail: `${config.configDir} is valid` }, ...report.passed];
  return { ...report, ok: problems.length === 0, problems, passed };
}

function checkFiles(dir: string): CredentialProblem[] {
  const problems: CredentialProblem[] = [];
  const attempt = <T>(what: string, load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      problems.push({
        what: `${what} in ${dir} (CONFIG_DIR)`,
        problem: (error as Error).message,
        fix: 'correct the file where the message points; config/ in the repository holds working examples',
      });
      return undefined;
    }
  };
  const rateCard = attempt('rate card (rate-card.yaml)', () => loadRateCard(dir));
  attempt('escalation rules (escalation.yaml)', () => loadEscalationPolicy(dir));
  // Campaigns take their defaults from the rate card: without it they would only repeat its error.
  if (rateCard)
    attempt('campaigns (campaigns/*.yaml)', () => loadCampaigns(dir, rateCard.defaults));
  attempt('model prices (model-prices.yaml)', () => loadModelPrices(dir));
  return problems;
}

/** The knowledge base the writer reads: `serve` refuses to start with a broken one. */
function checkKnowledgeBase(dir: string): CredentialProblem[] {
  const { problems } = loadKnowledgeBase(dir);
  return problems.map((problem) => ({
    what: `knowledge base in ${dir} (KNOWLEDGE_BASE_DIR)`,
    problem: formatProblem(problem),
    fix: "correct the file's frontmatter (title, stage, platform, order, example); knowledge-base/README.md describes it",
  }));
}

/** ConfigError lines read "VARIABLE: what is wrong"; values are never part of them. */
function environmentProblem(line: string): CredentialProblem {
  const at = line.indexOf(': ');
  const variable = at > 0 ? line.slice(0, at) : 'environment';
  const problem = at > 0 ? line.slice(at + 2) : line;
  return {
    what: variable,
    problem,
    fix:
      variable === 'ENV_FILE'
        ? 'point ENV_FILE at an existing file, or unset it to read ./.env'
        : `set ${variable} in the environment or .env (.env.example documents each variable)`,
  };
}
