/** The Slack adapter's public surface. */
export type {
  BotIdentity,
  ChatPort,
  FindRequest,
  FoundMessage,
  MessageMetadata,
  PostedMessage,
  PostRequest,
} from './chat.js';
export { createSlackChatPort, type SlackChatPortOptions } from './chat-port.js';
export { translateSlackError } from './errors.js';
