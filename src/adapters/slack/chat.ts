/**
 * The chat port: what the service does in Slack, in its own words. Effects and alerts depend on
 * this interface only; `createSlackChatPort` implements it on @slack/web-api. Every method
 * throws RetryableError or PermanentError, never an SDK error.
 */
import type { Block } from '../../slack/blocks/kit.js';

/** Machine-readable metadata on a message: how a post is found again after a lost answer. */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, string | number | boolean>;
}

export interface PostRequest {
  channel: string;
  /** The notification text (and what screen readers and old clients show). */
  text: string;
  blocks: readonly Block[];
  metadata: MessageMetadata;
  /** Posts as a reply in this message's thread. */
  threadTs?: string;
  /** A thread reply that also shows in the channel. */
  broadcast?: boolean;
}

export interface PostedMessage {
  channel: string;
  ts: string;
}

export interface FoundMessage {
  ts: string;
  /** The parent's ts when the message is a thread reply; null for a top-level message. */
  threadTs: string | null;
}

export interface FindRequest {
  channel: string;
  /** `event_payload.key` of the message looked for. */
  key: string;
  /** Only messages whose `metadata.event_type` is this one. */
  eventType?: string;
  /** Epoch milliseconds: older messages are not searched. */
  oldest: number;
  /** Search the replies of this thread instead of the channel's top-level messages. */
  threadTs?: string;
}

export interface BotIdentity {
  userId: string;
  botId: string | null;
  teamId: string;
}

export interface ChatPort {
  post(message: PostRequest): Promise<PostedMessage>;
  update(message: {
    channel: string;
    ts: string;
    text: string;
    blocks: readonly Block[];
  }): Promise<void>;
  /** The newest message carrying `key` in its metadata, within a bounded number of pages. */
  findByMetadataKey(request: FindRequest): Promise<FoundMessage | null>;
  /** Who the token is (a startup check that the token works). */
  authTest(): Promise<BotIdentity>;
}
