/** The inbound Slack listeners: every button and every modal the agent's messages lead to. */
import type { App } from '@slack/bolt';
import { CLICK_HANDLERS } from './click-handlers.js';
import { onClicks } from './clicks.js';
import type { InteractionDeps } from './deps.js';
import { registerModalSubmissions } from './modal-submissions.js';

export function registerInteractions(app: App, deps: InteractionDeps): void {
  onClicks(app, deps, CLICK_HANDLERS);
  registerModalSubmissions(app, deps);
}

export type {
  CheckEdited,
  Dispatch,
  EditedText,
  GateVerdict,
  InteractionDeps,
  InteractionLookup,
  ListenerErrorHook,
} from './deps.js';
export { createCheckEdited, editedGateDecision } from './edited-gate.js';
export { createInteractionReads } from './sqlite-reads.js';
