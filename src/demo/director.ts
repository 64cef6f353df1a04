/**
 * The teammate in Slack during the demo: clicks what a person would click, through the Slack
 * emulator's interaction path (the same Socket Mode envelopes a real click produces). In review
 * mode every draft is approved as written; the firm persona's escalation is approved at the
 * persona's own price through the amount dialog. Each decision is made once.
 */
import { formatCents } from '../domain/money.js';
import type { Sandbox } from '../sandbox/index.js';
import type { SlackMessage } from '../sandbox/slack/workspace.js';
import { ESCALATION_ACTIONS, MODALS, REVIEW_ACTIONS } from '../slack/actions.js';
import { type Progress, slackKind } from './observe.js';

/** The sandbox workspace's teammate who decides. */
export const DEMO_USER = 'U0ALICE';

type Block = Record<string, unknown>;

function buttonOf(message: SlackMessage, actionId: string): { value?: string } | null {
  for (const block of (message.blocks ?? []) as Block[]) {
    const elements = Array.isArray(block.elements) ? (block.elements as Block[]) : [];
    const found = elements.find((e) => e.type === 'button' && e.action_id === actionId);
    if (found) return typeof found.value === 'string' ? { value: found.value } : {};
  }
  return null;
}

export function createDirector(deps: {
  sandbox: Sandbox;
  channel: string;
  review: boolean;
  note: (line: string) => void;
}) {
  const { slack } = deps.sandbox;
  /** Messages already decided on (ts), and modals already submitted (view id). */
  const decided = new Set<string>();
  const submitted = new Set<string>();

  async function click(message: SlackMessage, actionId: string): Promise<boolean> {
    const button = buttonOf(message, actionId);
    if (!button || decided.has(message.ts)) return false;
    decided.add(message.ts);
    const handle = slack.clickButton({
      user: DEMO_USER,
      channel: deps.channel,
      ts: message.ts,
      actionId,
      ...(button.value === undefined ? {} : { value: button.value }),
    });
    await handle.acked;
    return true;
  }

  /** Fills and submits the counter-amount modal the click opened. */
  async function approveAmount(cents: number): Promise<boolean> {
    const view = slack
      .views()
      .find(
        (v) =>
          v.open &&
          v.user === DEMO_USER &&
          v.view.callback_id === MODALS.counterAmount &&
          !submitted.has(v.view.id),
      );
    if (!view) return false;
    submitted.add(view.view.id);
    const input = (view.view.blocks as Block[]).find((b) => b.type === 'input');
    const element = (input?.element ?? {}) as Block;
    const handle = slack.submitModal({
      user: DEMO_USER,
      viewId: view.view.id,
      values: {
        [String(input?.block_id)]: { [String(element.action_id)]: (cents / 100).toFixed(2) },
      },
    });
    await handle.acked;
    return true;
  }

  async function actOn(row: Progress): Promise<void> {
    for (const message of row.slack) {
      const kind = slackKind(message);
      if (deps.review && kind === 'requestApproval') {
        if (await click(message, REVIEW_ACTIONS.approve))
          deps.note(`${DEMO_USER} approves the draft to ${row.name} as written`);
      }
      if (
        row.role.approveAsk &&
        row.state === 'escalated' &&
        kind === 'postEscalation' &&
        row.askCents !== null
      ) {
        // "Another amount…" beside a suggested counter; "Approve a counter…" when there is none.
        const other = buttonOf(message, ESCALATION_ACTIONS.approveAmount)
          ? ESCALATION_ACTIONS.approveAmount
          : ESCALATION_ACTIONS.approveCounter;
        if (await click(message, other))
          deps.note(`${DEMO_USER} opens the amount dialog on ${row.name}'s escalation`);
      }
    }
    if (row.role.approveAsk && row.askCents !== null && (await approveAmount(row.askCents)))
      deps.note(`${DEMO_USER} approves ${formatCents(row.askCents)}, ${row.name}'s own price`);
  }

  return {
    async act(rows: Progress[]): Promise<void> {
      for (const row of rows) await actOn(row);
    },
  };
}
