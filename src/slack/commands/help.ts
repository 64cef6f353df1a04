/** What `/negotiation` can do, shown for `help`, an empty command or one it does not know. */
import { SLASH_COMMAND } from '../actions.js';
import { userText } from '../blocks/kit.js';
import type { Answer } from './answer.js';

const LINES = [
  `\`${SLASH_COMMAND} status <name | email | @handle | id>\` — where a negotiation stands: state, round, offers, who holds it, the Gmail thread`,
  `\`${SLASH_COMMAND} takeover <…>\` — you take the thread over; the agent stays silent until it is resumed`,
  `\`${SLASH_COMMAND} resume <…>\` — hand a taken-over or paused negotiation back to the agent`,
  `\`${SLASH_COMMAND} audit influencer:<name> campaign:<id> last:7d\` — what happened, newest last (every filter is optional; quote values with spaces: influencer:"Ada Lovelace")`,
  `\`${SLASH_COMMAND} help\` — this list`,
];

export function helpAnswer(intro?: string): Answer {
  const list = LINES.map((line) => `• ${line}`).join('\n');
  const text = `${intro ? `${intro}\n` : ''}*${SLASH_COMMAND}* can do this:\n${list}`;
  return { text };
}

export function unknownAnswer(word: string): Answer {
  return helpAnswer(`I don't know \`${userText(word, 50)}\`.`);
}

export function invalidAnswer(subcommand: string, problem: string): Answer {
  return helpAnswer(
    `\`${SLASH_COMMAND} ${subcommand}\`: ${userText(problem, 300)}. Nothing was changed.`,
  );
}
