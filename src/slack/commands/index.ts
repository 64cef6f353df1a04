/**
 * The `/negotiation` slash command: acked at once, parsed, answered privately through the
 * command's response_url. Status and audit read; takeover and resume change a negotiation.
 */
import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { SLASH_COMMAND } from '../actions.js';
import type { InteractionDeps } from '../interactions/deps.js';
import { guarded } from '../interactions/errors.js';
import type { Answer } from './answer.js';
import { auditAnswer, auditFilter } from './audit.js';
import { handOver, type Invocation } from './hand-over.js';
import { helpAnswer, invalidAnswer, unknownAnswer } from './help.js';
import { type NegotiationCommand, parseNegotiationCommand } from './parse.js';
import { resolveNegotiation, unresolvedAnswer } from './resolve.js';
import { statusAnswer } from './status.js';

const id = z.string().min(1).max(200);
/** The fields of a slash command payload this command reads. */
const payloadSchema = z.looseObject({
  command: z.literal(SLASH_COMMAND),
  text: z.string().max(4000),
  user_id: id,
  channel_id: id,
  trigger_id: id,
  response_url: z.url(),
});

const FAILED = 'That did not work; nothing was changed. Please try again.';

export function answerCommand(
  deps: InteractionDeps,
  command: NegotiationCommand,
  invocation: Invocation,
  report: { negotiationId?: string } = {},
): Answer {
  switch (command.kind) {
    case 'help':
      return helpAnswer();
    case 'unknown':
      return unknownAnswer(command.word);
    case 'invalid':
      return invalidAnswer(command.subcommand, command.problem);
    case 'status': {
      const resolution = resolveNegotiation(deps.lookup, command.query);
      if (resolution.kind !== 'one') return unresolvedAnswer(command.query, resolution);
      report.negotiationId = resolution.match.id;
      return statusAnswer(resolution.match, deps.mailbox);
    }
    case 'audit':
      return auditAnswer(command, deps.audit(auditFilter(command, deps.clock.now())));
    case 'takeover':
    case 'resume':
      return handOver(deps, command, invocation, report);
  }
}

export function registerNegotiationCommand(app: App, deps: InteractionDeps): void {
  app.command(
    SLASH_COMMAND,
    guarded<SlackCommandMiddlewareArgs & AllMiddlewareArgs>(
      deps,
      SLASH_COMMAND,
      async ({ ack, command, respond }, report) => {
        await ack();
        const payload = payloadSchema.safeParse(command);
        if (!payload.success) {
          deps.logger.warn(
            { command: SLASH_COMMAND, problem: payload.error.issues[0]?.message },
            'a slash command that is not ours: ignored',
          );
          return;
        }
        const { user_id: user, channel_id: channel, trigger_id: triggerId } = payload.data;
        report.user = user;
        const parsed = parseNegotiationCommand(payload.data.text);
        let answer: Answer;
        try {
          answer = answerCommand(deps, parsed, { user, channel, triggerId }, report);
        } catch (error) {
          // Reported by the guard; the person still learns that nothing happened.
          await respond({ response_type: 'ephemeral', text: FAILED }).catch(() => {});
          throw error;
        }
        await respond({
          response_type: 'ephemeral',
          text: answer.text,
          ...(answer.blocks ? { blocks: answer.blocks as never } : {}),
        });
      },
    ),
  );
}

export { type NegotiationCommand, parseNegotiationCommand } from './parse.js';
